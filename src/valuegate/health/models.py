"""The implementation-health monitor's records: the model catalogue (artefacts, their use, the decisions citing
them), an implementation's health profile (go-live, maturity, threshold overrides), the weekly readings of the
detectors, the plays taken up as actions, and the minimum viable outcome agreed when an implementation stalls."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, BigId, UTCDateTime, utcnow


class Artefact(Base):
    """Something an implementation delivers: a report, a dashboard, a model, an allocation rule, a feed."""

    __tablename__ = "model_artefact"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    audience_group_id: Mapped[int | None] = mapped_column(ForeignKey("audience_group.id"))
    audience: Mapped[str | None] = mapped_column(String(300))  # in words, when no group is named
    audience_size: Mapped[int | None] = mapped_column(Integer)
    decisions: Mapped[str | None] = mapped_column(Text)  # the decisions it serves
    layer: Mapped[str | None] = mapped_column(String(20))  # cost_pools, towers, solutions, consumers
    rationale: Mapped[str | None] = mapped_column(Text)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("data_feed.id"))
    usage_system: Mapped[str | None] = mapped_column(String(100))  # its system in the usage events, if tracked
    published_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active, retirement_proposed, retired
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("node_id", "name"),)


class ArtefactUse(Base):
    """One use of an artefact: opened, exported or cited, by a person on a day."""

    __tablename__ = "artefact_use"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    artefact_id: Mapped[int] = mapped_column(ForeignKey("model_artefact.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    actor: Mapped[str | None] = mapped_column(String(64))  # a pseudonymous key, for uses recorded by other systems
    action: Mapped[str] = mapped_column(String(10))  # view, export
    used_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (Index("ix_artefact_use_artefact_day", "artefact_id", "used_on"),)


class DecisionCitation(Base):
    """A steering decision that rests on an artefact of the model."""

    __tablename__ = "decision_citation"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id"), index=True)
    artefact_id: Mapped[int] = mapped_column(ForeignKey("model_artefact.id"), index=True)

    __table_args__ = (UniqueConstraint("decision_id", "artefact_id"),)


class HealthProfile(Base):
    """What the detectors need to know of an implementation besides its records, and its threshold overrides."""

    __tablename__ = "health_profile"

    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), primary_key=True)
    live_on: Mapped[date | None] = mapped_column(Date)
    maturity_level: Mapped[int | None] = mapped_column(Integer)  # 1 (initial) to 5 (optimising)
    analyst_fte: Mapped[float | None] = mapped_column(Float)
    thresholds: Mapped[str] = mapped_column(Text, default="{}")  # JSON: overrides of the defaults
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def id(self) -> int:
        """The audit trail names a profile by its implementation."""
        return self.node_id


class HealthReading(Base):
    """The detectors' outcome for an implementation in a week (the latest run of that week)."""

    __tablename__ = "health_reading"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"))
    week: Mapped[date] = mapped_column(Date)  # the Monday
    as_of: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    trigger: Mapped[str] = mapped_column(String(12))  # schedule, on_demand
    score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(8))
    signals: Mapped[str] = mapped_column(Text)  # JSON: each detector's signal with figures and evidence
    summary: Mapped[str] = mapped_column(Text, default="{}")  # JSON: severities and alerts, for the portfolio list

    __table_args__ = (UniqueConstraint("node_id", "week"),)


class HealthAction(Base):
    """A play taken up: who does what by when, for which detector, and how it ended."""

    __tablename__ = "health_action"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    detector: Mapped[str] = mapped_column(String(4))
    play: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text)  # JSON: the play as proposed (people, artefacts, steps)
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, done, dropped
    outcome: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ViableOutcome(Base):
    """The minimum viable outcome: what good looks like now, who owns which part of the process, and a cadence of
    deliverables the organisation can keep. Each agreement is a new row; the latest is in force."""

    __tablename__ = "viable_outcome"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    good_looks_like: Mapped[str] = mapped_column(Text)
    parts: Mapped[str] = mapped_column(Text)  # JSON [{"part": str, "owner_id": int}]
    cadence: Mapped[str] = mapped_column(Text)  # JSON [{"deliverable": str, "every": str}]
    review_on: Mapped[date] = mapped_column(Date)
    agreed_by: Mapped[int | None] = mapped_column(BigInteger)
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("health_action.id"))
