"""Recompute every pre-aggregate from the facts, set-based, in the database.

Used to build the roll-ups of a bulk-loaded portfolio (the S7k generator), to repair them
(``valuegate rollups rebuild``), and in tests as an independent check of the incremental maintenance in
:mod:`valuegate.rollups.service`: both must give the same non-zero rows.

Measures that share a project, an org unit and a stage share every scope, so the facts are first summed
per such group and only the group sums are fanned out to the scopes above them.
"""

from __future__ import annotations

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from valuegate.portfolio.models import Node, OrgUnit
from valuegate.rollups.models import MeasureTotal, RollupPeriod, RollupStatus, RollupTotal
from valuegate.uow import use_case

_TEMP = ("rb_fact", "rb_member", "rb_group_scope", "rb_last")

_FACTS = """
CREATE TEMP TABLE rb_fact AS
SELECT measure_id, series, kind, period, amount FROM value_fact WHERE valid_to IS NULL
UNION ALL
SELECT measure_id, 'estimate' AS series, kind, period,
       COALESCE(MAX(CASE WHEN series = 'actual' THEN amount END),
                MAX(CASE WHEN series = 'forecast' THEN amount END),
                MAX(CASE WHEN series = 'plan' THEN amount END)) AS amount
FROM value_fact
WHERE valid_to IS NULL AND series IN ('plan', 'forecast', 'actual')
GROUP BY measure_id, kind, period
"""

_MEASURE_TOTALS = """
INSERT INTO measure_total (measure_id, series, kind, total, run_rate)
SELECT t.measure_id, t.series, t.kind, t.total,
       CASE WHEN t.kind = 'recurring' THEN 12 * l.amount ELSE 0 END
FROM rb_last t
JOIN rb_fact l ON l.measure_id = t.measure_id AND l.series = t.series AND l.kind = t.kind AND l.period = t.last_period
"""

_STATUS = """
INSERT INTO rollup_status (scope, stage, impl_status, value_rag, verified, measures, verified_value)
SELECT gs.scope, m.stage, m.impl_status, m.value_rag, m.value_verified, COUNT(*), SUM(COALESCE(m.verified_value, 0))
FROM measure m
JOIN rb_member mb ON mb.measure_id = m.node_id
JOIN rb_group_scope gs ON gs.gid = mb.gid
GROUP BY gs.scope, m.stage, m.impl_status, m.value_rag, m.value_verified
"""

_TOTALS = """
INSERT INTO rollup_total (scope, stage, impl_status, value_rag, series, kind, total, run_rate)
SELECT gs.scope, g.stage, g.impl_status, g.value_rag, g.series, g.kind, SUM(g.total), SUM(g.run_rate)
FROM (
    SELECT mb.gid, m.stage, m.impl_status, m.value_rag, t.series, t.kind,
           SUM(t.total) AS total, SUM(t.run_rate) AS run_rate
    FROM measure_total t
    JOIN measure m ON m.node_id = t.measure_id
    JOIN rb_member mb ON mb.measure_id = t.measure_id
    GROUP BY mb.gid, m.stage, m.impl_status, m.value_rag, t.series, t.kind
) g
JOIN rb_group_scope gs ON gs.gid = g.gid
GROUP BY gs.scope, g.stage, g.impl_status, g.value_rag, g.series, g.kind
HAVING SUM(g.total) <> 0 OR SUM(g.run_rate) <> 0
"""

_PERIODS = """
INSERT INTO rollup_period (scope, stage, series, kind, period, amount)
SELECT gs.scope, g.stage, g.series, g.kind, g.period, SUM(g.amount)
FROM (
    SELECT mb.gid, m.stage, f.series, f.kind, f.period, SUM(f.amount) AS amount
    FROM rb_fact f
    JOIN measure m ON m.node_id = f.measure_id
    JOIN rb_member mb ON mb.measure_id = f.measure_id
    GROUP BY mb.gid, m.stage, f.series, f.kind, f.period
) g
JOIN rb_group_scope gs ON gs.gid = g.gid
GROUP BY gs.scope, g.stage, g.series, g.kind, g.period
HAVING SUM(g.amount) <> 0
"""


def _drop_temp(session: Session) -> None:
    for name in _TEMP:
        session.execute(text(f"DROP TABLE IF EXISTS {name}"))


def _groups(session: Session) -> tuple[list[dict[str, int]], list[dict[str, object]]]:
    """Members (measure → group) and group scopes, for every measure that is not archived."""
    rows = session.execute(
        select(Node.id, Node.path, OrgUnit.path)
        .join(OrgUnit, OrgUnit.id == Node.org_unit_id)
        .where(Node.kind == "measure", Node.archived_at.is_(None))
    )
    gid_of: dict[tuple[str, str], int] = {}
    members: list[dict[str, int]] = []
    scopes: list[dict[str, object]] = []
    for measure_id, path, org_path in rows:
        parent_path = path[: path.rstrip("/").rfind("/") + 1]
        key = (parent_path, org_path)
        gid = gid_of.get(key)
        if gid is None:
            gid = gid_of[key] = len(gid_of) + 1
            scopes += [{"gid": gid, "scope": f"n:{i}"} for i in parent_path.strip("/").split("/") if i]
            scopes += [{"gid": gid, "scope": f"o:{i}"} for i in org_path.strip("/").split("/") if i]
        members.append({"measure_id": measure_id, "gid": gid})
    return members, scopes


@use_case
def rebuild(session: Session) -> None:
    """Replace the four pre-aggregate tables with sums computed from the current facts."""
    for table in (RollupStatus, RollupTotal, RollupPeriod, MeasureTotal):
        session.execute(delete(table))
    _drop_temp(session)
    session.execute(text(_FACTS))
    session.execute(text("CREATE INDEX rb_fact_key ON rb_fact (measure_id, series, kind, period)"))
    session.execute(
        text(
            "CREATE TEMP TABLE rb_last AS SELECT measure_id, series, kind, SUM(amount) AS total, "
            "MAX(period) AS last_period FROM rb_fact GROUP BY measure_id, series, kind"
        )
    )
    session.execute(text(_MEASURE_TOTALS))
    session.execute(text("CREATE TEMP TABLE rb_member (measure_id BIGINT PRIMARY KEY, gid INTEGER NOT NULL)"))
    session.execute(text("CREATE TEMP TABLE rb_group_scope (gid INTEGER NOT NULL, scope VARCHAR(24) NOT NULL)"))
    members, scopes = _groups(session)
    if members:
        session.execute(text("INSERT INTO rb_member (measure_id, gid) VALUES (:measure_id, :gid)"), members)
        session.execute(text("INSERT INTO rb_group_scope (gid, scope) VALUES (:gid, :scope)"), scopes)
    session.execute(text("CREATE INDEX rb_group_scope_gid ON rb_group_scope (gid)"))
    for sql in (_STATUS, _TOTALS, _PERIODS):
        session.execute(text(sql))
    _drop_temp(session)


def snapshot(session: Session) -> dict[str, set[tuple[object, ...]]]:
    """The non-zero rows of the four tables, for comparing two ways of computing them."""
    out: dict[str, set[tuple[object, ...]]] = {}
    for table in (RollupStatus, RollupTotal, RollupPeriod, MeasureTotal):
        cols = list(table.__table__.c)
        sums = [c for c in cols if c.name in ("measures", "verified_value", "total", "run_rate", "amount")]
        rows = session.execute(select(*cols)).all()
        out[table.__tablename__] = {
            tuple(r) for r in rows if any(r[cols.index(c)] for c in sums) or table is MeasureTotal
        }
    return out
