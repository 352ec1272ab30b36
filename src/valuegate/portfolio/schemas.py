"""Request and response shapes of the portfolio API (Pydantic)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from pydantic import BaseModel, Field, StrictInt

from valuegate.finance.rules import VALUE_RAG
from valuegate.gates.rules import STAGE_CODES
from valuegate.milestones.rules import AT_RISK_UPSTREAM, IMPL_STATUSES
from valuegate.portfolio.rules import NODE_KINDS, ORG_UNIT_KINDS
from valuegate.schemas import Out, one_of

if TYPE_CHECKING:
    NodeKind: TypeAlias = str
    OrgUnitKind: TypeAlias = str
    Stage: TypeAlias = str
    ImplementationStatus: TypeAlias = str
    ValueStatus: TypeAlias = str
else:
    NodeKind = one_of("NodeKind", NODE_KINDS)
    OrgUnitKind = one_of("OrgUnitKind", ORG_UNIT_KINDS)
    Stage = one_of("Stage", STAGE_CODES)
    ImplementationStatus = one_of("ImplementationStatus", (*IMPL_STATUSES, AT_RISK_UPSTREAM))
    ValueStatus = one_of("ValueStatus", VALUE_RAG)


class OrgUnitIn(BaseModel):
    name: str
    kind: OrgUnitKind
    parent_id: int | None = None


class OrgUnitPatch(BaseModel):
    version: int
    name: str


class NodeIn(BaseModel):
    kind: NodeKind
    name: str = Field(min_length=1, max_length=300)
    parent_id: int | None = None
    org_unit_id: int
    owner_id: int | None = None
    sponsor_id: int | None = None
    controller_id: int | None = None
    description: str | None = None
    annual_estimate: StrictInt | None = None


class MeasureIn(BaseModel):
    """A new measure's business case as its page sends it: under the project in the address, owned by who creates
    it, in the project's org unit unless another is named."""

    name: str = Field(min_length=1, max_length=300)
    description: str | None = None
    annual_estimate: StrictInt | None = None
    org_unit_id: int | None = None
    sponsor_id: int | None = None
    controller_id: int | None = None


class CasePatch(BaseModel):
    """A measure's business case as its page's form sends it: the whole case, checkboxes unchecked meaning no."""

    version: int
    description: str | None = None
    annual_estimate: StrictInt | None = None
    no_one_time_costs: bool = False
    dependencies_declared: bool = False
    services_declared: bool = False


class NodePatch(BaseModel):
    version: int
    reason: str | None = None
    name: str | None = None
    description: str | None = None
    org_unit_id: int | None = None
    owner_id: int | None = None
    sponsor_id: int | None = None
    controller_id: int | None = None
    annual_estimate: StrictInt | None = None
    one_time_costs_declared: bool | None = None
    dependencies_declared: bool | None = None
    services_declared: bool | None = None


class MoveIn(BaseModel):
    version: int
    parent_id: int
    reason: str | None = None


class ArchiveIn(BaseModel):
    version: int
    reason: str


class OrgUnitOut(Out):
    id: int
    parent_id: int | None
    name: str
    kind: OrgUnitKind
    archived: bool
    version: int


class NodeOut(Out):
    id: int
    kind: NodeKind
    parent_id: int | None
    name: str
    description: str | None
    org_unit_id: int
    owner_id: int | None
    sponsor_id: int | None
    controller_id: int | None
    archived: bool
    version: int


class MeasureOut(NodeOut):
    """A measure as its page shows it: the node, where it stands, and where its signals disagree."""

    stage: Stage
    annual_estimate: int | None
    implementation_status: ImplementationStatus
    upstream_risk: bool
    value_status: ValueStatus
    value_verified: bool
    verified_value: int | None
    values_version: int
    one_time_costs_declared: bool
    dependencies_declared: bool
    services_declared: bool
    deferral_count: int
    reopen_count: int
    divergence_flags: list[str] = Field(description="Where milestones, value and actuals tell different stories")
