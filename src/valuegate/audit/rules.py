"""Canonical encoding and hashing of audit events. Pure functions, no database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

GENESIS_HASH = "0" * 64


_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def canonical_json(value: Any) -> str:
    """A stable JSON text: sorted keys, no insignificant whitespace, UTF-8 kept as is; other types as str()."""
    return orjson.dumps(value, default=str, option=_CANONICAL).decode("utf-8")


def iso(ts: datetime) -> str:
    return ts.isoformat(timespec="microseconds")


@dataclass(frozen=True)
class EventBody:
    id: int
    occurred_at: datetime
    actor_id: int | None
    action: str
    entity_type: str
    entity_id: int | None
    measure_id: int | None
    before: Any
    after: Any
    reason: str | None
    request_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "occurred_at": iso(self.occurred_at),
            "actor_id": self.actor_id,
            "action": self.action,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "measure_id": self.measure_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
            "request_id": self.request_id,
        }


def chain_hash(prev_hash: str, body: EventBody) -> str:
    """SHA-256 over the previous event's hash and this event's canonical JSON."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(canonical_json(body.as_dict()).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    problem: str


def check_link(
    expected_id: int, expected_prev: str, row_id: int, row_prev: str, row_hash: str, body: EventBody
) -> ChainBreak | None:
    """Check one event against the chain so far; return what is wrong with it, if anything."""
    if row_id != expected_id:
        if row_id > expected_id:
            return ChainBreak(row_id, f"event(s) {expected_id}..{row_id - 1} are missing (deleted)")
        return ChainBreak(row_id, "event is out of order")
    if row_prev != expected_prev:
        return ChainBreak(row_id, "previous-hash link does not match the event before it (reordered or removed)")
    if chain_hash(row_prev, body) != row_hash:
        return ChainBreak(row_id, "content does not match its hash (edited)")
    return None
