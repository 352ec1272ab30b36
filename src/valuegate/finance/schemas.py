"""Request and response shapes of the finance API (Pydantic)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from pydantic import BaseModel, Field, StrictInt

from valuegate.finance.rules import KINDS, REBASELINE_STATUSES, ROLLUP_SERIES, SERIES, STORED_SERIES
from valuegate.schemas import Out, Period, Timestamp, one_of

if TYPE_CHECKING:
    ValueKind: TypeAlias = str
    Series: TypeAlias = str
    StoredSeries: TypeAlias = str
    ReportedSeries: TypeAlias = str
    RebaselineStatus: TypeAlias = str
else:
    ValueKind = one_of("ValueKind", KINDS)
    Series = one_of("Series", SERIES)  # what a person enters
    StoredSeries = one_of("StoredSeries", STORED_SERIES)  # ... and the baseline a gate freezes
    ReportedSeries = one_of("ReportedSeries", ROLLUP_SERIES)  # ... and the estimate derived from them
    RebaselineStatus = one_of("RebaselineStatus", REBASELINE_STATUSES)


class ValueIn(BaseModel):
    kind: ValueKind = "recurring"
    period: str
    amount: StrictInt | None


class ValuesIn(BaseModel):
    values_version: int
    entries: list[ValueIn]
    reason: str | None = None


class SeriesFigures(Out):
    periods: dict[Period, int] = Field(description="Amount in minor units by month")
    total: int
    run_rate: int = Field(description="Twelve times the latest month (recurring figures); 0 otherwise")


# Series, then kind of value, to the figures.
FiguresBySeries = dict[ReportedSeries, dict[ValueKind, SeriesFigures]]


class MeasureValues(Out):
    measure_id: int
    values_version: int
    as_of: Timestamp | None = Field(description="The moment the figures are as known at; null for now")
    series: FiguresBySeries


class ValuesSaved(Out):
    measure_id: int
    values_version: int
    series: FiguresBySeries


class ValueFactOut(Out):
    series: StoredSeries
    kind: ValueKind
    period: Period
    amount: int
    recorded_at: Timestamp
    recorded_by: int | None
    valid_to: Timestamp | None = Field(description="When a later figure replaced this one; null while current")
    source: str = Field(description="manual, baseline (frozen by a gate) or ledger (a confirmed feed actual)")
