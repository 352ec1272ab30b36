"""Request shapes of the portfolio API (Pydantic); responses are plain dicts built by the services."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, StrictInt


class OrgUnitIn(BaseModel):
    name: str
    kind: str
    parent_id: int | None = None


class OrgUnitPatch(BaseModel):
    version: int
    name: str


class NodeIn(BaseModel):
    kind: Literal["portfolio", "program", "project", "measure"]
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
