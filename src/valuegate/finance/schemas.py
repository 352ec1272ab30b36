"""Request shapes of the finance API (Pydantic)."""

from __future__ import annotations

from pydantic import BaseModel, StrictInt


class ValueIn(BaseModel):
    kind: str = "recurring"
    period: str
    amount: StrictInt | None


class ValuesIn(BaseModel):
    values_version: int
    entries: list[ValueIn]
    reason: str | None = None
