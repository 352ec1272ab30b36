"""Request and response shapes of the dependencies API (Pydantic)."""

from __future__ import annotations

from pydantic import BaseModel

from valuegate.portfolio.schemas import ImplementationStatus, NodeKind, Stage
from valuegate.schemas import Out, Timestamp


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


class DependencyOut(Out):
    id: int
    upstream_id: int
    downstream_id: int
    blocking: bool
    cross_functional: bool
    note: str | None


class LinkOut(DependencyOut):
    """A dependency seen from one end: the node at the other end and where it stands."""

    other_id: int
    name: str
    kind: NodeKind
    stage: Stage | None
    impl_status: ImplementationStatus | None
    late: bool


class NodeDependencies(Out):
    upstream: list[LinkOut]
    downstream: list[LinkOut]


class AtRisk(Out):
    measure_id: int
    name: str
    run_rate: int


class ValueAtRisk(Out):
    measures: list[AtRisk]
    count: int
    run_rate_at_risk: int


class ServiceOut(Out):
    id: int
    name: str
    owner_id: int
    org_unit_id: int | None
    revenue_generating: bool
    description: str | None
    version: int


class ImpactOut(Out):
    id: int
    measure_id: int
    service_id: int
    acknowledged: bool


class Acknowledged(Out):
    id: int
    acknowledged_by: int | None
    acknowledged_at: Timestamp | None
