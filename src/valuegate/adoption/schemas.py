"""Request and response shapes of the adoption API (Pydantic)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import BaseModel, Field, StrictInt

from valuegate.adoption import rules
from valuegate.schemas import Out, one_of

if TYPE_CHECKING:
    MetricKind: TypeAlias = str
    CollectionMethod: TypeAlias = str
    Comparator: TypeAlias = str
    Unit: TypeAlias = str
    Trend: TypeAlias = str
else:
    MetricKind = one_of("MetricKind", rules.KINDS)
    CollectionMethod = one_of("CollectionMethod", rules.COLLECTION_METHODS)
    Comparator = one_of("Comparator", rules.COMPARATORS)
    Unit = one_of("MetricUnit", rules.UNITS)
    Trend = one_of("Trend", rules.TRENDS)


class EventsIn(BaseModel):
    system: str | None = Field(default=None, max_length=100)
    events: list[dict[str, Any]] = Field(
        description="Each {actor, event, occurred_at} (an ISO 8601 time with its offset), optionally its system"
    )


class MembersIn(BaseModel):
    identifiers: list[str]
    since: date | None = None


class MetricIn(BaseModel):
    name: str = Field(max_length=200)
    kind: MetricKind
    collection_method: CollectionMethod = "event_stream"
    system: str | None = Field(default=None, max_length=100)
    events: str | None = Field(default=None, max_length=1000)
    start_event: str | None = Field(default=None, max_length=100)
    end_event: str | None = Field(default=None, max_length=100)
    legacy_system: str | None = Field(default=None, max_length=100)
    audience_group_id: int | None = None
    window_days: StrictInt = 30
    min_active_days: StrictInt = 3
    target: float | None = None
    comparator: Comparator | None = None
    target_date: date | None = None
    data_owner_id: int | None = None
    behaviour: str | None = None


class MetricPatch(BaseModel):
    version: int
    name: str | None = Field(default=None, max_length=200)
    collection_method: CollectionMethod | None = None
    system: str | None = Field(default=None, max_length=100)
    events: str | None = Field(default=None, max_length=1000)
    start_event: str | None = Field(default=None, max_length=100)
    end_event: str | None = Field(default=None, max_length=100)
    legacy_system: str | None = Field(default=None, max_length=100)
    audience_group_id: int | None = None
    window_days: StrictInt | None = None
    min_active_days: StrictInt | None = None
    target: float | None = None
    comparator: Comparator | None = None
    target_date: date | None = None
    data_owner_id: int | None = None
    behaviour: str | None = None


class ReadingIn(BaseModel):
    value: float
    measured_on: date | None = None
    note: str | None = None


class Stored(Out):
    stored: int = Field(description="How many events were stored")


class MembersAdded(Out):
    added: int
    already_members: int


class Point(Out):
    date: date
    value: float | None


class MetricOut(Out):
    id: int
    name: str
    kind: MetricKind
    label: str
    unit: Unit
    system: str | None
    events: list[str]
    audience_group_id: int | None
    window_days: int
    value: float | None = Field(description="null when there is no data yet")
    target: float | None
    comparator: Comparator
    target_date: date | None
    meets_target: bool | None
    trend: Trend | None
    points: list[Point]
    hint: str | None = Field(description="What to look at when the target is missed")
    collection_method: CollectionMethod
    weak_evidence: bool
    behaviour: str | None
    detail: dict[str, Any] = Field(
        description="How the value was reached; its figures depend on the kind (e.g. eligible and active people)"
    )
    version: int


class MetricDashboard(Out):
    node_id: int
    as_of: date
    metrics: list[MetricOut]
    below_target: int
    no_data: int


class ReadingOut(Out):
    id: int
    measured_on: date
    value: float
