"""Month-end snapshots: each measure's stage and recurring figures as known at a moment, kept so that "as known
on" views and the bridge between two dates read a few set-based queries instead of replaying the facts.

A snapshot is taken by the worker after each month end (and on demand, ``valuegate rollups snapshot``). It is
computed from the temporal facts with the same rules as :func:`queries.pipeline_as_of`, and tested equal to it.
Scopes use today's hierarchy (a measure moved since is counted where it sits now).
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, literal, select
from sqlalchemy.orm import Session, aliased

from valuegate.db import chunks, utcnow
from valuegate.finance import rules as fin
from valuegate.gates.rules import STAGE_ORDER
from valuegate.portfolio.models import Measure, Node, OrgUnit
from valuegate.rollups import queries
from valuegate.rollups.models import MeasureSnapshot, MeasureTotal, SnapshotDate, SnapshotTotal
from valuegate.rollups.service import scopes_for
from valuegate.uow import use_case

FIGURES = ("plan", "baseline", "forecast", "actual", "estimate")
CLOSED = ("closed", "cancelled")


def end_of(day: date) -> datetime:
    """The moment a snapshot for ``day`` stands for: the end of that day (UTC), or now if that is earlier."""
    return min(datetime.combine(day, time.max, tzinfo=UTC), utcnow())


def last_month_end(today: date) -> date:
    return today.replace(day=1) - timedelta(days=1)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@use_case
def take(session: Session, as_of: date, *, known_at: datetime | None = None) -> int:
    """Compute and store the snapshot for ``as_of`` (replacing one taken before). Returns the measure count."""
    at = known_at or end_of(as_of)
    stages = queries.measures_as_of(session, at)
    values = queries.values_as_of(session, at, set(stages))
    rows = []
    for mid, stage in stages.items():
        series_values = dict(values.get(mid, {}))
        estimate = fin.estimate({s: series_values.get(s, {}) for s in fin.SERIES})
        if estimate:
            series_values["estimate"] = estimate
        row: dict[str, Any] = {"as_of": as_of, "measure_id": mid, "stage": stage}
        for series in FIGURES:
            by_period = series_values.get(series, {})
            row[f"{series}_total"] = sum(by_period.values())
            row[f"{series}_rr"] = fin.run_rate(by_period, "recurring")
        rows.append(row)
    for table in (MeasureSnapshot, SnapshotTotal, SnapshotDate):
        session.execute(delete(table).where(table.as_of == as_of))
    session.add(SnapshotDate(as_of=as_of, known_at=at, measures=len(rows)))
    session.flush()
    for chunk in chunks(rows, 5000):
        session.execute(insert(MeasureSnapshot), chunk)
    for chunk in chunks(_scope_totals(session, as_of, rows), 5000):
        session.execute(insert(SnapshotTotal), chunk)
    return len(rows)


def _scope_totals(session: Session, as_of: date, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sum the measures' rows into every roll-up scope above them (today's hierarchy and org units)."""
    where = {
        mid: scopes_for(path, org_path, mid)
        for mid, path, org_path in session.execute(
            select(Node.id, Node.path, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == Node.org_unit_id)
            .where(Node.kind == "measure")
        )
    }
    columns = [f"{series}_{part}" for series in FIGURES for part in ("total", "rr")]
    sums: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        for scope in where.get(row["measure_id"], []):
            cell = sums.get((scope, row["stage"]))
            if cell is None:
                cell = sums[(scope, row["stage"])] = {
                    "as_of": as_of,
                    "scope": scope,
                    "stage": row["stage"],
                    "measures": 0,
                    **dict.fromkeys(columns, 0),
                }
            cell["measures"] += 1
            for c in columns:
                cell[c] += row[c]
    return list(sums.values())


def dates(session: Session) -> list[date]:
    """The snapshots there are, newest first."""
    return list(session.scalars(select(SnapshotDate.as_of).order_by(SnapshotDate.as_of.desc())))


def missing_month_end(session: Session, today: date) -> date | None:
    """The month end just past, if it has no snapshot yet."""
    day = last_month_end(today)
    return None if session.get(SnapshotDate, day) is not None else day


def _in_scope(q: Any, measure_id: Any, path: str | None, org_path: str | None) -> Any:
    if path is None and org_path is None:
        return q
    if path is not None:
        members = select(Node.id).where(Node.path.startswith(path), Node.kind == "measure")
    else:
        members = (
            select(Node.id)
            .join(OrgUnit, OrgUnit.id == Node.org_unit_id)
            .where(OrgUnit.path.startswith(org_path or ""), Node.kind == "measure")
        )
    return q.where(measure_id.in_(members))


def root_scopes(session: Session) -> list[str]:
    return [f"n:{i}" for i in session.scalars(select(Node.id).where(Node.parent_id.is_(None)))]


