"""List views are planned reads: the number of SQL statements does not grow with the number of rows."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.conftest import TODAY
from tests.factory import PASSWORD, World, build_world
from tests.webclient import Browser
from valuegate.adoption import ingest
from valuegate.adoption import service as adoption
from valuegate.app import create_app
from valuegate.auth import service as people
from valuegate.auth.models import Person
from valuegate.auth.policy import SYSTEM, actor_for
from valuegate.change import champions, retirement
from valuegate.change import service as change
from valuegate.comms import service as comms
from valuegate.config import load_settings
from valuegate.db import Database
from valuegate.dependencies import service as deps
from valuegate.feedback import service as feedback
from valuegate.feeds import actuals
from valuegate.feeds import service as feeds
from valuegate.gates import service as gates
from valuegate.health import catalogue
from valuegate.health import service as health
from valuegate.milestones import service as milestones

LISTS = [
    "/api/nodes?parent_id={project}",
    "/api/people",
    "/api/org-units",
    "/api/inbox",
    "/api/audit/events",
    "/api/services",
    "/api/value-at-risk?node_id={project}",
    "/api/nodes/{first}/dependencies",
    "/api/measures/{first}/milestones",
    "/api/measures/{first}/gate-requests",
    "/api/rollups/pipeline?node_id={portfolio}",
    "/api/rollups/status-matrix?node_id={portfolio}",
    "/api/rollups/periods?node_id={portfolio}",
]
# Pages, read as a signed-in PMO lead (cookie session).
PAGES = [
    "/?node_id={portfolio}",
    "/portfolio",
    "/portfolio/{project}/children",
    "/measures?node_id={portfolio}",
    "/measures/{first}",
    "/inbox",
    "/audit",
    "/dependencies?node_id={portfolio}",
    "/portfolio/{project}/change",
    "/portfolio/{project}/change/communication",
    "/portfolio/{project}/change/feedback",
    "/portfolio/{project}/change/adoption",
    "/portfolio/{project}/change/network",
    "/portfolio/{project}/change/plan",
    "/portfolio/{project}/feedback",
    "/portfolio/{project}/feedback/anonymous",
    "/portfolio/{project}/feeds",
    "/portfolio/{project}/health",
    "/health",
]


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


_serial = itertools.count(1)


def _grow_change(w: World, i: int) -> None:
    """One more of everything in the project's change workstream."""
    project = w.ids["project"]
    person = people.create_person(w.s, actor=SYSTEM, name=f"Person {i}").id
    group = change.add_group(w.s, actor=w["pmo"], node_id=project, name=f"Team {i}", size=20 + i).id
    change.add_stakeholder(
        w.s,
        actor=w["pmo"],
        node_id=project,
        person_id=person,
        power=3,
        interest=4,
        influence=3,
        legitimacy=3,
        urgency=2,
        current_engagement="neutral",
        desired_engagement="supportive",
        relationship_owner_id=person,
    )
    change.raise_resistance(w.s, actor=w["pmo"], node_id=project, objection=f"Objection {i}", owner_id=person)
    comms.plan_message(
        w.s,
        actor=w["pmo"],
        node_id=project,
        audience_group_id=group,
        key_message=f"Message {i}",
        message_type="personal_impact",
        channel="email",
        messenger_role="people_manager",
        messenger_id=person,
        planned_on=TODAY - timedelta(days=7),
        recurrence="weekly",
    )
    champions.name_champion(w.s, actor=w["pmo"], node_id=project, person_id=person, group_id=group, time_percent=10)
    retirement.register(
        w.s,
        actor=w["pmo"],
        node_id=project,
        name=f"Legacy {i}",
        kind="report",
        replacement="Cockpit",
        retire_by=TODAY,
        owner_id=person,
    )
    item = feedback.raise_feedback(w.s, actor=w["viewer"], node_id=project, text=f"Feedback {i}", group_id=group)
    feedback.respond(
        w.s,
        actor=w["pmo"],
        channel="open",
        item_id=str(item.id),
        version=item.version,
        you_said=f"Said {i}",
        we_did=f"Did {i}",
        close=True,
    )
    feedback.check_in(
        w.s,
        actor=actor_for(w.s.get(Person, person)),
        node_id=project,
        scores={"desire": 3},
        blocker=f"Blocker {i}",
        group_id=group,
    )
    for _ in range(5):
        feedback.submit_anonymous(w.s, node_id=project, group_id=group, scores={"desire": 4}, comment=f"Anon {i}")
    ingest.record_events(
        w.s,
        actor=w["pmo"],
        events=[{"actor": f"person{i}", "event": "open", "system": "erp", "occurred_at": f"{TODAY}T09:00:00Z"}],
    )
    adoption.define_metric(w.s, actor=w["pmo"], node_id=project, name=f"Metric {i}", kind="active_users", system="erp")
    adoption.refresh_points(w.s, TODAY)
    feed = feeds.register_feed(
        w.s,
        actor=w["pmo"],
        node_id=project,
        name=f"Feed {i}",
        channel="manual",
        due_business_day=5,
        contract=[{"name": "CostCenter", "required": True}],
    )
    feeds.submit(w.s, actor=w["pmo"], feed_id=feed.id, period="2026-05", filename="f.csv", data=b"CostCenter\nCC-1\n")
    ledger = feeds.register_feed(
        w.s,
        actor=w["pmo"],
        node_id=project,
        name=f"Ledger {i}",
        channel="system",
        due_business_day=5,
        contract=[{"name": "CostCenter", "required": True}, {"name": "Amount", "type": "decimal"}],
        amount_column="Amount",
    )
    target = w.measure(f"Ledger target {i}")
    actuals.add_rule(w.s, actor=w["pmo"], feed_id=ledger.id, match={"CostCenter": "CC-1"}, measure_id=target)
    feeds.submit(
        w.s, actor=w["pmo"], feed_id=ledger.id, period="2026-05", filename="gl.csv", data=b"CostCenter,Amount\nCC-1,5\n"
    )
    artefact = catalogue.register(
        w.s, actor=w["pmo"], node_id=project, name=f"Report {i}", published_on=TODAY - timedelta(days=90)
    )
    catalogue.import_uses(
        w.s, actor=w["pmo"], node_id=project, uses=[{"artefact_id": artefact.id, "actor": f"a{i}", "day": str(TODAY)}]
    )


