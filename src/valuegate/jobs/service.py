"""Background work: the outbox, processed by ``valuegate worker``, and the daily status refresh.

Side effects are recorded as outbox messages in the transaction that causes them and carried out later, so
several app and worker processes can share one PostgreSQL: a worker claims messages with
``FOR UPDATE SKIP LOCKED`` and two workers never run the same message.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.config import Settings
from valuegate.context import bind
from valuegate.db import Database, utcnow
from valuegate.jobs.models import OutboxMessage
from valuegate.milestones.models import Milestone
from valuegate.portfolio.models import Measure, Node
from valuegate.rollups.service import tracking
from valuegate.uow import use_case

MAX_ATTEMPTS = 5
Handler = Callable[[Session, dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {}


def handles(topic: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[topic] = fn
        return fn

    return register


def enqueue(session: Session, topic: str, payload: dict[str, Any]) -> OutboxMessage:
    """Record a side effect in the caller's transaction; the worker carries it out after the commit."""
    if topic not in HANDLERS:
        raise ValueError(f"no handler for outbox topic {topic!r}")
    msg = OutboxMessage(topic=topic, payload=payload)
    session.add(msg)
    return msg


def _retry_at(msg: OutboxMessage) -> datetime:
    """Back off: 1, 2, 4, 8 minutes after each failure."""
    return msg.created_at + timedelta(minutes=2**msg.attempts - 1)


def process_pending(db: Database, settings: Settings, *, today: date | None = None, limit: int = 50) -> int:
    """Run due messages one transaction each; return how many succeeded."""
    done = 0
    for _ in range(limit):
        taken: list[int] = []
        with db.session(write=True) as session:
            bind(session, settings, today)
            try:
                if not _run_next(session, taken):
                    return done
                done += 1
            except Exception:
                if not taken:
                    raise
                _record_failure(session, taken[0], traceback.format_exc(limit=5))
    return done


@use_case
def _run_next(session: Session, taken: list[int]) -> bool:
    """Take the next due message (skipping those another worker holds), carry it out and mark it done, in one
    transaction; False when nothing is due. ``taken`` receives the message's id before its handler runs."""
    q = (
        select(OutboxMessage)
        .where(OutboxMessage.processed_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(20)
    )
    if session.get_bind().dialect.name == "postgresql":
        q = q.with_for_update(skip_locked=True)
    now = utcnow()
    msg = next((m for m in session.scalars(q) if m.attempts == 0 or _retry_at(m) <= now), None)
    if msg is None:
        return False
    taken.append(msg.id)
    HANDLERS[msg.topic](session, dict(msg.payload or {}))
    msg.processed_at = utcnow()
    return True


@use_case
def _record_failure(session: Session, msg_id: int, error: str) -> None:
    msg = session.get(OutboxMessage, msg_id)
    if msg is not None:
        msg.attempts += 1
        msg.last_error = error[-4000:]


def pending_count(session: Session) -> dict[str, int]:
    pending, failed = session.execute(
        select(
            func.count().filter(OutboxMessage.attempts < MAX_ATTEMPTS),
            func.count().filter(OutboxMessage.attempts >= MAX_ATTEMPTS),
        ).where(OutboxMessage.processed_at.is_(None))
    ).one()
    return {"pending": int(pending or 0), "failed": int(failed or 0)}


# -- the daily status refresh --------------------------------------------------------------------------


def stale_lateness(session: Session, today: date) -> list[int]:
    """Measures whose implementation status is out of date because a due date has passed (or un-passed)."""
    overdue = exists().where(
        Milestone.measure_id == Measure.node_id, Milestone.done_on.is_(None), Milestone.due_on < today
    )
    q = (
        select(Measure.node_id)
        .join(Node, Node.id == Measure.node_id)
        .where(Node.archived_at.is_(None), Measure.stage.not_in(("closed", "cancelled")))
        .where(((Measure.impl_status != "late") & overdue) | ((Measure.impl_status == "late") & ~overdue))
    )
    return list(session.scalars(q))


def refresh_statuses(session: Session, settings: Settings, today: date) -> int:
    """Re-derive the statuses that time alone has changed, with their roll-ups and downstream risk."""
    ids = stale_lateness(session, today)
    if not ids:
        return 0
    with tracking(session, settings, ids, today):
        pass
    audit.record(
        session,
        actor_id=None,
        action="status.refresh",
        entity_type="measure",
        entity_id=None,
        after={"day": today.isoformat(), "measures": len(ids)},
    )
    return len(ids)


@handles("status.refresh")
def _status_refresh(session: Session, payload: dict[str, Any]) -> None:
    """The daily pass: statuses that time alone has changed, resistance items open too long go to sponsors, and the
    success metrics' values are computed and kept for the adoption pages."""
    from valuegate.adoption.service import refresh_points
    from valuegate.change.service import escalate_stale_resistance
    from valuegate.context import settings_of

    day = date.fromisoformat(payload["day"])
    refresh_statuses(session, settings_of(session), day)
    escalate_stale_resistance(session, day)
    refresh_points(session, day)


@handles("health.run")
def _health_run(session: Session, payload: dict[str, Any]) -> None:
    """The detectors for every monitored implementation: this week's reading, replaced by each day's run."""
    from valuegate.health.service import run_scheduled

    run_scheduled(session, date.fromisoformat(payload["day"]))


@handles("rollups.snapshot")
def _snapshot(session: Session, payload: dict[str, Any]) -> None:
    from valuegate.rollups import snapshots

    snapshots.take(session, date.fromisoformat(payload["as_of"]))


@use_case
def schedule_daily(session: Session, today: date) -> bool:
    """Enqueue today's status refresh, the health detectors' run and the snapshot of the month end just past,
    unless they already are (safe when several workers run). True when something was enqueued."""
    from valuegate.rollups.snapshots import missing_month_end

    recent = utcnow() - timedelta(days=3)
    known = {
        (topic, str((payload or {}).get("day") or (payload or {}).get("as_of")))
        for topic, payload in session.execute(
            select(OutboxMessage.topic, OutboxMessage.payload).where(
                OutboxMessage.topic.in_(("status.refresh", "health.run", "rollups.snapshot")),
                OutboxMessage.created_at >= recent,
            )
        )
    }
    wanted = [("status.refresh", {"day": today.isoformat()}), ("health.run", {"day": today.isoformat()})]
    month_end = missing_month_end(session, today)
    if month_end is not None:
        wanted.append(("rollups.snapshot", {"as_of": month_end.isoformat()}))
    queued = False
    for topic, payload in wanted:
        if (topic, next(iter(payload.values()))) not in known:
            enqueue(session, topic, payload)
            queued = True
    return queued
