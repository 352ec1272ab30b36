"""The dependency map of a scope: every link with an end inside it, the late-upstream chains marked.

A big scope (the whole S7k portfolio has 20,000 links) cannot be drawn readably, so the map keeps the links that
matter most first: those on a late chain, then cross-functional ones, then the rest, up to ``limit``; the page
says how many were left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, select, union
from sqlalchemy.orm import Session, aliased

from valuegate.auth.policy import Actor, visible_nodes
from valuegate.dependencies.models import Dependency
from valuegate.portfolio.models import Measure, Node, OrgUnit

LIMIT = 200
RISKY = ("late", "at_risk_upstream")


@dataclass
class Graph:
    nodes: dict[int, dict[str, Any]] = field(default_factory=dict)
    links: list[dict[str, Any]] = field(default_factory=list)
    total_links: int = 0

    @property
    def left_out(self) -> int:
        return self.total_links - len(self.links)

    @property
    def late_chain_links(self) -> int:
        return sum(1 for link in self.links if link["late_chain"])

    @property
    def cross_functional_links(self) -> int:
        return sum(1 for link in self.links if link["cross_functional"])

    def chart(self) -> dict[str, Any]:
        """What the page's script draws (plain JSON)."""
        return {"nodes": list(self.nodes.values()), "links": self.links}


def _ids_in_scope(path: str) -> Any:
    up, down = aliased(Node), aliased(Node)
    return union(
        select(Dependency.id).join(up, up.id == Dependency.upstream_id).where(up.path.startswith(path)),
        select(Dependency.id).join(down, down.id == Dependency.downstream_id).where(down.path.startswith(path)),
    ).subquery()


def _sole_root(session: Session, path: str) -> bool:
    """The scope is the only portfolio: every link is in it, no need to look for its ends."""
    roots = list(session.scalars(select(Node.path).where(Node.parent_id.is_(None)).limit(2)))
    return roots == [path]


def dependency_graph(session: Session, actor: Actor, path: str, *, limit: int = LIMIT) -> Graph:
    everything = _sole_root(session, path)
    if everything:
        total = int(session.scalar(select(func.count()).select_from(Dependency)) or 0)
    else:
        total = int(session.scalar(select(func.count()).select_from(_ids_in_scope(path))) or 0)
    graph = Graph(total_links=total)
    if not total:
        return graph
    upstream = aliased(Measure)
    late_chain = and_(Dependency.blocking, upstream.impl_status.in_(RISKY))
    q = select(
        Dependency.id,
        Dependency.upstream_id,
        Dependency.downstream_id,
        Dependency.blocking,
        Dependency.cross_functional,
        case((late_chain, 1), else_=0).label("late_chain"),
    ).outerjoin(upstream, upstream.node_id == Dependency.upstream_id)
    if not everything:
        q = q.where(Dependency.id.in_(select(_ids_in_scope(path).c.id)))
    rows = session.execute(
        q.order_by(
            case((late_chain, 0), else_=1), case((Dependency.cross_functional, 0), else_=1), Dependency.id
        ).limit(limit)
    ).all()
    keep = {r.upstream_id for r in rows} | {r.downstream_id for r in rows}
    graph.nodes = _describe(session, actor, keep, path)
    graph.links = [
        {
            "id": r.id,
            "source": str(r.upstream_id),
            "target": str(r.downstream_id),
            "blocking": bool(r.blocking),
            "cross_functional": bool(r.cross_functional),
            "late_chain": bool(r.late_chain),
            "upstream": graph.nodes[r.upstream_id]["name"],
            "downstream": graph.nodes[r.downstream_id]["name"],
        }
        for r in rows
    ]
    return graph


def _describe(session: Session, actor: Actor, ids: set[int], path: str) -> dict[int, dict[str, Any]]:
    hidden: set[int] = set()
    restrict = visible_nodes(actor)
    if restrict is not None:
        seen = set(session.scalars(select(Node.id).where(Node.id.in_(ids), restrict)))
        hidden = ids - seen
    out: dict[int, dict[str, Any]] = {}
    for node_id, kind, name, node_path, stage, impl, estimate, unit in session.execute(
        select(
            Node.id,
            Node.kind,
            Node.name,
            Node.path,
            Measure.stage,
            Measure.impl_status,
            Measure.annual_estimate,
            OrgUnit.name,
        )
        .outerjoin(Measure, Measure.node_id == Node.id)
        .join(OrgUnit, OrgUnit.id == Node.org_unit_id)
        .where(Node.id.in_(ids))
    ):
        if node_id in hidden:
            out[node_id] = {"id": str(node_id), "name": "Outside your view", "category": "outside", "url": None}
            continue
        category = impl if impl in RISKY else ("outside" if not node_path.startswith(path) else "ok")
        out[node_id] = {
            "id": str(node_id),
            "name": name,
            "kind": kind,
            "stage": stage,
            "impl_status": impl,
            "org_unit": unit,
            "annual_estimate": estimate,
            "category": category,
            "url": f"/measures/{node_id}" if kind == "measure" else f"/portfolio?node_id={node_id}",
        }
    return out
