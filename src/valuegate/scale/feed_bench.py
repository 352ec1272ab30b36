"""The feed benchmark: a general-ledger file of a million rows submitted to a feed, timed, with its memory."""

from __future__ import annotations

import random
import time
import tracemalloc
from datetime import date
from typing import Any

import pyarrow as pa
from sqlalchemy import select

from valuegate.auth.policy import SYSTEM
from valuegate.config import Settings
from valuegate.context import bind
from valuegate.db import Database
from valuegate.feeds import actuals
from valuegate.feeds import service as feeds
from valuegate.feeds.models import DataFeed
from valuegate.feeds.templates import GENERAL_LEDGER
from valuegate.portfolio.models import Measure, Node

CONTRACT = GENERAL_LEDGER


def gl_file(rows: int, seed: int = 3) -> bytes:
    rng = random.Random(seed)
    out = ["Period,CostCenter,Account,Amount,Vendor"]
    for _ in range(rows):
        out.append(
            f"2026-05-31,CC-{rng.randrange(400):04d},{rng.choice((6100, 6200, 6300, 6400, 7100))},"
            f"{rng.uniform(-500, 20000):.2f},Vendor {rng.randrange(900)}"
        )
    return ("\n".join(out) + "\n").encode()


class FeedBench:
    def __init__(self, db: Database, settings: Settings, *, today: date, rows: int) -> None:
        self.db, self.settings, self.today, self.rows = db, settings, today, rows
        self.data = gl_file(rows)
        with db.session(write=True) as s:
            bind(s, settings, today)
            node = s.scalar(select(Node.id).where(Node.kind == "project").order_by(Node.id.desc()))
            assert node is not None, "the benchmark's portfolio has projects"
            self.feed = feeds.register_feed(
                s,
                actor=SYSTEM,
                node_id=node,
                name="Bench GL actuals",
                channel="system",
                due_business_day=5,
                contract=CONTRACT,
                key_columns=["CostCenter"],
                amount_column="Amount",
            ).id

    def add_rules(self, count: int = 200) -> int:
        """Mapping rules sending half the file's cost centres to the project's measures (the rest stays
        unallocated); returns how many."""
        with self.db.session(write=True) as s:
            bind(s, self.settings, self.today)
            feed = s.get(DataFeed, self.feed)
            assert feed is not None
            project = s.get(Node, feed.node_id)
            assert project is not None
            measures = list(
                s.scalars(
                    select(Node.id)
                    .join(Measure, Measure.node_id == Node.id)
                    .where(Node.path.startswith(project.path), Measure.stage.not_in(("closed", "cancelled")))
                    .limit(count)
                )
            )
            assert measures, "the benchmark's project has open measures"
            for i in range(count):
                actuals.add_rule(
                    s,
                    actor=SYSTEM,
                    feed_id=self.feed,
                    match={"CostCenter": f"CC-{i:04d}", "Account": "6*"},
                    measure_id=measures[i % len(measures)],
                    rationale="Benchmark rule",
                )
        return count

    def submit(self, _i: int = 0) -> Any:
        with self.db.session(write=True) as s:
            bind(s, self.settings, self.today)
            return feeds.submit(
                s, actor=SYSTEM, feed_id=self.feed, period="2026-05", filename="gl.csv", data=self.data, channel="cli"
            ).status

    def memory(self) -> dict[str, float]:
        """Peak Python memory (tracemalloc) and Arrow memory of one submission, in MB."""
        pool = pa.default_memory_pool()
        tracemalloc.start()
        started = time.perf_counter()
        self.submit()
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "python_peak_mb": peak / 1e6,
            "arrow_peak_mb": pool.max_memory() / 1e6,
            "file_mb": len(self.data) / 1e6,
            "seconds_traced": seconds,
        }
