"""Milestones: the source of a measure's implementation status."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, BigId


class Milestone(Base):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.node_id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    forecast_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # The cockpit's late milestones: open ones in due order, without walking the done ones.
        Index(
            "ix_milestone_open_due",
            "due_on",
            sqlite_where=text("done_on IS NULL"),
            postgresql_where=text("done_on IS NULL"),
        ),
    )
