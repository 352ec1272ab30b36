"""Invariants of governed execution, over random sequences of operations by random people (hypothesis).

After every step, on SQLite and PostgreSQL:
- no measure is Closed without a sign-off by its controller, who is neither its owner nor its sponsor;
- the audit log verifies;
- every roll-up equals the sum of its measures' values (the incremental pre-aggregates equal a rebuild);
- a refused operation changes nothing;
- the pipeline as known at every earlier step is reproduced exactly from the temporal facts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.factory import APPROVERS, World, build_world
from valuegate.audit.models import AuditEvent
from valuegate.audit.service import verify_chain
from valuegate.config import load_settings
from valuegate.context import bind
from valuegate.db import Database
from valuegate.dependencies import service as deps
from valuegate.errors import DomainError
from valuegate.finance import service as finance
from valuegate.finance.models import SignOff
from valuegate.gates import service as gates
from valuegate.milestones import service as milestones
from valuegate.milestones.models import Milestone
from valuegate.portfolio import service as portfolio
from valuegate.portfolio.models import Measure, Node
from valuegate.rollups import queries
from valuegate.rollups.rebuild import rebuild, snapshot

PERSONAS = ["owner", "sponsor", "controller", "pmo", "admin", "finance", "viewer", "deputy"]
STAGES = ["identified", "detailed", "decided", "implemented", "closed", "cancelled", "defined"]
NEXT = {"defined": "identified", "identified": "detailed", "detailed": "decided", "decided": "implemented"}
periods = st.sampled_from([f"2026-{m:02d}" for m in range(1, 13)])
amounts = st.integers(min_value=-2_000, max_value=50_000)


class GovernedExecution(RuleBasedStateMachine):
    measures = Bundle("measures")

    def __init__(self, new_database: Callable[[], Database]) -> None:
        super().__init__()
        self.db = new_database()
        self.s = self.db.session(write=True).__enter__()
        bind(self.s, load_settings(self.db.url), TODAY)
        self.w: World = build_world(self.s)
        self.w.ids["project2"] = portfolio.create_node(
            self.s,
            actor=self.w["pmo"],
            kind="project",
            name="Second project",
            parent_id=self.w.ids["program"],
            org_unit_id=self.w.ids["ou_hr"],
            owner_id=self.w.ids["owner"],
            sponsor_id=self.w.ids["sponsor"],
            controller_id=self.w.ids["controller"],
        ).id
        self.known: list[tuple[datetime, dict[str, Any]]] = []

    def teardown(self) -> None:
        self.s.close()

    # -- operations ---------------------------------------------------------------------------------

    def _attempt(self, op: Callable[[], object], *, atomic: bool = True) -> bool:
        """Run one service call; when it is refused, check that nothing changed."""
        before = self._state() if atomic else None
        try:
            op()
        except DomainError:
            self.s.rollback()
            if atomic:
                assert self._state() == before, "a refused operation changed something"
            return False
        return True

    @initialize(target=measures, monthly=st.integers(min_value=1, max_value=5_000))
    def first_measure(self, monthly: int) -> int:
        return self.w.measure("First", monthly=monthly)

    @rule(target=measures, monthly=st.integers(min_value=0, max_value=5_000), second=st.booleans())
    def create_measure(self, monthly: int, second: bool) -> int:
        mid = self.w.measure("Generated", monthly=monthly)
        if second:
            self._attempt(lambda: self._move(mid, "project2"))
        return mid

    def _move(self, mid: int, project: str) -> None:
        portfolio.move_node(
            self.s,
            actor=self.w["pmo"],
            node_id=mid,
            version=self.w.node(mid).version,
            new_parent_id=self.w.ids[project],
            reason="Re-scoped",
        )

    @rule(mid=measures, project=st.sampled_from(["project", "project2"]))
    def move(self, mid: int, project: str) -> None:
        self._attempt(lambda: self._move(mid, project))

    @rule(
        mid=measures,
        series=st.sampled_from(["plan", "forecast", "actual"]),
        who=st.sampled_from(PERSONAS),
        entries=st.lists(st.tuples(periods, amounts), min_size=1, max_size=4),
        kind=st.sampled_from(["recurring", "recurring", "one_time_cost"]),
        stale=st.booleans(),
    )
    def set_values(self, mid: int, series: str, who: str, entries: list[tuple[str, int]], kind: str, stale: bool):  # type: ignore[no-untyped-def]
        version = self.w.version(mid) - (1 if stale else 0)
        self._attempt(
            lambda: finance.set_values(
                self.s,
                actor=self.w[who],
                measure_id=mid,
                series=series,
                entries=[finance.Entry(kind, p, a) for p, a in dict(entries).items()],
                values_version=version,
                reason="Re-forecast",
            )
        )

    @rule(mid=measures, days=st.integers(min_value=-40, max_value=60), who=st.sampled_from(PERSONAS))
    def add_milestone(self, mid: int, days: int, who: str) -> None:
        self._attempt(
            lambda: milestones.add_milestone(
                self.s, actor=self.w[who], measure_id=mid, name="Step", due_on=TODAY + timedelta(days=days)
            )
        )

    @rule(mid=measures)
    def finish_milestones(self, mid: int) -> None:
        for m in self.s.scalars(select(Milestone).where(Milestone.measure_id == mid, Milestone.done_on.is_(None))):
            self._attempt(
                lambda m=m: milestones.update_milestone(
                    self.s, actor=self.w["owner"], milestone_id=m.id, version=m.version, changes={"done_on": TODAY}
                )
            )

    @rule(mid=measures)
    def declare(self, mid: int) -> None:
        self._attempt(
            lambda: portfolio.update_node(
                self.s,
                actor=self.w["owner"],
                node_id=mid,
                version=self.w.node(mid).version,
                changes={"one_time_costs_declared": True, "dependencies_declared": True, "services_declared": True},
            )
        )

    @rule(mid=measures)
    def advance(self, mid: int) -> None:
        """The owner asks for the next gate and its approvers approve, when the criteria allow."""
        stage = self.w.stage(mid)
        if stage not in NEXT:
            return
        req: list[Any] = []
        if not self._attempt(
            lambda: req.append(gates.request_move(self.s, actor=self.w["owner"], measure_id=mid, to_stage=NEXT[stage]))
        ):
            return
        for approver in APPROVERS[NEXT[stage]]:
            self._attempt(lambda a=approver: gates.approve(self.s, actor=self.w[a], request_id=req[0].id))

    @rule(mid=measures, stage=st.sampled_from(["decided", "implemented"]))
    def take_through_the_gates(self, mid: int, stage: str) -> None:
        """Several steps, each its own transaction, as the people involved would take them."""
        self._attempt(lambda: self.w.advance(mid, stage), atomic=False)

    @rule(mid=measures, amount=st.integers(min_value=0, max_value=20_000))
    def book_actuals(self, mid: int, amount: int) -> None:
        self._attempt(
            lambda: finance.set_values(
                self.s,
                actor=self.w["controller"],
                measure_id=mid,
                series="actual",
                entries=[finance.Entry("recurring", "2026-05", amount)],
                values_version=self.w.version(mid),
            )
        )

    @rule(
        mid=measures,
        to_stage=st.sampled_from(STAGES),
        who=st.sampled_from(PERSONAS),
        decider=st.sampled_from(PERSONAS),
        action=st.sampled_from(["approve", "reject", "defer", "withdraw"]),
    )
    def request_and_decide(self, mid: int, to_stage: str, who: str, decider: str, action: str) -> None:
        req: list[Any] = []
        if not self._attempt(
            lambda: req.append(
                gates.request_move(self.s, actor=self.w[who], measure_id=mid, to_stage=to_stage, reason="Because")
            )
        ):
            return
        rid = req[0].id
        calls: dict[str, Callable[[], object]] = {
            "approve": lambda: gates.approve(self.s, actor=self.w[decider], request_id=rid),
            "reject": lambda: gates.reject(self.s, actor=self.w[decider], request_id=rid, comment="No"),
            "defer": lambda: gates.defer(
                self.s, actor=self.w[decider], request_id=rid, until=TODAY + timedelta(days=7), reason="Later"
            ),
            "withdraw": lambda: gates.withdraw(self.s, actor=self.w[decider], request_id=rid),
        }
        self._attempt(calls[action])
        self._attempt(lambda: gates.withdraw(self.s, actor=self.w["pmo"], request_id=rid))

    @rule(mid=measures, value=st.integers(min_value=0, max_value=100_000))
    def close(self, mid: int, value: int) -> None:
        """The controller books the actuals and signs off, once the measure is Implemented."""
        if self.w.stage(mid) != "implemented":
            return
        self.book_actuals(mid, value)
        self.sign_off(mid, "controller", value)

    @rule(mid=measures, who=st.sampled_from(PERSONAS), value=st.integers(min_value=0, max_value=100_000))
    def sign_off(self, mid: int, who: str, value: int) -> None:
        self._attempt(
            lambda: gates.sign_off(
                self.s,
                actor=self.w[who],
                measure_id=mid,
                verified_value=value,
                evidence_ref="GL 1",
                confirm_actuals=True,
            )
        )

    @rule(up=measures, down=measures, who=st.sampled_from(PERSONAS))
    def depend(self, up: int, down: int, who: str) -> None:
        self._attempt(lambda: deps.add_dependency(self.s, actor=self.w[who], upstream_id=up, downstream_id=down))

    @rule()
    def remember_the_pipeline(self) -> None:
        self.s.commit()
        time.sleep(0.002)  # facts recorded later must carry a later time
        at = datetime.now(UTC)
        time.sleep(0.002)
        self.known.append((at, queries.pipeline_as_of(self.s, at, f"/{self.w.ids['portfolio']}/")))

    # -- invariants ---------------------------------------------------------------------------------

    def _state(self) -> tuple[Any, ...]:
        self.s.expire_all()
        return (
            self.s.scalar(select(func.count()).select_from(AuditEvent)),
            tuple(self.s.execute(select(Measure.node_id, Measure.stage, Measure.values_version)).all()),
            frozenset((k, frozenset(v)) for k, v in snapshot(self.s).items()),
        )

    @invariant()
    def closed_only_by_an_independent_controller(self) -> None:
        rows = self.s.execute(
            select(Node.id, Node.owner_id, Node.sponsor_id, Node.controller_id)
            .join(Measure, Measure.node_id == Node.id)
            .where(Measure.stage == "closed")
        ).all()
        for mid, owner, sponsor, controller in rows:
            signers = set(self.s.scalars(select(SignOff.controller_id).where(SignOff.measure_id == mid)))
            assert controller in signers and controller not in (owner, sponsor)

    @invariant()
    def audit_log_verifies(self) -> None:
        assert verify_chain(self.s).ok

    @invariant()
    def rollups_equal_the_sum_of_their_measures(self) -> None:
        self.s.commit()
        incremental = snapshot(self.s)
        rebuild(self.s)
        rebuilt = snapshot(self.s)
        self.s.rollback()
        assert incremental == rebuilt

    @invariant()
    def earlier_pipelines_are_reproduced(self) -> None:
        path = f"/{self.w.ids['portfolio']}/"
        for at, recorded in self.known:
            assert queries.pipeline_as_of(self.s, at, path) == recorded


def test_invariants_hold_over_random_operations(new_database) -> None:  # type: ignore[no-untyped-def]
    run_state_machine_as_test(
        lambda: GovernedExecution(new_database),
        settings=settings(
            max_examples=12,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
