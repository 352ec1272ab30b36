"""Use-cases of the hierarchy: org units, nodes and measures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, ancestor_ids, check_visible, not_found_text, require, visible_nodes
from valuegate.context import settings_of, today_of
from valuegate.db import locks_rows, utcnow
from valuegate.errors import InvalidInput, NotFound, RuleViolation, check_editable, check_version
from valuegate.gates.models import StageChange
from valuegate.portfolio import rules
from valuegate.portfolio.models import Measure, Node, OrgUnit
from valuegate.rollups.service import tracking
from valuegate.uow import use_case


def node_view(n: Node) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind,
        "parent_id": n.parent_id,
        "name": n.name,
        "description": n.description,
        "org_unit_id": n.org_unit_id,
        "owner_id": n.owner_id,
        "sponsor_id": n.sponsor_id,
        "controller_id": n.controller_id,
        "archived": n.archived_at is not None,
        "version": n.version,
    }


def org_unit_view(o: OrgUnit) -> dict[str, Any]:
    return {
        "id": o.id,
        "parent_id": o.parent_id,
        "name": o.name,
        "kind": o.kind,
        "archived": o.archived,
        "version": o.version,
    }


def get_node(session: Session, node_id: int, kind: str | None = None, *, actor: Actor | None = None) -> Node:
    """The node with this id (of this kind). With ``actor``, a node the actor may not see is not found either:
    the same answer as for an id that does not exist."""
    node = session.get(Node, node_id)
    if node is None or (kind is not None and node.kind != kind):
        raise NotFound(not_found_text(kind or "node", node_id))
    if actor is not None:
        check_visible(session, actor, node, kind or "node", node_id)
    return node


def get_org_unit(session: Session, org_unit_id: int) -> OrgUnit:
    ou = session.get(OrgUnit, org_unit_id)
    if ou is None:
        raise NotFound(f"There is no org unit with id {org_unit_id}.")
    return ou


def _person(session: Session, person_id: int | None, role: str) -> None:
    if person_id is not None:
        p = session.get(Person, person_id)
        if p is None:
            raise NotFound(f"The {role} (person {person_id}) does not exist.")
        if not p.active:
            raise RuleViolation(f"{p.name} is inactive and cannot be named {role}.")


@use_case
def create_org_unit(session: Session, *, actor: Actor, name: str, kind: str, parent_id: int | None = None) -> OrgUnit:
    require(session, actor, "orgunit.manage", what="org units")
    if not name.strip():
        raise InvalidInput("An org unit needs a name.")
    if kind not in rules.ORG_UNIT_KINDS:
        raise InvalidInput(f"Unknown org unit kind {kind!r}; use one of {', '.join(rules.ORG_UNIT_KINDS)}.")
    parent = get_org_unit(session, parent_id) if parent_id is not None else None
    ou = OrgUnit(name=name.strip(), kind=kind, parent_id=parent_id, path="")
    session.add(ou)
    session.flush()
    ou.path = rules.child_path(parent.path if parent else None, ou.id)
    audit.record(
        session,
        actor_id=actor.person_id,
        action="org_unit.create",
        entity_type="org_unit",
        entity_id=ou.id,
        after=org_unit_view(ou),
    )
    return ou


@use_case
def rename_org_unit(session: Session, *, actor: Actor, org_unit_id: int, version: int | None, name: str) -> OrgUnit:
    require(session, actor, "orgunit.manage", what="org units")
    ou = get_org_unit(session, org_unit_id)
    check_version("Org unit", ou.version, version)
    if not name.strip():
        raise InvalidInput("An org unit needs a name.")
    before = org_unit_view(ou)
    ou.name = name.strip()
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="org_unit.rename",
        entity_type="org_unit",
        entity_id=ou.id,
        before=before,
        after=org_unit_view(ou),
    )
    return ou


@use_case
def create_node(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    name: str,
    parent_id: int | None,
    org_unit_id: int,
    owner_id: int | None = None,
    sponsor_id: int | None = None,
    controller_id: int | None = None,
    description: str | None = None,
    annual_estimate: int | None = None,
) -> Node:
    if not name.strip():
        raise InvalidInput("A name is required.")
    parent = get_node(session, parent_id) if parent_id is not None else None
    problem = rules.check_parent(kind, parent.kind if parent else None)
    if problem:
        raise RuleViolation(problem[0].upper() + problem[1:] + ".")
    if parent is not None and parent.archived_at is not None:
        raise RuleViolation(f"{parent.kind.capitalize()} {parent.name!r} is archived; nothing new goes under it.")
    require(
        session,
        actor,
        "measure.create" if kind == "measure" else "node.create",
        parent,
        what=f"{parent.kind} {parent.name!r}" if parent else "the portfolio list",
    )
    get_org_unit(session, org_unit_id)
    if kind == "measure" and parent is not None:
        # Roles default to the project's.
        owner_id = owner_id if owner_id is not None else parent.owner_id
        sponsor_id = sponsor_id if sponsor_id is not None else parent.sponsor_id
        controller_id = controller_id if controller_id is not None else parent.controller_id
        sep = rules.separation_problem(owner_id, sponsor_id, controller_id)
        if sep:
            raise RuleViolation(sep)
    for pid, role in ((owner_id, "owner"), (sponsor_id, "sponsor"), (controller_id, "controller")):
        _person(session, pid, role)
    if annual_estimate is not None and kind != "measure":
        raise InvalidInput("Only a measure carries an annualised value estimate.")
    node = Node(
        kind=kind,
        name=name.strip(),
        parent_id=parent_id,
        org_unit_id=org_unit_id,
        owner_id=owner_id,
        sponsor_id=sponsor_id,
        controller_id=controller_id,
        description=description,
        path="",
    )
    session.add(node)
    session.flush()
    node.path = rules.child_path(parent.path if parent else None, node.id)
    view = node_view(node)
    if kind == "measure":
        settings = settings_of(session)
        with tracking(session, settings, [], today_of(session)) as ids:
            session.add(Measure(node_id=node.id, stage="defined", annual_estimate=annual_estimate))
            session.flush()
            session.add(StageChange(measure_id=node.id, from_stage=None, to_stage="defined"))
            ids.add(node.id)
        view["stage"] = "defined"
        view["annual_estimate"] = annual_estimate
    audit.record(
        session,
        actor_id=actor.person_id,
        action=f"{kind}.create",
        entity_type=kind,
        entity_id=node.id,
        after=view,
        measure_id=node.id if kind == "measure" else None,
    )
    return node


@use_case
def update_node(
    session: Session,
    *,
    actor: Actor,
    node_id: int,
    version: int | None,
    changes: dict[str, Any],
    reason: str | None = None,
) -> Node:
    """Rename, describe, re-assign org unit or roles. ``changes`` holds only the fields to change."""
    node = get_node(session, node_id, actor=actor)
    check_version(node.kind.capitalize(), node.version, version)
    allowed_fields = {
        "name",
        "description",
        "org_unit_id",
        "owner_id",
        "sponsor_id",
        "controller_id",
        "annual_estimate",
        "one_time_costs_declared",
        "dependencies_declared",
        "services_declared",
    }
    check_editable(changes, allowed_fields)
    role_fields = {"owner_id", "sponsor_id", "controller_id"} & set(changes)
    require(session, actor, "node.assign_roles" if role_fields else "node.edit", node)
    if node.archived_at is not None:
        raise RuleViolation(f"{node.kind.capitalize()} {node.name!r} is archived and cannot be changed.")
    measure = session.get(Measure, node.id) if node.kind == "measure" else None
    measure_fields = {
        "annual_estimate",
        "one_time_costs_declared",
        "dependencies_declared",
        "services_declared",
    }
    if measure is None and set(changes) & measure_fields:
        raise InvalidInput("Only a measure has an estimate and declarations.")
    if "name" in changes and not str(changes["name"] or "").strip():
        raise InvalidInput("A name is required.")
    for f in role_fields:
        _person(session, changes[f], f.removesuffix("_id"))
    if measure is not None:
        owner = changes.get("owner_id", node.owner_id)
        sponsor = changes.get("sponsor_id", node.sponsor_id)
        controller = changes.get("controller_id", node.controller_id)
        sep = rules.separation_problem(owner, sponsor, controller)
        if sep:
            raise RuleViolation(sep)
        if measure.stage in ("closed", "cancelled") and role_fields:
            raise RuleViolation(
                "The roles of a closed or cancelled measure are part of its record and stay as they are."
            )
    if "org_unit_id" in changes:
        get_org_unit(session, changes["org_unit_id"])
    before = {**node_view(node), **(_measure_fields(measure) if measure else {})}
    with tracking(session, settings_of(session), [node.id] if measure else [], today_of(session)):
        for key, value in changes.items():
            if key in measure_fields:
                setattr(measure, key, value)
            else:
                setattr(node, key, value.strip() if isinstance(value, str) and key == "name" else value)
        node.updated_at = utcnow()
        if measure is not None:
            measure.last_update_at = utcnow()
    session.flush()
    after = {**node_view(node), **(_measure_fields(measure) if measure else {})}
    audit.record(
        session,
        actor_id=actor.person_id,
        action=f"{node.kind}.update",
        entity_type=node.kind,
        entity_id=node.id,
        before=before,
        after=after,
        reason=reason,
        measure_id=node.id if measure else None,
    )
    return node


def _measure_fields(m: Measure) -> dict[str, Any]:
    return {
        "annual_estimate": m.annual_estimate,
        "one_time_costs_declared": m.one_time_costs_declared,
        "dependencies_declared": m.dependencies_declared,
        "services_declared": m.services_declared,
    }


def _subtree_measures(session: Session, path: str) -> list[int]:
    return list(session.scalars(select(Node.id).where(Node.path.startswith(path), Node.kind == "measure")))


@use_case
def move_node(
    session: Session,
    *,
    actor: Actor,
    node_id: int,
    version: int | None,
    new_parent_id: int,
    reason: str | None = None,
) -> Node:
    node = get_node(session, node_id, actor=actor)
    check_version(node.kind.capitalize(), node.version, version)
    require(session, actor, "node.move", node)
    new_parent = get_node(session, new_parent_id)
    require(session, actor, "node.move", new_parent)
    problem = rules.check_parent(node.kind, new_parent.kind)
    if problem:
        raise RuleViolation(problem[0].upper() + problem[1:] + ".")
    if new_parent.path.startswith(node.path):
        raise RuleViolation("A node cannot be moved under itself.")
    if new_parent.archived_at is not None:
        raise RuleViolation(f"{new_parent.kind.capitalize()} {new_parent.name!r} is archived.")
    old_path, old_parent = node.path, node.parent_id
    new_path = rules.child_path(new_parent.path, node.id)
    with tracking(session, settings_of(session), _subtree_measures(session, old_path), today_of(session)):
        session.execute(
            update(Node)
            .where(Node.path.startswith(old_path))
            .values(path=func.replace(Node.path, old_path, new_path))
            .execution_options(synchronize_session=False)
        )
        node.parent_id = new_parent.id
        node.updated_at = utcnow()
        session.flush()
        session.expire_all()
    node = get_node(session, node_id, actor=actor)
    audit.record(
        session,
        actor_id=actor.person_id,
        action=f"{node.kind}.move",
        entity_type=node.kind,
        entity_id=node.id,
        before={"parent_id": old_parent},
        after={"parent_id": new_parent.id},
        reason=reason,
        measure_id=node.id if node.kind == "measure" else None,
    )
    return node


@use_case
def archive_node(session: Session, *, actor: Actor, node_id: int, version: int | None, reason: str) -> Node:
    node = get_node(session, node_id, actor=actor)
    check_version(node.kind.capitalize(), node.version, version)
    require(session, actor, "node.archive", node)
    if not reason or not reason.strip():
        raise InvalidInput("Archiving needs a reason.")
    if node.archived_at is not None:
        raise RuleViolation(f"{node.kind.capitalize()} {node.name!r} is already archived.")
    now = utcnow()
    with tracking(session, settings_of(session), _subtree_measures(session, node.path), today_of(session)):
        session.execute(
            update(Node)
            .where(Node.path.startswith(node.path), Node.archived_at.is_(None))
            .values(archived_at=now, version=Node.version + 1)
            .execution_options(synchronize_session=False)
        )
        session.flush()
        session.expire_all()
    node = get_node(session, node_id, actor=actor)
    audit.record(
        session,
        actor_id=actor.person_id,
        action=f"{node.kind}.archive",
        entity_type=node.kind,
        entity_id=node.id,
        after={"archived": True},
        reason=reason,
        measure_id=node.id if node.kind == "measure" else None,
    )
    return node


def get_measure(session: Session, measure_id: int, *, actor: Actor | None = None) -> tuple[Node, Measure]:
    """The measure's node and row (not found when ``actor`` may not see it); in a write session the row is
    locked, so concurrent writers queue up and the second sees the first's changes (its stale version is then
    refused, its roll-up deltas exact)."""
    node = get_node(session, measure_id, "measure", actor=actor)
    lock = locks_rows(session)
    measure = session.get(Measure, measure_id, with_for_update=lock or None, populate_existing=lock)
    assert measure is not None
    return node, measure


@dataclass(frozen=True)
class OrgUnitsPage:
    """The org-unit tree as its administration page shows it, with how many nodes use each unit."""

    sections: list[tuple[str, str]]
    units: list[OrgUnit]
    used: dict[int, int]
    kinds: list[str]

    @property
    def parents(self) -> list[tuple[int, str]]:
        """The units a new one may be part of, as a select's options."""
        return [(u.id, u.name) for u in self.units]


