"""The portfolio cockpit: pipeline by stage, value by month, the two statuses side by side, what needs attention."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from valuegate.auth.policy import visible_nodes
from valuegate.context import settings_of, today_of
from valuegate.errors import InvalidInput, NotFound
from valuegate.finance import rules as fin
from valuegate.portfolio.models import Node, OrgUnit
from valuegate.rollups import cockpit, queries, snapshots
from valuegate.rollups.scope import resolve_scope
from valuegate.web.forms import IMPL_ROWS, check_status_filters, optional_id, parse_day
from valuegate.web.pages import PageDep, render

router = APIRouter(include_in_schema=False)

VALUE_COLS = list(fin.VALUE_RAG)


def default_node(page: Any) -> int:
    q = select(Node.id).where(Node.kind != "measure", Node.archived_at.is_(None))
    restrict = visible_nodes(page.actor)
    if restrict is not None:
        q = q.where(restrict)
    node_id = page.session.scalar(q.order_by(func.length(Node.path), Node.id).limit(1))
    if node_id is None:
        raise NotFound("There is nothing in the portfolio you may see yet.")
    return int(node_id)


def choices(page: Any) -> dict[str, Any]:
    """Portfolios and programs to filter by (those the person may see), and org units."""
    restrict = visible_nodes(page.actor)
    # Global readers pick among portfolios and programs; everyone else among what they may see, projects too.
    kinds = ("portfolio", "program") if restrict is None else ("portfolio", "program", "project")
    q = select(Node.id, Node.name, Node.kind).where(Node.kind.in_(kinds), Node.archived_at.is_(None))
    if restrict is not None:
        q = q.where(restrict)
    # Kind then path: the (kind, path) index answers it without walking every node in path order.
    rows = page.session.execute(q.order_by(Node.kind, Node.path).limit(500))
    nodes = [{"id": i, "name": n, "kind": k} for i, n, k in rows]
    units = (
        []
        if not page.actor.reads_all
        else [
            {"id": i, "name": n}
            for i, n in page.session.execute(select(OrgUnit.id, OrgUnit.name).order_by(OrgUnit.path))
        ]
    )
    return {"nodes": nodes, "org_units": units}


def _snapshot_day(text: str, taken: list[date], name: str) -> date | None:
    """A snapshot date chosen in the cockpit (empty: now); it must be one that was taken."""
    if not text.strip():
        return None
    day = parse_day(text, name)
    if day not in taken:
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


@router.get("/", response_class=HTMLResponse)
def cockpit_page(
    request: Request,
    page: PageDep,
    node: str = Query("", alias="node_id"),
    org_unit: str = Query("", alias="org_unit_id"),
    kind: str = "recurring",
    stage: str | None = None,
    impl_status: str | None = None,
    value_status: str | None = None,
    as_of: str = "",
    bridge_from: str = "",
) -> Response:
    s = page.session
    node_id, org_unit_id = optional_id(node, "node_id"), optional_id(org_unit, "org_unit_id")
    if kind not in fin.KINDS:
        raise InvalidInput(f"Unknown kind {kind!r}.")
    check_status_filters(stage, impl_status, value_status)
    if org_unit_id is None and node_id is None:
        try:
            node_id = default_node(page)
        except NotFound:  # e.g. a service owner: nothing to steer here, but decisions may wait
            return render(request, page, "rollups/nothing_yet.html", {"active": "cockpit"})
    scope, path = resolve_scope(s, page.actor, node_id if org_unit_id is None else None, org_unit_id)
    org_path = None
    title = ""
    if org_unit_id is not None:
        ou = s.get(OrgUnit, org_unit_id)
        org_path, title = (ou.path, ou.name) if ou else (None, "")
    else:
        scope_node = s.get(Node, node_id)
        title = scope_node.name if scope_node else ""
    taken = snapshots.dates(s)
    known_on = _snapshot_day(as_of, taken, "as_of")
    if known_on is not None:
        if kind != "recurring" or impl_status or value_status:
            raise InvalidInput(
                "Looking back covers the recurring impact by stage; clear the kind and status filters to look back."
            )
        pipe = snapshots.pipeline(s, known_on, [scope])
    else:
        pipe = queries.pipeline(s, scope, impl_status=impl_status or None, value_rag=value_status or None, kind=kind)
    start = _snapshot_day(bridge_from, taken, "bridge_from")
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
    pending_total, pending = cockpit.pending_decisions(s, path, org_path)
    chart = {
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
    return render(
        request,
        page,
        "rollups/cockpit.html",
        {
            "active": "cockpit",
            "title": title,
            "scope": scope,
            "filters": {
                "node_id": node_id if org_unit_id is None else None,
                "org_unit_id": org_unit_id,
                "kind": kind,
                "stage": stage or "",
                "impl_status": impl_status or "",
                "value_status": value_status or "",
                "as_of": known_on.isoformat() if known_on else "",
            },
            "snapshot_dates": taken,
            "known_on": known_on,
            "bridge": bridge,
            "bridge_from": start,
            "bridge_chart": _bridge_chart(bridge),
            "choices": choices(page),
            "kinds": fin.KIND_LABELS,
            "stages": stages,
            "totals": pipe["totals"],
            "chart": chart,
            "months": months,
            "impl_rows": IMPL_ROWS,
            "value_cols": VALUE_COLS,
            "matrix": matrix,
            "late": cockpit.late_milestones(s, path, org_path, today_of(s)),
            "blocked": cockpit.blocked_measures(s, path, org_path),
            "pending_total": pending_total,
            "pending": pending,
            "silent": cockpit.silent_owners(s, path, org_path, settings.update_cadence_days),
            "cadence_days": settings.update_cadence_days,
        },
    )
