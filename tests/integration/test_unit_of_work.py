"""One use-case, one transaction: a use-case that calls another joins its unit of work, so a failure anywhere in
it leaves nothing behind — not the nested approval, not an audit event."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.factory import build_world
from valuegate.audit.models import AuditEvent
from valuegate.decisions import service as decisions
from valuegate.decisions.models import Decision
from valuegate.errors import InvalidInput, RuleViolation
from valuegate.gates import service as gates
from valuegate.gates.models import GateAction, GateRequest
from valuegate.portfolio.models import Node
from valuegate.uow import NestedFailure, commit_batch, depth, use_case


def _counts(s: Any) -> tuple[int, int, int]:
    return (
        s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
        s.scalar(select(func.count()).select_from(Decision)) or 0,
        s.scalar(select(func.count()).select_from(GateAction)) or 0,
    )


def test_a_steering_decision_and_its_gate_approval_are_one_transaction(session: Any, monkeypatch: Any) -> None:
    w = build_world(session)
    m = w.measure(sponsor_id=w.ids["sponsor"], controller_id=w.ids["controller"], owner_id=w.ids["owner"])
    req = gates.request_move(session, actor=w["owner"], measure_id=m, to_stage="identified")
    meeting = decisions.create_meeting(session, actor=w["pmo"], title="Steering", held_on=TODAY)
    before = _counts(session)

    approve = gates.approve

    def approve_then_fail(*args: Any, **kwargs: Any) -> Any:
        approve(*args, **kwargs)  # the real approval, with its stage move and audit events
        raise RuleViolation("the decision could not be recorded")

    monkeypatch.setattr(gates, "approve", approve_then_fail)
    with pytest.raises(RuleViolation):
        decisions.record_decision(
            session, actor=w["pmo"], meeting_id=meeting.id, gate_request_id=req.id, outcome="approve", text="Go"
        )
    session.expire_all()
    assert _counts(session) == before
    assert w.stage(m) == "defined"
    request = session.get(GateRequest, req.id)
    assert request is not None and request.status == "pending"
    assert depth(session) == 0

    monkeypatch.setattr(gates, "approve", approve)
    decisions.record_decision(
        session, actor=w["pmo"], meeting_id=meeting.id, gate_request_id=req.id, outcome="approve", text="Go"
    )
    session.expire_all()
    assert w.stage(m) == "identified"
    audit, decided, actions = _counts(session)
    assert decided == before[1] + 1 and actions == before[2] + 1 and audit > before[0]


def test_a_caught_failure_of_a_nested_use_case_dooms_the_outer_one(session: Any) -> None:
    w = build_world(session)
    names_before = session.scalar(select(func.count()).select_from(Node))

    @use_case
    def outer(s: Any) -> None:
        w.measure(name="Written first", monthly=0)  # a nested use-case: joins, does not commit
        with contextlib.suppress(InvalidInput):
            w.measure(name="", monthly=0)  # refused: a measure needs a name

    with pytest.raises(NestedFailure):
        outer(session)
    assert session.scalar(select(func.count()).select_from(Node)) == names_before


def test_bulk_loaders_cannot_commit_inside_a_use_case(session: Any) -> None:
    @use_case
    def sneaky(s: Any) -> None:
        commit_batch(s)

    with pytest.raises(RuntimeError, match="outermost use-case commits"):
        sneaky(session)
