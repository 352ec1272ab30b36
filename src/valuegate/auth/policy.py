"""The actor and the roles it holds on a node; the one place where access is decided."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from valuegate.auth.models import Delegation, NodeGrant, Person
from valuegate.auth.rules import READ_ALL, allowed
from valuegate.errors import NotFound, PermissionDenied
from valuegate.portfolio.models import Node

T = TypeVar("T")


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


@dataclass
class RoleIndex:
    """What decides an actor's roles on any node, loaded once: grants, and the programs and projects the actor
    owns (lead) or sponsors or controls (reader). ``roles`` then answers for a node without a query, so a list
    of many nodes (an inbox, a page) is checked with two queries in all."""

    actor: Actor
    grants: dict[int, set[str]]
    leads: set[int]
    readers: set[int]

    @classmethod
    def load(cls, session: Session, actor: Actor, node_ids: list[int] | None = None) -> RoleIndex:
        """Everything for the actor, or only what concerns ``node_ids`` (a node and its ancestors)."""
        grants: dict[int, set[str]] = {}
        leads: set[int] = set()
        readers: set[int] = set()
        if actor.is_system or (node_ids is not None and not node_ids):
            return cls(actor, grants, leads, readers)
        gq = select(NodeGrant.node_id, NodeGrant.role).where(NodeGrant.person_id == actor.person_id)
        nq = select(Node.id, Node.owner_id, Node.sponsor_id, Node.controller_id).where(
            Node.kind != "measure",
            or_(
                Node.owner_id == actor.person_id,
                Node.sponsor_id == actor.person_id,
                Node.controller_id == actor.person_id,
            ),
        )
        if node_ids is not None:
            gq, nq = gq.where(NodeGrant.node_id.in_(node_ids)), nq.where(Node.id.in_(node_ids))
        for node_id, role in session.execute(gq):
            grants.setdefault(node_id, set()).add(role)
        for node_id, owner_id, sponsor_id, controller_id in session.execute(nq):
            if owner_id == actor.person_id:
                leads.add(node_id)
            if actor.person_id in (sponsor_id, controller_id):
                readers.add(node_id)
        return cls(actor, grants, leads, readers)

    def roles(self, node: Node | None) -> set[str]:
        actor = self.actor
        roles: set[str] = {actor.global_role} if actor.global_role else set()
        if actor.is_system:
            return roles | {"admin"}
        if node is None:
            return roles
        ids = ancestor_ids(node.path)
        for i in ids:
            roles |= self.grants.get(i, set())
        if node.owner_id == actor.person_id:
            roles.add("owner")
            if node.kind != "measure":  # the owner of a program or project leads it
                roles.add("lead")
        if node.sponsor_id == actor.person_id:
            roles.add("sponsor")
        if node.controller_id == actor.person_id:
            roles.add("controller")
        for i in ids:
            if i != node.id:
                if i in self.leads:
                    roles.add("lead")
                if i in self.readers:
                    roles.add("reader")
        return roles


def roles_on(session: Session, actor: Actor, node: Node | None) -> set[str]:
    """Every role the actor holds on ``node`` (or globally when ``node`` is None)."""
    ids = ancestor_ids(node.path) if node is not None else []
    return RoleIndex.load(session, actor, ids).roles(node)


def require(
    session: Session,
    actor: Actor,
    action: str,
    node: Node | None = None,
    *,
    extra: tuple[str, ...] = (),
    what: str | None = None,
) -> set[str]:
    """The actor's roles on ``node`` when they allow ``action``. Refused as not found when the actor may not even
    see the node (the same answer as for an id that does not exist: neither its existence nor its name is
    revealed), else 403 naming what the actor may see but not do."""
    roles = roles_on(session, actor, node)
    if not allowed(action, roles, extra=extra):
        if node is not None and not allowed("node.view", roles):
            raise NotFound(not_found_text(node.kind, node.id))
        target = what or (f"{node.kind} {node.name!r}" if node is not None else "this")
        raise PermissionDenied(f"{actor.name} may not {ACTION_WORDS.get(action, action)} on {target}.")
    return roles


def not_found_text(what: str, ident: object) -> str:
    """What a lookup by id answers when there is nothing there — or nothing there the actor may see."""
    return f"There is no {what} with id {ident}."


def load_on_node(
    session: Session,
    actor: Actor,
    model: type[T],
    ident: int,
    what: str,
    *,
    node_attr: str = "node_id",
    person_attr: str | None = None,
) -> T:
    """The row ``ident`` of ``model`` (an object that lives on a node: its ``node_attr``), if the actor may see
    its node or is the row's own person (``person_attr``: the owner of an action, the champion); else not found,
    in the same words as for an id that does not exist."""
    row = session.get(model, ident)
    if row is not None and person_attr is not None and actor.person_id == getattr(row, person_attr):
        return row
    node = session.get(Node, getattr(row, node_attr)) if row is not None else None
    if node is None or not allowed("node.view", roles_on(session, actor, node)):
        raise NotFound(not_found_text(what, ident))
    return row  # type: ignore[return-value]


@contextmanager
def addressed_as(what: str, ident: object) -> Iterator[None]:
    """Checks inside run for an object addressed as ``what`` ``ident`` (a submission, a mapping rule) that lives on
    another's node: a not-found there is this object not found, in the same words as for an id that does not exist
    (so the node's kind and id are not told)."""
    try:
        yield
    except NotFound:
        raise NotFound(not_found_text(what, ident)) from None


def check_visible(session: Session, actor: Actor, node: Node, what: str, ident: object) -> set[str]:
    """Refuse as not found (``what`` with id ``ident``, as the caller addressed it) an object on a node the actor
    may not see; the actor's roles on the node otherwise."""
    roles = roles_on(session, actor, node)
    if not allowed("node.view", roles):
        raise NotFound(not_found_text(what, ident))
    return roles


def can(session: Session, actor: Actor, action: str, node: Node | None = None, *, extra: tuple[str, ...] = ()) -> bool:
    return allowed(action, roles_on(session, actor, node), extra=extra)


ACTION_WORDS = {
    "node.view": "see this",
    "usage.ingest": "send usage events",
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
    "change.manage": "manage the change workstream",
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
