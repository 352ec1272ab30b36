"""Dependencies (with cycle refusal and upstream risk), business services and acknowledgements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.policy import Actor, active_delegators, require
from valuegate.context import settings_of, today_of
from valuegate.db import utcnow
from valuegate.dependencies.models import BusinessService, Dependency, ServiceImpact
from valuegate.dependencies.rules import downstream_closure, find_path
from valuegate.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation, check_version
from valuegate.portfolio.models import Measure, Node
from valuegate.portfolio.service import get_measure, get_node
from valuegate.rollups.models import MeasureTotal
from valuegate.rollups.service import refresh_upstream_risk, tracking
from valuegate.uow import use_case


def dependency_view(d: Dependency) -> dict[str, Any]:
    return {
        "id": d.id,
        "upstream_id": d.upstream_id,
        "downstream_id": d.downstream_id,
        "blocking": d.blocking,
        "cross_functional": d.cross_functional,
        "note": d.note,
    }


def _successors(session: Session) -> Callable[[set[int]], dict[int, list[int]]]:
    def fetch(frontier: set[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for up, down in session.execute(
            select(Dependency.upstream_id, Dependency.downstream_id).where(Dependency.upstream_id.in_(frontier))
        ):
            out[up].append(down)
        return out

    return fetch


@use_case
def add_dependency(
    session: Session,
    *,
    actor: Actor,
    upstream_id: int,
    downstream_id: int,
    blocking: bool = True,
    note: str | None = None,
) -> Dependency:
    """Record that ``downstream`` depends on ``upstream``; a link that would close a cycle is refused."""
    up, down = get_node(session, upstream_id), get_node(session, downstream_id)
    for n in (up, down):
        if n.kind not in ("measure", "project"):
            raise InvalidInput(f"Dependencies link measures or projects; {n.name!r} is a {n.kind}.")
    require(session, actor, "dependency.edit", down)
    require(session, actor, "node.view", up)
    if up.id == down.id:
        raise RuleViolation("A measure or project cannot depend on itself.")
    if session.scalar(
        select(Dependency.id).where(Dependency.upstream_id == up.id, Dependency.downstream_id == down.id)
    ):
        raise Conflict(f"{down.name!r} already depends on {up.name!r}.")
    cycle = find_path(down.id, up.id, _successors(session))
    if cycle:
        names = dict(session.execute(select(Node.id, Node.name).where(Node.id.in_(cycle))).all())
        chain = " → ".join(names[i] for i in [*cycle, down.id])
        raise RuleViolation(f"This link would create a cycle: {chain}.", errors=[{"cycle": [*cycle, down.id]}])
    dep = Dependency(
        upstream_id=up.id,
        downstream_id=down.id,
        blocking=blocking,
        note=note,
        cross_functional=up.org_unit_id != down.org_unit_id,
        created_by=actor.person_id,
    )
    affected = _measures_under(session, down)
    with tracking(session, settings_of(session), affected, today_of(session)) as ids:
        session.add(dep)
        session.flush()
        ids |= refresh_upstream_risk(session, _measures_under(session, up) or {up.id})
        if down.kind == "measure":
            measure = session.get(Measure, down.id)
            assert measure is not None
            measure.dependencies_declared = True
    audit.record(
        session,
        actor_id=actor.person_id,
        action="dependency.create",
        entity_type="dependency",
        entity_id=dep.id,
        measure_id=down.id if down.kind == "measure" else None,
        after=dependency_view(dep),
    )
    return dep


def _measures_under(session: Session, node: Node) -> set[int]:
    if node.kind == "measure":
        return {node.id}
    return set(session.scalars(select(Node.id).where(Node.path.startswith(node.path), Node.kind == "measure")))


@use_case
def remove_dependency(session: Session, *, actor: Actor, dependency_id: int, reason: str | None = None) -> None:
    dep = session.get(Dependency, dependency_id)
    if dep is None:
        raise NotFound(f"There is no dependency with id {dependency_id}.")
    down = get_node(session, dep.downstream_id)
    require(session, actor, "dependency.edit", down)
    before = dependency_view(dep)
    with tracking(session, settings_of(session), _measures_under(session, down), today_of(session)) as ids:
        session.delete(dep)
        session.flush()
        ids |= refresh_upstream_risk(session, {dep.upstream_id})
    audit.record(
        session,
        actor_id=actor.person_id,
        action="dependency.delete",
        entity_type="dependency",
        entity_id=dependency_id,
        measure_id=down.id if down.kind == "measure" else None,
        before=before,
        reason=reason,
    )


def dependencies_of(session: Session, node_id: int) -> dict[str, list[dict[str, Any]]]:
    """Upstream and downstream links of a node, with stage, status and at-risk flags."""

    def rows(col_self: Any, col_other: Any) -> list[dict[str, Any]]:
        q = (
            select(Dependency, Node.name, Node.kind, Measure.stage, Measure.impl_status)
            .join(Node, Node.id == col_other)
            .outerjoin(Measure, Measure.node_id == Node.id)
            .where(col_self == node_id)
        )
        return [
            {
                **dependency_view(d),
                "other_id": d.upstream_id if col_other is Dependency.upstream_id else d.downstream_id,
                "name": name,
                "kind": kind,
                "stage": stage,
                "impl_status": status,
                "late": status == "late",
            }
            for d, name, kind, stage, status in session.execute(q)
        ]

    return {
        "upstream": rows(Dependency.downstream_id, Dependency.upstream_id),
        "downstream": rows(Dependency.upstream_id, Dependency.downstream_id),
    }


def value_at_risk(session: Session, node: Node | None = None) -> dict[str, Any]:
    """Measures at risk because of a late upstream, and the recurring run-rate (estimate) they carry."""
    q = (
        select(Measure.node_id, Node.name, MeasureTotal.run_rate)
        .join(Node, Node.id == Measure.node_id)
        .outerjoin(
            MeasureTotal,
            (MeasureTotal.measure_id == Measure.node_id)
            & (MeasureTotal.series == "estimate")
            & (MeasureTotal.kind == "recurring"),
        )
        .where(Measure.upstream_risk, Node.archived_at.is_(None))
    )
    if node is not None:
        q = q.where(Node.path.startswith(node.path))
    items = [{"measure_id": i, "name": n, "run_rate": rr or 0} for i, n, rr in session.execute(q)]
    return {"measures": items, "count": len(items), "run_rate_at_risk": sum(x["run_rate"] for x in items)}


def late_chains(session: Session) -> dict[int, set[int]]:
    """Each late measure and everything downstream of it."""
    edges: dict[int, list[int]] = defaultdict(list)
    for up, down in session.execute(
        select(Dependency.upstream_id, Dependency.downstream_id).where(Dependency.blocking)
    ):
        edges[up].append(down)
    late = session.scalars(select(Measure.node_id).where(Measure.impl_status == "late"))
    return {m: downstream_closure([m], edges) for m in late}


# --- business services -------------------------------------------------------------------------


def service_view(s: BusinessService) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "owner_id": s.owner_id,
        "org_unit_id": s.org_unit_id,
        "revenue_generating": s.revenue_generating,
        "description": s.description,
        "version": s.version,
    }


@use_case
def create_service(
    session: Session,
    *,
    actor: Actor,
    name: str,
    owner_id: int,
    revenue_generating: bool,
    org_unit_id: int | None = None,
    description: str | None = None,
) -> BusinessService:
    require(session, actor, "service.manage", what="business services")
    if not name.strip():
        raise InvalidInput("A business service needs a name.")
    if session.scalar(select(BusinessService.id).where(func.lower(BusinessService.name) == name.strip().lower())):
        raise Conflict(f"A business service named {name.strip()!r} exists already.")
    from valuegate.auth.service import get_person

    get_person(session, owner_id)
    svc = BusinessService(
        name=name.strip(),
        owner_id=owner_id,
        revenue_generating=revenue_generating,
        org_unit_id=org_unit_id,
        description=description,
    )
    session.add(svc)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="service.create",
        entity_type="business_service",
        entity_id=svc.id,
        after=service_view(svc),
    )
    return svc


@use_case
def update_service(
    session: Session, *, actor: Actor, service_id: int, version: int | None, changes: dict[str, Any]
) -> BusinessService:
    require(session, actor, "service.manage", what="business services")
    svc = session.get(BusinessService, service_id)
    if svc is None:
        raise NotFound(f"There is no business service with id {service_id}.")
    check_version("The business service", svc.version, version)
    before = service_view(svc)
    for key in set(changes) - {"name", "owner_id", "revenue_generating", "description", "org_unit_id"}:
        raise InvalidInput(f"The field {key!r} cannot be changed.")
    if changes.get("owner_id") is not None:
        from valuegate.auth.service import get_person

        get_person(session, changes["owner_id"])
    for key, value in changes.items():
        setattr(svc, key, value)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="service.update",
        entity_type="business_service",
        entity_id=svc.id,
        before=before,
        after=service_view(svc),
    )
    return svc


@use_case
def add_impact(
    session: Session, *, actor: Actor, measure_id: int, service_id: int, note: str | None = None
) -> ServiceImpact:
    node, measure = get_measure(session, measure_id, actor=actor)
    require(session, actor, "node.edit", node)
    svc = session.get(BusinessService, service_id)
    if svc is None:
        raise NotFound(f"There is no business service with id {service_id}.")
    if measure.stage in ("decided", "implemented", "closed", "cancelled"):
        raise RuleViolation("Affected services are declared before the decision; this measure is past it.")
    if session.scalar(
        select(ServiceImpact.id).where(ServiceImpact.measure_id == measure_id, ServiceImpact.service_id == service_id)
    ):
        raise Conflict(f"{svc.name!r} is already declared as affected.")
    imp = ServiceImpact(measure_id=measure_id, service_id=service_id, note=note)
    session.add(imp)
    measure.services_declared = True
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="service_impact.create",
        entity_type="service_impact",
        entity_id=imp.id,
        measure_id=measure_id,
        after={"service_id": service_id, "service": svc.name, "revenue_generating": svc.revenue_generating},
    )
    return imp


@use_case
def acknowledge_impact(session: Session, *, actor: Actor, impact_id: int, note: str | None = None) -> ServiceImpact:
    imp = session.get(ServiceImpact, impact_id)
    if imp is None:
        raise NotFound(f"There is no service impact with id {impact_id}.")
    svc = session.get(BusinessService, imp.service_id)
    assert svc is not None
    on_behalf = None
    if actor.person_id != svc.owner_id:
        delegators = active_delegators(session, actor.person_id or -1, today_of(session))
        if svc.owner_id not in delegators:
            raise PermissionDenied(f"Only the owner of {svc.name!r} (or their deputy) can acknowledge this impact.")
        on_behalf = svc.owner_id
    if imp.acknowledged_at is not None:
        raise Conflict("This impact is already acknowledged.")
    imp.acknowledged_by, imp.acknowledged_at = actor.person_id, utcnow()
    imp.note = note or imp.note
    audit.record(
        session,
        actor_id=actor.person_id,
        action="service_impact.acknowledge",
        entity_type="service_impact",
        entity_id=imp.id,
        measure_id=imp.measure_id,
        reason=note,
        after={"service": svc.name, "on_behalf_of": on_behalf},
    )
    return imp


def impacts_to_acknowledge(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    """Impacts on services the person owns (or owns as a deputy today) that wait for acknowledgement."""
    if actor.person_id is None:
        return []
    owners = [actor.person_id, *active_delegators(session, actor.person_id, today_of(session))]
    rows = session.execute(
        select(
            ServiceImpact, BusinessService.name, BusinessService.revenue_generating, BusinessService.owner_id, Node.name
        )
        .join(BusinessService, BusinessService.id == ServiceImpact.service_id)
        .join(Node, Node.id == ServiceImpact.measure_id)
        .where(BusinessService.owner_id.in_(owners), ServiceImpact.acknowledged_at.is_(None))
        .order_by(ServiceImpact.id)
    ).all()
    return [
        {
            "impact_id": imp.id,
            "measure_id": imp.measure_id,
            "measure_name": measure,
            "service": service,
            "revenue_generating": revenue,
            "note": imp.note,
            "as_deputy": owner != actor.person_id,
        }
        for imp, service, revenue, owner, measure in rows
    ]


@dataclass(frozen=True)
class ServicesPage:
    """The business-service catalogue as its administration page shows it: each service with its owner's name, how
    many measures wait for the owner's acknowledgement, and the people who may own one."""

    sections: list[tuple[str, str]]
    rows: list[tuple[BusinessService, str]]
    waiting: dict[int, int]
    people: list[tuple[int, str]]


