"""The cockpit's read model: what a steering committee looks at, for one scope, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from valuegate.auth.models import Person
from valuegate.db import utcnow
from valuegate.gates.models import GateRequest
from valuegate.milestones.models import Milestone
from valuegate.portfolio.models import Measure, Node, OrgUnit

OPEN_STAGES = ("defined", "identified", "detailed", "decided", "implemented")
LIMIT = 8


def _in_scope(q: Any, path: str | None, org_path: str | None) -> Any:
    q = q.where(Node.archived_at.is_(None))
    if path is not None:
        return q.where(Node.path.startswith(path))
    if org_path is not None:
        return q.join(OrgUnit, OrgUnit.id == Node.org_unit_id).where(OrgUnit.path.startswith(org_path))
    return q


def late_milestones(session: Session, path: str | None, org_path: str | None, today: date) -> list[dict[str, Any]]:
    q = (
        select(Milestone.name, Milestone.due_on, Node.id, Node.name, Person.name)
        .join(Node, Node.id == Milestone.measure_id)
        .join(Measure, Measure.node_id == Node.id)
        .outerjoin(Person, Person.id == Node.owner_id)
        .where(Milestone.done_on.is_(None), Milestone.due_on < today, Measure.stage.in_(OPEN_STAGES))
        .order_by(Milestone.due_on, Node.id)
        .limit(LIMIT)
    )
    return [
        {
            "milestone": ms,
            "due_on": due,
            "days_late": (today - due).days,
            "measure_id": mid,
            "measure": name,
            "owner": owner,
        }
        for ms, due, mid, name, owner in session.execute(_in_scope(q, path, org_path))
    ]


def blocked_measures(session: Session, path: str | None, org_path: str | None) -> list[dict[str, Any]]:
    q = (
        select(Node.id, Node.name, Measure.stage, Measure.annual_estimate, Person.name)
        .join(Measure, Measure.node_id == Node.id)
        .outerjoin(Person, Person.id == Node.owner_id)
        .where(Measure.upstream_risk.is_(True), Measure.stage.in_(OPEN_STAGES))
        .order_by(Measure.annual_estimate.desc().nulls_last(), Node.id)
        .limit(LIMIT)
    )
    return [
        {"measure_id": mid, "measure": name, "stage": stage, "annual_estimate": est, "owner": owner}
        for mid, name, stage, est, owner in session.execute(_in_scope(q, path, org_path))
    ]


def pending_decisions(session: Session, path: str | None, org_path: str | None) -> tuple[int, list[dict[str, Any]]]:
    requester = aliased(Person)
    base = (
        select(
            GateRequest.id, GateRequest.to_stage, GateRequest.requested_at, GateRequest.defer_count, Node.id, Node.name
        )
        .join(Node, Node.id == GateRequest.measure_id)
        .where(GateRequest.status == "pending")
    )
    base = _in_scope(base, path, org_path)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    q = base.add_columns(requester.name).join(requester, requester.id == GateRequest.requested_by)
    rows = session.execute(q.order_by(GateRequest.requested_at, GateRequest.id).limit(LIMIT))
    return int(total), [
        {
            "request_id": rid,
            "to_stage": to_stage,
            "waiting_days": (utcnow() - at).days,
            "deferrals": defers,
            "measure_id": mid,
            "measure": name,
            "requested_by": who,
        }
        for rid, to_stage, at, defers, mid, name, who in rows
    ]


def silent_owners(session: Session, path: str | None, org_path: str | None, cadence_days: int) -> list[dict[str, Any]]:
    """Owners with open measures they have not updated within the cadence, the longest silent first.

    Walks the open measures from the oldest update (an index) until it has met ``LIMIT`` owners, then counts
    those owners' silent measures: it reads a few hundred rows, not every open measure of the portfolio.
    """
    cutoff = utcnow() - timedelta(days=cadence_days)
    silent = (
        select(Node.owner_id, Measure.last_update_at)
        .select_from(Measure)
        .join(Node, Node.id == Measure.node_id)
        .where(Measure.stage.in_(OPEN_STAGES), Measure.last_update_at < cutoff, Node.owner_id.is_not(None))
    )
    silent = _in_scope(silent, path, org_path).order_by(Measure.last_update_at, Measure.node_id)
    oldest: dict[int, Any] = {}
    for window in (400, 4000, None):
        oldest.clear()
        rows = session.execute(silent.limit(window) if window else silent).all()
        for owner, at in rows:
            oldest.setdefault(owner, at)
            if len(oldest) == LIMIT:
                break
        if len(oldest) == LIMIT or window is None or len(rows) < window:
            break
    if not oldest:
        return []
    counts = (
        select(Node.owner_id, func.count())
        .select_from(Measure)
        .join(Node, Node.id == Measure.node_id)
        .where(Measure.stage.in_(OPEN_STAGES), Measure.last_update_at < cutoff, Node.owner_id.in_(oldest))
    )
    count = dict(session.execute(_in_scope(counts, path, org_path).group_by(Node.owner_id)).all())
    names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(oldest))).all())
    now = utcnow()
    return [
        {
            "person_id": pid,
            "owner": names.get(pid, "?"),
            "measures": int(count.get(pid, 0)),
            "silent_days": (now - at).days,
        }
        for pid, at in oldest.items()
    ]