def org_units_page(session: Session, *, actor: Actor) -> OrgUnitsPage:
    from valuegate.auth.service import admin_section

    sections = admin_section(session, actor=actor, slug="org-units")
    units = list(session.scalars(select(OrgUnit).order_by(OrgUnit.path)))
    used = dict(session.execute(select(Node.org_unit_id, func.count()).group_by(Node.org_unit_id)).all())
    return OrgUnitsPage(
        sections=sections,
        units=units,
        used={int(k): int(v) for k, v in used.items() if k is not None},
        kinds=list(rules.ORG_UNIT_KINDS),
    )


# --- Screen views of the portfolio tree and the measure list. ---


@dataclass(frozen=True)
class TreePage:
    """The portfolio tree from a node (or from the person's roots), the first level opened when there is one node,
    whether the person may add a measure here, and the access grants on it for who may manage them."""

    top: Node | None
    nodes: list[Any]
    opened: dict[int, list[Any]]
    may_add_measure: bool
    grants: list[tuple[int, str, str]] | None
    people: list[tuple[int, str]]
    roles: list[str]


def tree_page(session: Session, *, actor: Actor, node_id: int | None) -> TreePage:
    from valuegate.auth.models import NodeGrant
    from valuegate.auth.policy import can
    from valuegate.auth.rules import GRANT_ROLES
    from valuegate.auth.service import people_choices
    from valuegate.portfolio import tree

    top = None
    if node_id is not None:
        top = get_node(session, node_id)
        require(session, actor, "node.view", top)
        nodes = tree.describe(session, [top.id])
    else:
        nodes = tree.roots(session, actor)
    opened = {}
    if len(nodes) == 1 and nodes[0].expandable:
        opened[nodes[0].id] = tree.children(session, actor, nodes[0].id)
    grants = None
    if top is not None and top.kind != "measure" and can(session, actor, "grant.manage", top):
        rows = session.execute(
            select(NodeGrant.id, NodeGrant.role, Person.name)
            .join(Person, Person.id == NodeGrant.person_id)
            .where(NodeGrant.node_id == top.id)
            .order_by(NodeGrant.role, Person.name)
        ).all()
        grants = [(int(i), str(r), str(n)) for i, r, n in rows]
    return TreePage(
        top=top,
        nodes=nodes,
        opened=opened,
        may_add_measure=top is not None
        and top.kind == "project"
        and top.archived_at is None
        and can(session, actor, "measure.create", top),
        grants=grants,
        people=people_choices(session, actor=actor) if grants is not None else [],
        roles=list(GRANT_ROLES),
    )


