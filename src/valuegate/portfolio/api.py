"""HTTP adapter for org units, the hierarchy, measures, their figures and milestones."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StrictInt
from sqlalchemy import select

from valuegate.auth.policy import require, visible_nodes
from valuegate.deps import ActorDep, SessionDep
from valuegate.finance import service as finance
from valuegate.gates import service as gates
from valuegate.milestones import service as milestones
from valuegate.milestones.models import Milestone
from valuegate.portfolio import service
from valuegate.portfolio.models import Measure, Node, OrgUnit

router = APIRouter(tags=["portfolio"])


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


class ValueIn(BaseModel):
    kind: str = "recurring"
    period: str
    amount: StrictInt | None


class ValuesIn(BaseModel):
    values_version: int
    entries: list[ValueIn]
    reason: str | None = None


class MilestoneIn(BaseModel):
    name: str
    due_on: date
    forecast_on: date | None = None


class MilestonePatch(BaseModel):
    version: int
    name: str | None = None
    due_on: date | None = None
    forecast_on: date | None = None
    done_on: date | None = None


@router.get("/org-units")
def org_units(actor: ActorDep, session: SessionDep) -> list[dict[str, Any]]:
    return [service.org_unit_view(o) for o in session.scalars(select(OrgUnit).order_by(OrgUnit.path))]


@router.post("/org-units", status_code=201)
def create_org_unit(body: OrgUnitIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.org_unit_view(service.create_org_unit(session, actor=actor, **body.model_dump()))


@router.patch("/org-units/{org_unit_id}")
def rename_org_unit(org_unit_id: int, body: OrgUnitPatch, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    ou = service.rename_org_unit(session, actor=actor, org_unit_id=org_unit_id, version=body.version, name=body.name)
    return service.org_unit_view(ou)


@router.get("/nodes")
def list_nodes(
    actor: ActorDep,
    session: SessionDep,
    parent_id: int | None = None,
    kind: str | None = None,
    include_archived: bool = False,
    limit: int = Query(200, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    q = select(Node).order_by(Node.id)
    q = q.where(Node.parent_id == parent_id) if parent_id is not None or kind in (None, "portfolio") else q
    if kind:
        q = q.where(Node.kind == kind)
    if not include_archived:
        q = q.where(Node.archived_at.is_(None))
    flt = visible_nodes(actor)
    if flt is not None:
        q = q.where(flt)
    return [service.node_view(n) for n in session.scalars(q.limit(limit).offset(offset))]


@router.post("/nodes", status_code=201)
def create_node(body: NodeIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.node_view(service.create_node(session, actor=actor, **body.model_dump()))


@router.get("/nodes/{node_id}")
def get_node(node_id: int, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    node = service.get_node(session, node_id)
    require(session, actor, "node.view", node)
    return service.node_view(node)


@router.patch("/nodes/{node_id}")
def update_node(node_id: int, body: NodePatch, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version, reason = changes.pop("version"), changes.pop("reason", None)
    return service.node_view(
        service.update_node(session, actor=actor, node_id=node_id, version=version, changes=changes, reason=reason)
    )


@router.post("/nodes/{node_id}/move")
def move_node(node_id: int, body: MoveIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.node_view(
        service.move_node(
            session,
            actor=actor,
            node_id=node_id,
            version=body.version,
            new_parent_id=body.parent_id,
            reason=body.reason,
        )
    )


@router.post("/nodes/{node_id}/archive")
def archive_node(node_id: int, body: ArchiveIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.node_view(
        service.archive_node(session, actor=actor, node_id=node_id, version=body.version, reason=body.reason)
    )


def measure_detail(session: SessionDep, node: Node, measure: Measure) -> dict[str, Any]:
    flags = []
    if measure.impl_status in ("on_track", "done") and measure.value_rag == "red":
        flags.append("milestones on track but value red")
    if measure.impl_status == "late" and measure.value_rag == "green":
        flags.append("value green but milestones late")
    if measure.stage in ("defined", "identified", "detailed", "decided") and finance.actual_periods(session, node.id):
        flags.append("actuals claimed before Implemented")
    return {
        **service.node_view(node),
        "stage": measure.stage,
        "annual_estimate": measure.annual_estimate,
        "implementation_status": measure.impl_status,
        "upstream_risk": measure.upstream_risk,
        "value_status": measure.value_rag,
        "value_verified": measure.value_verified,
        "verified_value": measure.verified_value,
        "values_version": measure.values_version,
        "one_time_costs_declared": measure.one_time_costs_declared,
        "dependencies_declared": measure.dependencies_declared,
        "services_declared": measure.services_declared,
        "deferral_count": measure.deferral_count,
        "reopen_count": measure.reopen_count,
        "divergence_flags": flags,
    }


@router.get("/measures/{measure_id}")
def get_measure(measure_id: int, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    node, measure = service.get_measure(session, measure_id)
    require(session, actor, "node.view", node)
    return measure_detail(session, node, measure)


@router.get("/measures/{measure_id}/values")
def get_values(measure_id: int, actor: ActorDep, session: SessionDep, as_of: datetime | None = None) -> dict[str, Any]:
    node, measure = service.get_measure(session, measure_id)
    require(session, actor, "node.view", node)
    if as_of is not None and as_of.tzinfo is None:
        from valuegate.errors import InvalidInput

        raise InvalidInput("as_of needs a time zone, e.g. 2026-01-31T00:00:00Z.")
    return {
        "measure_id": measure_id,
        "values_version": measure.values_version,
        "as_of": as_of.isoformat() if as_of else None,
        "series": finance.measure_values(session, measure_id, as_of=as_of),
    }


@router.put("/measures/{measure_id}/values/{series}")
def put_values(measure_id: int, series: str, body: ValuesIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    entries = finance.parse_entries([e.model_dump() for e in body.entries])
    m = finance.set_values(
        session,
        actor=actor,
        measure_id=measure_id,
        series=series,
        entries=entries,
        values_version=body.values_version,
        reason=body.reason,
    )
    return {
        "measure_id": measure_id,
        "values_version": m.values_version,
        "series": finance.measure_values(session, measure_id),
    }


@router.get("/measures/{measure_id}/value-history")
def value_history(measure_id: int, actor: ActorDep, session: SessionDep) -> list[dict[str, Any]]:
    node, _m = service.get_measure(session, measure_id)
    require(session, actor, "node.view", node)
    return finance.value_history(session, measure_id)


@router.get("/measures/{measure_id}/milestones")
def list_milestones(measure_id: int, actor: ActorDep, session: SessionDep) -> list[dict[str, Any]]:
    node, _m = service.get_measure(session, measure_id)
    require(session, actor, "node.view", node)
    rows = session.scalars(select(Milestone).where(Milestone.measure_id == measure_id).order_by(Milestone.due_on))
    return [milestones.milestone_view(m) for m in rows]


@router.post("/measures/{measure_id}/milestones", status_code=201)
def add_milestone(measure_id: int, body: MilestoneIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return milestones.milestone_view(
        milestones.add_milestone(session, actor=actor, measure_id=measure_id, **body.model_dump())
    )


@router.patch("/milestones/{milestone_id}")
def update_milestone(milestone_id: int, body: MilestonePatch, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return milestones.milestone_view(
        milestones.update_milestone(session, actor=actor, milestone_id=milestone_id, version=version, changes=changes)
    )


@router.delete("/milestones/{milestone_id}", status_code=204)
def delete_milestone(milestone_id: int, actor: ActorDep, session: SessionDep, version: int | None = None) -> None:
    milestones.delete_milestone(session, actor=actor, milestone_id=milestone_id, version=version)


@router.get("/measures/{measure_id}/next-gate")
def next_gate(measure_id: int, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    ng = gates.next_gate(session, actor=actor, measure_id=measure_id)
    return {
        "to_stage": ng.to_stage,
        "label": ng.label,
        "ready": not ng.unmet,
        "unmet": [{"criterion": u.code, "problem": u.message} for u in ng.unmet],
        "approvers": ng.approvers,
        "pending_request_id": ng.pending_request_id,
    }
