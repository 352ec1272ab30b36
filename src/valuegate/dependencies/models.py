"""Dependencies between measures or projects, and the business-service catalogue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from valuegate.db import Base, BigId, UTCDateTime, utcnow


class Dependency(Base):
    """``downstream`` depends on ``upstream``."""

    __tablename__ = "dependency"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    upstream_id: Mapped[int] = mapped_column(ForeignKey("node.id"))
    downstream_id: Mapped[int] = mapped_column(ForeignKey("node.id"))
    blocking: Mapped[bool] = mapped_column(Boolean, default=True)
    cross_functional: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("upstream_id", "downstream_id"),
        Index("ix_dependency_downstream", "downstream_id"),
    )


class BusinessService(Base):
    __tablename__ = "business_service"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    revenue_generating: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class ServiceImpact(Base):
    """A measure touches a service; for a revenue-generating one the owner must acknowledge it."""

    __tablename__ = "service_impact"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.node_id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("business_service.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    acknowledged_by: Mapped[int | None] = mapped_column(BigInteger)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("measure_id", "service_id"),)