def services_page(session: Session, *, actor: Actor) -> ServicesPage:
    from valuegate.auth.models import Person
    from valuegate.auth.service import admin_section, people_choices

    sections = admin_section(session, actor=actor, slug="services")
    open_acks = (
        select(ServiceImpact.service_id, func.count())
        .where(ServiceImpact.acknowledged_at.is_(None))
        .group_by(ServiceImpact.service_id)
    )
    rows = session.execute(
        select(BusinessService, Person.name)
        .join(Person, Person.id == BusinessService.owner_id)
        .order_by(BusinessService.name)
    ).all()
    return ServicesPage(
        sections=sections,
        rows=[(svc, name) for svc, name in rows],
        waiting={int(k): int(v) for k, v in session.execute(open_acks).all()},
        people=people_choices(session, actor=actor),
    )


@dataclass(frozen=True)
class MapPage:
    """The dependency map of a portfolio, program or project: its links as a graph, the value they put at risk, and
    the parts of the portfolio the person may choose among."""

    scope: Node
    graph: Any
    risk: dict[str, Any]
    choices: dict[str, Any]
    limit: int


def map_page(session: Session, *, actor: Actor, node_id: int | None, limit: int) -> MapPage | None:
    """The map for the chosen part of the portfolio (by default the widest the person may see); None when there is
    no part of the portfolio the person may see."""
    from valuegate.dependencies.graph import dependency_graph
    from valuegate.rollups.cockpit import default_node, filter_choices

    if node_id is None:
        try:
            node_id = default_node(session, actor=actor)
        except NotFound:
            return None
    if not 1 <= limit <= 2000:
        raise InvalidInput("limit is a number of links from 1 to 2000.")
    scope = get_node(session, node_id)
    if scope.kind == "measure":
        raise InvalidInput("The map is drawn for a portfolio, program or project; a measure shows its links itself.")
    require(session, actor, "node.view", scope)
    return MapPage(
        scope=scope,
        graph=dependency_graph(session, actor, scope.path, limit=limit),
        risk=value_at_risk(session, scope),
        choices=filter_choices(session, actor=actor),
        limit=limit,
    )


def dependencies_for(session: Session, *, actor: Actor, node_id: int) -> dict[str, Any]:
    """A node's dependencies up and down, for those who may see the node."""
    get_node(session, node_id, actor=actor)
    return dependencies_of(session, node_id)


def value_at_risk_for(session: Session, *, actor: Actor, node_id: int | None) -> dict[str, Any]:
    """The value at risk under a node, or over the whole portfolio for those who read all of it."""
    node = get_node(session, node_id, actor=actor) if node_id is not None else None
    if node is None and not actor.reads_all:
        require(session, actor, "audit.read", None, what="the whole portfolio")
    return value_at_risk(session, node)


def list_services(session: Session, *, actor: Actor) -> list[BusinessService]:
    """The catalogue of business services, by name (known to everyone signed in)."""
    return list(session.scalars(select(BusinessService).order_by(BusinessService.name)))
