"""Reading roll-ups: from the pre-aggregates for "now", from the facts for "as known on date X"."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from valuegate.finance import rules as fin
from valuegate.finance.models import ValueFact
from valuegate.gates.models import StageChange
from valuegate.gates.rules import STAGE_ORDER
from valuegate.portfolio.models import Measure, Node
from valuegate.rollups.models import RollupPeriod, RollupStatus, RollupTotal


def pipeline(
    session: Session,
    scope: str,
    *,
    impl_status: str | None = None,
    value_rag: str | None = None,
    kind: str = "recurring",
) -> dict[str, Any]:
    """Per stage: measure count, totals and run-rates per series, verified value. Reads pre-aggregates only."""
    stages: dict[str, dict[str, Any]] = {
        s: {"stage": s, "measures": 0, "verified_value": 0, "series": {}} for s in STAGE_ORDER
    }
    sq = select(RollupStatus.stage, func.sum(RollupStatus.measures), func.sum(RollupStatus.verified_value)).where(
        RollupStatus.scope == scope
    )
    tq = select(
        RollupTotal.stage, RollupTotal.series, func.sum(RollupTotal.total), func.sum(RollupTotal.run_rate)
    ).where(RollupTotal.scope == scope, RollupTotal.kind == kind)
    if impl_status:
        sq, tq = (
            sq.where(RollupStatus.impl_status == impl_status),
            tq.where(RollupTotal.impl_status == impl_status),
        )
    if value_rag:
        sq, tq = sq.where(RollupStatus.value_rag == value_rag), tq.where(RollupTotal.value_rag == value_rag)
    for stage, count, verified in session.execute(sq.group_by(RollupStatus.stage)):
        stages[stage]["measures"] = int(count or 0)
        stages[stage]["verified_value"] = int(verified or 0)
    for stage, series, total, run_rate in session.execute(tq.group_by(RollupTotal.stage, RollupTotal.series)):
        stages[stage]["series"][series] = {"total": int(total or 0), "run_rate": int(run_rate or 0)}
    rows = list(stages.values())
    return {"scope": scope, "kind": kind, "stages": rows, "totals": sum_stages(rows)}


def sum_stages(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "measures": 0,
        "verified_value": 0,
        "series": defaultdict(lambda: {"total": 0, "run_rate": 0}),
    }
    for r in rows:
        out["measures"] += r["measures"]
        out["verified_value"] += r["verified_value"]
        for s, v in r["series"].items():
            out["series"][s]["total"] += v["total"]
            out["series"][s]["run_rate"] += v["run_rate"]
    out["series"] = dict(out["series"])
    return out


def status_matrix(session: Session, scope: str) -> list[dict[str, Any]]:
    """Implementation status × value status with counts: the two statuses side by side, never merged."""
    q = (
        select(
            RollupStatus.impl_status,
            RollupStatus.value_rag,
            RollupStatus.verified,
            func.sum(RollupStatus.measures),
        )
        .where(RollupStatus.scope == scope)
        .group_by(RollupStatus.impl_status, RollupStatus.value_rag, RollupStatus.verified)
    )
    return [
        {"impl_status": i, "value_rag": v, "verified": bool(ver), "measures": int(n)}
        for i, v, ver, n in session.execute(q)
        if n
    ]


def periods(
    session: Session,
    scope: str,
    *,
    kind: str = "recurring",
    stage: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict[str, dict[str, int]]:
    """Monthly sums per series (plan, baseline, forecast, actual, estimate)."""
    q = select(RollupPeriod.series, RollupPeriod.period, func.sum(RollupPeriod.amount)).where(
        RollupPeriod.scope == scope, RollupPeriod.kind == kind
    )
    if stage:
        q = q.where(RollupPeriod.stage == stage)
    if start:
        q = q.where(RollupPeriod.period >= start)
    if end:
        q = q.where(RollupPeriod.period <= end)
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for series, period, amount in session.execute(q.group_by(RollupPeriod.series, RollupPeriod.period)):
        out[series][period] = int(amount or 0)
    return {s: dict(sorted(v.items())) for s, v in out.items()}


def fiscal_years(by_period: dict[str, int], start_month: int) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for period, amount in by_period.items():
        out[fin.fiscal_year(period, start_month)] += amount
    return dict(sorted(out.items()))


# --- as known on a date ----------------------------------------------------------------------------


def measures_as_of(session: Session, at: datetime, path: str | None = None) -> dict[int, str]:
    """Each measure that existed at ``at`` (and under ``path``) with its stage then."""
    latest = (
        select(StageChange.measure_id, func.max(StageChange.id).label("last"))
        .where(StageChange.at <= at)
        .group_by(StageChange.measure_id)
        .subquery()
    )
    q = select(StageChange.measure_id, StageChange.to_stage).join(latest, latest.c.last == StageChange.id)
    if path:
        q = q.join(Node, Node.id == StageChange.measure_id).where(Node.path.startswith(path))
    return dict(session.execute(q).all())


def values_as_of(
    session: Session, at: datetime, measure_ids: set[int] | None = None, kind: str = "recurring"
) -> dict[int, dict[str, dict[str, int]]]:
    q = select(ValueFact.measure_id, ValueFact.series, ValueFact.period, ValueFact.amount).where(
        ValueFact.kind == kind,
        ValueFact.recorded_at <= at,
        or_(ValueFact.valid_to.is_(None), ValueFact.valid_to > at),
    )
    out: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for mid, series, period, amount in session.execute(q):
        if measure_ids is None or mid in measure_ids:
            out[mid][series][period] = amount
    return out


def pipeline_as_of(session: Session, at: datetime, path: str | None = None, kind: str = "recurring") -> dict[str, Any]:
    """The stage pipeline as it was known at ``at``: recomputed from the temporal facts."""
    stages = measures_as_of(session, at, path)
    values = values_as_of(session, at, set(stages), kind)
    rows: dict[str, dict[str, Any]] = {s: {"stage": s, "measures": 0, "series": {}} for s in STAGE_ORDER}
    for mid, stage in stages.items():
        rows[stage]["measures"] += 1
        series_values = dict(values.get(mid, {}))
        est = fin.estimate({s: series_values.get(s, {}) for s in fin.SERIES})
        if est:
            series_values["estimate"] = est
        for series, by_period in series_values.items():
            cell = rows[stage]["series"].setdefault(series, {"total": 0, "run_rate": 0})
            cell["total"] += sum(by_period.values())
            cell["run_rate"] += fin.run_rate(by_period, kind)
    out = list(rows.values())
    return {
        "as_of": at.isoformat(),
        "kind": kind,
        "stages": out,
        "totals": sum_stages([{**r, "verified_value": 0} for r in out]),
    }


def _pipeline_value(series_values: dict[str, dict[str, int]]) -> int:
    est = fin.estimate({s: series_values.get(s, {}) for s in fin.SERIES})
    return fin.run_rate(est, "recurring")


def bridge(session: Session, start: datetime, end: datetime, path: str | None = None) -> dict[str, Any]:
    """The open pipeline (run-rate of the estimate) from ``start`` to ``end`` and what moved it.

    end = start + new + progressed + slipped − dropped − realised, overall and per stage (by the stage a
    measure was in at the start, or at the end for new measures).
    """
    if end < start:
        raise ValueError("the bridge needs a start date before its end date")
    s_stage, e_stage = measures_as_of(session, start, path), measures_as_of(session, end, path)
    s_vals, e_vals = values_as_of(session, start, set(s_stage)), values_as_of(session, end, set(e_stage))
    closed = {"closed", "cancelled"}
    cats = ("start", "new", "progressed", "slipped", "dropped", "realised", "end")
    by_stage: dict[str, dict[str, int]] = {s: dict.fromkeys(cats, 0) for s in STAGE_ORDER}
    total = dict.fromkeys(cats, 0)

    def add(stage: str, cat: str, amount: int) -> None:
        by_stage[stage][cat] += amount
        total[cat] += amount

    for mid in set(s_stage) | set(e_stage):
        a_open = mid in s_stage and s_stage[mid] not in closed
        b_stage = e_stage.get(mid)
        va = _pipeline_value(s_vals.get(mid, {})) if a_open else 0
        vb = _pipeline_value(e_vals.get(mid, {})) if b_stage else 0
        if a_open:
            add(s_stage[mid], "start", va)
            if b_stage == "cancelled":
                add(s_stage[mid], "dropped", va)
            elif b_stage == "closed":
                add(s_stage[mid], "realised", va)
            else:
                delta = vb - va
                add(s_stage[mid], "progressed" if delta > 0 else "slipped", delta)
        elif mid not in s_stage and b_stage and b_stage not in closed:
            add(b_stage, "new", vb)
        if b_stage and b_stage not in closed:
            add(b_stage, "end", vb)
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "total": total,
        "by_stage": [{"stage": s, **v} for s, v in by_stage.items()],
    }


def measure_counts(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Measure.stage, func.count()).group_by(Measure.stage)).all())