def pipeline(session: Session, as_of: date, scopes: list[str]) -> dict[str, Any]:
    """The stage pipeline (recurring kind) of roll-up scopes as known at a snapshot, shaped like
    :func:`queries.pipeline`; ``scopes`` are summed (e.g. every root for the whole portfolio)."""
    t = SnapshotTotal
    cols = [func.sum(getattr(t, f"{series}_{part}")) for series in FIGURES for part in ("total", "rr")]
    q = select(t.stage, func.sum(t.measures), *cols).where(t.as_of == as_of, t.scope.in_(scopes)).group_by(t.stage)
    stages: dict[str, dict[str, Any]] = {
        st: {"stage": st, "measures": 0, "verified_value": 0, "series": {}} for st in STAGE_ORDER
    }
    for stage, count, *sums in session.execute(q):
        stages[stage]["measures"] = int(count or 0)
        for i, series in enumerate(FIGURES):
            total, run_rate = int(sums[2 * i] or 0), int(sums[2 * i + 1] or 0)
            if total or run_rate:
                stages[stage]["series"][series] = {"total": total, "run_rate": run_rate}
    rows = list(stages.values())
    return {"as_of": as_of.isoformat(), "kind": "recurring", "stages": rows, "totals": queries.sum_stages(rows)}


def _covers_everything(session: Session, path: str | None, org_path: str | None) -> bool:
    """True when the scope holds every measure (the sole root, or the top org unit): no filter is needed."""
    if path is None and org_path is None:
        return True
    if path is not None:
        roots = list(session.scalars(select(Node.path).where(Node.parent_id.is_(None)).limit(2)))
        return roots == [path]
    tops = list(session.scalars(select(OrgUnit.path).where(OrgUnit.parent_id.is_(None)).limit(2)))
    return tops == [org_path]


def bridge(
    session: Session, start: date, end: date | None, path: str | None = None, org_path: str | None = None
) -> dict[str, Any]:
    """The open pipeline from the ``start`` snapshot to the ``end`` snapshot (or now) and what moved it, with the
    rules of :func:`queries.bridge`: end = start + new + progressed + slipped − dropped − realised.

    One pass over the measures known at the end (measures are never deleted, so that is every measure known at
    the start too), each paired with its start row by primary key, summed per (start stage, end stage).
    """
    a = aliased(MeasureSnapshot)
    b_id: Any
    b_stage: Any
    b_value: Any
    if end is None:
        b_id, b_stage = Measure.node_id, Measure.stage
        b_value = func.coalesce(MeasureTotal.run_rate, literal(0))
        base = (
            select(b_id)
            .select_from(Measure)
            .outerjoin(
                MeasureTotal,
                and_(
                    MeasureTotal.measure_id == Measure.node_id,
                    MeasureTotal.series == "estimate",
                    MeasureTotal.kind == "recurring",
                ),
            )
        )
    else:
        b = aliased(MeasureSnapshot)
        b_id, b_stage, b_value = b.measure_id, b.stage, b.estimate_rr
        base = select(b_id).select_from(b).where(b.as_of == end)
    before, after = func.coalesce(a.estimate_rr, literal(0)), func.coalesce(b_value, literal(0))
    rose = case((after - before > 0, 1), else_=0)
    # Sums per (start stage, end stage, rose): few expressions per row; the categories are read off the groups.
    q = (
        base.with_only_columns(a.stage, b_stage, rose, func.sum(before), func.sum(after))
        .outerjoin(a, and_(a.as_of == start, a.measure_id == b_id))
        .group_by(a.stage, b_stage, rose)
    )
    if not _covers_everything(session, path, org_path):
        q = _in_scope(q, b_id, path, org_path)
    cats = ("start", "new", "progressed", "slipped", "dropped", "realised", "end")
    by_stage: dict[str, dict[str, int]] = {st: dict.fromkeys(cats, 0) for st in STAGE_ORDER}
    for a_stage, e_stage, went_up, sum_before, sum_after in session.execute(q):
        was, now = int(sum_before or 0), int(sum_after or 0)
        if e_stage not in CLOSED:
            by_stage[e_stage]["end"] += now
            if a_stage is None:
                by_stage[e_stage]["new"] += now
        if a_stage is None or a_stage in CLOSED:
            continue
        row = by_stage[a_stage]
        row["start"] += was
        if e_stage == "cancelled":
            row["dropped"] += was
        elif e_stage == "closed":
            row["realised"] += was
        else:
            row["progressed" if went_up else "slipped"] += now - was
    total = {c: sum(row[c] for row in by_stage.values()) for c in cats}
    return {
        "start": start.isoformat(),
        "end": end.isoformat() if end else "now",
        "total": total,
        "by_stage": [{"stage": st, **v} for st, v in by_stage.items()],
    }