def _grow(w: World, n: int, first: int) -> None:
    """Add n measures, each with milestones, a dependency, a pending request and a service impact; and n more of
    everything in the change workstream."""
    svc = w.ids["service"]
    for i in range(n):
        _grow_change(w, next(_serial))
        mid = w.measure(f"Row {i}")
        milestones.add_milestone(
            w.s, actor=w["owner"], measure_id=first, name=f"M{i}", due_on=TODAY + timedelta(days=i)
        )
        deps.add_dependency(w.s, actor=w["owner"], upstream_id=mid, downstream_id=first)
        deps.add_impact(w.s, actor=w["owner"], measure_id=mid, service_id=svc)
        gates.request_move(w.s, actor=w["sponsor"], measure_id=mid, to_stage="identified")
    health.run(w.s, w.node(w.ids["project"]), TODAY, "schedule")  # the page reads the week's reading
    w.s.commit()


@pytest.fixture
def setup(db, session):  # type: ignore[no-untyped-def]
    w = build_world(session)
    w.ids["service"] = deps.create_service(
        session, actor=w["pmo"], name="Billing", owner_id=w.ids["sponsor"], revenue_generating=False
    ).id
    w.ids["first"] = w.measure("First")
    client = TestClient(create_app(load_settings(db.url), db=db, today=TODAY))
    r = client.post("/api/auth/token", json={"login": "pmo", "password": PASSWORD})
    Browser(client, "pmo")  # the client now also carries a web session cookie
    return w, client, {"Authorization": f"Bearer {r.json()['token']}"}


def test_list_views_do_not_query_per_row(db, setup) -> None:  # type: ignore[no-untyped-def]
    w, client, headers = setup

    def measure() -> dict[str, int]:
        counts = {}
        for url in LISTS + PAGES:
            with counting(db) as statements:
                r = client.get(url.format(**w.ids), headers=headers)
            assert r.status_code == 200, (url, r.text)
            counts[url] = len(statements)
        return counts

    _grow(w, 2, w.ids["first"])
    small = measure()
    _grow(w, 12, w.ids["first"])
    large = measure()
    grown = {url: (small[url], large[url]) for url in LISTS + PAGES if large[url] != small[url]}
    assert not grown, f"statements per request grew with the rows (small, large): {grown}"