def tree_children(session: Session, *, actor: Actor, node_id: int) -> list[Any]:
    """One more level of the tree under a node the person may see."""
    from valuegate.portfolio import tree

    parent = get_node(session, node_id)
    require(session, actor, "node.view", parent)
    return tree.children(session, actor, node_id)


@dataclass(frozen=True)
class MeasuresPage:
    """One page of the measure list, filtered, with the title of the scope it is filtered by."""

    title: str
    rows: list[Any]
    total: int


def measures_page(
    session: Session,
    *,
    actor: Actor,
    node_id: int | None,
    org_unit_id: int | None,
    stage: str | None,
    impl_status: str | None,
    value_status: str | None,
    mine: bool,
    text: str | None,
    number: int,
) -> MeasuresPage:
    from valuegate.portfolio import listing
    from valuegate.rollups.scope import resolve_scope

    scope = path = org_path = None
    title = "All measures you may see"
    if node_id is not None or org_unit_id is not None:
        scope, path = resolve_scope(session, actor, node_id, org_unit_id)
        if org_unit_id is not None:
            ou = get_org_unit(session, org_unit_id)
            org_path, title = ou.path, ou.name
        else:
            title = get_node(session, node_id or 0).name
    filters = listing.Filters(
        scope=scope,
        path=path,
        org_path=org_path,
        stage=stage,
        impl_status=impl_status,
        value_status=value_status,
        owner_id=actor.person_id if mine else None,
        text=text,
    )
    rows, total = listing.measure_list(session, actor, filters, number)
    return MeasuresPage(title=title, rows=rows, total=total)


