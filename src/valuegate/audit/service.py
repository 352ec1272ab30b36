"""Recording, verifying and exporting audit events.

Services call :func:`record` while they work; the events are written, chained, by a ``before_commit``
hook, so they are part of the same transaction as the change they describe and can never be missed.
"""

from __future__ import annotations

import contextvars
import csv
import io
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Text, cast, event, insert, select, text
from sqlalchemy.orm import Session

from valuegate.audit.models import AuditEvent
from valuegate.audit.rules import GENESIS_HASH, ChainBreak, EventBody, canonical_json, chain_hash, check_link
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, can, require
from valuegate.db import utcnow

current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("valuegate_request_id", default=None)

_PENDING = "valuegate_audit_pending"
_AUDIT_LOCK_KEY = 7_340_001  # advisory lock that serialises the chain on PostgreSQL


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
    measure_id: int | None = None,
) -> None:
    """Queue an audit event; it is written in the same transaction when the session commits."""
    session.info.setdefault(_PENDING, []).append(
        {
            "actor_id": actor_id,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "measure_id": measure_id,
            "before": _plain(before),
            "after": _plain(after),
            "reason": reason,
            "request_id": current_request_id.get(),
        }
    )


def record_created(session: Session, *, actor_id: int | None, row: Any, action: str, after: Any) -> None:
    """Insert a new row and queue the audit event of its creation (the entity type is its table)."""
    session.add(row)
    session.flush()
    record(session, actor_id=actor_id, action=action, entity_type=row.__tablename__, entity_id=row.id, after=after)


def record_changes(session: Session, *, actor_id: int | None, row: Any, changes: dict[str, Any], action: str) -> None:
    """Apply field changes to a row and queue one audit event with each field's value before and after."""
    before = {key: getattr(row, key) for key in changes}
    for key, value in changes.items():
        setattr(row, key, value)
    session.flush()
    record(
        session,
        actor_id=actor_id,
        action=action,
        entity_type=row.__tablename__,
        entity_id=row.id,
        before=before,
        after=changes,
    )


def _plain(value: Any) -> Any:
    """Round-trip through canonical JSON so that what is hashed is exactly what is stored."""
    if value is None:
        return None
    return orjson.loads(canonical_json(value))


def _write_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _AUDIT_LOCK_KEY})
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    next_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    now = utcnow()
    rows = []
    for item in pending:
        body = EventBody(id=next_id, occurred_at=now, **item)
        digest = chain_hash(prev, body)
        rows.append({**item, "id": next_id, "occurred_at": now, "prev_hash": prev, "hash": digest})
        prev = digest
        next_id += 1
    session.execute(insert(AuditEvent), rows)


@event.listens_for(Session, "before_commit")
def _flush_audit(session: Session) -> None:
    _write_pending(session)


@event.listens_for(Session, "after_rollback")
def _drop_audit(session: Session) -> None:
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_chain(session: Session, *, batch: int = 20_000) -> VerifyResult:
    """Walk the whole log in id order and check every link; stop at the first bad event.

    The JSON columns are read as text and parsed here (orjson), which is several times faster than the
    driver's generic decoding and gives the same values.
    """
    cols = AuditEvent.__table__.c
    stmt = select(
        cols.id,
        cols.occurred_at,
        cols.actor_id,
        cols.action,
        cols.entity_type,
        cols.entity_id,
        cols.measure_id,
        cast(cols.before, Text),
        cast(cols.after, Text),
        cols.reason,
        cols.request_id,
        cols.prev_hash,
        cols.hash,
    ).order_by(cols.id)
    expected_id, expected_prev, checked = 1, GENESIS_HASH, 0
    loads = orjson.loads
    result = session.execute(stmt.execution_options(yield_per=batch))
    for row in result:
        (rid, at, actor_id, action, etype, eid, mid, before, after, reason, request_id, prev_hash, digest) = row
        body = EventBody(
            id=rid,
            occurred_at=at,
            actor_id=actor_id,
            action=action,
            entity_type=etype,
            entity_id=eid,
            measure_id=mid,
            before=None if before is None else loads(before),
            after=None if after is None else loads(after),
            reason=reason,
            request_id=request_id,
        )
        problem = check_link(expected_id, expected_prev, rid, prev_hash, digest, body)
        if problem:
            result.close()
            return VerifyResult(checked, problem)
        checked += 1
        expected_id, expected_prev = rid + 1, digest
    return VerifyResult(checked, None)


