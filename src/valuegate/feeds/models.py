"""Data feeds of an implementation and their submissions. A submission keeps its quality report, its schema
fingerprint and the figures later submissions are compared with; the file itself is not kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, BigId, UTCDateTime, utcnow


class DataFeed(Base):
    """A feed a data owner delivers each period, with its channel, due rule and contract."""

    __tablename__ = "data_feed"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    channel: Mapped[str] = mapped_column(String(10))  # system or manual
    due_business_day: Mapped[int] = mapped_column(Integer)  # the Nth working day of the month after the period
    contract: Mapped[str] = mapped_column(Text)  # JSON: "focus" or a list of columns
    key_columns: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    reference: Mapped[str] = mapped_column(Text, default="{}")  # JSON: column -> allowed keys (a master list)
    amount_column: Mapped[str | None] = mapped_column(String(100))
    tag_column: Mapped[str | None] = mapped_column(String(100))
    required_tags: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("node_id", "name"),)


class FeedSubmission(Base):
    """One file submitted for a period: accepted or rejected, with the report the owner acts on."""

    __tablename__ = "feed_submission"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("data_feed.id"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(10))  # upload, api, cli
    submitted_by: Mapped[int | None] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))  # accepted, rejected
    fingerprint: Mapped[str | None] = mapped_column(String(16))
    rows: Mapped[int | None] = mapped_column(BigInteger)
    amount_total: Mapped[str | None] = mapped_column(String(40))
    tag_coverage: Mapped[float | None] = mapped_column(Float)
    schema: Mapped[str | None] = mapped_column(Text)  # JSON [(column, type)]
    key_values: Mapped[str | None] = mapped_column(Text)  # JSON: key column -> distinct values
    report: Mapped[str] = mapped_column(Text)  # JSON
    unallocated_share: Mapped[float | None] = mapped_column(Float)  # of the amount, when the feed has mapping rules

    __table_args__ = (Index("ix_feed_submission_feed_period", "feed_id", "period"),)


class MappingRule(Base):
    """A rule that sends a ledger feed's amounts to a measure: the rows whose columns match (e.g. cost centre and
    account), a share of them, with an owner and the rationale an auditor reads."""

    __tablename__ = "mapping_rule"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("data_feed.id"), index=True)
    match: Mapped[str] = mapped_column(Text)  # JSON: column -> value ("*" at the end matches a prefix)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.node_id"))
    kind: Mapped[str] = mapped_column(String(20), default="one_time_cost")  # the measure's figure it feeds
    negate: Mapped[bool] = mapped_column(Boolean, default=False)  # the ledger books it with the other sign
    share: Mapped[float] = mapped_column(Float, default=1.0)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    rationale: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="active")  # active, retired
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ProposedActual(Base):
    """An actual for a measure and month, proposed from an accepted ledger submission by the mapping rules; the
    controller confirms it, corrects it (with a reason) or dismisses it."""

    __tablename__ = "proposed_actual"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("feed_submission.id"), index=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.node_id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7))
    amount: Mapped[str] = mapped_column(String(40))  # decimal text, as the ledger summed it
    rows: Mapped[int] = mapped_column(Integer)
    rule_ids: Mapped[str] = mapped_column(Text)  # JSON list
    # proposed, confirmed, corrected, dismissed, superseded (a later file for the period replaced it)
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    booked_amount: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ChangeNotice(Base):
    """The owner's notice that a feed's file changes shape from a period on (columns renamed, added, retyped):
    a change announced before the file arrives is governance, one that is not is drift."""

    __tablename__ = "feed_change_notice"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("data_feed.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    note: Mapped[str] = mapped_column(Text)
    announced_by: Mapped[int | None] = mapped_column(BigInteger)
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
