"""Response shapes of the audit API (Pydantic)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from valuegate.finance.schemas import ValueFactOut
from valuegate.schemas import Out, Timestamp


class AuditEventOut(Out):
    id: int
    occurred_at: Timestamp
    actor_id: int | None = Field(description="null for the system")
    action: str = Field(description="What happened, e.g. gate.approve or values.plan")
    entity_type: str
    entity_id: int | None
    measure_id: int | None
    before: dict[str, Any] | None = Field(description="The entity's recorded fields before; their set depends on it")
    after: dict[str, Any] | None = Field(description="The entity's recorded fields after; their set depends on it")
    reason: str | None
    request_id: str | None = Field(description="The X-Request-ID of the request that did it")
    hash: str


class ChainedEventOut(AuditEventOut):
    prev_hash: str


class ChainCheck(Out):
    ok: bool
    checked: int = Field(description="How many events were checked")
    first_bad_event: int | None
    problem: str | None


class Evidence(Out):
    """Everything the audit trail and the figures hold about one measure."""

    measure_id: int
    name: str
    events: list[ChainedEventOut]
    figures: list[ValueFactOut]
