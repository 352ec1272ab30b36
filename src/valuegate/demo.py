"""The demo portfolio: a story a PMO lead recognises, built through the same services as real use.

Three programmes: ITFM/TBM cost transparency, an ITSM change programme, and an ERP migration whose technical
milestones are green while its EBITDA contribution is red. Measures in every stage, cross-functional
dependencies, a revenue-generating service awaiting acknowledgement, a deferred decision and a rejected sign-off.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from valuegate.auth import service as people
from valuegate.auth.models import Person
from valuegate.auth.policy import SYSTEM, Actor, actor_for
from valuegate.context import today_of
from valuegate.db import utcnow
from valuegate.decisions import service as decisions
from valuegate.demo_change import load_change_demo
from valuegate.demo_feeds import load_feeds_demo
from valuegate.demo_health import load_health_demo
from valuegate.dependencies import service as deps
from valuegate.finance import rules as fin
from valuegate.finance import service as finance
from valuegate.gates import service as gates
from valuegate.gates.rules import STAGE_ORDER
from valuegate.health import service as health
from valuegate.milestones import service as milestones
from valuegate.portfolio import service as portfolio
from valuegate.portfolio.models import Measure, Node
from valuegate.rollups import snapshots

PASSWORD = "valuegate-demo"
EUR = 100  # minor units per euro


def load_demo(session: Session) -> list[tuple[str, str]]:
    if session.scalar(select(Node.id).limit(1)) is not None:
        raise SystemExit("The database already holds a portfolio; run `valuegate demo --reset` for a fresh demo.")
    gates.install_defaults(session)
    d = _Demo(session)
    d.build()
    return d.logins


class _Demo:
    def __init__(self, session: Session) -> None:
        self.s = session
        self.today = today_of(session)
        self.logins: list[tuple[str, str]] = []
        self.p: dict[str, Person] = {}
        self.ou: dict[str, int] = {}

    def a(self, key: str) -> Actor:
        return actor_for(self.p[key])

    def build(self) -> None:
        s = self.s
        company = portfolio.create_org_unit(s, actor=SYSTEM, name="Northwind Group", kind="company")
        for key, name, kind in [
            ("finance", "Finance", "finance"),
            ("hr", "HR", "hr"),
            ("procurement", "Procurement", "procurement"),
            ("infra", "Infrastructure", "infrastructure"),
            ("apps", "Application owners", "application"),
            ("service", "Service management", "service"),
            ("sales", "Sales business unit", "business_unit"),
        ]:
            self.ou[key] = portfolio.create_org_unit(s, actor=SYSTEM, name=name, kind=kind, parent_id=company.id).id
        logins = [
            ("admin", "Ada Lindqvist", "admin", "Platform administrator", "infra"),
            ("pmo", "Priya Raman", "pmo", "Transformation office lead", "finance"),
            ("owner", "Omar Haddad", None, "IT finance manager (measure owner)", "finance"),
            ("sponsor", "Sofia Brandt", None, "CIO (sponsor)", "apps"),
            ("controller", "Carl Jensen", "finance", "Financial controller", "finance"),
            ("auditor", "Aino Virtanen", "auditor", "Internal audit", "finance"),
            ("viewer", "Victor Osei", "viewer", "Steering committee member", "sales"),
            ("svcowner", "Selma Novak", None, "Service owner, online shop", "service"),
        ]
        for login, name, role, title, ou in logins:
            self.p[login] = people.create_person(
                s,
                actor=SYSTEM,
                name=name,
                global_role=role,
                title=title,
                login=login,
                password=PASSWORD,
                org_unit_id=self.ou[ou],
                email=f"{login}@northwind.example",
            )
            self.logins.append((login, f"{name} — {title}"))
        for key, name, title, ou in [
            ("hrlead", "Hannah Meyer", "HR operations lead", "hr"),
            ("proclead", "Pablo Ortiz", "Head of procurement", "procurement"),
            ("infralead", "Ingrid Solberg", "Infrastructure owner", "infra"),
            ("erpowner", "Erik Dahl", "ERP application owner", "apps"),
            ("itsmowner", "Tomas Kral", "ITSM process owner", "service"),
            ("cfo", "Clara Weiss", "CFO", "finance"),
            ("controller2", "Kofi Mensah", "Business controller", "finance"),
        ]:
            self.p[key] = people.create_person(s, actor=SYSTEM, name=name, title=title, org_unit_id=self.ou[ou])
        pmo = self.a("pmo")
        root = portfolio.create_node(
            s,
            actor=pmo,
            kind="portfolio",
            name="Northwind IT value portfolio",
            parent_id=None,
            org_unit_id=company.id,
            owner_id=self.p["pmo"].id,
        )
        self.shop = deps.create_service(
            s,
            actor=pmo,
            name="Online shop",
            owner_id=self.p["svcowner"].id,
            revenue_generating=True,
            org_unit_id=self.ou["sales"],
        )
        self.payroll = deps.create_service(
            s,
            actor=pmo,
            name="Payroll",
            owner_id=self.p["hrlead"].id,
            revenue_generating=False,
            org_unit_id=self.ou["hr"],
        )
        self._itfm(root.id)
        self._itsm(root.id)
        # A snapshot of what is known before the ERP programme is added and decided: the cockpit's bridge from
        # it to now shows what moved the pipeline since.
        snapshots.take(s, self.today, known_at=utcnow())
        self._erp(root.id)
        self._meeting(root.id)
        load_change_demo(s, project_id=self.portal, lead=pmo, who=self.p)
        load_feeds_demo(
            s, project_id=self.cost_model, lead=pmo, owner=self.p["controller2"], mapped_measure=self.m_unit_cost
        )
        # The portal went live two months ago: its success metrics say how relevant it has become.
        health.set_profile(
            s,
            actor=pmo,
            node_id=self.portal,
            version=None,
            changes={"live_on": self.today - timedelta(days=60), "maturity_level": 3},
        )
        load_health_demo(s, project_id=self.cost_model, lead=pmo, who=self.p, deferred_measure=self.m_deferred)

    # --- helpers ------------------------------------------------------------------------------------

    def program(self, root: int, name: str, ou: str, owner: str) -> int:
        return portfolio.create_node(
            self.s,
            actor=self.a("pmo"),
            kind="program",
            name=name,
            parent_id=root,
            org_unit_id=self.ou[ou],
            owner_id=self.p[owner].id,
        ).id

    def project(
        self,
        program: int,
        name: str,
        ou: str,
        owner: str = "owner",
        sponsor: str = "sponsor",
        controller: str = "controller",
    ) -> int:
        return portfolio.create_node(
            self.s,
            actor=self.a("pmo"),
            kind="project",
            name=name,
            parent_id=program,
            org_unit_id=self.ou[ou],
            owner_id=self.p[owner].id,
            sponsor_id=self.p[sponsor].id,
            controller_id=self.p[controller].id,
        ).id

    def measure(
        self,
        project: int,
        name: str,
        ou: str,
        monthly: int,
        *,
        months: int = 18,
        start_in: int = 1,
        one_time_cost: int = 0,
        owner: str = "owner",
    ) -> int:
        m = portfolio.create_node(
            self.s,
            actor=self.a("pmo"),
            kind="measure",
            name=name,
            parent_id=project,
            org_unit_id=self.ou[ou],
            owner_id=self.p[owner].id,
            annual_estimate=monthly * 12 * EUR,
        )
        first = fin.add_months(fin.period_of(self.today.year, self.today.month), start_in - 6)
        entries = [
            finance.Entry("recurring", fin.add_months(first, i), min(monthly, monthly * (i + 1) // 4) * EUR)
            for i in range(months)
        ]
        if one_time_cost:
            entries.append(finance.Entry("one_time_cost", first, one_time_cost * EUR))
        self._values(m.id, "plan", entries, self.a("owner") if owner == "owner" else self.a("pmo"))
        return m.id

    def _values(self, mid: int, series: str, entries: list[finance.Entry], actor: Actor) -> None:
        measure = self.s.get(Measure, mid)
        assert measure is not None
        finance.set_values(
            self.s, actor=actor, measure_id=mid, series=series, entries=entries, values_version=measure.values_version
        )

    def details(self, mid: int, *, milestones_due: list[tuple[str, int]], services: list[int] | None = None) -> None:
        for name, offset in milestones_due:
            milestones.add_milestone(
                self.s, actor=self.a("pmo"), measure_id=mid, name=name, due_on=self.today + timedelta(days=offset)
            )
        node = self.s.get(Node, mid)
        assert node is not None
        portfolio.update_node(
            self.s,
            actor=self.a("pmo"),
            node_id=mid,
            version=node.version,
            changes={"one_time_costs_declared": True, "dependencies_declared": True, "services_declared": True},
        )
        for svc in services or []:
            deps.add_impact(self.s, actor=self.a("pmo"), measure_id=mid, service_id=svc)

    def advance(self, mid: int, to: str) -> None:
        """Walk a measure through the gates with the right people, up to ``to``."""
        order = ["identified", "detailed", "decided", "implemented"]
        for stage in order[: order.index(to) + 1]:
            measure = self.s.get(Measure, mid)
            assert measure is not None
            if STAGE_ORDER[measure.stage] >= STAGE_ORDER[stage]:
                continue
            requester = self.a("owner")
            req = gates.request_move(self.s, actor=requester, measure_id=mid, to_stage=stage)
            if stage == "identified":
                gates.approve(self.s, actor=self.a("pmo"), request_id=req.id, comment="Sized and owned.")
            elif stage == "detailed":
                gates.approve(
                    self.s, actor=self.controller_of(mid), request_id=req.id, comment="Figures are plausible."
                )
            elif stage == "decided":
                gates.approve(
                    self.s, actor=self.sponsor_of(mid), request_id=req.id, comment="Business case accepted; go."
                )
                gates.approve(self.s, actor=self.controller_of(mid), request_id=req.id, comment="Baseline agreed.")
            else:
                gates.approve(self.s, actor=self.sponsor_of(mid), request_id=req.id, comment="Delivered.")

    def controller_of(self, mid: int) -> Actor:
        node = self.s.get(Node, mid)
        assert node is not None and node.controller_id is not None
        return actor_for(self.s.get_one(Person, node.controller_id))

    def sponsor_of(self, mid: int) -> Actor:
        node = self.s.get(Node, mid)
        assert node is not None and node.sponsor_id is not None
        return actor_for(self.s.get_one(Person, node.sponsor_id))

    def complete_milestones(self, mid: int, days_ago: int = 3) -> None:
        from valuegate.milestones.models import Milestone

        for ms in self.s.scalars(select(Milestone).where(Milestone.measure_id == mid)).all():
            if ms.done_on is None:
                milestones.update_milestone(
                    self.s,
                    actor=self.a("owner"),
                    milestone_id=ms.id,
                    version=ms.version,
                    changes={"done_on": min(self.today - timedelta(days=days_ago), self.today)},
                )

    def actuals(self, mid: int, ratio_percent: int, months: int = 6) -> None:
        plan = finance.measure_values(self.s, mid)["plan"]["recurring"]["periods"]
        current = fin.period_of(self.today.year, self.today.month)
        entries = [finance.Entry("recurring", p, a * ratio_percent // 100) for p, a in plan.items() if p < current]
        self._values(mid, "actual", entries[-months:], self.controller_of(mid))

    def forecast(self, mid: int, ratio_percent: int) -> None:
        plan = finance.measure_values(self.s, mid)["plan"]["recurring"]["periods"]
        self._values(
            mid,
            "forecast",
            [finance.Entry("recurring", p, a * ratio_percent // 100) for p, a in plan.items()],
            self.a("owner"),
        )

    # --- the three programmes ----------------------------------------------------------------------

    def _itfm(self, root: int) -> None:
        prog = self.program(root, "ITFM/TBM cost transparency", "finance", "pmo")
        model = self.project(prog, "TBM cost model and showback", "finance")
        self.cost_model = model
        lic = self.project(prog, "Software licence optimisation", "procurement", owner="owner")
        m1 = self.measure(
            model, "Showback of infrastructure costs to business units", "finance", 40_000, one_time_cost=120_000
        )
        self.details(m1, milestones_due=[("Cost pools and towers agreed", -60), ("First showback report", -20)])
        self.advance(m1, "decided")
        self.complete_milestones(m1)
        self.advance(m1, "implemented")
        self.actuals(m1, 104)
        gates.sign_off(
            self.s,
            actor=self.controller_of(m1),
            measure_id=m1,
            verified_value=480_000 * EUR,
            evidence_ref="SAP FI document 4900012345 (Q3 cost allocation)",
            confirm_actuals=True,
            comment="Matches the ledger after allocation.",
        )
        m2 = self.measure(lic, "Retire unused SaaS licences", "procurement", 25_000, one_time_cost=10_000)
        self.details(m2, milestones_due=[("Licence usage report", -30), ("Renewals renegotiated", -5)])
        self.advance(m2, "decided")
        self.complete_milestones(m2)
        self.advance(m2, "implemented")
        self.actuals(m2, 70)
        # The controller rejects the closure: the ledger does not show the savings yet.
        req = gates.request_move(self.s, actor=self.a("owner"), measure_id=m2, to_stage="closed")
        gates.reject(
            self.s,
            actor=self.controller_of(m2),
            request_id=req.id,
            comment="Actuals are not evidenced in the ledger: the renewal credit notes are missing.",
        )
        m3 = self.measure(lic, "Consolidate database licences", "infra", 15_000)
        self.details(m3, milestones_due=[("Inventory complete", 20), ("Migration of 40 instances", 120)])
        self.advance(m3, "detailed")
        self.m_unit_cost = self.measure(model, "Unit cost per service for application owners", "apps", 8_000)
        self.m_deferred = self.measure(model, "Chargeback of cloud costs to products", "apps", 12_000)
        self.m_cost_model = m1

    def _itsm(self, root: int) -> None:
        prog = self.program(root, "ITSM change programme", "service", "itsmowner")
        proj = self.project(prog, "Self-service portal and knowledge base", "service")
        self.portal = proj
        hr = self.project(prog, "HR service desk on the shared platform", "hr", owner="owner")
        m1 = self.measure(proj, "Ticket deflection through self-service", "service", 30_000)
        self.details(
            m1,
            milestones_due=[("Portal live", -40), ("Top-50 knowledge articles", -10), ("Chatbot pilot", 45)],
            services=[self.shop.id],
        )
        self.advance(m1, "detailed")
        # Revenue-generating service touched: the service owner must acknowledge before Decided.
        m2 = self.measure(hr, "Onboarding requests automated", "hr", 12_000)
        self.details(m2, milestones_due=[("Workflow designed", -15), ("Go-live", 60)], services=[self.payroll.id])
        self.advance(m2, "decided")
        self.forecast(m2, 95)
        m3 = self.measure(proj, "Decommission legacy ticket tool", "infra", 18_000, one_time_cost=30_000)
        self.details(m3, milestones_due=[("Data archived", -45), ("Contract terminated", -5)])
        self.advance(m3, "decided")
        # Cross-functional dependency: HR automation needs the portal (Service management).
        deps.add_dependency(
            self.s,
            actor=self.a("pmo"),
            upstream_id=m3,
            downstream_id=m2,
            note="Onboarding forms move to the new portal",
        )
        self.measure(proj, "Major-incident process redesign", "service", 5_000)
        from valuegate.dependencies.models import ServiceImpact

        impact = self.s.scalars(select(ServiceImpact).where(ServiceImpact.measure_id == m1)).one()
        deps.acknowledge_impact(
            self.s, actor=self.a("svcowner"), impact_id=impact.id, note="OK outside the Black-Friday freeze."
        )
        req = gates.request_move(self.s, actor=self.a("owner"), measure_id=m1, to_stage="decided")
        gates.defer(
            self.s,
            actor=self.sponsor_of(m1),
            request_id=req.id,
            until=self.today + timedelta(days=28),
            reason="Waiting for the online-shop owner to confirm the change window.",
        )
        self.m_portal = m1
        self.m_legacy = m3

    def _erp(self, root: int) -> None:
        prog = self.program(root, "ERP migration", "apps", "erpowner")
        proj = self.project(prog, "Finance core on the new ERP", "apps", controller="controller2")
        m1 = self.measure(proj, "Close the books in 5 days instead of 9", "finance", 60_000, one_time_cost=400_000)
        self.details(m1, milestones_due=[("Chart of accounts migrated", -90), ("Parallel run", -30), ("Cut-over", 30)])
        self.advance(m1, "decided")
        self.complete_milestones(m1, days_ago=10)
        # Milestones are green; the EBITDA contribution is not.
        self.forecast(m1, 45)
        m2 = self.measure(proj, "Procurement catalogue buying", "procurement", 20_000)
        self.details(m2, milestones_due=[("Catalogue suppliers onboarded", -20)])
        self.advance(m2, "decided")
        self.forecast(m2, 85)
        m3 = self.measure(proj, "Retire the legacy AP scanning service", "infra", 6_000)
        self.details(m3, milestones_due=[("Scanning contract notice", 40)])
        self.advance(m3, "identified")
        deps.add_dependency(
            self.s,
            actor=self.a("pmo"),
            upstream_id=m1,
            downstream_id=m2,
            note="Catalogue buying needs the new finance core",
        )
        deps.add_dependency(
            self.s,
            actor=self.a("pmo"),
            upstream_id=self.m_cost_model,
            downstream_id=m1,
            note="Cost model feeds the ERP cost centres",
        )
        cancelled = self.measure(proj, "Custom reporting warehouse", "apps", 4_000)
        req = gates.request_move(
            self.s,
            actor=self.a("owner"),
            measure_id=cancelled,
            to_stage="cancelled",
            reason="Superseded by the ERP's embedded analytics.",
        )
        gates.approve(self.s, actor=self.a("pmo"), request_id=req.id, comment="Agreed in steering.")

    def _meeting(self, root: int) -> None:
        meeting = decisions.create_meeting(
            self.s,
            actor=self.a("pmo"),
            title="Monthly transformation steering",
            held_on=self.today,
            node_id=root,
            chair_id=self.p["cfo"].id,
            attendee_ids=[self.p[k].id for k in ("pmo", "sponsor", "controller", "cfo", "viewer")],
        )
        decisions.record_decision(
            self.s,
            actor=self.a("pmo"),
            meeting_id=meeting.id,
            gate_request_id=None,
            outcome="note",
            text="ERP value at risk: forecast 45 % of baseline; owner to present a recovery plan next month.",
        )
