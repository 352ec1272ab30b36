"""The communication matrix of a program or project: what is said to whom, by whom, through which channel, when
(a date or a cadence), to make them do what; and which occurrences have gone out."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, BigId, UTCDateTime, utcnow


class CommunicationItem(Base):
    """One row of the matrix. ``recurrence`` is an iCalendar RRULE (no DTSTART: ``planned_on`` starts it)."""

    __tablename__ = "communication_item"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    audience_group_id: Mapped[int] = mapped_column(ForeignKey("audience_group.id"), index=True)
    key_message: Mapped[str] = mapped_column(String(200))
    message_type: Mapped[str] = mapped_column(String(20))
    adkar_target: Mapped[str | None] = mapped_column(String(20))
    purpose: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20))
    messenger_role: Mapped[str] = mapped_column(String(20))
    messenger_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    planned_on: Mapped[date] = mapped_column(Date)
    recurrence: Mapped[str | None] = mapped_column(String(300))
    desired_action: Mapped[str | None] = mapped_column(Text)
    action_metric: Mapped[str | None] = mapped_column(Text)
    covers_why: Mapped[bool] = mapped_column(Boolean, default=False)
    covers_why_now: Mapped[bool] = mapped_column(Boolean, default=False)
    covers_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    repetition_target: Mapped[int] = mapped_column(Integer, default=5)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class CommunicationSent(Base):
    """An occurrence that went out (or went out late): which planned date it was for and when it was sent."""

    __tablename__ = "communication_sent"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("communication_item.id"), index=True)
    occurrence_on: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("item_id", "occurrence_on"),)
