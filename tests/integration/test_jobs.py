"""The worker: the daily status refresh (lateness when a due date passes) and outbox processing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.conftest import TODAY
from tests.factory import build_world
from valuegate.context import bind
from valuegate.dependencies import service as deps
from valuegate.jobs import service as jobs
from valuegate.jobs.models import OutboxMessage
from valuegate.milestones import service as milestones
from valuegate.portfolio.models import Measure
from valuegate.rollups import queries
from valuegate.rollups.rebuild import rebuild, snapshot


def _status(session, mid: int) -> tuple[str, bool]:  # type: ignore[no-untyped-def]
    session.expire_all()
    m = session.get(Measure, mid)
    return m.impl_status, m.upstream_risk


def test_a_passing_due_date_makes_a_measure_late_and_its_downstream_at_risk(db, session, settings) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    up, down = w.measure("Upstream"), w.measure("Downstream")
    w.advance(up, "decided")
    deps.add_dependency(session, actor=w["owner"], upstream_id=up, downstream_id=down)
    milestones.add_milestone(
        session, actor=w["owner"], measure_id=up, name="Cut-over", due_on=TODAY + timedelta(days=1)
    )
    assert _status(session, up)[0] == "on_track"
    assert jobs.refresh_statuses(session, settings, TODAY) == 0  # nothing has changed yet

    later = TODAY + timedelta(days=40)  # past the go-live milestone of advance() as well
    assert jobs.refresh_statuses(session, settings, later) == 1
    session.commit()
    assert _status(session, up) == ("late", False)
    assert _status(session, down) == ("at_risk_upstream", True)
    matrix = queries.status_matrix(session, f"n:{w.ids['project']}")
    assert any(r["impl_status"] == "late" and r["measures"] == 1 for r in matrix)
    incremental = snapshot(session)
    rebuild(session)
    assert snapshot(session) == incremental
    assert jobs.refresh_statuses(session, settings, later) == 0  # idempotent


def test_the_worker_runs_the_daily_refresh_once_per_day(db, session, settings) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    mid = w.measure("Late soon")
    milestones.add_milestone(session, actor=w["owner"], measure_id=mid, name="Pilot", due_on=TODAY)
    session.commit()
    later = TODAY + timedelta(days=1)
    assert jobs.schedule_daily(session, later) is True
    assert jobs.schedule_daily(session, later) is False
    session.commit()
    assert jobs.process_pending(db, settings, today=later) == 3, "refresh, health run, month-end snapshot"
    assert jobs.process_pending(db, settings, today=later) == 0
    assert _status(session, mid)[0] == "late"
    assert jobs.pending_count(session) == {"pending": 0, "failed": 0}


def test_a_failing_message_is_retried_then_parked_with_its_error(db, session, settings) -> None:  # type: ignore[no-untyped-def]
    calls: list[dict[str, object]] = []

    @jobs.handles("test.explode")
    def explode(s, payload):  # type: ignore[no-untyped-def]
        calls.append(payload)
        raise RuntimeError("mail server down")

    try:
        jobs.enqueue(session, "test.explode", {"n": 1})
        session.commit()
        for _ in range(jobs.MAX_ATTEMPTS):
            assert jobs.process_pending(db, settings) == 0
            with db.session(write=True) as s:  # make the retry due now
                bind(s, settings, TODAY)
                msg = s.scalar(select(OutboxMessage))
                msg.created_at = msg.created_at - timedelta(hours=1)
                s.commit()
        session.expire_all()
        msg = session.scalar(select(OutboxMessage))
        assert msg.attempts == jobs.MAX_ATTEMPTS and msg.processed_at is None
        assert "mail server down" in (msg.last_error or "")
        assert len(calls) == jobs.MAX_ATTEMPTS
        assert jobs.pending_count(session) == {"pending": 0, "failed": 1}
    finally:
        jobs.HANDLERS.pop("test.explode", None)
