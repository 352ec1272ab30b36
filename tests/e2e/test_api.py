"""The HTTP API: authentication, problem+json errors, permissions and a gate move, on both databases."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TODAY
from tests.factory import PASSWORD, build_world
from valuegate.app import create_app
from valuegate.config import load_settings


@pytest.fixture
def api(db, session):  # type: ignore[no-untyped-def]
    w = build_world(session)
    mid = w.measure("API measure")
    app = create_app(load_settings(db.url), db=db, today=TODAY)
    client = TestClient(app)

    def login(name: str) -> dict[str, str]:
        r = client.post("/api/auth/token", json={"login": name, "password": PASSWORD})
        assert r.status_code == 201, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    return client, login, w, mid


def test_anonymous_is_refused_with_problem_json(api) -> None:  # type: ignore[no-untyped-def]
    client, _login, _w, mid = api
    r = client.get(f"/api/measures/{mid}")
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert "Sign in" in r.json()["detail"]
    r = client.post("/api/auth/token", json={"login": "owner", "password": "wrong"})
    assert r.status_code == 401


def test_bad_figures_are_refused_and_nothing_changes(api) -> None:  # type: ignore[no-untyped-def]
    client, login, _w, mid = api
    h = login("owner")
    before = client.get(f"/api/measures/{mid}/values", headers=h).json()
    for entry, status in [
        ({"period": "2026-13", "amount": 5}, 422),
        ({"period": "2026-01", "amount": 1.5}, 422),
        ({"period": "2026-01", "amount": "7"}, 422),
        ({"period": "26-1", "amount": 5}, 422),
        ({"kind": "bogus", "period": "2026-01", "amount": 5}, 422),
    ]:
        r = client.put(
            f"/api/measures/{mid}/values/forecast",
            headers=h,
            json={"values_version": before["values_version"], "entries": [entry]},
        )
        assert r.status_code == status, (entry, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    r = client.put(
        f"/api/measures/{mid}/values/forecast",
        headers=h,
        json={"values_version": before["values_version"] - 1, "entries": [{"period": "2026-01", "amount": 5}]},
    )
    assert r.status_code == 409
    assert client.get(f"/api/measures/{mid}/values", headers=h).json() == before
    assert client.get("/api/measures/999999", headers=h).status_code == 404


def test_permissions_by_persona(api) -> None:  # type: ignore[no-untyped-def]
    client, login, w, mid = api
    body = {"to_stage": "identified"}
    assert client.post(f"/api/measures/{mid}/gate-requests", headers=login("viewer"), json=body).status_code == 403
    assert client.post(f"/api/measures/{mid}/gate-requests", headers=login("auditor"), json=body).status_code == 403
    assert client.get(f"/api/measures/{mid}", headers=login("outsider")).status_code == 404  # not theirs to see
    assert client.get(f"/api/measures/{mid}", headers=login("viewer")).status_code == 200
    r = client.post(f"/api/measures/{mid}/gate-requests", headers=login("owner"), json=body)
    assert r.status_code == 201
    rid = r.json()["id"]
    assert client.post(f"/api/gate-requests/{rid}/approve", headers=login("viewer"), json={}).status_code == 403
    assert client.post(f"/api/gate-requests/{rid}/approve", headers=login("pmo"), json={}).status_code == 200
    assert client.get(f"/api/measures/{mid}", headers=login("owner")).json()["stage"] == "identified"
    assert client.get("/api/audit/verify", headers=login("owner")).status_code == 403
    verify = client.get("/api/audit/verify", headers=login("auditor")).json()
    assert verify["ok"] is True
    listed = client.get("/api/nodes", headers=login("outsider")).json()
    assert listed == []
