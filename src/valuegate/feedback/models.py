"""Feedback loops of a change workstream: named weekly check-ins, the open channel, and the anonymous channel.

An anonymous response keeps no author, no IP address, no user agent and no time of its own: only the fixed
window it fell in. Its key is a random UUID (nothing sequential), and on SQLite the table has no rowid, so not
even the storage order tells when it came.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, BigId


class PulseScores:
    """A short pulse: any of the five ADKAR elements, each scored 1–5 when asked."""

    awareness: Mapped[int | None] = mapped_column(Integer)
    desire: Mapped[int | None] = mapped_column(Integer)
    knowledge: Mapped[int | None] = mapped_column(Integer)
    ability: Mapped[int | None] = mapped_column(Integer)
    reinforcement: Mapped[int | None] = mapped_column(Integer)


class CheckIn(PulseScores, Base):
    """A named weekly check-in: a short pulse on one to five ADKAR elements and the blocker in the way."""

    __tablename__ = "feedback_checkin"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("audience_group.id"))
    week_start: Mapped[date] = mapped_column(Date)
    blocker: Mapped[str | None] = mapped_column(Text)
    submitted_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("node_id", "person_id", "week_start"),)


class FeedbackItem(Base):
    """Feedback through the open (named) channel, and what was done about it: "you said, we did"."""

    __tablename__ = "feedback_item"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("audience_group.id"))
    text: Mapped[str] = mapped_column(Text)
    raised_on: Mapped[date] = mapped_column(Date)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    you_said: Mapped[str | None] = mapped_column(Text)
    we_did: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class AnonymousResponse(PulseScores, Base):
    """One anonymous response: the group the respondent chose, the window, a pulse and/or a comment."""

    __tablename__ = "anonymous_response"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # uuid4, random
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("audience_group.id"))
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    comment: Mapped[str | None] = mapped_column(Text)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    you_said: Mapped[str | None] = mapped_column(Text)
    we_did: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = {"sqlite_with_rowid": False}
