"""Response shapes of the roll-up API (Pydantic)."""

from __future__ import annotations

from pydantic import Field

from valuegate.finance.schemas import ReportedSeries, ValueKind
from valuegate.portfolio.schemas import ImplementationStatus, Stage, ValueStatus
from valuegate.schemas import Out, Period, Timestamp


class SeriesTotal(Out):
    total: int
    run_rate: int


class StageTotals(Out):
    stage: Stage
    measures: int
    verified_value: int
    series: dict[ReportedSeries, SeriesTotal]


class StageTotalsThen(Out):
    """A stage as known on an earlier date (verified value is not kept as of a date)."""

    stage: Stage
    measures: int
    series: dict[ReportedSeries, SeriesTotal]


class Totals(Out):
    measures: int
    verified_value: int
    series: dict[ReportedSeries, SeriesTotal]


class Pipeline(Out):
    """Per stage, from the pre-aggregates of the scope."""

    scope: str = Field(description="The scope the figures were read for, e.g. n:3 for a node")
    kind: ValueKind
    stages: list[StageTotals]
    totals: Totals


class PipelineThen(Out):
    """Per stage, recomputed from the figures as they were known at ``as_of``."""

    as_of: Timestamp
    kind: ValueKind
    stages: list[StageTotalsThen]
    totals: Totals


class StatusCell(Out):
    impl_status: ImplementationStatus
    value_rag: ValueStatus
    verified: bool
    measures: int


class Periods(Out):
    scope: str
    kind: ValueKind
    periods: dict[ReportedSeries, dict[Period, int]]
    fiscal_years: dict[ReportedSeries, dict[int, int]] = Field(description="Sums by fiscal year (named by its end)")
    fiscal_year_start_month: int


class BridgeSteps(Out):
    """end = start + new + progressed + slipped − dropped − realised (slipped is negative)."""

    start: int
    new: int
    progressed: int
    slipped: int
    dropped: int
    realised: int
    end: int


class BridgeStage(BridgeSteps):
    stage: Stage


class Bridge(Out):
    start: Timestamp
    end: Timestamp
    total: BridgeSteps
    by_stage: list[BridgeStage]
