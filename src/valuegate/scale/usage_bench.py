"""The adoption benchmark: millions of usage events into a workstream's audience, then the success metrics over
them: the import, each metric computed cold, the daily pass that keeps the values, and the dashboard page."""

from __future__ import annotations

import random
import resource
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from valuegate.adoption import ingest
from valuegate.adoption import service as adoption
from valuegate.adoption.models import SuccessMetric
from valuegate.auth.policy import SYSTEM
from valuegate.change import service as change
from valuegate.config import Settings
from valuegate.context import bind
from valuegate.db import Database
from valuegate.portfolio.models import Node
from valuegate.uow import commit_batch

SYSTEM_NAME = "new-erp"
LEGACY = "legacy-erp"
EVENTS = [
    "search",
    "open_record",
    "create_request",
    "approve",
    "submit_request",
    "complete_request",
    "report_view",
    "export",
    "comment",
    "attach",
]
DAYS = 180
BATCH = 100_000


def _events(total: int, users: int, today: date, seed: int = 5) -> Iterator[list[dict[str, Any]]]:
    """Batches of events: each user has a habit (chance to be active on a working day) and does 1–8 things."""
    rng = random.Random(seed)
    habit = [rng.choice((0.1, 0.25, 0.4, 0.6, 0.8)) for _ in range(users)]
    start = today - timedelta(days=DAYS - 1)
    made = 0
    batch: list[dict[str, Any]] = []
    while made < total:
        for offset in range(DAYS):
            day = start + timedelta(days=offset)
            base = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
            for u in range(users):
                if rng.random() >= habit[u]:
                    continue
                for _ in range(rng.randint(1, 8)):
                    legacy = rng.random() < 0.08
                    batch.append(
                        {
                            "actor": f"user{u:05d}",
                            "event": "mail_request" if legacy else EVENTS[min(int(rng.expovariate(0.45)), 9)],
                            "system": LEGACY if legacy else SYSTEM_NAME,
                            "occurred_at": base + timedelta(seconds=rng.randrange(36_000)),
                        }
                    )
                    made += 1
                    if len(batch) >= BATCH or made >= total:
                        yield batch
                        batch = []
                    if made >= total:
                        return
    if batch:
        yield batch


class UsageBench:
    def __init__(self, db: Database, settings: Settings, *, today: date, events: int, users: int = 20_000) -> None:
        self.db, self.settings, self.today, self.events, self.users = db, settings, today, events, users

    def _write(self, fn: Callable[[Any], Any]) -> Any:
        with self.db.session(write=True) as s:
            bind(s, self.settings, self.today)
            result = fn(s)
            commit_batch(s)
            return result

    def _read(self, fn: Callable[[Any], Any]) -> Any:
        with self.db.session() as s:
            bind(s, self.settings, self.today)
            return fn(s)

    def load(self) -> dict[str, float]:
        """Audience, events and metrics; returns the import figures."""

        def audience(s: Any) -> int:
            node = s.scalar(select(Node.id).where(Node.kind == "project").order_by(Node.id))
            group = change.add_group(s, actor=SYSTEM, node_id=node, name="Bench audience", size=self.users)
            ingest.add_members(
                s,
                actor=SYSTEM,
                group_id=group.id,
                identifiers=[f"user{u:05d}" for u in range(self.users)],
                since=self.today - timedelta(days=DAYS),
            )
            self.node, self.group = node, group.id
            return node

        self._write(audience)
        started = time.perf_counter()
        now = datetime.combine(self.today, datetime.min.time(), tzinfo=UTC) + timedelta(days=1)
        for batch in _events(self.events, self.users, self.today):

            def load_batch(s: Any, rows: list[dict[str, Any]] = batch) -> int:
                return ingest.store(s, ingest.check_rows(rows, now), "csv")

            self._write(load_batch)
        seconds = time.perf_counter() - started
        common = {"system": SYSTEM_NAME, "audience_group_id": self.group, "window_days": 30}
        specs: list[tuple[str, str, dict[str, Any]]] = [
            ("active users", "active_users", {"target": 0.6}),
            ("feature adoption", "feature_adoption", {"events": "approve", "target": 0.4}),
            ("breadth", "breadth", {"events": ",".join(EVENTS[:6])}),
            ("depth", "depth", {"events": ",".join(EVENTS[:6]), "min_active_days": 3}),
            ("frequency bands", "frequency", {"target": 0.5}),
            ("stickiness", "stickiness", {"target": 0.3}),
            ("time to first value", "ttfv", {"events": "complete_request", "target": 7}),
            ("task completion", "task_completion", {"start_event": "create_request", "end_event": "complete_request"}),
            ("lifecycle", "lifecycle", {}),
            ("legacy ratio", "legacy_ratio", {"legacy_system": LEGACY, "target": 0.05}),
        ]

        def metrics(s: Any) -> None:
            for name, kind, extra in specs:
                adoption.define_metric(s, actor=SYSTEM, node_id=self.node, name=name, kind=kind, **common, **extra)

        self._write(metrics)
        return {
            "seconds": seconds,
            "events_per_second": self.events / seconds,
            "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }

    def metric_ids(self) -> list[tuple[str, int]]:
        return self._read(
            lambda s: [
                (m.name, m.id) for m in s.scalars(select(SuccessMetric).where(SuccessMetric.node_id == self.node))
            ]
        )

    def cold(self, metric_id: int) -> object:
        """One metric's five weekly points, computed from the events (nothing kept)."""

        def compute(s: Any) -> object:
            metric = s.get(SuccessMetric, metric_id)
            return adoption._points(s, metric, self.today)

        return self._read(compute)

    def daily_pass(self) -> int:
        return int(self._write(lambda s: adoption.refresh_points(s, self.today)))