# --- Screen views of a measure's pages: its workspace, its sign-off and a new measure's business case. ---


def _names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {int(i): str(n) for i, n in session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted)))}


def why_no_request(session: Session, actor: Actor, node: Node, nxt: Any) -> str | None:
    """Why this person cannot request the next gate from the page now (None: the request button is offered):
    the checks ``gates.request_move`` makes, in words that say what is missing and who acts. Closing is never
    requested: the page offers the controller's sign-off instead."""
    from valuegate.auth.policy import can

    if nxt.to_stage is None or nxt.to_stage == "closed":
        return None
    if nxt.pending_request_id:
        return "Its approvers decide the pending request in their Decisions."
    if node.archived_at is not None:
        return "The measure is archived; nothing more is requested for it."
    if not can(session, actor, "gate.request", node):
        return "The measure's owner or sponsor, a lead of its project, or the PMO requests this gate."
    if nxt.unmet:
        return "The request can be sent once everything above is done."
    return None


@dataclass(frozen=True)
class MeasurePage:
    """A measure's workspace: where it stands, what its next gate still needs (and why the person may not request
    it, if so), what the person may edit, its milestones, links, affected services and history."""

    node: Node
    measure: Measure
    next: Any
    closing: bool
    why_no_request: str | None
    can_request: bool
    sign_off_needs: list[Any]
    is_controller: bool
    can_edit_case: bool
    can_edit_milestones: bool
    today: Any
    milestones: list[Any]
    links: Any
    impacts: list[dict[str, Any]]
    events: list[dict[str, Any]]
    people: dict[int, str]


