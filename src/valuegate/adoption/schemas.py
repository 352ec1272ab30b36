"""Request shapes of the adoption API (Pydantic)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field, StrictInt


class EventsIn(BaseModel):
    system: str | None = Field(default=None, max_length=100)
    events: list[dict[str, Any]]


class MembersIn(BaseModel):
    identifiers: list[str]
    since: date | None = None


class MetricIn(BaseModel):
    name: str = Field(max_length=200)
    kind: str
    collection_method: str = "event_stream"
    system: str | None = Field(default=None, max_length=100)
    events: str | None = Field(default=None, max_length=1000)
    start_event: str | None = Field(default=None, max_length=100)
    end_event: str | None = Field(default=None, max_length=100)
    legacy_system: str | None = Field(default=None, max_length=100)
    audience_group_id: int | None = None
    window_days: StrictInt = 30
    min_active_days: StrictInt = 3
    target: float | None = None
    comparator: str | None = None
    target_date: date | None = None
    data_owner_id: int | None = None
    behaviour: str | None = None


class MetricPatch(BaseModel):
    version: int
    name: str | None = Field(default=None, max_length=200)
    collection_method: str | None = None
    system: str | None = Field(default=None, max_length=100)
    events: str | None = Field(default=None, max_length=1000)
    start_event: str | None = Field(default=None, max_length=100)
    end_event: str | None = Field(default=None, max_length=100)
    legacy_system: str | None = Field(default=None, max_length=100)
    audience_group_id: int | None = None
    window_days: StrictInt | None = None
    min_active_days: StrictInt | None = None
    target: float | None = None
    comparator: str | None = None
    target_date: date | None = None
    data_owner_id: int | None = None
    behaviour: str | None = None


class ReadingIn(BaseModel):
    value: float
    measured_on: date | None = None
    note: str | None = None
