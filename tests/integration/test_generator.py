"""The scale generator: a small portfolio built the S7k way is consistent with the product's own rules."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from valuegate.audit.service import verify_chain
from valuegate.auth.models import Person
from valuegate.auth.policy import actor_for
from valuegate.finance.models import SignOff, ValueFact
from valuegate.gates import service as gates
from valuegate.portfolio.models import Measure, Node
from valuegate.rollups import queries
from valuegate.rollups.rebuild import rebuild, snapshot
from valuegate.rollups.service import recompute_statuses
from valuegate.scale.generator import SCALES, Generator


@pytest.fixture
def generated(session, settings):  # type: ignore[no-untyped-def]
    report = Generator(session, settings, SCALES["tiny"], today=TODAY).run()
    return session, report


def test_counts_and_audit_chain(generated) -> None:  # type: ignore[no-untyped-def]
    session, report = generated
    tiny = SCALES["tiny"]
    assert report.counts["measures"] == tiny.measures
    assert report.counts["milestones"] == tiny.milestones
    assert report.counts["dependencies"] == tiny.dependencies
    assert report.counts["people"] == tiny.people
    assert session.scalar(select(func.count()).select_from(Node).where(Node.kind == "project")) == tiny.projects
    result = verify_chain(session)
    assert result.ok and result.checked == tiny.audit_events


def test_closed_measures_carry_their_controllers_sign_off(generated) -> None:  # type: ignore[no-untyped-def]
    session, _ = generated
    closed = session.execute(
        select(Node.id, Node.owner_id, Node.sponsor_id, Node.controller_id)
        .join(Measure, Measure.node_id == Node.id)
        .where(Measure.stage == "closed")
    ).all()
    assert closed
    signers = dict(session.execute(select(SignOff.measure_id, SignOff.controller_id)).all())
    for mid, owner, sponsor, controller in closed:
        assert signers[mid] == controller and controller not in (owner, sponsor)


def test_statuses_follow_the_rules(generated, settings) -> None:  # type: ignore[no-untyped-def]
    session, _ = generated
    stored = dict(session.execute(select(Measure.node_id, Measure.impl_status + "/" + Measure.value_rag)).all())
    recompute_statuses(session, settings, list(stored), TODAY)
    session.flush()
    again = dict(session.execute(select(Measure.node_id, Measure.impl_status + "/" + Measure.value_rag)).all())
    assert again == stored


def test_portfolio_rollup_equals_the_sum_of_the_facts(generated) -> None:  # type: ignore[no-untyped-def]
    session, _ = generated
    portfolio = session.scalar(select(Node.id).where(Node.kind == "portfolio"))
    pipe = queries.pipeline(session, f"n:{portfolio}")
    plan = session.scalar(
        select(func.sum(ValueFact.amount)).where(
            ValueFact.series == "plan", ValueFact.kind == "recurring", ValueFact.valid_to.is_(None)
        )
    )
    assert pipe["totals"]["series"]["plan"]["total"] == plan
    assert pipe["totals"]["measures"] == SCALES["tiny"].measures


def test_a_gate_move_on_generated_data_keeps_rollups_exact(generated) -> None:  # type: ignore[no-untyped-def]
    session, _ = generated
    mid = session.scalar(select(Measure.node_id).where(Measure.stage == "defined").order_by(Measure.node_id))
    owner = session.scalar(select(Person).join(Node, Node.owner_id == Person.id).where(Node.id == mid))
    pmo = session.scalar(select(Person).where(Person.global_role == "pmo").order_by(Person.id))
    req = gates.request_move(session, actor=actor_for(owner), measure_id=mid, to_stage="identified")
    gates.approve(session, actor=actor_for(pmo), request_id=req.id)
    assert session.get(Measure, mid).stage == "identified"
    incremental = snapshot(session)
    rebuild(session)
    assert snapshot(session) == incremental
    assert verify_chain(session).ok


def test_refuses_a_database_that_already_holds_a_portfolio(generated, settings) -> None:  # type: ignore[no-untyped-def]
    session, _ = generated
    with pytest.raises(RuntimeError, match="already holds a portfolio"):
        Generator(session, settings, SCALES["tiny"], today=TODAY).run()
