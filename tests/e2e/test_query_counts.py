"""List views are planned reads: the number of SQL statements does not grow with the number of rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.conftest import TODAY
from tests.factory import PASSWORD, World, build_world
from tests.webclient import Browser
from valuegate.app import create_app
from valuegate.config import load_settings
from valuegate.db import Database
from valuegate.dependencies import service as deps
from valuegate.gates import service as gates
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


def _grow(w: World, n: int, first: int) -> None:
    """Add n measures, each with milestones, a dependency, a pending request and a service impact."""
    svc = w.ids["service"]
    for i in range(n):
        mid = w.measure(f"Row {i}")
        milestones.add_milestone(
            w.s, actor=w["owner"], measure_id=first, name=f"M{i}", due_on=TODAY + timedelta(days=i)
        )
        deps.add_dependency(w.s, actor=w["owner"], upstream_id=mid, downstream_id=first)
        deps.add_impact(w.s, actor=w["owner"], measure_id=mid, service_id=svc)
        gates.request_move(w.s, actor=w["sponsor"], measure_id=mid, to_stage="identified")
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
