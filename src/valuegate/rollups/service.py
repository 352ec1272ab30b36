"""Keeping the pre-aggregates right, in the same transaction as the change.

Services wrap a change to measures in :func:`tracking`; on exit the statuses of the touched measures (and
of everything downstream of them, when lateness changed) are recomputed and the roll-up tables receive
exactly the difference between the measures' contributions before and after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from valuegate.config import Settings
from valuegate.db import chunks, locks_rows
from valuegate.dependencies.models import Dependency
from valuegate.dependencies.rules import downstream_closure
from valuegate.finance import rules as fin
from valuegate.finance.models import ValueFact
from valuegate.milestones.models import Milestone
from valuegate.milestones.rules import MilestoneState, effective_status, implementation_status
from valuegate.portfolio.models import Measure, Node, OrgUnit
from valuegate.rollups.models import MeasureTotal, RollupPeriod, RollupStatus, RollupTotal

Values = dict[tuple[str, str], dict[str, int]]  # (series, kind) -> {period: amount}


@dataclass
class MeasureState:
    measure_id: int
    scopes: list[str]
    stage: str
    impl_status: str
    value_rag: str
    verified: bool
    verified_value: int
    values: Values = field(default_factory=dict)
    archived: bool = False


def current_values(session: Session, measure_ids: Iterable[int]) -> dict[int, Values]:
    ids = list(measure_ids)
    out: dict[int, Values] = {i: {} for i in ids}
    for chunk in chunks(ids, 500):
        rows = session.execute(
            select(ValueFact.measure_id, ValueFact.series, ValueFact.kind, ValueFact.period, ValueFact.amount).where(
                ValueFact.measure_id.in_(chunk), ValueFact.valid_to.is_(None)
            )
        )
        for mid, series, kind, period, amount in rows:
            out[mid].setdefault((series, kind), {})[period] = amount
    return out


def with_estimate(values: Values) -> Values:
    """Add the derived 'estimate' series (actual, else forecast, else plan) per kind."""
    result = dict(values)
    for kind in fin.KINDS:
        est = fin.estimate({s: values.get((s, kind), {}) for s in fin.SERIES})
        if est:
            result[("estimate", kind)] = est
    return result


def scopes_for(node_path: str, org_path: str, measure_id: int) -> list[str]:
    nodes = [f"n:{i}" for i in node_path.strip("/").split("/") if i and int(i) != measure_id]
    orgs = [f"o:{i}" for i in org_path.strip("/").split("/") if i]
    return nodes + orgs


def capture(session: Session, measure_ids: Iterable[int]) -> dict[int, MeasureState]:
    ids = list(measure_ids)
    if not ids:
        return {}
    values = current_values(session, ids)
    states: dict[int, MeasureState] = {}
    for chunk in chunks(ids, 500):
        rows = session.execute(
            select(Measure, Node.path, Node.archived_at, OrgUnit.path)
            .join(Node, Node.id == Measure.node_id)
            .join(OrgUnit, OrgUnit.id == Node.org_unit_id)
            .where(Measure.node_id.in_(chunk))
            .execution_options(populate_existing=True)
        )
        for m, path, archived_at, org_path in rows:
            states[m.node_id] = MeasureState(
                measure_id=m.node_id,
                scopes=scopes_for(path, org_path, m.node_id),
                stage=m.stage,
                impl_status=m.impl_status,
                value_rag=m.value_rag,
                verified=m.value_verified,
                verified_value=m.verified_value or 0,
                values=with_estimate(values[m.node_id]),
                archived=archived_at is not None,
            )
    return states


def recompute_statuses(session: Session, settings: Settings, measure_ids: Iterable[int], today: date) -> set[int]:
    """Recompute implementation and value status; return the ids whose lateness changed."""
    ids = list(measure_ids)
    if not ids:
        return set()
    measures = {m.node_id: m for m in session.scalars(select(Measure).where(Measure.node_id.in_(ids)))}
    milestones: dict[int, list[MilestoneState]] = defaultdict(list)
    for ms in session.scalars(select(Milestone).where(Milestone.measure_id.in_(ids))):
        milestones[ms.measure_id].append(MilestoneState(ms.due_on, ms.forecast_on, ms.done_on))
    values = current_values(session, ids)
    thresholds = fin.Thresholds(settings.value_green_percent, settings.value_amber_percent)
    late_changed: set[int] = set()
    for mid, m in measures.items():
        started = fin_started(m.stage)
        own = implementation_status(milestones.get(mid, []), today, started=started)
        was_late = m.impl_status == "late"
        m.impl_status = effective_status(own, m.upstream_risk)
        if (m.impl_status == "late") != was_late:
            late_changed.add(mid)
        est = fin.estimate({s: values[mid].get((s, "recurring"), {}) for s in fin.SERIES})
        baseline = values[mid].get(("baseline", "recurring"))
        m.value_rag = fin.value_rag(sum(est.values()), sum(baseline.values()) if baseline else None, thresholds)
    return late_changed


def fin_started(stage: str) -> bool:
    return stage in ("decided", "implemented", "closed")


def refresh_upstream_risk(session: Session, changed: set[int]) -> set[int]:
    """Re-derive 'at risk (upstream)' for everything downstream of measures whose lateness changed."""
    if not changed:
        return set()
    edges: dict[int, list[int]] = defaultdict(list)
    for up, down in session.execute(
        select(Dependency.upstream_id, Dependency.downstream_id).where(Dependency.blocking)
    ):
        edges[up].append(down)
    affected = downstream_closure(changed, edges)
    if not affected:
        return set()
    late = set(session.scalars(select(Measure.node_id).where(Measure.impl_status == "late")))
    at_risk = downstream_closure(late, edges)
    touched = set()
    for m in session.scalars(select(Measure).where(Measure.node_id.in_(list(affected)))):
        flag = m.node_id in at_risk
        if m.upstream_risk != flag:
            m.upstream_risk = flag
            touched.add(m.node_id)
    return touched


@dataclass
class Deltas:
    status: dict[tuple[str, str, str, str, bool], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    totals: dict[tuple[str, str, str, str, str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    periods: dict[tuple[str, str, str, str, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, state: MeasureState, sign: int) -> None:
        if state.archived:
            return
        for scope in state.scopes:
            key = (scope, state.stage, state.impl_status, state.value_rag, state.verified)
            self.status[key][0] += sign
            self.status[key][1] += sign * state.verified_value
            for (series, kind), by_period in state.values.items():
                tkey = (scope, state.stage, state.impl_status, state.value_rag, series, kind)
                self.totals[tkey][0] += sign * sum(by_period.values())
                self.totals[tkey][1] += sign * fin.run_rate(by_period, kind)
                for period, amount in by_period.items():
                    self.periods[(scope, state.stage, series, kind, period)] += sign * amount


def _upsert(session: Session, table: type, rows: list[dict[str, object]], keys: list[str], sums: list[str]) -> None:
    """Add the deltas to the pre-aggregates (INSERT … ON CONFLICT DO UPDATE SET total = total + delta)."""
    if not rows:
        return
    tbl = table.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        # One statement and one round trip whatever the row count: the rows travel as arrays.
        session.execute(
            text(_pg_unnest_upsert(tbl, tuple(keys), tuple(sums))), {c: [r[c] for r in rows] for c in rows[0]}
        )
        return
    ins = sqlite.insert(tbl)
    stmt = ins.on_conflict_do_update(index_elements=keys, set_={c: tbl.c[c] + ins.excluded[c] for c in sums})
    session.connection().execute(stmt, rows)


@cache
def _pg_unnest_upsert(tbl: Table, keys: tuple[str, ...], sums: tuple[str, ...]) -> str:
    cols = list(keys) + list(sums)
    dialect = postgresql.dialect()
    arrays = ", ".join(f"CAST(:{c} AS {tbl.c[c].type.compile(dialect=dialect)}[])" for c in cols)
    updates = ", ".join(f"{c} = {tbl.name}.{c} + excluded.{c}" for c in sums)
    return (
        f"INSERT INTO {tbl.name} ({', '.join(cols)}) SELECT * FROM unnest({arrays}) "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )


def apply(session: Session, before: dict[int, MeasureState], after: dict[int, MeasureState]) -> None:
    d = Deltas()
    for state in before.values():
        d.add(state, -1)
    for state in after.values():
        d.add(state, +1)
    _upsert(
        session,
        RollupStatus,
        [
            dict(
                scope=k[0],
                stage=k[1],
                impl_status=k[2],
                value_rag=k[3],
                verified=k[4],
                measures=v[0],
                verified_value=v[1],
            )
            for k, v in d.status.items()
            if v != [0, 0]
        ],
        ["scope", "stage", "impl_status", "value_rag", "verified"],
        ["measures", "verified_value"],
    )
    _upsert(
        session,
        RollupTotal,
        [
            dict(
                scope=k[0],
                stage=k[1],
                impl_status=k[2],
                value_rag=k[3],
                series=k[4],
                kind=k[5],
                total=v[0],
                run_rate=v[1],
            )
            for k, v in d.totals.items()
            if v != [0, 0]
        ],
        ["scope", "stage", "impl_status", "value_rag", "series", "kind"],
        ["total", "run_rate"],
    )
    _upsert(
        session,
        RollupPeriod,
        [
            dict(scope=k[0], stage=k[1], series=k[2], kind=k[3], period=k[4], amount=v)
            for k, v in d.periods.items()
            if v != 0
        ],
        ["scope", "stage", "series", "kind", "period"],
        ["amount"],
    )
    _write_measure_totals(session, after)


def _write_measure_totals(session: Session, after: dict[int, MeasureState]) -> None:
    ids = list(after)
    if not ids:
        return
    session.execute(delete(MeasureTotal).where(MeasureTotal.measure_id.in_(ids)))
    rows = [
        dict(
            measure_id=s.measure_id,
            series=series,
            kind=kind,
            total=sum(v.values()),
            run_rate=fin.run_rate(v, kind),
        )
        for s in after.values()
        for (series, kind), v in s.values.items()
    ]
    if rows:
        session.execute(insert(MeasureTotal), rows)


@contextmanager
def tracking(session: Session, settings: Settings, measure_ids: Iterable[int], today: date) -> Iterator[set[int]]:
    """Wrap a change to measures; the yielded set may be extended with more measure ids to track."""
    ids = set(measure_ids)
    session.flush()
    if locks_rows(session) and ids:
        # Queue behind any concurrent writer of these measures, then read their committed state.
        for chunk in chunks(sorted(ids), 500):
            session.execute(select(Measure.node_id).where(Measure.node_id.in_(chunk)).with_for_update())
    before = capture(session, ids)
    yield ids
    session.flush()
    late_changed = recompute_statuses(session, settings, ids, today)
    downstream = refresh_upstream_risk(session, late_changed) - ids
    if downstream:
        before.update(capture(session, downstream))
        recompute_statuses(session, settings, downstream, today)
    session.flush()
    after = capture(session, ids | downstream)
    apply(session, before, after)
