"""Pre-aggregated roll-ups, kept in the write transaction of every change that moves a figure.

A *scope* is ``n:<node id>`` for every portfolio, program and project above a measure, and
``o:<org unit id>`` for the measure's org unit and each org unit above it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, UTCDateTime


class MeasureTotal(Base):
    """Per measure, series and kind: the sum over all periods and the run-rate (annualised)."""

    __tablename__ = "measure_total"

    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.node_id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    run_rate: Mapped[int] = mapped_column(BigInteger, default=0)


class RollupStatus(Base):
    """Measure counts and verified value per scope, stage and the two statuses."""

    __tablename__ = "rollup_status"

    scope: Mapped[str] = mapped_column(String(24), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    impl_status: Mapped[str] = mapped_column(String(20), primary_key=True)
    value_rag: Mapped[str] = mapped_column(String(10), primary_key=True)
    verified: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    measures: Mapped[int] = mapped_column(BigInteger, default=0)
    verified_value: Mapped[int] = mapped_column(BigInteger, default=0)


class RollupTotal(Base):
    """Sums over all periods and run-rates per scope, stage, statuses, series and kind."""

    __tablename__ = "rollup_total"

    scope: Mapped[str] = mapped_column(String(24), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    impl_status: Mapped[str] = mapped_column(String(20), primary_key=True)
    value_rag: Mapped[str] = mapped_column(String(10), primary_key=True)
    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    run_rate: Mapped[int] = mapped_column(BigInteger, default=0)


class RollupPeriod(Base):
    """Monthly sums per scope, stage, series and kind."""

    __tablename__ = "rollup_period"

    scope: Mapped[str] = mapped_column(String(24), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)


class SnapshotDate(Base):
    """A month-end (or on-demand) snapshot: which day it stands for and the moment it was known."""

    __tablename__ = "snapshot_date"

    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    known_at: Mapped[datetime] = mapped_column(UTCDateTime)
    measures: Mapped[int] = mapped_column(BigInteger, default=0)


class SnapshotFigures:
    """The recurring figures a snapshot keeps: per series, the total over all months and the run-rate."""

    plan_total: Mapped[int] = mapped_column(BigInteger, default=0)
    plan_rr: Mapped[int] = mapped_column(BigInteger, default=0)
    baseline_total: Mapped[int] = mapped_column(BigInteger, default=0)
    baseline_rr: Mapped[int] = mapped_column(BigInteger, default=0)
    forecast_total: Mapped[int] = mapped_column(BigInteger, default=0)
    forecast_rr: Mapped[int] = mapped_column(BigInteger, default=0)
    actual_total: Mapped[int] = mapped_column(BigInteger, default=0)
    actual_rr: Mapped[int] = mapped_column(BigInteger, default=0)
    estimate_total: Mapped[int] = mapped_column(BigInteger, default=0)
    estimate_rr: Mapped[int] = mapped_column(BigInteger, default=0)


class MeasureSnapshot(SnapshotFigures, Base):
    """Per snapshot and measure: its stage and recurring figures as known then (totals and run-rates), so the
    cockpit can show "as known on" a month end and the bridge between two in a few set-based queries."""

    __tablename__ = "measure_snapshot"
    # Clustered by (as_of, measure id) on SQLite: the bridge pairs rows by key, one b-tree search each.
    __table_args__ = {"sqlite_with_rowid": False}

    as_of: Mapped[date] = mapped_column(ForeignKey("snapshot_date.as_of"), primary_key=True)
    measure_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    stage: Mapped[str] = mapped_column(String(20))


class SnapshotTotal(SnapshotFigures, Base):
    """Per snapshot, roll-up scope and stage: the measures and their summed recurring figures, so "as known on"
    reads one scope's rows instead of every measure."""

    __tablename__ = "snapshot_total"
    __table_args__ = {"sqlite_with_rowid": False}

    as_of: Mapped[date] = mapped_column(ForeignKey("snapshot_date.as_of"), primary_key=True)
    scope: Mapped[str] = mapped_column(String(24), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    measures: Mapped[int] = mapped_column(BigInteger, default=0)