EXPORT_FIELDS = [
    "id",
    "occurred_at",
    "actor_id",
    "action",
    "entity_type",
    "entity_id",
    "measure_id",
    "before",
    "after",
    "reason",
    "request_id",
    "prev_hash",
    "hash",
]


def events_for_measure(session: Session, measure_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.measure_id == measure_id).order_by(AuditEvent.id)).all()
    return [
        {
            "id": r.id,
            "occurred_at": r.occurred_at.isoformat(),
            "actor_id": r.actor_id,
            "action": r.action,
            "entity_type": r.entity_type,
            "entity_id": r.entity_id,
            "measure_id": r.measure_id,
            "before": r.before,
            "after": r.after,
            "reason": r.reason,
            "request_id": r.request_id,
            "prev_hash": r.prev_hash,
            "hash": r.hash,
        }
        for r in rows
    ]


def events_as_csv(events: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for ev in events:
        writer.writerow(
            {
                k: canonical_json(ev[k]) if k in ("before", "after") and ev[k] is not None else ev[k]
                for k in EXPORT_FIELDS
            }
        )
    return out.getvalue()


@dataclass
class AuditLog:
    """A page of the event log and the names of the people who acted in it."""

    events: list[AuditEvent]
    names: dict[int, str]


def event_log(
    session: Session,
    *,
    actor: Actor,
    entity_type: str | None = None,
    measure_id: int | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> AuditLog:
    """The event log for those who may read the audit trail, newest first, filtered, with the actors' names."""
    require(session, actor, "audit.read", what="the audit trail")
    events = list_events(
        session,
        entity_type=entity_type,
        measure_id=measure_id,
        actor_id=actor_id,
        action=action,
        limit=limit,
        before_id=before_id,
    )
    ids = {e.actor_id for e in events if e.actor_id}
    names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all()) if ids else {}
    return AuditLog(events, names)


@dataclass(frozen=True)
class LogPage:
    """The audit view: the filtered event log and whether the person may verify the chain now."""

    log: AuditLog
    may_verify: bool


def log_page(
    session: Session, *, actor: Actor, limit: int = 100, before_id: int | None = None, **filters: Any
) -> LogPage:
    log = event_log(session, actor=actor, limit=limit, before_id=before_id, **filters)
    return LogPage(log=log, may_verify=can(session, actor, "audit.verify"))


def verify(session: Session, *, actor: Actor) -> VerifyResult:
    """Walk the whole chain now, for those who may verify the audit trail."""
    require(session, actor, "audit.verify", what="the audit trail")
    return verify_chain(session)


def list_events(
    session: Session,
    *,
    entity_type: str | None = None,
    measure_id: int | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[AuditEvent]:
    """Newest first, filtered; page backwards with ``before_id``."""
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    for col, value in (
        (AuditEvent.entity_type, entity_type),
        (AuditEvent.measure_id, measure_id),
        (AuditEvent.actor_id, actor_id),
        (AuditEvent.action, action),
    ):
        if value is not None:
            q = q.where(col == value)
    if before_id is not None:
        q = q.where(AuditEvent.id < before_id)
    return list(session.scalars(q))


def event_view(e: AuditEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "occurred_at": e.occurred_at.isoformat(),
        "actor_id": e.actor_id,
        "action": e.action,
        "entity_type": e.entity_type,
        "entity_id": e.entity_id,
        "measure_id": e.measure_id,
        "before": e.before,
        "after": e.after,
        "reason": e.reason,
        "request_id": e.request_id,
        "hash": e.hash,
    }
