"""Usage events and what is built on them: daily activity per pseudonymous actor, audience membership, success
metric definitions and readings of metrics measured outside Valuegate.

Actors are stored only as keyed hashes (HMAC-SHA256 with the deployment's secret) of the identifier a source
sent: the same person gets the same key in every source, and no name or e-mail address is stored.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, BigId, UTCDateTime, utcnow


class UsageEvent(Base):
    """One thing someone did in a system, as received (append-only)."""

    __tablename__ = "usage_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    system: Mapped[str] = mapped_column(String(100))
    actor_key: Mapped[str] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(10))

    __table_args__ = (Index("ix_usage_event_system_time", "system", "occurred_at"),)


class UsageDay(Base):
    """Events per system, day (in the reporting time zone), actor and event: what every metric reads."""

    __tablename__ = "usage_day"

    system: Mapped[str] = mapped_column(String(100), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    actor_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    event: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)

    __table_args__ = {"sqlite_with_rowid": False}


class UsageActor(Base):
    """The first and last day an actor was seen in a system (for "new" in the lifecycle)."""

    __tablename__ = "usage_actor"

    system: Mapped[str] = mapped_column(String(100), primary_key=True)
    actor_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)

    __table_args__ = {"sqlite_with_rowid": False}


class AudienceMember(Base):
    """A (pseudonymous) member of an audience group and since when they have access to the new way of working."""

    __tablename__ = "audience_member"

    group_id: Mapped[int] = mapped_column(ForeignKey("audience_group.id"), primary_key=True)
    actor_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    since: Mapped[date] = mapped_column(Date)


class SuccessMetric(Base):
    """A success metric of a workstream: what is measured, over whom, against which threshold, collected how."""

    __tablename__ = "success_metric"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    system: Mapped[str | None] = mapped_column(String(100))
    events: Mapped[str | None] = mapped_column(String(1000))  # key events, comma-separated
    start_event: Mapped[str | None] = mapped_column(String(100))
    end_event: Mapped[str | None] = mapped_column(String(100))
    legacy_system: Mapped[str | None] = mapped_column(String(100))
    audience_group_id: Mapped[int | None] = mapped_column(ForeignKey("audience_group.id"))
    window_days: Mapped[int] = mapped_column(Integer, default=30)
    min_active_days: Mapped[int] = mapped_column(Integer, default=3)
    target: Mapped[float | None] = mapped_column(Float)
    comparator: Mapped[str] = mapped_column(String(2))
    target_date: Mapped[date | None] = mapped_column(Date)
    collection_method: Mapped[str] = mapped_column(String(24))
    data_owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    behaviour: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class MetricReading(Base):
    """A value of a metric measured outside Valuegate (a survey, an attestation), on a date."""

    __tablename__ = "metric_reading"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("success_metric.id"), index=True)
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))


class MetricPoint(Base):
    """A computed value of a success metric on a date, kept so the dashboard does not recompute history; dropped
    when usage events arrive for that system on or before the date."""

    __tablename__ = "metric_point"

    metric_id: Mapped[int] = mapped_column(ForeignKey("success_metric.id"), primary_key=True)
    on_date: Mapped[date] = mapped_column(Date, primary_key=True)
    system: Mapped[str] = mapped_column(String(100), index=True)
    value: Mapped[float | None] = mapped_column(Float)
    detail: Mapped[str] = mapped_column(Text)  # JSON
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
