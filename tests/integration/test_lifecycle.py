"""The whole life of a measure through the gate engine, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from tests.conftest import TODAY
from tests.factory import build_world
from valuegate.audit.service import verify_chain
from valuegate.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation, StaleVersion
from valuegate.finance import service as finance
from valuegate.gates import service as gates
from valuegate.milestones import service as milestones
from valuegate.portfolio import service as portfolio
from valuegate.rollups import queries


def _to_decided(w, mid: int) -> None:  # type: ignore[no-untyped-def]
    s = w.s
    req = gates.request_move(s, actor=w["owner"], measure_id=mid, to_stage="identified")
    gates.approve(s, actor=w["pmo"], request_id=req.id)
    milestones.add_milestone(s, actor=w["owner"], measure_id=mid, name="Go-live", due_on=TODAY + timedelta(days=30))
    portfolio.update_node(
        s,
        actor=w["owner"],
        node_id=mid,
        version=w.node(mid).version,
        changes={"one_time_costs_declared": True, "dependencies_declared": True, "services_declared": True},
    )
    req = gates.request_move(s, actor=w["owner"], measure_id=mid, to_stage="detailed")
    gates.approve(s, actor=w["controller"], request_id=req.id)
    req = gates.request_move(s, actor=w["owner"], measure_id=mid, to_stage="decided")
    gates.approve(s, actor=w["sponsor"], request_id=req.id, comment="Go")
    gates.approve(s, actor=w["controller"], request_id=req.id)


def test_full_life_of_a_measure(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    mid = w.measure("Cut licence spend", monthly=1000)
    assert w.stage(mid) == "defined"
    ng = gates.next_gate(session, actor=w["owner"], measure_id=mid)
    assert ng.to_stage == "identified" and ng.unmet == []

    # Detailed refuses to be requested while the business case is incomplete, naming what is missing.
    req = gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="identified")
    with pytest.raises(PermissionDenied):
        gates.approve(session, actor=w["owner"], request_id=req.id)  # self-approval
    gates.approve(session, actor=w["pmo"], request_id=req.id)
    assert w.stage(mid) == "identified"
    with pytest.raises(RuleViolation) as exc:
        gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="detailed")
    codes = {e["criterion"] for e in exc.value.errors}
    assert {"milestone_due", "one_time_costs", "dependencies_declared", "services_declared"} <= codes

    _to_decided_rest(w, mid)
    assert w.stage(mid) == "decided"
    # The plan is frozen as the baseline.
    values = finance.measure_values(session, mid)
    assert values["baseline"]["recurring"]["total"] == 12_000
    with pytest.raises(RuleViolation, match="frozen"):
        finance.set_values(
            session,
            actor=w["owner"],
            measure_id=mid,
            series="plan",
            entries=[finance.Entry("recurring", "2026-01", 5)],
            values_version=w.version(mid),
        )

    # Implemented needs every milestone done.
    with pytest.raises(RuleViolation, match="milestones"):
        gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="implemented")
    milestones.add_milestone(session, actor=w["owner"], measure_id=mid, name="Extra", due_on=TODAY)
    for m in session.scalars(select(milestones.Milestone).where(milestones.Milestone.measure_id == mid)).all():
        milestones.update_milestone(
            session, actor=w["owner"], milestone_id=m.id, version=m.version, changes={"done_on": TODAY}
        )
    req = gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="implemented")
    gates.defer(session, actor=w["sponsor"], request_id=req.id, until=TODAY + timedelta(days=7), reason="Next SteerCo")
    gates.approve(session, actor=w["sponsor"], request_id=req.id)
    assert w.stage(mid) == "implemented"

    # Actuals: only the controller (or finance); the owner is refused.
    with pytest.raises(PermissionDenied, match="actuals"):
        finance.set_values(
            session,
            actor=w["owner"],
            measure_id=mid,
            series="actual",
            entries=[finance.Entry("recurring", "2026-01", 900)],
            values_version=w.version(mid),
        )
    finance.set_values(
        session,
        actor=w["controller"],
        measure_id=mid,
        series="actual",
        entries=[finance.Entry("recurring", f"2026-{i:02d}", 1100) for i in range(1, 13)],
        values_version=w.version(mid),
    )

    # Closing: no plain approval, not the owner, not an admin; only the controller's sign-off.
    req = gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="closed")
    with pytest.raises(RuleViolation, match="sign-off"):
        gates.approve(session, actor=w["controller"], request_id=req.id)
    for who in ("owner", "admin", "sponsor", "pmo"):
        with pytest.raises(PermissionDenied):
            gates.sign_off(
                session, actor=w[who], measure_id=mid, verified_value=13_200, evidence_ref="GL 1", confirm_actuals=True
            )
    with pytest.raises(InvalidInput):
        gates.sign_off(
            session,
            actor=w["controller"],
            measure_id=mid,
            verified_value=13_200,
            evidence_ref=" ",
            confirm_actuals=True,
        )
    gates.sign_off(
        session,
        actor=w["controller"],
        measure_id=mid,
        verified_value=13_200,
        evidence_ref="GL doc 4711",
        confirm_actuals=True,
    )
    assert w.stage(mid) == "closed"
    assert verify_chain(session).ok


def _to_decided_rest(w, mid: int) -> None:  # type: ignore[no-untyped-def]
    s = w.s
    milestones.add_milestone(s, actor=w["owner"], measure_id=mid, name="Go-live", due_on=TODAY + timedelta(days=30))
    portfolio.update_node(
        s,
        actor=w["owner"],
        node_id=mid,
        version=w.node(mid).version,
        changes={"one_time_costs_declared": True, "dependencies_declared": True, "services_declared": True},
    )
    req = gates.request_move(s, actor=w["owner"], measure_id=mid, to_stage="detailed")
    gates.approve(s, actor=w["controller"], request_id=req.id)
    req = gates.request_move(s, actor=w["owner"], measure_id=mid, to_stage="decided")
    with pytest.raises(InvalidInput, match="rationale"):
        gates.approve(s, actor=w["sponsor"], request_id=req.id)
    gates.approve(s, actor=w["sponsor"], request_id=req.id, comment="Go")
    assert w.stage(mid) == "detailed"  # still waits for the controller's slot
    gates.approve(s, actor=w["controller"], request_id=req.id)


def test_database_refuses_closing_without_signoff_and_audit_edits(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    mid = w.measure()
    session.commit()
    with pytest.raises(Exception, match="sign-off"):
        session.execute(text("UPDATE measure SET stage = 'closed' WHERE node_id = :m"), {"m": mid})
    session.rollback()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text("UPDATE audit_event SET action = 'x' WHERE id = 1"))
    session.rollback()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text("DELETE FROM audit_event WHERE id = 1"))
    session.rollback()


def test_controller_must_differ_from_owner_and_sponsor(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    with pytest.raises(RuleViolation, match="segregation"):
        w.measure(controller_id=w.ids["owner"])
    mid = w.measure()
    with pytest.raises(RuleViolation, match="segregation"):
        portfolio.update_node(
            session,
            actor=w["pmo"],
            node_id=mid,
            version=w.node(mid).version,
            changes={"controller_id": w.ids["sponsor"]},
        )


def test_stale_versions_change_nothing(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    mid = w.measure()
    v = w.version(mid)
    finance.set_values(
        session,
        actor=w["owner"],
        measure_id=mid,
        series="forecast",
        entries=[finance.Entry("recurring", "2026-01", 10)],
        values_version=v,
    )
    with pytest.raises(StaleVersion):
        finance.set_values(
            session,
            actor=w["owner"],
            measure_id=mid,
            series="forecast",
            entries=[finance.Entry("recurring", "2026-01", 20)],
            values_version=v,
        )
    session.rollback()
    assert finance.measure_values(session, mid)["forecast"]["recurring"]["periods"] == {"2026-01": 10}
    node = w.node(mid)
    with pytest.raises(StaleVersion):
        portfolio.update_node(session, actor=w["owner"], node_id=mid, version=node.version - 1, changes={"name": "X"})


def test_one_open_request_and_bad_moves(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    mid = w.measure()
    with pytest.raises(RuleViolation, match="cannot move"):
        gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="decided")
    with pytest.raises(InvalidInput):
        gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="nonsense")
    with pytest.raises(InvalidInput, match="reason"):
        gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="cancelled")
    req = gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="identified")
    with pytest.raises(Conflict):
        gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="identified")
    with pytest.raises(InvalidInput, match="comment"):
        gates.reject(session, actor=w["pmo"], request_id=req.id, comment="")
    with pytest.raises(InvalidInput, match="future"):
        gates.defer(session, actor=w["pmo"], request_id=req.id, until=TODAY, reason="later")
    gates.reject(session, actor=w["pmo"], request_id=req.id, comment="Estimate not credible")
    with pytest.raises(Conflict):
        gates.approve(session, actor=w["pmo"], request_id=req.id)
    with pytest.raises(NotFound):  # the outsider may not see the measure: not found, its name not told
        gates.request_move(session, actor=w["outsider"], measure_id=mid, to_stage="identified")


def test_delegation_lets_a_deputy_approve(session) -> None:  # type: ignore[no-untyped-def]
    from valuegate.auth.service import create_delegation

    w = build_world(session)
    mid = w.measure()
    _to_decided_partial = gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="identified")
    gates.approve(session, actor=w["pmo"], request_id=_to_decided_partial.id)
    milestones.add_milestone(session, actor=w["owner"], measure_id=mid, name="M", due_on=TODAY + timedelta(days=3))
    portfolio.update_node(
        session,
        actor=w["owner"],
        node_id=mid,
        version=w.node(mid).version,
        changes={"one_time_costs_declared": True, "dependencies_declared": True, "services_declared": True},
    )
    req = gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="detailed")
    with pytest.raises(NotFound):  # not theirs to see before the delegation
        gates.approve(session, actor=w["deputy"], request_id=req.id)
    create_delegation(
        session,
        actor=w["controller"],
        delegator_id=w.ids["controller"],
        deputy_id=w.ids["deputy"],
        starts_on=TODAY - timedelta(days=1),
        ends_on=TODAY + timedelta(days=5),
        reason="holiday",
    )
    assert [r["id"] for r in gates.inbox(session, actor=w["deputy"])] == [req.id]
    assert [(r["id"], r["as_role"]) for r in gates.inbox(session, actor=w["controller"])] == [(req.id, "controller")]
    for persona in ("owner", "sponsor", "viewer", "outsider"):  # the owner requested it and owns the measure
        assert gates.inbox(session, actor=w[persona]) == [], persona
    gates.approve(session, actor=w["deputy"], request_id=req.id)
    assert gates.inbox(session, actor=w["controller"]) == []
    assert w.stage(mid) == "detailed"


def test_rollups_follow_every_change_and_as_of(session) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    w = build_world(session)
    a = w.measure("A", monthly=100)
    b = w.measure("B", monthly=50)
    before = datetime.now(UTC)
    scope = f"n:{w.ids['portfolio']}"
    p = queries.pipeline(session, scope)
    defined = next(r for r in p["stages"] if r["stage"] == "defined")
    assert defined["measures"] == 2 and defined["series"]["plan"]["total"] == 1800
    assert defined["series"]["plan"]["run_rate"] == 1800
    finance.set_values(
        session,
        actor=w["owner"],
        measure_id=a,
        series="plan",
        entries=[finance.Entry("recurring", "2026-12", 300)],
        values_version=w.version(a),
    )
    req = gates.request_move(session, actor=w["owner"], measure_id=b, to_stage="identified")
    gates.approve(session, actor=w["pmo"], request_id=req.id)
    p = queries.pipeline(session, scope)
    by = {r["stage"]: r for r in p["stages"]}
    assert by["defined"]["series"]["plan"]["total"] == 1400 and by["identified"]["series"]["plan"]["total"] == 600
    assert queries.pipeline(session, f"o:{w.ids['ou_company']}")["totals"] == p["totals"]
    old = queries.pipeline_as_of(session, before, w.node(w.ids["portfolio"]).path)
    assert {r["stage"]: r["measures"] for r in old["stages"] if r["measures"]} == {"defined": 2}
    assert old["totals"]["series"]["plan"]["total"] == 1800
    assert queries.periods(session, scope)["plan"]["2026-12"] == 350


def test_cycles_are_refused_with_the_cycle_named(session) -> None:  # type: ignore[no-untyped-def]
    from valuegate.dependencies import service as deps

    w = build_world(session)
    a, b, c = (w.measure(n) for n in ("Alpha", "Beta", "Gamma"))
    deps.add_dependency(session, actor=w["pmo"], upstream_id=a, downstream_id=b)
    deps.add_dependency(session, actor=w["pmo"], upstream_id=b, downstream_id=c)
    with pytest.raises(RuleViolation, match="cycle: Alpha → Beta → Gamma → Alpha"):
        deps.add_dependency(session, actor=w["pmo"], upstream_id=c, downstream_id=a)
    with pytest.raises(RuleViolation):
        deps.add_dependency(session, actor=w["pmo"], upstream_id=a, downstream_id=a)


def test_late_upstream_puts_downstream_at_risk(session) -> None:  # type: ignore[no-untyped-def]
    from valuegate.dependencies import service as deps

    w = build_world(session)
    up, down = w.measure("Up"), w.measure("Down")
    deps.add_dependency(session, actor=w["pmo"], upstream_id=up, downstream_id=down)
    milestones.add_milestone(session, actor=w["owner"], measure_id=up, name="Overdue", due_on=TODAY - timedelta(days=2))
    risk = deps.value_at_risk(session)
    assert [m["measure_id"] for m in risk["measures"]] == [down]
    assert risk["run_rate_at_risk"] == 12_000
