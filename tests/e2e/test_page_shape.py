"""One shape for every page: the navigation and the breadcrumbs offer only what the person may open, and error
pages keep the navigation of a signed-in person.

Runs on SQLite and PostgreSQL through the ASGI app with a signed-in browser session (no JavaScript).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TODAY
from tests.factory import World, build_world
from tests.webclient import Browser
from valuegate.app import create_app
from valuegate.config import load_settings

PERSONAS = ("admin", "pmo", "owner", "sponsor", "controller", "auditor", "viewer", "outsider")
_MAIN_NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
_TRAIL = re.compile(r'<nav class="trail" aria-label="Breadcrumb">(.*?)</nav>', re.S)
_LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)')


@pytest.fixture
def web(db, session) -> tuple[World, TestClient, Callable[[str], Browser]]:  # type: ignore[no-untyped-def]
    w = build_world(session)
    w.ids["m"] = w.measure("Shaped measure")
    session.commit()
    client = TestClient(create_app(load_settings(db.url), db=db, today=TODAY))

    def browser(login: str) -> Browser:
        return Browser(TestClient(client.app), login)

    return w, client, browser


def main_navigation(html: str) -> dict[str, str]:
    found = _MAIN_NAV.search(html)
    assert found is not None, "the page has the main navigation"
    return {label.strip(): href for href, label in _LINK.findall(found.group(1))}


def trail(html: str) -> list[tuple[str, str | None]]:
    """The breadcrumb levels as (label, address or None when shown as plain text)."""
    found = _TRAIL.search(html)
    assert found is not None, "the page has a breadcrumb trail"
    levels = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    out: list[tuple[str, str | None]] = []
    for level in levels:
        link = _LINK.search(level)
        out.append((link.group(2), link.group(1)) if link else (re.sub(r"<[^>]+>", "", level), None))
    return out


@pytest.mark.parametrize("login", PERSONAS)
def test_every_entry_of_the_navigation_opens(web, login: str) -> None:  # type: ignore[no-untyped-def]
    _w, _client, browser = web
    b = browser(login)
    nav = main_navigation(b.get("/").text)
    assert {"Cockpit", "Portfolio", "Measures", "Decisions"} <= set(nav)
    for label, href in nav.items():
        r = b.get(href)
        assert r.status_code == 200, (login, label, href, r.status_code, r.text[:300])
    assert ("Audit trail" in nav) == (login in ("admin", "pmo", "auditor"))
    assert ("Admin" in nav) == (login in ("admin", "pmo"))


def test_the_map_is_not_offered_to_someone_who_sees_no_part_of_the_portfolio(web) -> None:  # type: ignore[no-untyped-def]
    _w, _client, browser = web
    outsider = browser("outsider")
    assert "Dependencies" not in main_navigation(outsider.get("/").text)
    r = outsider.get("/dependencies")  # typed in anyway: the same explanation as the cockpit, not a 404
    assert r.status_code == 200
    assert "nothing in the portfolio you may see" in r.text
    assert "Dependencies" in main_navigation(browser("owner").get("/").text)


def test_breadcrumbs_link_only_the_levels_the_person_may_open(web) -> None:  # type: ignore[no-untyped-def]
    w, _client, browser = web
    mid, project = w.ids["m"], w.ids["project"]
    # The owner leads the project: the portfolio and the program above it are not theirs to open.
    owner = trail(browser("owner").get(f"/measures/{mid}").text)
    assert owner == [
        ("Portfolio", None),
        ("Program", None),
        ("Project", f"/portfolio?node_id={project}"),
        ("Shaped measure", None),
    ]
    for page in (f"/portfolio?node_id={project}", f"/measures/{mid}/grid", f"/portfolio/{project}/feeds"):
        levels = trail(browser("sponsor").get(page).text)
        assert levels[:2] == [("Portfolio", None), ("Program", None)], (page, levels)
    # The PMO may open every level.
    pmo = trail(browser("pmo").get(f"/measures/{mid}").text)
    assert [href for _label, href in pmo] == [
        f"/portfolio?node_id={w.ids['portfolio']}",
        f"/portfolio?node_id={w.ids['program']}",
        f"/portfolio?node_id={project}",
        None,
    ]
    for href in (h for _label, h in pmo if h):
        assert browser("pmo").get(href).status_code == 200


@pytest.mark.parametrize(
    ("login", "url", "status", "words"),
    [
        ("viewer", "/measures/987654", 404, "no measure"),
        ("outsider", "/portfolio?node_id={project}", 404, "There is no"),
        ("pmo", "/measures?stage=nirvana", 422, "Unknown stage"),
        ("pmo", "/no-such-page", 404, "no page at this address"),
        ("pmo", "/logout", 405, "takes a form"),
    ],
)
def test_error_pages_keep_the_navigation(web, login: str, url: str, status: int, words: str) -> None:  # type: ignore[no-untyped-def]
    w, _client, browser = web
    b = browser(login)
    r = b.get(url.format(**w.ids))
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert words in r.text
    assert "Cockpit" in main_navigation(r.text), "the person can go on from the error page"
    assert 'action="/logout"' in r.text


def test_error_pages_before_sign_in_and_for_machines(web) -> None:  # type: ignore[no-untyped-def]
    _w, client, browser = web
    r = client.get("/no-such-page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "no page at this address" in r.text and 'aria-label="Main"' not in r.text
    stale = TestClient(client.app, cookies={"vg_session": "not-a-session"}).get("/no-such-page")
    assert stale.status_code == 404 and 'aria-label="Main"' not in stale.text
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    assert client.get("/static/no-such-file.css").status_code == 404
    # An in-place (htmx) refusal is the reason alone, to show where it happened.
    fragment = browser("viewer").client.get("/measures/987654", headers={"HX-Request": "true"})
    assert fragment.status_code == 404 and "<html" not in fragment.text and "no measure" in fragment.text
