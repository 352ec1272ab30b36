"""Which roll-up a request reads: a node of the hierarchy or an org unit, checked against policy."""

from __future__ import annotations

from sqlalchemy.orm import Session

from valuegate.auth.policy import Actor, require
from valuegate.errors import InvalidInput
from valuegate.portfolio.service import get_node, get_org_unit


def resolve_scope(
    session: Session, actor: Actor, node_id: int | None, org_unit_id: int | None
) -> tuple[str, str | None]:
    """The roll-up scope for a node or an org unit, after checking the actor may see it; and the node's path."""
    if (node_id is None) == (org_unit_id is None):
        raise InvalidInput("Give exactly one of node_id or org_unit_id.")
    if node_id is not None:
        node = get_node(session, node_id, actor=actor)
        if node.kind == "measure":
            raise InvalidInput("Roll-ups are for portfolios, programs and projects; read a measure directly.")
        require(session, actor, "node.view", node)
        return f"n:{node.id}", node.path
    ou = get_org_unit(session, org_unit_id or 0)
    if not actor.reads_all:
        require(session, actor, "audit.read", None, what="org-unit roll-ups")
    return f"o:{ou.id}", None


def scope_path(session: Session, actor: Actor, node_id: int | None) -> str | None:
    """The path of the node a report is scoped to, or None for the whole portfolio, which only those who read all
    of it (or the audit trail) may ask for."""
    if node_id is not None:
        return resolve_scope(session, actor, node_id, None)[1]
    if not actor.reads_all:
        require(session, actor, "audit.read", None, what="the whole portfolio")
    return None
