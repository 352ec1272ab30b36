"""The hierarchy (portfolio › program › project › measure) and the org-unit tree."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, BigId, UTCDateTime, utcnow


class OrgUnit(Base):
    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    path: Mapped[str] = mapped_column(String(400), index=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Node(Base):
    """One node of the hierarchy. ``path`` is ``/id/id/.../`` from the root, for subtree queries."""

    __tablename__ = "node"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("node.id"))
    path: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    controller_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_node_parent", "parent_id"),
        Index("ix_node_path", "path"),
        Index("ix_node_kind_path", "kind", "path"),
        Index("ix_node_owner", "owner_id"),
        Index("ix_node_sponsor", "sponsor_id"),
        Index("ix_node_controller", "controller_id"),
    )


class Measure(Base):
    """The governable unit of value: its stage, statuses and declarations (one row per measure node)."""

    __tablename__ = "measure"

    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), index=True)
    annual_estimate: Mapped[int | None] = mapped_column(BigInteger, index=True)
    impl_status: Mapped[str] = mapped_column(String(20), default="not_started")
    upstream_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    value_rag: Mapped[str] = mapped_column(String(10), default="none")
    value_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_value: Mapped[int | None] = mapped_column(BigInteger)
    one_time_costs_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    dependencies_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    services_declared: Mapped[bool] = mapped_column(Boolean, default=False)
    values_version: Mapped[int] = mapped_column(default=1)
    deferral_count: Mapped[int] = mapped_column(default=0)
    reopen_count: Mapped[int] = mapped_column(default=0)
    last_update_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    stage_entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
