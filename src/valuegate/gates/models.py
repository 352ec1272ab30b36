"""Stage-gate configuration (data, not code) and the gate requests that move measures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, BigId, UTCDateTime, utcnow


class StageDef(Base):
    """A stage. ``code`` carries the meaning; ``label`` is what a deployment calls it (e.g. "L2")."""

    __tablename__ = "stage_def"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(60))
    ordinal: Mapped[int] = mapped_column(Integer)
    terminal: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class GateDef(Base):
    """What entering a stage needs: criteria codes the engine checks and approval slots.

    ``approvals`` is a list of slots; every slot must be approved, by anyone holding one of its roles.
    """

    __tablename__ = "gate_def"

    to_stage: Mapped[str] = mapped_column(ForeignKey("stage_def.code"), primary_key=True)
    criteria: Mapped[list[str]] = mapped_column(JSON)
    approvals: Mapped[list[list[str]]] = mapped_column(JSON)
    requires_reason: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class GateRequest(Base):
    __tablename__ = "gate_request"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.node_id"))
    from_stage: Mapped[str] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10))  # forward, back, cancel
    status: Mapped[str] = mapped_column(String(12), default="pending")
    requested_by: Mapped[int] = mapped_column(ForeignKey("person.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    deferred_until: Mapped[date | None] = mapped_column(Date)
    defer_count: Mapped[int] = mapped_column(default=0)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    payload: Mapped[Any] = mapped_column(JSON, nullable=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_gate_request_measure", "measure_id"),
        Index("ix_gate_request_status", "status"),
    )


class GateAction(Base):
    """One approver's answer to a request: approve, reject or defer."""

    __tablename__ = "gate_action"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("gate_request.id"), index=True)
    slot: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(BigInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    defer_until: Mapped[date | None] = mapped_column(Date)
    meeting_id: Mapped[int | None] = mapped_column(BigInteger)
    acted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StageChange(Base):
    """Every stage a measure entered, with when: the basis of "as known on date X" reports."""

    __tablename__ = "stage_change"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.node_id"))
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    request_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_stage_change_measure_at", "measure_id", "at"),)
