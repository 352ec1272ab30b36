"""Recording, verifying and exporting audit events.

Services call :func:`record` while they work; the events are written, chained, by a ``before_commit``
hook, so they are part of the same transaction as the change they describe and can never be missed.
"""

from __future__ import annotations

import contextvars
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session

from valuegate.audit.models import AuditEvent
from valuegate.audit.rules import GENESIS_HASH, ChainBreak, EventBody, canonical_json, chain_hash, check_link
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
    """Walk the whole log in id order and check every link; stop at the first bad event."""
    cols = AuditEvent.__table__.c
    stmt = select(
        cols.id,
        cols.occurred_at,
        cols.actor_id,
        cols.action,
        cols.entity_type,
        cols.entity_id,
        cols.measure_id,
        cols.before,
        cols.after,
        cols.reason,
        cols.request_id,
        cols.prev_hash,
        cols.hash,
    ).order_by(cols.id)
    expected_id, expected_prev, checked = 1, GENESIS_HASH, 0
    result = session.execute(stmt.execution_options(yield_per=batch))
    for row in result:
        body = EventBody(
            id=row.id,
            occurred_at=row.occurred_at,
            actor_id=row.actor_id,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            measure_id=row.measure_id,
            before=row.before,
            after=row.after,
            reason=row.reason,
            request_id=row.request_id,
        )
        problem = check_link(expected_id, expected_prev, row.id, row.prev_hash, row.hash, body)
        if problem:
            result.close()
            return VerifyResult(checked, problem)
        checked += 1
        expected_id, expected_prev = row.id + 1, row.hash
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


def iter_events(session: Session, **filters: Any) -> Iterator[AuditEvent]:
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(AuditEvent, key) == value)
    yield from session.scalars(stmt)