def measure_page(session: Session, *, actor: Actor, measure_id: int) -> MeasurePage:
    from valuegate.audit.service import events_for_measure
    from valuegate.auth.policy import can
    from valuegate.dependencies.models import BusinessService, ServiceImpact
    from valuegate.dependencies.service import dependencies_of
    from valuegate.gates import service as gates
    from valuegate.milestones.models import Milestone

    s = session
    node, measure = get_measure(s, measure_id)
    require(s, actor, "node.view", node)
    nxt = gates.next_gate(s, actor=actor, measure_id=measure_id)
    closing = nxt.to_stage == "closed"
    blocked = why_no_request(s, actor, node, nxt)
    milestones = list(s.scalars(select(Milestone).where(Milestone.measure_id == measure_id).order_by(Milestone.due_on)))
    impacts = s.execute(
        select(ServiceImpact, BusinessService.name, BusinessService.revenue_generating, BusinessService.owner_id)
        .join(BusinessService, BusinessService.id == ServiceImpact.service_id)
        .where(ServiceImpact.measure_id == measure_id)
    ).all()
    events = events_for_measure(s, measure_id)
    people = _names(
        s,
        {node.owner_id, node.sponsor_id, node.controller_id}
        | {e["actor_id"] for e in events}
        | {owner for *_rest, owner in impacts},
    )
    open_case = node.archived_at is None and measure.stage not in ("closed", "cancelled")
    return MeasurePage(
        node=node,
        measure=measure,
        next=nxt,
        closing=closing,
        why_no_request=blocked,
        can_request=nxt.to_stage is not None and not closing and blocked is None,
        sign_off_needs=gates.sign_off_needs(s, node, measure) if closing else [],
        is_controller=actor.person_id == node.controller_id,
        can_edit_case=open_case and can(s, actor, "node.edit", node),
        can_edit_milestones=open_case and can(s, actor, "milestone.edit", node),
        today=today_of(s),
        milestones=milestones,
        links=dependencies_of(s, measure_id),
        impacts=[
            {
                "service": name,
                "revenue": revenue,
                "owner": people.get(owner, "?"),
                "acknowledged": imp.acknowledged_at,
            }
            for imp, name, revenue, owner in impacts
        ],
        events=list(reversed(events)),
        people=people,
    )


