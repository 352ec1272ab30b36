"""The actor and the roles it holds on a node; the one place where access is decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from valuegate.auth.models import Delegation, NodeGrant, Person
from valuegate.auth.rules import READ_ALL, allowed
from valuegate.errors import PermissionDenied
from valuegate.portfolio.models import Node


@dataclass(frozen=True)
class Actor:
    """Who is acting. ``person_id`` is ``None`` only for the system itself (CLI set-up, migrations)."""

    person_id: int | None
    name: str
    global_role: str | None = None

    @property
    def is_system(self) -> bool:
        return self.person_id is None

    @property
    def reads_all(self) -> bool:
        return self.is_system or self.global_role in READ_ALL


SYSTEM = Actor(None, "system", "admin")


def actor_for(person: Person) -> Actor:
    return Actor(person.id, person.name, person.global_role)


def ancestor_ids(path: str) -> list[int]:
    return [int(p) for p in path.strip("/").split("/") if p]


def roles_on(session: Session, actor: Actor, node: Node | None) -> set[str]:
    """Every role the actor holds on ``node`` (or globally when ``node`` is None)."""
    roles: set[str] = set()
    if actor.global_role:
        roles.add(actor.global_role)
    if actor.is_system:
        roles.add("admin")
        return roles
    if node is None:
        return roles
    ids = ancestor_ids(node.path)
    roles.update(
        session.scalars(
            select(NodeGrant.role).where(NodeGrant.person_id == actor.person_id, NodeGrant.node_id.in_(ids))
        )
    )
    if node.owner_id == actor.person_id:
        roles.add("owner")
        if node.kind != "measure":  # the owner of a program or project leads it
            roles.add("lead")
    if node.sponsor_id == actor.person_id:
        roles.add("sponsor")
    if node.controller_id == actor.person_id:
        roles.add("controller")
    above = [i for i in ids if i != node.id]
    if above:
        for owner_id, sponsor_id, controller_id in session.execute(
            select(Node.owner_id, Node.sponsor_id, Node.controller_id).where(Node.id.in_(above))
        ):
            if owner_id == actor.person_id:
                roles.add("lead")
            if actor.person_id in (sponsor_id, controller_id):
                roles.add("reader")
    return roles


def require(
    session: Session,
    actor: Actor,
    action: str,
    node: Node | None = None,
    *,
    extra: tuple[str, ...] = (),
    what: str | None = None,
) -> set[str]:
    roles = roles_on(session, actor, node)
    if not allowed(action, roles, extra=extra):
        target = what or (f"{node.kind} {node.name!r}" if node is not None else "this")
        raise PermissionDenied(f"{actor.name} may not {ACTION_WORDS.get(action, action)} on {target}.")
    return roles


def can(session: Session, actor: Actor, action: str, node: Node | None = None, *, extra: tuple[str, ...] = ()) -> bool:
    return allowed(action, roles_on(session, actor, node), extra=extra)


ACTION_WORDS = {
    "node.view": "see this",
    "node.create": "create nodes",
    "measure.create": "create measures",
    "node.edit": "edit",
    "node.assign_roles": "assign owner, sponsor or controller",
    "node.move": "move nodes",
    "node.archive": "archive",
    "values.plan": "change plan values",
    "values.forecast": "change forecast values",
    "values.actual": "enter actuals",
    "milestone.edit": "change milestones",
    "gate.request": "request a gate move",
    "dependency.edit": "change dependencies",
    "service.manage": "manage business services",
    "meeting.manage": "manage steering meetings",
    "audit.read": "read the audit trail",
    "audit.verify": "verify the audit trail",
    "people.manage": "manage people and accounts",
    "people.view": "see people",
    "orgunit.manage": "manage org units",
    "gates.configure": "configure gates",
    "grant.manage": "grant roles",
    "delegation.manage": "manage delegations",
}


def visible_nodes(actor: Actor) -> ColumnElement[bool] | None:
    """A filter on :class:`Node` for what the actor may see, or ``None`` when it sees everything."""
    if actor.reads_all:
        return None
    me = actor.person_id
    anc = aliased(Node)
    granted = exists(
        select(NodeGrant.id)
        .join(anc, anc.id == NodeGrant.node_id)
        .where(NodeGrant.person_id == me, Node.path.startswith(anc.path))
    )
    leads_above = exists(
        select(anc.id).where(
            or_(anc.owner_id == me, anc.sponsor_id == me, anc.controller_id == me),
            Node.path.startswith(anc.path),
        )
    )
    return or_(granted, leads_above)


def active_delegators(session: Session, deputy_id: int, on: date) -> list[int]:
    """People whose approvals ``deputy_id`` may give on ``on``."""
    return list(
        session.scalars(
            select(Delegation.delegator_id).where(
                and_(
                    Delegation.deputy_id == deputy_id,
                    Delegation.starts_on <= on,
                    Delegation.ends_on >= on,
                    Delegation.revoked_at.is_(None),
                )
            )
        )
    )


def describe(actor: Actor) -> dict[str, Any]:
    return {"person_id": actor.person_id, "name": actor.name, "global_role": actor.global_role}
