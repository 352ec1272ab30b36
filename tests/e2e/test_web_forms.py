"""Web forms a person can get wrong (or forge): a clear message, the right status, and nothing changed.

Runs on SQLite and PostgreSQL through the ASGI app with a signed-in browser session (no JavaScript).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TODAY
from tests.e2e.test_bad_input import _state
from tests.factory import PASSWORD, World, build_world
from valuegate.app import create_app
from valuegate.config import load_settings
from valuegate.finance.service import current_values


class Browser:
    """A TestClient signed in through the login form, keeping its cookies, like a browser without scripts."""

    def __init__(self, client: TestClient, login: str) -> None:
        self.client = client
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert token is not None
        r = client.post(
            "/login",
            data={"login": login, "password": PASSWORD, "csrf_token": token.group(1)},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        self.csrf = ""

    def get(self, url: str) -> Any:
        r = self.client.get(url)
        found = re.search(r'name="csrf_token" value="([^"]+)"', r.text)
        if found:
            self.csrf = found.group(1)
        return r

    def post(self, url: str, data: dict[str, str], *, htmx: bool = False, csrf: bool = True) -> Any:
        headers = {"HX-Request": "true"} if htmx else {}
        body = {**data, **({"csrf_token": self.csrf} if csrf else {})}
        return self.client.post(url, data=body, headers=headers, follow_redirects=False)


@pytest.fixture
def web(db, session) -> tuple[World, Callable[[str], Browser]]:  # type: ignore[no-untyped-def]
    w = build_world(session)
    w.ids["m"] = w.measure("Grid measure")
    session.commit()
    app = create_app(load_settings(db.url), db=db, today=TODAY)

    def browser(login: str) -> Browser:
        return Browser(TestClient(app), login)

    return w, browser


def _version(w: World, mid: int) -> str:
    version = w.version(mid)
    w.s.commit()  # the test's own session must not hold the database while the app writes
    return str(version)


def _refused(w: World, b: Browser, url: str, data: dict[str, str], status: int, words: str, **kw: Any) -> str:
    before = _state(w)
    r = b.post(url, data, **kw)
    assert r.status_code == status, f"want {status}, got {r.status_code}: {r.text[:400]}"
    assert r.headers["content-type"].startswith("text/html")
    assert words in r.text, r.text[:2000]
    assert _state(w) == before, "a refused form changed something"
    return str(r.text)


def test_the_grid_saves_without_javascript(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    mid = w.ids["m"]
    b = browser("owner")
    b.get(f"/measures/{mid}")
    r = b.post(
        f"/measures/{mid}/values",
        {
            "values_version": _version(w, mid),
            "v.forecast.recurring.2026-07": "1 500",
            "was.forecast.recurring.2026-07": "",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == f"/measures/{mid}#figures"
    w.s.commit()
    assert current_values(w.s, [mid])[mid][("forecast", "recurring")] == {"2026-07": 150_000}


def test_the_grid_refuses_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    mid = w.ids["m"]
    url = f"/measures/{mid}/values"
    owner = browser("owner")
    owner.get(f"/measures/{mid}")
    version = _version(w, mid)

    def cell(series: str, text: str, was: str = "", period: str = "2026-07", kind: str = "recurring") -> dict[str, str]:
        return {f"v.{series}.{kind}.{period}": text, f"was.{series}.{kind}.{period}": was}

    _refused(w, owner, url, {"values_version": version, **cell("plan", "ten")}, 422, "not amounts")
    _refused(w, owner, url, {"values_version": version, **cell("plan", "1.234")}, 422, "more than two decimals")
    _refused(w, owner, url, {"values_version": version, **cell("plan", "1e400")}, 422, "not amounts")
    _refused(
        w, owner, url, {"values_version": version, **cell("plan", "-5", kind="one_time_cost")}, 422, "positive amount"
    )
    _refused(w, owner, url, {"values_version": version, **cell("plan", "10", period="2026-13")}, 422, "unknown cell")
    _refused(w, owner, url, {"values_version": version, **cell("baseline", "10")}, 422, "unknown cell")
    _refused(w, owner, url, {"values_version": version, **cell("plan", "10", was="x")}, 422, "damaged")
    _refused(w, owner, url, cell("plan", "10"), 422, "without its version")
    # Unchanged cells only: nothing to save.
    _refused(w, owner, url, {"values_version": version, **cell("plan", "10", was="1000")}, 422, "no figure was changed")
    # A stale version: refused, and the grid (htmx) keeps what the person typed.
    html = _refused(
        w, owner, url, {"values_version": "1", **cell("forecast", "777")}, 409, "while you were editing", htmx=True
    )
    assert 'value="777"' in html and "<html" not in html
    # Actuals belong to the controller: a forged actual cell from the owner is refused whole.
    _refused(
        w, owner, url, {"values_version": version, **cell("forecast", "5"), **cell("actual", "5")}, 403, "controller"
    )
    # No CSRF token: refused before anything is read.
    _refused(w, owner, url, {"values_version": version, **cell("forecast", "5")}, 403, "expired", csrf=False)
    # A reader has no inputs and may not post figures.
    viewer = browser("viewer")
    page = viewer.get(f"/measures/{mid}").text
    assert 'name="v.' not in page
    _refused(w, viewer, url, {"values_version": version, **cell("forecast", "5")}, 403, "may not")
