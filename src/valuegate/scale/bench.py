"""The benchmark: generate a scale portfolio, then time what its users do most, and print the figures.

Every timed operation runs in its own session, exactly as a request would, through the same service
and query functions the API calls. Figures are printed, never asserted: speed is reported, not tested.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from valuegate.audit.service import events_for_measure, verify_chain
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, actor_for
from valuegate.config import Settings
from valuegate.context import bind
from valuegate.db import Database, utcnow
from valuegate.finance.service import measure_values, value_history
from valuegate.gates import service as gates
from valuegate.migrate import upgrade
from valuegate.portfolio.models import Measure, Node
from valuegate.portfolio.service import get_measure
from valuegate.rollups import queries, snapshots
from valuegate.scale.generator import Generator, Report, Scale

BENCH_PASSWORD = "bench-password-not-for-production"


@dataclass
class Figure:
    name: str
    runs: list[float]  # seconds
    goal_ms: float | None = None

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs) * 1000

    @property
    def p95_ms(self) -> float:
        if len(self.runs) < 2:
            return self.runs[0] * 1000
        return statistics.quantiles(self.runs, n=20, method="inclusive")[18] * 1000

    @property
    def verdict(self) -> str:
        if self.goal_ms is None:
            return ""
        return "met" if self.p95_ms < self.goal_ms else "MISSED"


@dataclass
class BenchResult:
    report: Report
    figures: list[Figure]


def _timed(n: int, fn: Callable[[int], object]) -> list[float]:
    runs = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        runs.append(time.perf_counter() - t)
    return runs


class Bench:
    def __init__(self, db: Database, settings: Settings, scale: Scale, *, today: date, repeat: int = 30) -> None:
        self.db, self.settings, self.scale, self.today, self.repeat = db, settings, scale, today, repeat
        self.rng = random.Random(11)

    def generate(self, progress: Callable[[str, int, int], None]) -> Report:
        upgrade(self.db)
        with self.db.session(write=True) as s:
            bind(s, self.settings, self.today)
            return Generator(s, self.settings, self.scale, today=self.today, progress=progress).run()

    def run(self, report: Report, verify_runs: int = 3) -> BenchResult:
        # The generator's objects are not the app's: park them outside the collector so that, as in a server
        # process, garbage collection does not walk millions of generated rows during the timed requests.
        gc.collect()
        gc.freeze()
        with self.db.session() as s:
            portfolio = s.scalar(select(Node.id).where(Node.kind == "portfolio"))
            program = s.scalar(select(Node.id).where(Node.kind == "program").order_by(Node.id))
            decided = list(
                s.scalars(select(Measure.node_id).where(Measure.stage.in_(("decided", "implemented"))).limit(2000))
            )
            defined = list(s.scalars(select(Measure.node_id).where(Measure.stage == "defined").limit(self.repeat)))
            pmo = s.scalar(select(Person).where(Person.global_role == "pmo").order_by(Person.id))
            assert portfolio and program and pmo and decided and len(defined) == self.repeat
            pmo_actor = actor_for(pmo)
        figures = [
            Figure("portfolio pipeline roll-up", _timed(self.repeat, lambda i: self._pipeline(portfolio)), 200),
            Figure(
                "portfolio cockpit (pipeline, statuses, months)",
                _timed(self.repeat, lambda i: self._cockpit(portfolio)),
            ),
            Figure("program subtree roll-up", _timed(self.repeat, lambda i: self._pipeline(program)), 50),
            Figure(
                "program cockpit (pipeline, statuses, months)", _timed(self.repeat, lambda i: self._cockpit(program))
            ),
            Figure(
                "one measure with its history",
                _timed(self.repeat, lambda i: self._measure(self.rng.choice(decided))),
            ),
        ]
        requests: list[int] = []
        figures.append(
            Figure("gate request", _timed(self.repeat, lambda i: requests.append(self._request(defined[i])))),
        )
        figures.append(
            Figure(
                "gate move (approval that moves the stage)",
                _timed(self.repeat, lambda i: self._approve(pmo_actor, requests[i])),
                50,
            )
        )
        month_end = snapshots.last_month_end(self.today)
        figures.append(Figure("month-end snapshot (every measure)", _timed(1, lambda i: self._snapshot(month_end))))
        figures += self._pages(pmo.id, portfolio, program, decided[0], month_end)
        as_of = utcnow() - timedelta(days=90)
        figures.append(
            Figure(
                "portfolio pipeline as known 90 days ago",
                _timed(3, lambda i: self._read(lambda s: queries.pipeline_as_of(s, as_of))),
            )
        )
        figures.append(Figure("audit verify (whole log)", _timed(verify_runs, lambda i: self._verify()), 30_000))
        figures += self._adoption(pmo.id)
        figures += self._feeds()
        figures += self._health(pmo.id)
        return BenchResult(report, figures)

    def _feeds(self) -> list[Figure]:
        """A general-ledger file submitted to a feed: read, checked against the contract and the last period."""
        from valuegate.scale.feed_bench import FeedBench

        if not self.scale.feed_rows:
            return []
        bench = FeedBench(self.db, self.settings, today=self.today, rows=self.scale.feed_rows)
        runs = _timed(3, bench.submit)
        memory = bench.memory()
        label = (
            f"feed submission, {self.scale.feed_rows:,} rows ({memory['file_mb']:.0f} MB; "
            f"peak {memory['python_peak_mb']:.0f} MB Python + {memory['arrow_peak_mb']:.0f} MB Arrow)"
        )
        figures = [Figure(label, runs)]
        rules = bench.add_rules()
        figures.append(
            Figure(
                f"feed submission, {self.scale.feed_rows:,} rows, allocated by {rules} mapping rules "
                "(proposed actuals, unallocated by key)",
                _timed(3, bench.submit),
            )
        )
        return figures

    def _health(self, pmo_id: int) -> list[Figure]:
        """The detectors over many monitored implementations (the worker's pass), one on demand, and the pages."""
        from valuegate.scale.health_bench import HealthBench

        n = self.scale.health_implementations
        if not n:
            return []
        bench = HealthBench(self.db, self.settings, today=self.today, implementations=n)
        figures = [
            Figure(
                f"health: worker's pass over {n:,} implementations ({bench.uses:,} artefact uses)",
                _timed(1, bench.daily_pass),
            ),
            Figure("health: one implementation's detectors on demand", _timed(3, bench.on_demand)),
        ]
        figures += self._pages_of(
            pmo_id,
            [
                ("health of an implementation", f"/portfolio/{bench.nodes[0]}/health"),
                (f"implementations by health ({n:,}; first page of 100)", "/health"),
            ],
        )
        return figures

    def _adoption(self, pmo_id: int) -> list[Figure]:
        """Usage events into an audience, then the success metrics over them."""
        from valuegate.scale.usage_bench import UsageBench

        if not self.scale.usage_events:
            return []
        bench = UsageBench(
            self.db, self.settings, today=self.today, events=self.scale.usage_events, users=self.scale.usage_users
        )
        loaded = bench.load()
        n = self.scale.usage_events
        figures = [
            Figure(f"usage import: {n:,} events ({loaded['events_per_second']:,.0f}/s)", [loaded["seconds"]]),
        ]
        for name, metric_id in bench.metric_ids():

            def cold(_i: int, metric: int = metric_id) -> object:
                return bench.cold(metric)

            figures.append(Figure(f"metric {name}, 5 weekly points, cold", _timed(3, cold)))
        figures.append(Figure("daily pass: keep every metric's points", _timed(1, lambda i: bench.daily_pass())))
        figures += self._pages_of(
            pmo_id, [("adoption dashboard (values kept)", f"/portfolio/{bench.node}/change/adoption")]
        )
        return figures

    def _snapshot(self, day: date) -> object:
        with self.db.session(write=True) as s:
            bind(s, self.settings, self.today)
            return snapshots.take(s, day)

    def _pages(self, pmo_id: int, portfolio: int, program: int, measure: int, month_end: date) -> list[Figure]:
        """Whole pages through the web stack (session, policy, queries, templates), as a signed-in PMO lead."""
        with self.db.session() as s:
            project = s.scalar(select(Node.id).where(Node.parent_id == program).order_by(Node.id))
        pages = [
            ("portfolio cockpit", f"/?node_id={portfolio}"),
            ("program cockpit", f"/?node_id={program}"),
            ("portfolio cockpit as known at the month end", f"/?node_id={portfolio}&as_of={month_end}"),
            ("program cockpit with the bridge from the month end", f"/?node_id={program}&bridge_from={month_end}"),
            ("portfolio cockpit with the bridge from the month end", f"/?node_id={portfolio}&bridge_from={month_end}"),
            ("hierarchy, top level", "/portfolio"),
            ("hierarchy, a program's projects", f"/portfolio/{program}/children?depth=2"),
            ("hierarchy, a project", f"/portfolio?node_id={project}"),
            ("measure list, whole portfolio", f"/measures?node_id={portfolio}"),
            ("measure list, late and red", f"/measures?node_id={portfolio}&impl_status=late&value_status=red"),
            ("measure workspace", f"/measures/{measure}"),
            ("value grid (htmx)", f"/measures/{measure}/grid"),
            ("decision inbox", "/inbox"),
            ("dependency map, portfolio", f"/dependencies?node_id={portfolio}"),
            ("dependency map, program", f"/dependencies?node_id={program}"),
            ("steering meetings", "/meetings"),
            ("audit trail", "/audit"),
            ("audit trail of a measure", f"/audit?measure_id={measure}"),
            ("change workstream of a program", f"/portfolio/{program}/change"),
            ("communication calendar of a program", f"/portfolio/{program}/change/communication"),
        ]
        return self._pages_of(pmo_id, pages)

    def _pages_of(self, pmo_id: int, pages: list[tuple[str, str]]) -> list[Figure]:
        from valuegate.app import create_app
        from valuegate.auth.policy import SYSTEM
        from valuegate.auth.service import set_password, start_web_session
        from valuegate.scale.asgi import get
        from valuegate.web.security import SESSION_COOKIE

        with self.db.session(write=True) as s:
            bind(s, self.settings, self.today)
            person = s.get(Person, pmo_id)
            if person is not None and person.login != "bench-pmo":
                set_password(s, actor=SYSTEM, person_id=pmo_id, login="bench-pmo", password=BENCH_PASSWORD)
            _web, cookie = start_web_session(s, login="bench-pmo", password=BENCH_PASSWORD)
        app = create_app(self.settings, db=self.db, today=self.today)
        cookies = {SESSION_COOKIE: cookie}

        def page(path: str) -> Callable[[int], object]:
            def fetch(_i: int) -> object:
                status, _body = get(app, path, cookies)
                if status != 200:
                    raise RuntimeError(f"GET {path} answered {status}")
                return status

            return fetch

        return [Figure(f"page: {label}", _timed(self.repeat, page(path)), 300) for label, path in pages]

    def _read(self, fn: Callable[..., object]) -> object:
        with self.db.session() as s:
            bind(s, self.settings, self.today)
            return fn(s)

    def _pipeline(self, node_id: int) -> object:
        return self._read(lambda s: queries.pipeline(s, f"n:{node_id}"))

    def _cockpit(self, node_id: int) -> object:
        scope = f"n:{node_id}"
        return self._read(
            lambda s: (queries.pipeline(s, scope), queries.status_matrix(s, scope), queries.periods(s, scope))
        )

    def _measure(self, measure_id: int) -> object:
        def read(s):
            node, m = get_measure(s, measure_id)
            return measure_values(s, measure_id), value_history(s, measure_id), events_for_measure(s, measure_id)

        return self._read(read)

    def _request(self, measure_id: int) -> int:
        with self.db.session(write=True) as s:
            bind(s, self.settings, self.today)
            owner = s.scalar(select(Person).join(Node, Node.owner_id == Person.id).where(Node.id == measure_id))
            assert owner is not None
            req = gates.request_move(s, actor=actor_for(owner), measure_id=measure_id, to_stage="identified")
            return req.id

    def _approve(self, actor: Actor, request_id: int) -> None:
        with self.db.session(write=True) as s:
            bind(s, self.settings, self.today)
            gates.approve(s, actor=actor, request_id=request_id)

    def _verify(self) -> None:
        with self.db.session() as s:
            result = verify_chain(s)
        if not result.ok:
            raise RuntimeError(f"audit trail broken: {result.first_break}")


def format_result(result: BenchResult) -> str:
    r = result.report
    lines = [
        f"Valuegate benchmark — {r.scale} on {r.dialect}",
        "  " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in r.counts.items()),
        f"  generation: {r.seconds:.1f} s  (" + ", ".join(f"{k} {v:.1f} s" for k, v in r.steps.items()) + ")",
        "",
        f"  {'operation':<50} {'runs':>5} {'median ms':>11} {'p95 ms':>11} {'goal ms':>9}",
    ]
    for f in result.figures:
        goal = f"< {f.goal_ms:,.0f}" if f.goal_ms else ""
        lines.append(f"  {f.name:<50} {len(f.runs):>5} {f.median_ms:>11,.1f} {f.p95_ms:>11,.1f} {goal:>9} {f.verdict}")
    return "\n".join(lines)
