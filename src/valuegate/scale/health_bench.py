"""The health benchmark: many monitored implementations (a catalogue of artefacts with months of use, a profile),
the worker's daily pass over all of them, one run on demand, and the pages that read the readings."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select

from valuegate.config import Settings
from valuegate.context import bind
from valuegate.db import Database
from valuegate.health import service as health
from valuegate.health.models import Artefact, ArtefactUse, HealthProfile
from valuegate.portfolio.models import Node
from valuegate.uow import commit_batch

ARTEFACTS_PER_IMPLEMENTATION = 6
DAYS = 60


class HealthBench:
    def __init__(
        self, db: Database, settings: Settings, *, today: date, implementations: int, uses_per_day: int = 20
    ) -> None:
        self.db, self.settings, self.today = db, settings, today
        rng = random.Random(5)
        with db.session(write=True) as s:
            bind(s, settings, today)
            nodes = list(
                s.scalars(select(Node.id).where(Node.kind == "project").order_by(Node.id).limit(implementations))
            )
            self.nodes = nodes
            artefacts = []
            for node in nodes:
                s.add(
                    HealthProfile(node_id=node, live_on=today - timedelta(days=150), maturity_level=3, thresholds="{}")
                )
                for k in range(ARTEFACTS_PER_IMPLEMENTATION):
                    artefacts.append(
                        {
                            "node_id": node,
                            "name": f"Report {k}",
                            "kind": "report" if k < 4 else "allocation_rule",
                            "audience_size": 80,
                            "layer": ("cost_pools", "towers", "solutions", "consumers")[k % 4],
                            "published_on": today - timedelta(days=120),
                            "status": "active",
                            "version": 1,
                        }
                    )
            s.execute(insert(Artefact), artefacts)
            ids = list(s.scalars(select(Artefact.id).where(Artefact.kind == "report")))
            uses = []
            for artefact in ids:
                for back in range(DAYS):
                    day = today - timedelta(days=back)
                    uses += [
                        {"artefact_id": artefact, "actor": f"u{rng.randrange(400)}", "action": "view", "used_on": day}
                        for _ in range(rng.randrange(uses_per_day))
                    ]
                if len(uses) > 50_000:
                    s.execute(insert(ArtefactUse), uses)
                    uses = []
            if uses:
                s.execute(insert(ArtefactUse), uses)
            commit_batch(s)
            self.uses = s.query(ArtefactUse).count()

    def daily_pass(self, _i: int = 0) -> Any:
        with self.db.session(write=True) as s:
            bind(s, self.settings, self.today)
            n = health.run_scheduled(s, self.today)
            commit_batch(s)
            return n

    def on_demand(self, _i: int = 0) -> Any:
        with self.db.session(write=True) as s:
            bind(s, self.settings, self.today)
            node = s.get(Node, self.nodes[0])
            assert node is not None
            reading = health.run(s, node, self.today, "on_demand")
            commit_batch(s)
            return reading.band
