"""The cockpit's read model: what a steering committee looks at, for one scope, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, visible_nodes
from valuegate.context import settings_of, today_of
from valuegate.db import utcnow
from valuegate.errors import InvalidInput, NotFound
from valuegate.finance import rules as fin
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


# --- The cockpit page's screen view, and what other pages that filter by a part of the portfolio share with it. ---


def default_node(session: Session, *, actor: Actor) -> int:
    """The widest part of the portfolio the person may see (what a page shows before they choose)."""
    q = select(Node.id).where(Node.kind != "measure", Node.archived_at.is_(None))
    restrict = visible_nodes(actor)
    if restrict is not None:
        q = q.where(restrict)
    node_id = session.scalar(q.order_by(func.length(Node.path), Node.id).limit(1))
    if node_id is None:
        raise NotFound("There is nothing in the portfolio you may see yet.")
    return int(node_id)


def filter_choices(session: Session, *, actor: Actor) -> dict[str, Any]:
    """Portfolios and programs to filter by (those the person may see), and org units."""
    restrict = visible_nodes(actor)
    # Global readers pick among portfolios and programs; everyone else among what they may see, projects too.
    kinds = ("portfolio", "program") if restrict is None else ("portfolio", "program", "project")
    q = select(Node.id, Node.name, Node.kind).where(Node.kind.in_(kinds), Node.archived_at.is_(None))
    if restrict is not None:
        q = q.where(restrict)
    # Kind then path: the (kind, path) index answers it without walking every node in path order.
    rows = session.execute(q.order_by(Node.kind, Node.path).limit(500))
    nodes = [{"id": i, "name": n, "kind": k} for i, n, k in rows]
    units = (
        []
        if not actor.reads_all
        else [{"id": i, "name": n} for i, n in session.execute(select(OrgUnit.id, OrgUnit.name).order_by(OrgUnit.path))]
    )
    return {"nodes": nodes, "org_units": units}


def _snapshot_day(day: date | None, taken: list[date]) -> date | None:
    """A snapshot date chosen in the cockpit (None: now); it must be one that was taken."""
    if day is not None and day not in taken:
        known = ", ".join(d.isoformat() for d in taken[:6]) or "none yet"
        raise InvalidInput(f"There is no snapshot of {day}; snapshots are taken at month ends ({known}).")
    return day


def _bridge_chart(bridge: dict[str, Any] | None) -> dict[str, Any] | None:
    """The bridge as waterfall steps for the chart, in major units."""
    if bridge is None:
        return None
    t = bridge["total"]
    steps = [("start", t["start"]), ("new", t["new"]), ("progressed", t["progressed"]), ("slipped", t["slipped"])]
    steps += [("dropped", -t["dropped"]), ("realised", -t["realised"]), ("end", t["end"])]
    return {"steps": [{"name": n, "value": round(v / 100)} for n, v in steps]}


@dataclass(frozen=True)
class CockpitPage:
    """What the cockpit shows for one scope (a part of the portfolio or an org unit), read for one person."""

    title: str
    scope: Any
    filters: dict[str, Any]
    snapshot_dates: list[date]
    known_on: date | None
    bridge: dict[str, Any] | None
    bridge_from: date | None
    bridge_chart: dict[str, Any] | None
    choices: dict[str, Any]
    stages: list[dict[str, Any]]
    totals: Any
    chart: dict[str, Any]
    months: dict[str, Any]
    matrix: dict[tuple[str, str], int]
    late: Any
    blocked: Any
    pending_total: int
    pending: Any
    silent: Any
    cadence_days: int

    def context(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def cockpit_page(
    session: Session,
    *,
    actor: Actor,
    node_id: int | None,
    org_unit_id: int | None,
    kind: str,
    stage: str | None,
    impl_status: str | None,
    value_status: str | None,
    as_of: date | None,
    bridge_from: date | None,
) -> CockpitPage | None:
    """The cockpit for the chosen scope (by default the widest part the person may see); None when there is no part
    of the portfolio the person may see (e.g. a service owner: nothing to steer, but decisions may wait)."""
    from valuegate.rollups import queries, snapshots
    from valuegate.rollups.scope import resolve_scope

    s = session
    if kind not in fin.KINDS:
        raise InvalidInput(f"Unknown kind {kind!r}.")
    if org_unit_id is None and node_id is None:
        try:
            node_id = default_node(s, actor=actor)
        except NotFound:
            return None
    scope, path = resolve_scope(s, actor, node_id if org_unit_id is None else None, org_unit_id)
    org_path = None
    title = ""
    if org_unit_id is not None:
        ou = s.get(OrgUnit, org_unit_id)
        org_path, title = (ou.path, ou.name) if ou else (None, "")
    else:
        scope_node = s.get(Node, node_id)
        title = scope_node.name if scope_node else ""
    taken = snapshots.dates(s)
    known_on = _snapshot_day(as_of, taken)
    if known_on is not None:
        if kind != "recurring" or impl_status or value_status:
            raise InvalidInput(
                "Looking back covers the recurring impact by stage; clear the kind and status filters to look back."
            )
        pipe = snapshots.pipeline(s, known_on, [scope])
    else:
        pipe = queries.pipeline(s, scope, impl_status=impl_status or None, value_rag=value_status or None, kind=kind)
    start = _snapshot_day(bridge_from, taken)
    bridge = None
    if start is not None:
        if known_on is not None and known_on <= start:
            raise InvalidInput("The bridge runs forward: choose a snapshot before the date you are looking at.")
        bridge = snapshots.bridge(s, start, known_on, path, org_path)
    stages = [r for r in pipe["stages"] if not stage or r["stage"] == stage]
    months = queries.periods(s, scope, kind=kind, stage=stage or None)
    matrix: dict[tuple[str, str], int] = {}
    for r in queries.status_matrix(s, scope):
        key = (r["impl_status"], r["value_rag"])
        matrix[key] = matrix.get(key, 0) + r["measures"]
    settings = settings_of(s)
    pending_total, pending = pending_decisions(s, path, org_path)
    chart: dict[str, Any] = {
        "stages": [r["stage"] for r in stages],
        "series": {
            name: [round(r["series"].get(name, {}).get("total", 0) / 100) for r in stages]
            for name in ("plan", "baseline", "forecast", "actual", "estimate")
        },
        "verified": [round(r["verified_value"] / 100) for r in stages],
        "months": sorted(set().union(*(m.keys() for m in months.values()))) if months else [],
    }
    chart["monthly"] = {
        name: [round(months.get(name, {}).get(p, 0) / 100) for p in chart["months"]]
        for name in ("plan", "forecast", "actual", "baseline")
    }
    return CockpitPage(
        title=title,
        scope=scope,
        filters={
            "node_id": node_id if org_unit_id is None else None,
            "org_unit_id": org_unit_id,
            "kind": kind,
            "stage": stage or "",
            "impl_status": impl_status or "",
            "value_status": value_status or "",
            "as_of": known_on.isoformat() if known_on else "",
        },
        snapshot_dates=taken,
        known_on=known_on,
        bridge=bridge,
        bridge_from=start,
        bridge_chart=_bridge_chart(bridge),
        choices=filter_choices(s, actor=actor),
        stages=stages,
        totals=pipe["totals"],
        chart=chart,
        months=months,
        matrix=matrix,
        late=late_milestones(s, path, org_path, today_of(s)),
        blocked=blocked_measures(s, path, org_path),
        pending_total=pending_total,
        pending=pending,
        silent=silent_owners(s, path, org_path, settings.update_cadence_days),
        cadence_days=settings.update_cadence_days,
    )
