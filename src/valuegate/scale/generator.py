"""Generate a scale portfolio (S7k of DESIGN.md) directly into the database, fast.

The data is built in memory with the product's own rules (implementation status from milestones, value
status from estimate vs baseline, upstream risk from the dependency graph), written with bulk loads, the
audit events hash-chained exactly as the services chain them, and the roll-ups built by
:func:`valuegate.rollups.rebuild.rebuild`. The result passes ``valuegate audit verify`` and every
roll-up equals the sum of its measures.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, column, func, select, table, text, update
from sqlalchemy.orm import Session

from valuegate.audit.models import AuditEvent
from valuegate.audit.rules import GENESIS_HASH, EventBody, canonical_json, chain_hash
from valuegate.audit.service import EXPORT_FIELDS
from valuegate.config import Settings
from valuegate.dependencies.rules import downstream_closure
from valuegate.finance import rules as fin
from valuegate.gates.rules import FORWARD
from valuegate.gates.service import install_defaults
from valuegate.milestones.rules import MilestoneState, effective_status, implementation_status
from valuegate.portfolio.models import Measure, Node
from valuegate.rollups.rebuild import rebuild
from valuegate.scale.bulk import BulkWriter
from valuegate.uow import commit_batch


@dataclass(frozen=True)
class Scale:
    name: str
    programs: int
    projects: int
    measures: int
    months: int
    milestones: int
    dependencies: int
    people: int
    audit_events: int
    usage_events: int = 0  # for the adoption benchmark (loaded by the bench, not the generator)
    usage_users: int = 0
    feed_rows: int = 0  # rows of the general-ledger file the feed benchmark submits
    health_implementations: int = 0  # monitored implementations of the health benchmark


SCALES = {
    "s7k": Scale("s7k", 40, 7_000, 100_000, 24, 300_000, 20_000, 2_000, 1_000_000, 5_000_000, 20_000, 1_000_000, 500),
    "s1k": Scale("s1k", 10, 1_000, 14_000, 24, 42_000, 3_000, 400, 150_000, 500_000, 4_000, 200_000, 100),
    "tiny": Scale("tiny", 3, 12, 150, 24, 450, 40, 40, 2_000, 20_000, 200, 5_000, 6),
}

# Share of measures per stage: a living portfolio, most of it still in the funnel.
STAGE_MIX = [
    ("defined", 0.14),
    ("identified", 0.18),
    ("detailed", 0.18),
    ("decided", 0.20),
    ("implemented", 0.18),
    ("closed", 0.08),
    ("cancelled", 0.04),
]
DIVISIONS = [
    ("Finance", "finance"),
    ("HR", "hr"),
    ("Procurement", "procurement"),
    ("Infrastructure", "infrastructure"),
    ("Applications", "application"),
    ("IT Service Management", "service"),
    ("Sales", "business_unit"),
    ("Operations", "business_unit"),
]
FIRST = (
    "Ada Ben Chloe Dev Elif Femi Gita Hugo Ines Jon Kai Lena Mads Nora Omar Pia Quinn Rosa Sven Tara Uma Vik Wen"
    " Yara Zoe"
)
LAST = (
    "Adler Baker Costa Dahl Evans Fischer Garcia Hansen Ito Jensen Kowalski Larsen Meyer Novak Okafor Petrov"
    " Quist Rossi Silva Tanaka Umar Vogel Weber Young Zhang"
)
THEMES = [
    "Licence rationalisation",
    "Cloud rightsizing",
    "Storage tiering",
    "Vendor consolidation",
    "Service desk automation",
    "Incident deflection",
    "Change success rate",
    "Application retirement",
    "Data centre exit",
    "Network contract renegotiation",
    "ERP process harmonisation",
    "Shared services migration",
    "Print estate reduction",
    "Mobile fleet optimisation",
    "Reserved capacity purchase",
]

Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


@dataclass
class _Measure:
    id: int
    project: int
    org_unit: int
    owner: int
    sponsor: int
    controller: int
    stage: str
    created: datetime
    stage_times: list[tuple[str, datetime]]
    annual: int
    impl_status: str = "not_started"
    upstream_risk: bool = False
    value_rag: str = "none"
    verified_value: int | None = None
    milestones: list[MilestoneState] = field(default_factory=list)


@dataclass
class Report:
    scale: str
    dialect: str
    seconds: float
    counts: dict[str, int]
    steps: dict[str, float]


class Generator:
    """Builds one scale portfolio; refuses to run on a database that already holds one."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        scale: Scale,
        *,
        today: date,
        seed: int = 7,
        progress: Progress = _no_progress,
    ) -> None:
        self.s, self.settings, self.scale, self.today = session, settings, scale, today
        self.rng = random.Random(seed)
        self.progress = progress
        self.now = datetime(today.year, today.month, today.day, 9, tzinfo=UTC)
        self.first_period = fin.add_months(fin.period_of(today.year, today.month), -(scale.months // 2))
        self.periods = [fin.add_months(self.first_period, i) for i in range(scale.months)]
        self.current_period = fin.period_of(today.year, today.month)
        self.counts: dict[str, int] = {}
        self.steps: dict[str, float] = {}
        self.events: list[tuple[datetime, tuple[Any, ...]]] = []
        self.ids: dict[str, int] = {}

    # -- orchestration -------------------------------------------------------------------------------

    def run(self) -> Report:
        if self.s.scalar(select(Node.id).limit(1)) is not None:
            raise RuntimeError("the database already holds a portfolio; generate into an empty database")
        started = time.perf_counter()
        install_defaults(self.s)
        self.s.flush()
        self.bulk = BulkWriter(self.s)
        steps: list[tuple[str, Callable[[], None]]] = [
            ("org units and people", self._org_and_people),
            ("hierarchy", self._hierarchy),
            ("milestones", self._milestones),
            ("dependencies", self._dependencies),
            ("statuses", self._statuses),
            ("values", self._values),
            ("measures, milestones and values", self._write_measures),
            ("gate history", self._gate_history),
            ("audit trail", self._audit),
            ("roll-ups", lambda: rebuild(self.s)),
        ]
        for index, (name, fn) in enumerate(steps):
            self.progress(name, index, len(steps))
            t = time.perf_counter()
            fn()
            self.s.flush()
            self.steps[name] = time.perf_counter() - t
        self.progress("done", len(steps), len(steps))
        self.bulk.reset_sequences(
            ["org_unit", "person", "node", "milestone", "dependency", "value_fact", "sign_off", "stage_change"]
            + ["gate_request"]
        )
        commit_batch(self.s)
        self._analyze()
        return Report(
            self.scale.name,
            self.bulk.dialect,
            time.perf_counter() - started,
            self.counts,
            self.steps,
        )

    def _analyze(self) -> None:
        """Refresh the planner's statistics after a bulk load, as any DBA would."""
        t = time.perf_counter()
        if self.bulk.dialect == "postgresql":
            # VACUUM runs outside a transaction; doing it now spares the first users an autovacuum storm.
            engine = self.s.get_bind().engine
            with engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM (ANALYZE)")
            self.steps["VACUUM (ANALYZE)"] = time.perf_counter() - t
        else:
            self.s.execute(text("ANALYZE"))
            commit_batch(self.s)
            self.steps["ANALYZE"] = time.perf_counter() - t

    def _next_id(self, table: str) -> int:
        if table not in self.ids:
            self.ids[table] = int(self.s.scalar(select(func.coalesce(func.max(_id_col(table)), 0))) or 0)
        self.ids[table] += 1
        return self.ids[table]

    def _event(
        self,
        at: datetime,
        actor: int | None,
        action: str,
        entity_type: str,
        entity_id: int | None,
        *,
        measure_id: int | None = None,
        before: Any = None,
        after: Any = None,
        reason: str | None = None,
    ) -> None:
        self.events.append((at, (actor, action, entity_type, entity_id, measure_id, before, after, reason)))

    def _on_measure(self, at: datetime, actor: int | None, action: str, measure_id: int, **data: Any) -> None:
        self._event(at, actor, action, "measure", measure_id, measure_id=measure_id, **data)

    def _past(self, days_back_max: int, days_back_min: int = 1) -> datetime:
        seconds = self.rng.randint(days_back_min * 86400, days_back_max * 86400)
        return self.now - timedelta(seconds=seconds)

    # -- people and org units ------------------------------------------------------------------------

    def _org_and_people(self) -> None:
        t0 = self.now - timedelta(days=720)
        org_rows: list[tuple[Any, ...]] = []
        self.org_units: list[int] = []
        company = self._next_id("org_unit")
        org_rows.append((company, None, "Group", "company", f"/{company}/", False, 1))
        self._event(t0, None, "org_unit.create", "org_unit", company, after={"name": "Group"})
        self.divisions: dict[int, str] = {}
        for name, kind in DIVISIONS:
            div = self._next_id("org_unit")
            org_rows.append((div, company, name, kind, f"/{company}/{div}/", False, 1))
            self._event(t0, None, "org_unit.create", "org_unit", div, after={"name": name, "kind": kind})
            self.divisions[div] = kind
            for dep in ("Operations", "Planning", "Shared Services"):
                ou = self._next_id("org_unit")
                org_rows.append((ou, div, f"{name} {dep}", kind, f"/{company}/{div}/{ou}/", False, 1))
                self._event(t0, None, "org_unit.create", "org_unit", ou, after={"name": f"{name} {dep}"})
                self.org_units.append(ou)
        self.counts["org_units"] = self.bulk.write(
            "org_unit", ["id", "parent_id", "name", "kind", "path", "archived", "version"], org_rows
        )
        first, last = FIRST.split(), LAST.split()
        finance_units = [ou for ou in self.org_units if self.divisions[_parent(org_rows, ou)] == "finance"]
        rows = []
        self.controllers, self.owners, self.sponsors = [], [], []
        n = self.scale.people
        # Controllers come from Finance, and owners and sponsors from elsewhere: segregation of duties holds.
        counts = {"pmo": max(2, n // 100), "finance": max(3, n // 25), "auditor": max(1, n // 200)}
        counts["sponsor"] = max(3, n // 10)
        roles: list[str | None] = [role for role, k in counts.items() for _ in range(k)]
        for i in range(n):
            pid = self._next_id("person")
            name = f"{first[i % len(first)]} {last[(i // len(first)) % len(last)]}"
            if i >= len(first) * len(last):
                name += f" {i // (len(first) * len(last)) + 1}"
            role = roles[i] if i < len(roles) else None
            ou = self.rng.choice(finance_units if role in ("finance", "auditor") else self.org_units)
            if role == "finance":
                self.controllers.append(pid)
            elif role == "sponsor":
                role = None
                self.sponsors.append(pid)
            elif role is None:
                self.owners.append(pid)
            email = f"{name.lower().replace(' ', '.')}.{pid}@example.org"
            rows.append((pid, name, email, None, ou, role, None, None, True, t0, 1))
            self._event(t0, None, "person.create", "person", pid, after={"name": name, "global_role": role})
        self.pmo = rows[0][0]
        self.counts["people"] = self.bulk.write(
            "person",
            ["id", "name", "email", "title", "org_unit_id", "global_role", "login", "password_hash", "active"]
            + ["created_at", "version"],
            rows,
        )

    # -- hierarchy -----------------------------------------------------------------------------------

    def _hierarchy(self) -> None:
        sc, rng = self.scale, self.rng
        node_cols = ["id", "kind", "parent_id", "path", "name", "description", "org_unit_id", "owner_id"]
        node_cols += ["sponsor_id", "controller_id", "archived_at", "created_at", "updated_at", "version"]
        rows: list[tuple[Any, ...]] = []
        t0 = self.now - timedelta(days=700)
        root = self._next_id("node")
        self.portfolio = root
        rows.append((root, "portfolio", None, f"/{root}/", "Group IT value portfolio", None, self.org_units[0]))
        rows[-1] += (None, None, None, None, t0, t0, 1)
        self._event(t0, self.pmo, "portfolio.create", "node", root, after={"name": "Group IT value portfolio"})
        self.programs: list[int] = []
        self.projects: list[tuple[int, str, int, int, int, int]] = []
        for p in range(sc.programs):
            pid = self._next_id("node")
            ou = rng.choice(self.org_units)
            name = f"P{p + 1:02d} {THEMES[p % len(THEMES)]} programme"
            rows.append((pid, "program", root, f"/{root}/{pid}/", name, None, ou, None, None, None, None, t0, t0, 1))
            self._event(t0, self.pmo, "program.create", "node", pid, after={"name": name})
            self.programs.append(pid)
        for j in range(sc.projects):
            prog = self.programs[j % sc.programs]
            nid = self._next_id("node")
            ou = rng.choice(self.org_units)
            owner, sponsor, ctrl = rng.choice(self.owners), rng.choice(self.sponsors), rng.choice(self.controllers)
            at = self._past(650, 400)
            name = f"{THEMES[(j * 7) % len(THEMES)]} — wave {j // len(THEMES) + 1}"
            path = f"/{root}/{prog}/{nid}/"
            rows.append((nid, "project", prog, path, name, None, ou, owner, sponsor, ctrl, None, at, at, 1))
            self._event(at, self.pmo, "project.create", "node", nid, after={"name": name, "owner_id": owner})
            self.projects.append((nid, path, ou, owner, sponsor, ctrl))
        self.measures: list[_Measure] = []
        stages = [s for s, _w in STAGE_MIX]
        weights = [w for _s, w in STAGE_MIX]
        for k in range(sc.measures):
            proj, ppath, pou, powner, psponsor, pctrl = self.projects[k % sc.projects]
            mid = self._next_id("node")
            stage = rng.choices(stages, weights)[0]
            owner = powner if rng.random() < 0.6 else rng.choice(self.owners)
            created = self._past(600, 200)
            annual = int(rng.lognormvariate(11.5, 1.0)) * 100  # cents; median about 100,000 a year
            m = _Measure(
                mid, proj, pou, owner, psponsor, pctrl, stage, created, self._stage_times(stage, created), annual
            )
            self.measures.append(m)
            name = f"{THEMES[k % len(THEMES)]} #{k + 1}"
            rows.append((mid, "measure", proj, f"{ppath}{mid}/", name, None, pou, owner, psponsor, pctrl))
            rows[-1] += (None, created, m.stage_times[-1][1], 1)
            self._event(
                created,
                owner,
                "measure.create",
                "node",
                mid,
                measure_id=mid,
                after={"name": name, "owner_id": owner, "sponsor_id": psponsor, "controller_id": pctrl},
            )
        self.by_id = {m.id: m for m in self.measures}
        self.counts["nodes"] = self.bulk.write("node", node_cols, rows)

    def _stage_times(self, stage: str, created: datetime) -> list[tuple[str, datetime]]:
        """The stages a measure passed through, with when it entered each (ending in its current stage)."""
        if stage == "cancelled":
            path = FORWARD[: self.rng.randint(1, 4)] + ["cancelled"]
        else:
            path = FORWARD[: FORWARD.index(stage) + 1]
        out, at = [], created
        span = (self.now - timedelta(days=2) - created) / max(1, len(path))
        for i, code in enumerate(path):
            if i:
                at = at + span * self.rng.uniform(0.6, 1.0)
            out.append((code, at))
        return out

    # -- milestones, dependencies and statuses -------------------------------------------------------

    def _milestones(self) -> None:
        rng, per = self.rng, max(1, self.scale.milestones // self.scale.measures)
        rows = []
        revisions: list[tuple[int, int, date | None, datetime]] = []
        for m in self.measures:
            decided_at = dict(m.stage_times).get("decided", m.created + timedelta(days=120))
            done_all = m.stage in ("implemented", "closed")
            for i in range(per):
                msid = self._next_id("milestone")
                due = (decided_at + timedelta(days=45 * (i + 1) + rng.randint(-10, 30))).date()
                done = None
                forecast = None
                if done_all or (due < self.today and rng.random() < 0.85):
                    done = min(due + timedelta(days=rng.randint(-5, 20)), self.today - timedelta(days=1))
                elif due >= self.today and rng.random() < 0.15:
                    forecast = due + timedelta(days=rng.randint(5, 60))
                name = ("Design signed off", "Build complete", "Go-live", "Hypercare exit")[i % 4]
                rows.append((msid, m.id, name, due, forecast, done, 1))
                m.milestones.append(MilestoneState(due, forecast, done))
                self._event(
                    m.created,
                    m.owner,
                    "milestone.create",
                    "milestone",
                    msid,
                    measure_id=m.id,
                    after={"name": name, "due_on": due.isoformat()},
                )
                if done:
                    at = datetime(done.year, done.month, done.day, 17, tzinfo=UTC)
                    self._event(
                        at,
                        m.owner,
                        "milestone.update",
                        "milestone",
                        msid,
                        measure_id=m.id,
                        before={"done_on": None},
                        after={"done_on": done.isoformat()},
                    )
                revisions.append((msid, m.id, forecast, m.created))
        self.milestone_revisions = revisions
        self.milestone_rows = rows

    def _dependencies(self) -> None:
        rng, seen = self.rng, set()
        rows: list[tuple[Any, ...]] = []
        self.edges: dict[int, list[int]] = defaultdict(list)
        n = len(self.measures)
        program_of = {p[0]: self._program_of(p[1]) for p in self.projects}
        while len(rows) < self.scale.dependencies:
            a, b = rng.randrange(n), rng.randrange(n)
            if rng.random() < 0.7:  # most dependencies stay inside a programme
                b = min(n - 1, a + rng.randint(1, 400))
            up, down = self.measures[min(a, b)], self.measures[max(a, b)]
            if up.id == down.id or (up.id, down.id) in seen:
                continue
            seen.add((up.id, down.id))
            blocking = rng.random() < 0.8
            cross = up.org_unit != down.org_unit or program_of[up.project] != program_of[down.project]
            did = self._next_id("dependency")
            at = max(up.created, down.created)
            rows.append((did, up.id, down.id, blocking, cross, None, down.owner, at))
            if blocking:
                self.edges[up.id].append(down.id)
            self._event(
                at,
                down.owner,
                "dependency.create",
                "dependency",
                did,
                measure_id=down.id,
                after={"upstream_id": up.id, "downstream_id": down.id, "blocking": blocking},
            )
        self.counts["dependencies"] = self.bulk.write(
            "dependency",
            ["id", "upstream_id", "downstream_id", "blocking", "cross_functional", "note", "created_by"]
            + ["created_at"],
            rows,
        )

    def _program_of(self, path: str) -> int:
        return int(path.strip("/").split("/")[1])

    def _statuses(self) -> None:
        for m in self.measures:
            started = m.stage in ("decided", "implemented", "closed")
            m.impl_status = implementation_status(m.milestones, self.today, started=started)
        late = {m.id for m in self.measures if m.impl_status == "late"}
        at_risk = downstream_closure(late, self.edges)
        for m in self.measures:
            m.upstream_risk = m.id in at_risk
            m.impl_status = effective_status(m.impl_status, m.upstream_risk)

    # -- values --------------------------------------------------------------------------------------

    def _values(self) -> None:
        rng = self.rng
        thresholds = fin.Thresholds(self.settings.value_green_percent, self.settings.value_amber_percent)
        facts: list[tuple[Any, ...]] = []
        actuals_until = fin.add_months(self.current_period, -1)

        def add(m: _Measure, series: str, kind: str, values: dict[str, int], at: datetime, to: datetime | None) -> None:
            for period, amount in values.items():
                facts.append(
                    (self._next_id("value_fact"), m.id, series, kind, period, amount, at, m.owner, to, "manual")
                )

        for m in self.measures:
            times = dict(m.stage_times)
            monthly = m.annual // 12
            plan = {p: monthly * min(i + 1, 6) // 6 for i, p in enumerate(self.periods)}
            plan_at = m.created + timedelta(days=3)
            add(m, "plan", "recurring", plan, plan_at, None)
            self._on_measure(
                plan_at,
                m.owner,
                "values.plan",
                m.id,
                after={"series": "plan", "changes": len(plan)},
            )
            one_time = rng.random() < 0.3
            cost = {p: m.annual // 8 for p in self.periods[2:5]} if one_time else {}
            if cost:
                add(m, "plan", "one_time_cost", cost, plan_at, None)
            baseline = forecast = None
            if "decided" in times:
                decided_at = times["decided"]
                baseline = plan
                add(m, "baseline", "recurring", plan, decided_at, None)
                if cost:
                    add(m, "baseline", "one_time_cost", cost, decided_at, None)
                self._on_measure(
                    decided_at,
                    m.controller,
                    "values.baseline_frozen",
                    m.id,
                    after={"periods": len(plan)},
                )
                factor = rng.choice((1.0, 1.05, 0.95, 0.9, 0.85, 0.7, 0.5, 1.1))
                forecast = {p: int(v * factor) for p, v in plan.items()}
                if rng.random() < 0.25:  # an earlier forecast, revised later: history for as-of reports
                    revised_at = decided_at + (self.now - decided_at) / 2
                    add(m, "forecast", "recurring", plan, decided_at, revised_at)
                    add(m, "forecast", "recurring", forecast, revised_at, None)
                    self._on_measure(
                        revised_at,
                        m.owner,
                        "values.forecast",
                        m.id,
                        after={"series": "forecast", "changes": len(plan)},
                    )
                else:
                    add(m, "forecast", "recurring", forecast, decided_at, None)
                self._on_measure(
                    decided_at,
                    m.owner,
                    "values.forecast",
                    m.id,
                    after={"series": "forecast", "changes": len(plan)},
                )
            actual: dict[str, int] = {}
            if m.stage in ("implemented", "closed") and forecast is not None:
                impl_month = times["implemented"].strftime("%Y-%m")
                actual = {
                    p: int(v * rng.uniform(0.8, 1.1)) for p, v in forecast.items() if impl_month <= p <= actuals_until
                }
                if actual:
                    actual_at = self.now - timedelta(days=rng.randint(1, 25))
                    add(m, "actual", "recurring", actual, actual_at, None)
                    self._on_measure(
                        actual_at,
                        m.controller,
                        "values.actual",
                        m.id,
                        after={"series": "actual", "changes": len(actual)},
                    )
            est = fin.estimate({"plan": plan, "forecast": forecast or {}, "actual": actual})
            base_total = sum(baseline.values()) if baseline else None
            m.value_rag = fin.value_rag(sum(est.values()), base_total, thresholds)
            if m.stage == "closed":
                m.verified_value = sum(actual.values())
        self.facts = facts

    def _write_measures(self) -> None:
        rows = []
        for m in self.measures:
            stage = "implemented" if m.stage == "closed" else m.stage  # closed only after the sign-off exists
            declared = FORWARD.index(m.stage) >= 2 if m.stage in FORWARD else True
            rows.append(
                (m.id, stage, m.annual, m.impl_status, m.upstream_risk, m.value_rag, False, None, declared, declared)
                + (declared, 1, 0, 0, m.stage_times[-1][1], m.stage_times[-1][1])
            )
        self.counts["measures"] = self.bulk.write(
            "measure",
            ["node_id", "stage", "annual_estimate", "impl_status", "upstream_risk", "value_rag", "value_verified"]
            + ["verified_value", "one_time_costs_declared", "dependencies_declared", "services_declared"]
            + ["values_version", "deferral_count", "reopen_count", "last_update_at", "stage_entered_at"],
            rows,
        )
        self.counts["milestones"] = self.bulk.write(
            "milestone",
            ["id", "measure_id", "name", "due_on", "forecast_on", "done_on", "version"],
            self.milestone_rows,
        )
        self.counts["value_facts"] = self.bulk.write(
            "value_fact",
            [
                "id",
                "measure_id",
                "series",
                "kind",
                "period",
                "amount",
                "recorded_at",
                "recorded_by",
                "valid_to",
                "source",
            ],
            self.facts,
        )
        self.milestone_rows, self.facts = [], []

    # -- gate history, sign-offs -----------------------------------------------------------------------

    def _gate_history(self) -> None:
        rows: list[tuple[Any, ...]] = []
        signoffs: list[tuple[Any, ...]] = []
        pending: list[tuple[Any, ...]] = []
        for m in self.measures:
            prev = None
            for code, at in m.stage_times:
                scid = self._next_id("stage_change")
                rows.append((scid, m.id, prev, code, at, None))
                if prev is not None:
                    self._event(
                        at,
                        m.sponsor,
                        "measure.stage",
                        "measure",
                        m.id,
                        measure_id=m.id,
                        before={"stage": prev},
                        after={"stage": code},
                    )
                prev = code
            if m.stage == "closed":
                at = m.stage_times[-1][1]
                sid = self._next_id("sign_off")
                value = m.verified_value or 0
                signoffs.append((sid, m.id, m.controller, None, value, value, f"FIN-{m.id}", None, at))
                self._on_measure(
                    at,
                    m.controller,
                    "value.sign_off",
                    m.id,
                    after={"verified_value": value, "evidence_ref": f"FIN-{m.id}"},
                )
            elif m.stage in FORWARD[:4] and self.rng.random() < 0.02:
                nxt = FORWARD[FORWARD.index(m.stage) + 1]
                rid = self._next_id("gate_request")
                at = self.now - timedelta(days=self.rng.randint(1, 20))
                pending.append((rid, m.id, m.stage, nxt, "forward", "pending", m.owner, at, None, None, 0, None, 1))
                self._event(
                    at,
                    m.owner,
                    "gate.request",
                    "gate_request",
                    rid,
                    measure_id=m.id,
                    after={"from": m.stage, "to": nxt},
                )
        self.counts["stage_changes"] = self.bulk.write(
            "stage_change", ["id", "measure_id", "from_stage", "to_stage", "at", "request_id"], rows
        )
        self.counts["sign_offs"] = self.bulk.write(
            "sign_off",
            ["id", "measure_id", "controller_id", "gate_request_id", "actuals_total", "verified_value"]
            + ["evidence_ref", "comment", "signed_at"],
            signoffs,
        )
        self.counts["pending_gate_requests"] = self.bulk.write(
            "gate_request",
            ["id", "measure_id", "from_stage", "to_stage", "direction", "status", "requested_by", "requested_at"]
            + ["reason", "deferred_until", "defer_count", "decided_at", "version"],
            pending,
        )
        closed_stmt = (
            update(Measure)
            .where(Measure.node_id == bindparam("nid"))
            .values(stage="closed", value_verified=True, verified_value=bindparam("vv"))
        )
        closed = [{"nid": m.id, "vv": m.verified_value} for m in self.measures if m.stage == "closed"]
        if closed:
            self.s.connection().execute(closed_stmt, closed)

    # -- audit -----------------------------------------------------------------------------------------

    def _audit(self) -> None:
        target = self.scale.audit_events
        shortfall = target - len(self.events)
        # Milestone forecast revisions fill a short log up to its target size; a long one keeps its newest
        # events (the older history is taken to predate the system, as when a portfolio is migrated in).
        revisions = self.milestone_revisions
        for i in range(max(0, shortfall)):
            msid, mid, final, created = revisions[i % len(revisions)]
            at = created + timedelta(days=1 + (i // len(revisions)), seconds=i % 86400)
            self._event(
                at,
                self.by_id[mid].owner,
                "milestone.update",
                "milestone",
                msid,
                measure_id=mid,
                after={"forecast_on": final.isoformat() if final else None},
            )
        self.events.sort(key=lambda e: e[0])
        if shortfall < 0:
            del self.events[:-target]
        last = self.s.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
        next_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        self.counts["audit_events"] = self.bulk.write("audit_event", EXPORT_FIELDS, self._chain(next_id, prev))
        self.events.clear()

    def _chain(self, next_id: int, prev: str) -> Iterator[tuple[Any, ...]]:
        for at, (actor, action, etype, eid, mid, before, after, reason) in self.events:
            body = EventBody(next_id, at, actor, action, etype, eid, mid, before, after, reason, None)
            digest = chain_hash(prev, body)
            yield (next_id, at, actor, action, etype, eid, mid, _json(before), _json(after), reason, None, prev, digest)
            prev, next_id = digest, next_id + 1


def _json(value: Any) -> str | None:
    return None if value is None else canonical_json(value)


def _parent(rows: list[tuple[Any, ...]], ou: int) -> int:
    return next(r[1] for r in rows if r[0] == ou)


def _id_col(name: str) -> Any:
    return table(name, column("id")).c.id
