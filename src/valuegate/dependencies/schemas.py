"""Request shapes of the dependencies API (Pydantic); responses are plain dicts built by the services."""

from __future__ import annotations

from pydantic import BaseModel


class DependencyIn(BaseModel):
    upstream_id: int
    downstream_id: int
    blocking: bool = True
    note: str | None = None


class ServiceIn(BaseModel):
    name: str
    owner_id: int
    revenue_generating: bool = False
    org_unit_id: int | None = None
    description: str | None = None


class ServicePatch(BaseModel):
    version: int
    name: str | None = None
    owner_id: int | None = None
    revenue_generating: bool | None = None
    description: str | None = None


class ImpactIn(BaseModel):
    service_id: int
    note: str | None = None


class AckIn(BaseModel):
    note: str | None = None
