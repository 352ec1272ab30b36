"""Builders for tests: a small portfolio with named personas, created through the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from valuegate.auth import service as people
from valuegate.auth.policy import SYSTEM, Actor, actor_for
from valuegate.context import today_of
from valuegate.finance import service as finance
from valuegate.gates import service as gates
from valuegate.milestones import service as milestones
from valuegate.milestones.models import Milestone
from valuegate.portfolio import service as portfolio
from valuegate.portfolio.models import Measure, Node

PASSWORD = "correct horse battery"


@dataclass
class World:
    s: Session
    actors: dict[str, Actor] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Actor:
        return self.actors[key]

    def measure(self, name: str = "Measure", monthly: int = 1000, months: int = 12, **roles: int) -> int:
        m = portfolio.create_node(
            self.s,
            actor=self["pmo"],
            kind="measure",
            name=name,
            parent_id=self.ids["project"],
            org_unit_id=self.ids["ou_fin"],
            annual_estimate=monthly * 12,
            **roles,
        )
        if monthly:
            finance.set_values(
                self.s,
                actor=self["owner"],
                measure_id=m.id,
                series="plan",
                entries=[finance.Entry("recurring", f"2026-{i + 1:02d}", monthly) for i in range(months)],
                values_version=self.version(m.id),
            )
        return m.id

    def version(self, measure_id: int) -> int:
        m = self.s.get(Measure, measure_id)
        assert m is not None
        self.s.refresh(m)
        return m.values_version

    def node(self, node_id: int) -> Node:
        n = self.s.get(Node, node_id)
        assert n is not None
        self.s.refresh(n)
        return n

    def stage(self, measure_id: int) -> str:
        m = self.s.get(Measure, measure_id)
        assert m is not None
        self.s.refresh(m)
        return m.stage

    def advance(self, measure_id: int, to_stage: str) -> None:
        """Take a measure through its gates, the way its people would, up to ``to_stage``."""
        s, today = self.s, today_of(self.s)
        order = ["identified", "detailed", "decided", "implemented"]
        if self.stage(measure_id) not in FORWARD_RANK:
            return  # cancelled: no gate leads on from there
        for stage in order[: order.index(to_stage) + 1]:
            if FORWARD_RANK[self.stage(measure_id)] >= FORWARD_RANK[stage]:
                continue
            if stage == "detailed":
                milestones.add_milestone(
                    s, actor=self["owner"], measure_id=measure_id, name="Go-live", due_on=today + timedelta(days=30)
                )
                portfolio.update_node(
                    s,
                    actor=self["owner"],
                    node_id=measure_id,
                    version=self.node(measure_id).version,
                    changes={"one_time_costs_declared": True, "dependencies_declared": True, "services_declared": True},
                )
            if stage == "implemented":
                for m in s.scalars(select(Milestone).where(Milestone.measure_id == measure_id)).all():
                    if m.done_on is None:
                        milestones.update_milestone(
                            s, actor=self["owner"], milestone_id=m.id, version=m.version, changes={"done_on": today}
                        )
            req = gates.request_move(s, actor=self["owner"], measure_id=measure_id, to_stage=stage)
            for approver in APPROVERS[stage]:
                gates.approve(s, actor=self[approver], request_id=req.id, comment="Agreed")


FORWARD_RANK = {"defined": 0, "identified": 1, "detailed": 2, "decided": 3, "implemented": 4, "closed": 5}
APPROVERS = {
    "identified": ["pmo"],
    "detailed": ["controller"],
    "decided": ["sponsor", "controller"],
    "implemented": ["sponsor"],
}


def build_world(s: Session) -> World:
    w = World(s)
    company = portfolio.create_org_unit(s, actor=SYSTEM, name="Group", kind="company")
    fin_ou = portfolio.create_org_unit(s, actor=SYSTEM, name="Finance", kind="finance", parent_id=company.id)
    hr_ou = portfolio.create_org_unit(s, actor=SYSTEM, name="HR", kind="hr", parent_id=company.id)
    w.ids.update(ou_company=company.id, ou_fin=fin_ou.id, ou_hr=hr_ou.id)
    for login, role in [
        ("admin", "admin"),
        ("pmo", "pmo"),
        ("owner", None),
        ("sponsor", None),
        ("controller", None),
        ("auditor", "auditor"),
        ("viewer", "viewer"),
        ("outsider", None),
        ("deputy", None),
        ("finance", "finance"),
    ]:
        p = people.create_person(
            s, actor=SYSTEM, name=login.capitalize(), global_role=role, login=login, password=PASSWORD
        )
        w.actors[login] = actor_for(p)
        w.ids[login] = p.id
    root = portfolio.create_node(
        s, actor=w["pmo"], kind="portfolio", name="Portfolio", parent_id=None, org_unit_id=company.id
    )
    prog = portfolio.create_node(
        s, actor=w["pmo"], kind="program", name="Program", parent_id=root.id, org_unit_id=fin_ou.id
    )
    proj = portfolio.create_node(
        s,
        actor=w["pmo"],
        kind="project",
        name="Project",
        parent_id=prog.id,
        org_unit_id=fin_ou.id,
        owner_id=w.ids["owner"],
        sponsor_id=w.ids["sponsor"],
        controller_id=w.ids["controller"],
    )
    w.ids.update(portfolio=root.id, program=prog.id, project=proj.id)
    return w
