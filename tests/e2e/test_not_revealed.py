"""Permission comes before anything is revealed: to someone who may not see an object, an existing id answers
exactly as an id that does not exist — same status, same words — whatever else is wrong with the request (a stale
version, a finished request, a bad body), and the object's name never appears."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TODAY
from tests.factory import PASSWORD, World, build_world
from tests.integration.test_change import PROFILE
from valuegate.app import create_app
from valuegate.change import service as change
from valuegate.config import load_settings
from valuegate.feeds import service as feeds
from valuegate.finance import service as finance
from valuegate.gates import service as gates
from valuegate.milestones import service as milestones

MISSING = 987_654

# (method, path template, body): the {id} is an existing object's id or MISSING.
Probe = tuple[str, str, dict[str, Any] | None]


def _probes(w: World) -> list[tuple[Probe, int]]:
    secret = w.measure("Secret merger synergies")
    req = gates.request_move(w.s, actor=w["owner"], measure_id=secret, to_stage="identified")
    rb = finance.request_rebaseline(
        w.s,
        actor=w["owner"],
        measure_id=_decided(w),
        entries=[finance.Entry("recurring", "2026-03", 900)],
        reason="Supplier delay",
    )
    stale = {"version": 999}
    ms = milestones.add_milestone(w.s, actor=w["owner"], measure_id=secret, name="Secret go-live", due_on=TODAY)
    feed = feeds.register_feed(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        name="Secret ledger",
        channel="manual",
        due_business_day=5,
        contract=[{"name": "Account", "type": "string"}],
    )
    sh = change.add_stakeholder(w.s, actor=w["pmo"], node_id=w.ids["project"], person_id=w.ids["viewer"], **PROFILE)
    return [
        (("GET", "/api/measures/{id}", None), secret),
        (("GET", "/api/nodes/{id}", None), secret),
        (("PATCH", "/api/nodes/{id}", {**stale, "changes": {"name": "x"}}), secret),
        (("POST", "/api/nodes/{id}/archive", {**stale, "reason": "x"}), secret),
        (("GET", "/api/measures/{id}/values", None), secret),
        (("GET", "/api/measures/{id}/milestones", None), secret),
        (("GET", "/api/measures/{id}/gate-requests", None), secret),
        (("GET", "/api/measures/{id}/evidence", None), secret),
        (("POST", "/api/gate-requests/{id}/approve", {**stale, "comment": "x"}), req.id),
        (("POST", "/api/gate-requests/{id}/withdraw", stale), req.id),
        (("POST", "/api/rebaselines/{id}/decision", {**stale, "approve": True}), rb.id),
        (("GET", "/api/nodes/{id}/stakeholders", None), w.ids["project"]),
        (("PATCH", "/api/milestones/{id}", {**stale, "changes": {"name": "x"}}), ms.id),
        (("DELETE", "/api/milestones/{id}", None), ms.id),
        (("PATCH", "/api/feeds/{id}", {**stale, "changes": {"description": "x"}}), feed.id),
        (("POST", "/api/feeds/{id}/change-notices", {"period": "2026-06", "note": "x"}), feed.id),
        (("GET", "/api/feeds/{id}/mapping-rules", None), feed.id),
        (("PATCH", "/api/stakeholders/{id}", {**stale, "changes": {"interest": 3}}), sh.id),
        (("GET", "/api/nodes/{id}/health", None), w.ids["project"]),
    ]


def _decided(w: World) -> int:
    mid = w.measure("Decided for a re-baseline")
    w.advance(mid, "decided")
    return mid


@pytest.fixture
def probe(db, session) -> tuple[World, Callable[..., Any]]:  # type: ignore[no-untyped-def]
    w = build_world(session)
    client = TestClient(create_app(load_settings(db.url), db=db, today=TODAY))
    r = client.post("/api/auth/token", json={"login": "outsider", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {r.json()['token']}"}

    def call(method: str, path: str, body: dict[str, Any] | None) -> Any:
        w.s.commit()
        return client.request(method, path, json=body, headers=headers)

    return w, call


def test_an_outsider_cannot_tell_an_existing_object_from_a_missing_one(probe) -> None:  # type: ignore[no-untyped-def]
    w, call = probe
    told: list[str] = []
    for (method, template, body), existing in _probes(w):
        real = call(method, template.format(id=existing), body)
        missing = call(method, template.format(id=MISSING), body)
        same_words = real.json().get("detail", "").replace(str(existing), "#") == missing.json().get(
            "detail", ""
        ).replace(str(MISSING), "#")
        if real.status_code != missing.status_code or not same_words or "Secret" in real.text:
            told.append(f"{method} {template}: {real.status_code} {real.text[:120]} | {missing.status_code}")
    assert not told, "\n".join(told)
