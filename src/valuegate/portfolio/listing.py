"""The measure list: every measure behind a cockpit count, filtered and paged, in two queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, visible_nodes
from valuegate.portfolio.models import Measure, Node, OrgUnit
from valuegate.rollups.models import RollupStatus

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    scope: str | None = None  # the roll-up scope of path or org_path ("n:1", "o:3")
    path: str | None = None
    org_path: str | None = None
    stage: str | None = None
    impl_status: str | None = None
    value_status: str | None = None
    owner_id: int | None = None
    text: str | None = None


@dataclass
class Row:
    id: int
    name: str
    project_id: int | None
    project: str | None
    stage: str
    impl_status: str
    upstream_risk: bool
    value_rag: str
    value_verified: bool
    annual_estimate: int | None
    owner: str | None
    last_update_at: datetime


def _where(q: Any, actor: Actor, f: Filters) -> Any:
    q = q.where(Node.archived_at.is_(None))
    if f.path:
        q = q.where(Node.path.startswith(f.path))
    if f.org_path:
        q = q.join(OrgUnit, OrgUnit.id == Node.org_unit_id).where(OrgUnit.path.startswith(f.org_path))
    if f.stage:
        q = q.where(Measure.stage == f.stage)
    if f.impl_status:
        q = q.where(Measure.impl_status == f.impl_status)
    if f.value_status:
        q = q.where(Measure.value_rag == f.value_status)
    if f.owner_id:
        q = q.where(Node.owner_id == f.owner_id)
    if f.text:
        q = q.where(func.lower(Node.name).contains(f.text.lower(), autoescape=True))
    restrict = visible_nodes(actor)
    return q if restrict is None else q.where(restrict)


def _total(session: Session, actor: Actor, f: Filters) -> int:
    """How many measures match: from the roll-ups when they can say (a scope, status filters), else counted."""
    scopes = [f.scope] if f.scope else None
    if scopes is None and actor.reads_all:
        roots = session.scalars(select(Node.id).where(Node.parent_id.is_(None), Node.archived_at.is_(None)))
        scopes = [f"n:{i}" for i in roots]
    if scopes is not None and f.text is None and f.owner_id is None:
        q = select(func.coalesce(func.sum(RollupStatus.measures), 0)).where(RollupStatus.scope.in_(scopes))
        for column, value in (
            (RollupStatus.stage, f.stage),
            (RollupStatus.impl_status, f.impl_status),
            (RollupStatus.value_rag, f.value_status),
        ):
            if value:
                q = q.where(column == value)
        return int(session.scalar(q) or 0)
    base = select(Node.id).join(Measure, Measure.node_id == Node.id)
    return int(session.scalar(select(func.count()).select_from(_where(base, actor, f).subquery())) or 0)


def measure_list(session: Session, actor: Actor, f: Filters, page: int = 1) -> tuple[list[Row], int]:
    """One page of measures (largest annual estimate first) and how many match in all."""
    total = _total(session, actor, f)
    parent = aliased(Node)
    q = (
        select(
            Node.id,
            Node.name,
            parent.id,
            parent.name,
            Measure.stage,
            Measure.impl_status,
            Measure.upstream_risk,
            Measure.value_rag,
            Measure.value_verified,
            Measure.annual_estimate,
            Person.name,
            Measure.last_update_at,
        )
        .join(Measure, Measure.node_id == Node.id)
        .outerjoin(parent, parent.id == Node.parent_id)
        .outerjoin(Person, Person.id == Node.owner_id)
    )
    q = _where(q, actor, f).order_by(Measure.annual_estimate.desc().nulls_last(), Node.id)
    rows = [Row(*r) for r in session.execute(q.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))]
    return rows, total
