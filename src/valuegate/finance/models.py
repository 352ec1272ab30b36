"""Value series as a temporal fact table, sign-offs and re-baseline requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, BigId, UTCDateTime, utcnow


class ValueFact(Base):
    """One figure as recorded: valid from ``recorded_at`` until ``valid_to`` (NULL while current).

    Nothing is overwritten: a change closes the old fact and adds a new one, so any report can be re-run
    as known on an earlier date.
    """

    __tablename__ = "value_fact"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.node_id"))
    series: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7))
    amount: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(20), default="manual")

    __table_args__ = (
        Index("ix_value_fact_current", "measure_id", "series", "kind", "period", "valid_to"),
        Index("ix_value_fact_recorded", "recorded_at"),
    )


class SignOff(Base):
    """The controller's confirmation of actuals and the verified value, with evidence."""

    __tablename__ = "sign_off"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.node_id"), index=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    gate_request_id: Mapped[int | None] = mapped_column(BigInteger)
    actuals_total: Mapped[int] = mapped_column(BigInteger)
    verified_value: Mapped[int] = mapped_column(BigInteger)
    evidence_ref: Mapped[str] = mapped_column(String(500))
    comment: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Rebaseline(Base):
    """A request to change a frozen plan; it takes effect once the sponsor and the controller approve."""

    __tablename__ = "rebaseline"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.node_id"), index=True)
    requested_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    proposed: Mapped[Any] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    sponsor_approved_by: Mapped[int | None] = mapped_column(BigInteger)
    controller_approved_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
