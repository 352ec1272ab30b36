"""HTTP adapter for org units, the hierarchy, measures, their figures and milestones."""

from __future__ import annotations

from fastapi import Query

from valuegate.deps import ActorDep, SessionDep, api_router
from valuegate.finance import service as finance
from valuegate.portfolio import service
from valuegate.portfolio.models import Measure, Node, OrgUnit
from valuegate.portfolio.schemas import (
    ArchiveIn,
    MeasureOut,
    MoveIn,
    NodeIn,
    NodeKind,
    NodeOut,
    NodePatch,
    OrgUnitIn,
    OrgUnitOut,
    OrgUnitPatch,
)

router = api_router("portfolio")


def _node(n: Node) -> NodeOut:
    return NodeOut.model_validate(service.node_view(n))


def _org_unit(o: OrgUnit) -> OrgUnitOut:
    return OrgUnitOut.model_validate(service.org_unit_view(o))


@router.get("/org-units")
def org_units(actor: ActorDep, session: SessionDep) -> list[OrgUnitOut]:
    return [_org_unit(o) for o in service.org_units(session, actor=actor)]


@router.post("/org-units", status_code=201)
def create_org_unit(body: OrgUnitIn, actor: ActorDep, session: SessionDep) -> OrgUnitOut:
    return _org_unit(service.create_org_unit(session, actor=actor, **body.model_dump()))


@router.patch("/org-units/{org_unit_id}")
def rename_org_unit(org_unit_id: int, body: OrgUnitPatch, actor: ActorDep, session: SessionDep) -> OrgUnitOut:
    ou = service.rename_org_unit(session, actor=actor, org_unit_id=org_unit_id, version=body.version, name=body.name)
    return _org_unit(ou)


@router.get("/nodes")
def list_nodes(
    actor: ActorDep,
    session: SessionDep,
    parent_id: int | None = None,
    kind: NodeKind | None = None,
    include_archived: bool = False,
    limit: int = Query(200, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[NodeOut]:
    found = service.list_nodes(
        session,
        actor=actor,
        parent_id=parent_id,
        kind=kind,
        include_archived=include_archived,
        limit=limit,
        offset=offset,
    )
    return [_node(n) for n in found]


@router.post("/nodes", status_code=201)
def create_node(body: NodeIn, actor: ActorDep, session: SessionDep) -> NodeOut:
    return _node(service.create_node(session, actor=actor, **body.model_dump()))


@router.get("/nodes/{node_id}")
def get_node(node_id: int, actor: ActorDep, session: SessionDep) -> NodeOut:
    node = service.get_node(session, node_id, actor=actor)
    return _node(node)


@router.patch("/nodes/{node_id}")
def update_node(node_id: int, body: NodePatch, actor: ActorDep, session: SessionDep) -> NodeOut:
    changes = body.model_dump(exclude_unset=True)
    version, reason = changes.pop("version"), changes.pop("reason", None)
    return _node(
        service.update_node(session, actor=actor, node_id=node_id, version=version, changes=changes, reason=reason)
    )


@router.post("/nodes/{node_id}/move")
def move_node(node_id: int, body: MoveIn, actor: ActorDep, session: SessionDep) -> NodeOut:
    return _node(
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
def archive_node(node_id: int, body: ArchiveIn, actor: ActorDep, session: SessionDep) -> NodeOut:
    return _node(service.archive_node(session, actor=actor, node_id=node_id, version=body.version, reason=body.reason))


def measure_detail(session: SessionDep, node: Node, measure: Measure) -> MeasureOut:
    flags = []
    if measure.impl_status in ("on_track", "done") and measure.value_rag == "red":
        flags.append("milestones on track but value red")
    if measure.impl_status == "late" and measure.value_rag == "green":
        flags.append("value green but milestones late")
    if measure.stage in ("defined", "identified", "detailed", "decided") and finance.actual_periods(session, node.id):
        flags.append("actuals claimed before Implemented")
    return MeasureOut.model_validate(
        {
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
    )


@router.get("/measures/{measure_id}")
def get_measure(measure_id: int, actor: ActorDep, session: SessionDep) -> MeasureOut:
    node, measure = service.get_measure(session, measure_id, actor=actor)
    return measure_detail(session, node, measure)
