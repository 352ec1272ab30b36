"""The change and adoption workstream of a program or project: named stakeholders, audience groups, ADKAR
assessments over time and the resistance register."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, BigId, UTCDateTime, utcnow


class Stakeholder(Base):
    """A named person and where they stand on the change: power, interest, influence, legitimacy and urgency
    (1–5), current and desired engagement, commitment stage, what they lose and gain, who holds the relationship."""

    __tablename__ = "stakeholder"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    role: Mapped[str | None] = mapped_column(String(200))
    power: Mapped[int] = mapped_column(Integer)
    interest: Mapped[int] = mapped_column(Integer)
    influence: Mapped[int] = mapped_column(Integer)
    legitimacy: Mapped[int] = mapped_column(Integer)
    urgency: Mapped[int] = mapped_column(Integer)
    current_engagement: Mapped[str] = mapped_column(String(12))
    desired_engagement: Mapped[str] = mapped_column(String(12))
    commitment_stage: Mapped[str | None] = mapped_column(String(24))
    loses: Mapped[str | None] = mapped_column(Text)
    gains: Mapped[str | None] = mapped_column(Text)
    relationship_owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    last_assessed_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("node_id", "person_id"), Index("ix_stakeholder_node", "node_id"))


class AudienceGroup(Base):
    """An impacted population (a team, a function, a site) with its size; groups nest, for feedback thresholds."""

    __tablename__ = "audience_group"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("audience_group.id"))
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("node_id", "name"), CheckConstraint("size >= 0", name="audience_size"))


class AdkarAssessment(Base):
    """One ADKAR assessment of a stakeholder or of a group, on a date; the history is kept."""

    __tablename__ = "adkar_assessment"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    stakeholder_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("audience_group.id"), index=True)
    awareness: Mapped[int] = mapped_column(Integer)
    desire: Mapped[int] = mapped_column(Integer)
    knowledge: Mapped[int] = mapped_column(Integer)
    ability: Mapped[int] = mapped_column(Integer)
    reinforcement: Mapped[int] = mapped_column(Integer)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessed_by: Mapped[int | None] = mapped_column(BigInteger)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("(stakeholder_id IS NULL) <> (group_id IS NULL)", name="adkar_subject"),)


class ResistanceItem(Base):
    """An objection and what is done about it. Items from the anonymous channel never name who raised them."""

    __tablename__ = "resistance_item"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    objection: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20))
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("audience_group.id"))
    stakeholder_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder.id"))
    underlying_reason: Mapped[str | None] = mapped_column(String(40))
    adkar_element: Mapped[str | None] = mapped_column(String(20))
    tactic: Mapped[str | None] = mapped_column(String(40))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    raised_on: Mapped[date] = mapped_column(Date)
    escalated_on: Mapped[date | None] = mapped_column(Date)
    resolution: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Champion(Base):
    """A change champion: a respected colleague inside an impacted team who carries the change there."""

    __tablename__ = "champion"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("audience_group.id"), index=True)
    time_percent: Mapped[int] = mapped_column(Integer)
    early_access: Mapped[bool] = mapped_column(Boolean, default=False)
    design_involvement: Mapped[str | None] = mapped_column(Text)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    since: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("node_id", "person_id"),
        CheckConstraint("time_percent BETWEEN 0 AND 100", name="champion_time"),
    )


class ChampionActivity(Base):
    """Something a champion did: a session run, feedback gathered, office hours, a demo."""

    __tablename__ = "champion_activity"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    champion_id: Mapped[int] = mapped_column(ForeignKey("champion.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    happened_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int | None] = mapped_column(BigInteger)


class LegacyProcess(Base):
    """A process, report or workflow the new system replaces, and how far its retirement has come."""

    __tablename__ = "legacy_process"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    replacement: Mapped[str] = mapped_column(Text)
    retire_by: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    parallel_since: Mapped[date | None] = mapped_column(Date)
    retired_on: Mapped[date | None] = mapped_column(Date)
    double_work_hours: Mapped[int | None] = mapped_column(Integer)  # per week, while both run
    people_still_using: Mapped[int | None] = mapped_column(Integer)
    usage_system: Mapped[str | None] = mapped_column(String(100))  # its name in the usage events, if tracked
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("node_id", "name"),)
