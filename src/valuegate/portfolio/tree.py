"""The hierarchy as people browse it: one level at a time, each node with its roll-up, in a fixed number of
queries whatever the level's size (pre-aggregates for portfolios, programs and projects; measure totals for
measures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, visible_nodes
from valuegate.portfolio.models import Measure, Node
from valuegate.rollups.models import MeasureTotal, RollupStatus, RollupTotal

SERIES = ("plan", "estimate", "actual")
MAX_VISIBLE_FOR_ROOTS = 20_000


@dataclass
class TreeNode:
    id: int
    kind: str
    name: str
    owner: str | None = None
    stage: str | None = None
    impl_status: str | None = None
    value_rag: str | None = None
    measures: int = 0
    late: int = 0
    red: int = 0
    verified: int = 0
    run_rate: dict[str, int] = field(default_factory=dict)
    actual_total: int = 0

    @property
    def expandable(self) -> bool:
        return self.kind != "measure" and self.measures > 0


def _visible(q: Any, actor: Actor) -> Any:
    restrict = visible_nodes(actor)
    return q if restrict is None else q.where(restrict)


def roots(session: Session, actor: Actor) -> list[TreeNode]:
    """The top of what a person may see: the portfolios for global readers, else each visible node whose
    parent is not visible (a project lead starts at the project, a measure owner at the measure)."""
    if actor.reads_all:
        q = select(Node.id).where(Node.parent_id.is_(None), Node.archived_at.is_(None))
        return describe(session, list(session.scalars(q.order_by(Node.name))))
    rows = session.execute(
        _visible(select(Node.id, Node.parent_id).where(Node.archived_at.is_(None)), actor).limit(MAX_VISIBLE_FOR_ROOTS)
    ).all()
    seen = {i for i, _p in rows}
    return describe(session, [i for i, parent in rows if parent not in seen])


def children(session: Session, actor: Actor, node_id: int) -> list[TreeNode]:
    q = _visible(select(Node.id).where(Node.parent_id == node_id, Node.archived_at.is_(None)), actor)
    return describe(session, list(session.scalars(q.order_by(Node.name, Node.id))))


def describe(session: Session, ids: list[int]) -> list[TreeNode]:
    """The nodes with their roll-ups, in the order given."""
    if not ids:
        return []
    nodes: dict[int, TreeNode] = {}
    for node_id, kind, name, owner in session.execute(
        select(Node.id, Node.kind, Node.name, Person.name)
        .outerjoin(Person, Person.id == Node.owner_id)
        .where(Node.id.in_(ids))
    ):
        nodes[node_id] = TreeNode(node_id, kind, name, owner)
    _add_rollups(session, [n for n in nodes.values() if n.kind != "measure"])
    _add_measures(session, [n for n in nodes.values() if n.kind == "measure"])
    return [nodes[i] for i in ids if i in nodes]


def _add_rollups(session: Session, nodes: list[TreeNode]) -> None:
    if not nodes:
        return
    by_scope = {f"n:{n.id}": n for n in nodes}
    for scope, impl, rag, count, verified in session.execute(
        select(
            RollupStatus.scope,
            RollupStatus.impl_status,
            RollupStatus.value_rag,
            func.sum(RollupStatus.measures),
            func.sum(RollupStatus.verified_value),
        )
        .where(RollupStatus.scope.in_(by_scope), RollupStatus.stage != "cancelled")
        .group_by(RollupStatus.scope, RollupStatus.impl_status, RollupStatus.value_rag)
    ):
        n = by_scope[scope]
        n.measures += int(count or 0)
        n.verified += int(verified or 0)
        n.late += int(count or 0) if impl == "late" else 0
        n.red += int(count or 0) if rag == "red" else 0
    for scope, series, total, run_rate in session.execute(
        select(RollupTotal.scope, RollupTotal.series, func.sum(RollupTotal.total), func.sum(RollupTotal.run_rate))
        .where(
            RollupTotal.scope.in_(by_scope),
            RollupTotal.stage != "cancelled",
            RollupTotal.kind == "recurring",
            RollupTotal.series.in_(SERIES),
        )
        .group_by(RollupTotal.scope, RollupTotal.series)
    ):
        n = by_scope[scope]
        n.run_rate[series] = int(run_rate or 0)
        if series == "actual":
            n.actual_total = int(total or 0)


def _add_measures(session: Session, nodes: list[TreeNode]) -> None:
    if not nodes:
        return
    by_id = {n.id: n for n in nodes}
    for m in session.scalars(select(Measure).where(Measure.node_id.in_(by_id))):
        n = by_id[m.node_id]
        n.stage, n.impl_status, n.value_rag = m.stage, m.impl_status, m.value_rag
        n.measures = 1
        n.late, n.red = int(m.impl_status == "late"), int(m.value_rag == "red")
        n.verified = m.verified_value or 0
    for t in session.scalars(
        select(MeasureTotal).where(
            MeasureTotal.measure_id.in_(by_id), MeasureTotal.kind == "recurring", MeasureTotal.series.in_(SERIES)
        )
    ):
        n = by_id[t.measure_id]
        n.run_rate[t.series] = t.run_rate
        if t.series == "actual":
            n.actual_total = t.total