@dataclass(frozen=True)
class SignOffPage:
    """The controller's sign-off of a measure: its recurring figures by month and what the sign-off still needs."""

    node: Node
    measure: Measure
    recurring: dict[str, Any]
    periods: list[str]
    is_controller: bool
    needs: list[Any]
    controller: str


def sign_off_page(session: Session, *, actor: Actor, measure_id: int) -> SignOffPage:
    from valuegate.finance.service import measure_values
    from valuegate.gates import service as gates

    node, measure = get_measure(session, measure_id)
    require(session, actor, "node.view", node)
    values = measure_values(session, measure_id)
    recurring = {series: values.get(series, {}).get("recurring") for series in ("baseline", "forecast", "actual")}
    return SignOffPage(
        node=node,
        measure=measure,
        recurring=recurring,
        periods=sorted({p for v in recurring.values() if v for p in v["periods"]}),
        is_controller=actor.person_id == node.controller_id,
        needs=gates.sign_off_needs(session, node, measure),
        controller=_names(session, {node.controller_id}).get(node.controller_id or 0, "—"),
    )


@dataclass(frozen=True)
class NewMeasurePage:
    """A new measure's business case under a project: whom and which org units the form offers."""

    project: Node
    people: list[tuple[int, str]]
    units: list[tuple[int, str]]


def new_measure_page(session: Session, *, actor: Actor, project_id: int) -> NewMeasurePage:
    from valuegate.auth.service import org_unit_choices, people_choices

    project = get_node(session, project_id, "project")
    require(session, actor, "measure.create", project, what=f"project {project.name!r}")
    return NewMeasurePage(project=project, people=people_choices(session, actor=actor), units=org_unit_choices(session))


def create_measure(session: Session, *, actor: Actor, project_id: int, org_unit_id: int | None, **fields: Any) -> Node:
    """A new measure under a project, owned by who creates it, in the project's org unit unless another is named."""
    project = get_node(session, project_id, "project")
    return create_node(
        session,
        actor=actor,
        kind="measure",
        parent_id=project_id,
        org_unit_id=org_unit_id or project.org_unit_id,
        owner_id=actor.person_id,
        **fields,
    )


def save_case(session: Session, *, actor: Actor, measure_id: int, version: int | None, changes: dict[str, Any]) -> Node:
    """Save a measure's business case as its page's form sends it (the whole case): only what differs is changed,
    one-time costs once declared stay declared, and sending it unchanged is refused."""
    node, measure = get_measure(session, measure_id)
    if measure.one_time_costs_declared or changes.pop("no_one_time_costs", False):
        changes["one_time_costs_declared"] = True
    current = {
        "description": node.description,
        "annual_estimate": measure.annual_estimate,
        "dependencies_declared": measure.dependencies_declared,
        "services_declared": measure.services_declared,
        "one_time_costs_declared": measure.one_time_costs_declared,
    }
    changed = {k: v for k, v in changes.items() if k not in current or current[k] != v}
    if not changed:
        raise InvalidInput("Nothing to save: the business case is as it was.")
    return update_node(session, actor=actor, node_id=measure_id, version=version, changes=changed)


def org_units(session: Session, *, actor: Actor) -> list[OrgUnit]:
    """Every org unit, in tree order (names of organisational units are no secret to anyone signed in)."""
    return list(session.scalars(select(OrgUnit).order_by(OrgUnit.path)))


def list_nodes(
    session: Session,
    *,
    actor: Actor,
    parent_id: int | None = None,
    kind: str | None = None,
    include_archived: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> list[Node]:
    """The nodes the actor may see, under ``parent_id`` or of ``kind`` (the portfolios when neither is given)."""
    q = select(Node).order_by(Node.id)
    q = q.where(Node.parent_id == parent_id) if parent_id is not None or kind in (None, "portfolio") else q
    if kind:
        q = q.where(Node.kind == kind)
    if not include_archived:
        q = q.where(Node.archived_at.is_(None))
    flt = visible_nodes(actor)
    if flt is not None:
        q = q.where(flt)
    return list(session.scalars(q.limit(limit).offset(offset)))


def ancestors(session: Session, node: Node) -> list[Node]:
    """The levels of the hierarchy from the top down to ``node`` itself (a breadcrumb reads them, then asks the
    policy which of them the person may open)."""
    ids = ancestor_ids(node.path)
    found = {n.id: n for n in session.scalars(select(Node).where(Node.id.in_(ids)))}
    return [found[i] for i in ids if i in found]
