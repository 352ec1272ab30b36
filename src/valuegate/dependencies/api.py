"""HTTP adapter for dependencies, value at risk, business services and acknowledgements."""

from __future__ import annotations

from valuegate.dependencies import service
from valuegate.dependencies.schemas import (
    AckIn,
    Acknowledged,
    DependencyIn,
    DependencyOut,
    ImpactIn,
    ImpactOut,
    NodeDependencies,
    ServiceIn,
    ServiceOut,
    ValueAtRisk,
)
from valuegate.deps import ActorDep, SessionDep, api_router

router = api_router("dependencies")


@router.post("/dependencies", status_code=201)
def add_dependency(body: DependencyIn, actor: ActorDep, session: SessionDep) -> DependencyOut:
    d = service.add_dependency(session, actor=actor, **body.model_dump())
    return DependencyOut.model_validate(service.dependency_view(d))


@router.delete("/dependencies/{dependency_id}", status_code=204)
def remove_dependency(dependency_id: int, actor: ActorDep, session: SessionDep, reason: str | None = None) -> None:
    service.remove_dependency(session, actor=actor, dependency_id=dependency_id, reason=reason)


@router.get("/nodes/{node_id}/dependencies")
def node_dependencies(node_id: int, actor: ActorDep, session: SessionDep) -> NodeDependencies:
    return NodeDependencies.model_validate(service.dependencies_for(session, actor=actor, node_id=node_id))


@router.get("/value-at-risk")
def value_at_risk(actor: ActorDep, session: SessionDep, node_id: int | None = None) -> ValueAtRisk:
    return ValueAtRisk.model_validate(service.value_at_risk_for(session, actor=actor, node_id=node_id))


@router.get("/services")
def services(actor: ActorDep, session: SessionDep) -> list[ServiceOut]:
    return [ServiceOut.model_validate(service.service_view(s)) for s in service.list_services(session, actor=actor)]


@router.post("/services", status_code=201)
def create_service(body: ServiceIn, actor: ActorDep, session: SessionDep) -> ServiceOut:
    return ServiceOut.model_validate(
        service.service_view(service.create_service(session, actor=actor, **body.model_dump()))
    )


@router.post("/measures/{measure_id}/services", status_code=201)
def add_impact(measure_id: int, body: ImpactIn, actor: ActorDep, session: SessionDep) -> ImpactOut:
    imp = service.add_impact(session, actor=actor, measure_id=measure_id, **body.model_dump())
    return ImpactOut(id=imp.id, measure_id=imp.measure_id, service_id=imp.service_id, acknowledged=False)


@router.post("/service-impacts/{impact_id}/acknowledge")
def acknowledge(impact_id: int, body: AckIn, actor: ActorDep, session: SessionDep) -> Acknowledged:
    imp = service.acknowledge_impact(session, actor=actor, impact_id=impact_id, note=body.note)
    at = imp.acknowledged_at.isoformat() if imp.acknowledged_at else None
    return Acknowledged(id=imp.id, acknowledged_by=imp.acknowledged_by, acknowledged_at=at)
