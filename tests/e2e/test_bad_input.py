"""Bad input gets a clear problem+json error with the right status, and changes nothing.

Three sweeps over the API: an unknown id in every route that takes one (404), a wrong type in every body
(422) and a malformed body (400); then the rule violations a person actually makes, one by one.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.e2e.test_permissions import CASES, Case
from tests.factory import PASSWORD, World, build_world
from valuegate.app import create_app
from valuegate.audit.models import AuditEvent
from valuegate.auth import service as people
from valuegate.auth.policy import SYSTEM
from valuegate.config import load_settings
from valuegate.dependencies import service as deps
from valuegate.gates import service as gates
from valuegate.portfolio.models import Measure, Node
from valuegate.rollups.rebuild import snapshot

FIXED = {"series": "forecast", "code": "nirvana", "to_stage": "nirvana", "channel": "open"}
UNKNOWN = 987654


@pytest.fixture
def api(db, session):  # type: ignore[no-untyped-def]
    w = build_world(session)
    svc = deps.create_service(
        session, actor=w["pmo"], name="Billing", owner_id=w.ids["sponsor"], revenue_generating=True
    )
    w.ids.update(service=svc.id, project2=w.ids["project"], shared=w.measure("Shared"))
    client = TestClient(create_app(load_settings(db.url), db=db, today=TODAY))
    tokens = {}
    for persona in ("admin", "pmo", "owner", "sponsor", "controller"):
        r = client.post("/api/auth/token", json={"login": persona, "password": PASSWORD})
        tokens[persona] = {"Authorization": f"Bearer {r.json()['token']}"}
    return w, client, tokens


def _state(w: World) -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    w.s.commit()
    state = (
        w.s.scalar(select(func.count()).select_from(AuditEvent)),
        tuple(w.s.execute(select(Node.id, Node.name, Node.version, Node.parent_id).order_by(Node.id)).all()),
        tuple(w.s.execute(select(Measure.node_id, Measure.stage, Measure.values_version).order_by(Measure.node_id))),
        frozenset((k, frozenset(v)) for k, v in snapshot(w.s).items()),
    )
    w.s.commit()
    return state


def _persona(case: Case) -> str:
    for persona in ("pmo", "owner", "sponsor", "controller"):
        if persona in case.allowed:
            return persona
    return "admin"


def _expect(client: TestClient, w: World, method: str, url: str, headers: dict[str, str], status: int, **kw: Any):  # type: ignore[no-untyped-def]
    before = _state(w)
    r = client.request(method, url, headers=headers, **kw)
    assert r.status_code == status, f"{method} {url}: want {status}, got {r.status_code} {r.text}"
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == status and len(problem["detail"]) > 10
    assert _state(w) == before, f"{method} {url} was refused but changed something"
    return problem


ID_ROUTES = [c for c in CASES if "{" in c.route and "#" not in c.route and c.route != "/api/people/{person_id}/tokens"]


@pytest.mark.parametrize("case", ID_ROUTES, ids=lambda c: f"{c.method} {c.route}")
def test_unknown_ids_are_404(api, case: Case) -> None:  # type: ignore[no-untyped-def]
    w, client, tokens = api
    params = {**w.ids, **case.setup(w)}
    url = re.sub(r"\{(\w+)\}", lambda m: str(FIXED.get(m.group(1), UNKNOWN)), case.route)
    problem = _expect(
        client,
        w,
        case.method,
        url,
        tokens[_persona(case)],
        404,
        json=case.body(params) if case.body else None,
        params=case.query(params),
    )
    assert "no " in problem["detail"].lower() or "not found" in problem["detail"].lower(), problem["detail"]


BODY_ROUTES = [c for c in CASES if c.body is not None and "#" not in c.route]


def _wrong_type(body: dict[str, Any]) -> dict[str, Any]:
    for key, value in body.items():
        if isinstance(value, bool):
            return {**body, key: "maybe"}
        if isinstance(value, int):
            return {**body, key: "twelve"}
        if isinstance(value, list):
            return {**body, key: "not a list"}
    return {**body, next(iter(body)): {"nested": "object"}} if body else {"unexpected": 1}


@pytest.mark.parametrize("case", BODY_ROUTES, ids=lambda c: f"{c.method} {c.route}")
def test_wrong_types_and_malformed_bodies(api, case: Case) -> None:  # type: ignore[no-untyped-def]
    w, client, tokens = api
    params = {**w.ids, **case.setup(w)}
    body = case.body(params) if case.body else {}
    url = case.url(w, params)
    headers = tokens[_persona(case)]
    if body:
        problem = _expect(client, w, case.method, url, headers, 422, json=_wrong_type(body), params=case.query(params))
        assert problem["errors"], problem
    _expect(
        client,
        w,
        case.method,
        url,
        {**headers, "Content-Type": "application/json"},
        400,
        content=b'{"broken": ',
        params=case.query(params),
    )


def test_rule_violations_are_explained_and_change_nothing(api) -> None:  # type: ignore[no-untyped-def]
    w, client, t = api
    mid = w.ids["shared"]
    m = f"/api/measures/{mid}"
    v = client.get(m, headers=t["pmo"]).json()
    node_version, values_version = v["version"], v["values_version"]

    def put(series: str, entries: list[dict[str, Any]], who: str = "owner", version: int = values_version):  # type: ignore[no-untyped-def]
        return {"json": {"values_version": version, "entries": entries}, "headers": t[who]}

    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        # figures
        (
            "PUT",
            f"{m}/values/plan",
            put("plan", [{"kind": "one_time_cost", "period": "2026-02", "amount": -5}]),
            422,
            "positive",
        ),
        ("PUT", f"{m}/values/plan", put("plan", [{"period": "2026-02", "amount": 10.5}]), 422, "whole"),
        ("PUT", f"{m}/values/plan", put("plan", [{"period": "2026-02", "amount": "10"}]), 422, "whole"),
        ("PUT", f"{m}/values/plan", put("plan", [{"period": "2026/02", "amount": 10}]), 422, "YYYY-MM"),
        ("PUT", f"{m}/values/plan", put("plan", [{"period": "2026-00", "amount": 10}]), 422, "YYYY-MM"),
        ("PUT", f"{m}/values/plan", put("plan", [{"period": "2026-02", "amount": 10**18}]), 422, "large"),
        ("PUT", f"{m}/values/bogus", put("bogus", [{"period": "2026-02", "amount": 1}]), 422, "series"),
        (
            "PUT",
            f"{m}/values/plan",
            put("plan", [{"period": "2026-02", "amount": 1}], version=values_version - 1),
            409,
            "changed",
        ),
        ("PUT", f"{m}/values/actual", put("actual", [{"period": "2026-02", "amount": 1}]), 403, "actual"),
        # hierarchy
        (
            "PATCH",
            f"/api/nodes/{mid}",
            {"json": {"version": node_version - 1, "name": "X"}, "headers": t["pmo"]},
            409,
            "changed",
        ),
        (
            "PATCH",
            f"/api/nodes/{mid}",
            {"json": {"version": node_version, "name": ""}, "headers": t["pmo"]},
            422,
            "name",
        ),
        (
            "PATCH",
            f"/api/nodes/{mid}",
            {"json": {"version": node_version, "controller_id": w.ids["owner"]}, "headers": t["pmo"]},
            422,
            "segregation",
        ),
        (
            "POST",
            f"/api/nodes/{mid}/archive",
            {"json": {"version": node_version, "reason": " "}, "headers": t["pmo"]},
            422,
            "reason",
        ),
        (
            "POST",
            f"/api/nodes/{mid}/move",
            {"json": {"version": node_version, "parent_id": w.ids["program"]}, "headers": t["pmo"]},
            422,
            "belongs under a project",
        ),
        (
            "POST",
            "/api/nodes",
            {
                "json": {"kind": "program", "name": "P", "parent_id": w.ids["project"], "org_unit_id": w.ids["ou_fin"]},
                "headers": t["pmo"],
            },
            422,
            "portfolio",
        ),
        ("GET", "/api/nodes?limit=0", {"headers": t["pmo"]}, 422, "limit"),
        # gates
        ("POST", f"{m}/gate-requests", {"json": {"to_stage": "decided"}, "headers": t["owner"]}, 422, "Identified"),
        ("POST", f"{m}/gate-requests", {"json": {"to_stage": "nirvana"}, "headers": t["owner"]}, 422, "stage"),
        ("POST", f"{m}/gate-requests", {"json": {"to_stage": "cancelled"}, "headers": t["owner"]}, 422, "reason"),
        (
            "POST",
            f"{m}/gate-requests",
            {"json": {"to_stage": "closed"}, "headers": t["owner"]},
            422,
            "cannot move to closed",
        ),
        (
            "POST",
            f"{m}/sign-off",
            {"json": {"verified_value": 1, "evidence_ref": "GL", "confirm_actuals": True}, "headers": t["controller"]},
            422,
            "Implemented",
        ),
        # people and delegations
        ("POST", "/api/people", {"json": {"name": "X", "global_role": "emperor"}, "headers": t["admin"]}, 422, "role"),
        (
            "POST",
            "/api/delegations",
            {
                "json": {
                    "delegator_id": w.ids["sponsor"],
                    "deputy_id": w.ids["sponsor"],
                    "starts_on": TODAY.isoformat(),
                    "ends_on": TODAY.isoformat(),
                },
                "headers": t["sponsor"],
            },
            422,
            "own deputy",
        ),
        (
            "POST",
            "/api/delegations",
            {
                "json": {
                    "delegator_id": w.ids["sponsor"],
                    "deputy_id": w.ids["deputy"],
                    "starts_on": TODAY.isoformat(),
                    "ends_on": (TODAY - timedelta(days=1)).isoformat(),
                },
                "headers": t["sponsor"],
            },
            422,
            "ends before",
        ),
        (
            "POST",
            "/api/grants",
            {"json": {"person_id": w.ids["viewer"], "node_id": w.ids["project"], "role": "king"}, "headers": t["pmo"]},
            422,
            "role",
        ),
        # dependencies
        (
            "POST",
            "/api/dependencies",
            {"json": {"upstream_id": mid, "downstream_id": mid}, "headers": t["owner"]},
            422,
            "itself",
        ),
        # roll-ups and audit
        (
            "GET",
            "/api/rollups/bridge?start=2026-06-01T00:00:00Z&end=2026-01-01T00:00:00Z",
            {"headers": t["pmo"]},
            422,
            "before",
        ),
        (
            "GET",
            f"/api/rollups/pipeline?node_id={w.ids['project']}&as_of=2026-01-01T00:00:00",
            {"headers": t["pmo"]},
            422,
            "time zone",
        ),
        ("GET", "/api/rollups/pipeline", {"headers": t["pmo"]}, 422, "node_id"),
        ("GET", f"{m}/evidence?format=xml", {"headers": t["pmo"]}, 422, "format"),
        ("GET", "/api/audit/events?limit=5000", {"headers": t["pmo"]}, 422, "limit"),
    ]
    for method, url, kw, status, words in cases:
        problem = _expect(client, w, method, url, kw.pop("headers"), status, **kw)
        assert words.lower() in str(problem).lower(), (url, words, problem)


def test_approval_rules_refuse_and_change_nothing(api) -> None:  # type: ignore[no-untyped-def]
    w, client, t = api
    people.create_person(w.s, actor=SYSTEM, name="Second PMO", global_role="pmo", login="pmo2", password=PASSWORD)
    r = client.post("/api/auth/token", json={"login": "pmo2", "password": PASSWORD})
    pmo2 = {"Authorization": f"Bearer {r.json()['token']}"}
    mid = w.measure("Needs approval")
    req = gates.request_move(w.s, actor=w["pmo"], measure_id=mid, to_stage="identified")
    url = f"/api/gate-requests/{req.id}"
    assert "self-approval" in _expect(client, w, "POST", f"{url}/approve", t["pmo"], 403, json={})["detail"]
    assert "own this measure" in _expect(client, w, "POST", f"{url}/approve", t["owner"], 403, json={})["detail"]
    _expect(client, w, "POST", f"{url}/reject", t["pmo"], 403, json={"comment": "no"})
    _expect(client, w, "POST", f"{url}/reject", pmo2, 422, json={"comment": " "})
    _expect(client, w, "POST", f"{url}/approve", pmo2, 409, json={"version": req.version + 5})
    later = (TODAY + timedelta(days=3)).isoformat()
    assert (
        "future"
        in _expect(client, w, "POST", f"{url}/defer", pmo2, 422, json={"until": TODAY.isoformat(), "reason": "x"})[
            "detail"
        ]
    )
    assert (
        "reason"
        in _expect(client, w, "POST", f"{url}/defer", pmo2, 422, json={"until": later, "reason": " "})["detail"]
    )
    r = client.post(f"{url}/approve", headers=pmo2, json={})
    assert r.status_code == 200, r.text
    _expect(client, w, "POST", f"{url}/approve", pmo2, 409, json={})  # already decided


def test_a_cycle_is_refused_naming_it(api) -> None:  # type: ignore[no-untyped-def]
    w, client, t = api
    a, b, c = (w.measure(n) for n in ("A", "B", "C"))
    for up, down in ((a, b), (b, c)):
        r = client.post("/api/dependencies", headers=t["owner"], json={"upstream_id": up, "downstream_id": down})
        assert r.status_code == 201, r.text
    problem = _expect(
        client, w, "POST", "/api/dependencies", t["owner"], 422, json={"upstream_id": c, "downstream_id": a}
    )
    assert all(name in problem["detail"] for name in ("A", "B", "C")), problem["detail"]
    _expect(client, w, "POST", "/api/dependencies", t["owner"], 409, json={"upstream_id": a, "downstream_id": b})


# Classes of input that reached the databases or the calendar as server errors until they were refused centrally
# (found by tests/e2e/test_api_document.py); each is a clear problem+json that changes nothing.

HUGE = 2**64 + 1


def test_whole_numbers_beyond_64_bits_are_refused(api) -> None:  # type: ignore[no-untyped-def]
    w, client, t = api
    mid = w.ids["shared"]
    for method, url, kw in [
        ("GET", f"/api/measures/{HUGE}", {}),
        ("GET", f"/api/audit/events?before_id={HUGE}", {}),
        ("GET", f"/api/rollups/status-matrix?node_id={HUGE}", {}),
        ("POST", "/api/dependencies", {"json": {"upstream_id": HUGE, "downstream_id": mid}}),
        ("POST", f"/api/nodes/{w.ids['project']}/audience-groups", {"json": {"name": "Everyone", "size": HUGE}}),
    ]:
        problem = _expect(client, w, method, url, t["pmo"], 422, **kw)
        assert "out of range" in problem["detail"], (url, problem)


def test_numbers_json_does_not_have_are_a_malformed_body(api) -> None:  # type: ignore[no-untyped-def]
    w, client, t = api
    headers = {**t["pmo"], "Content-Type": "application/json"}
    for number in (b"NaN", b"Infinity", b"-Infinity", b"1e999"):
        body = b'{"name": "Unit", "kind": "other", "parent_id": ' + number + b"}"
        _expect(client, w, "POST", "/api/org-units", headers, 400, content=body)


def test_text_the_databases_cannot_store_is_refused(api) -> None:  # type: ignore[no-untyped-def]
    w, client, t = api
    headers = {**t["pmo"], "Content-Type": "application/json"}
    for text, words in ((b"Steer\\u0000Co", "NUL"), (b"Steer\\ud800Co", "surrogate")):
        body = b'{"title": "' + text + b'", "held_on": "2026-06-01"}'
        problem = _expect(client, w, "POST", "/api/meetings", headers, 422, content=body)
        assert words in problem["detail"], problem
    problem = _expect(client, w, "GET", "/api/audit/events?action=gate%00approve", t["pmo"], 422)
    assert "NUL" in problem["detail"]


def test_dates_beyond_the_calendar_are_refused(api) -> None:  # type: ignore[no-untyped-def]
    w, client, t = api
    project, mid = w.ids["project"], w.ids["shared"]
    for url in [
        f"/api/nodes/{project}/metrics?as_of=0001-01-01",
        f"/api/measures/{mid}/values?as_of=0001-01-01T00:00:00%2B14:00",
        f"/api/nodes/{project}/communications/calendar?start=9999-12-30",
        f"/api/nodes/{project}/feedback/anonymous/report?window=9999-12-31",
    ]:
        problem = _expect(client, w, "GET", url, t["pmo"], 422)
        assert "out of the range" in problem["detail"], (url, problem)


def test_a_reference_to_nothing_is_refused(api) -> None:  # type: ignore[no-untyped-def]
    w, client, t = api
    body = {"title": "SteerCo", "held_on": "2026-06-01", "chair_id": UNKNOWN}
    problem = _expect(client, w, "POST", "/api/meetings", t["pmo"], 422, json=body)
    assert "does not exist" in problem["detail"]


def test_feedback_ids_are_plain_digits(api) -> None:  # type: ignore[no-untyped-def]
    w, client, t = api
    _expect(client, w, "PATCH", "/api/feedback/open/%C2%B2", t["pmo"], 404, json={"version": 1})


def test_a_method_a_path_does_not_have_is_405_naming_those_it_has(api) -> None:  # type: ignore[no-untyped-def]
    w, client, t = api
    for method, url, allow in [
        ("DELETE", "/api/nodes", "GET, POST"),
        ("PUT", f"/api/nodes/{w.ids['project']}", "GET, PATCH"),
        ("GET", "/api/auth/token", "POST"),
    ]:
        r = client.request(method, url, headers=t["pmo"])
        assert r.status_code == 405 and r.headers["content-type"] == "application/problem+json"
        assert r.headers["allow"] == allow, (url, r.headers.get("allow"))


def test_text_longer_than_its_column_is_refused_on_postgresql(api, db) -> None:  # type: ignore[no-untyped-def]
    """SQLite keeps text of any length; PostgreSQL refuses it (SQLSTATE 22001), which must be a 422, not a 500."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite does not enforce the length of a text column")
    w, client, t = api
    body = {"title": "S" * 301, "held_on": "2026-06-01"}
    _expect(client, w, "POST", "/api/meetings", t["pmo"], 422, json=body)
