"""A live Valuegate with the demo portfolio on 127.0.0.1, and Debian's chromium driven by Playwright."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live import demo_database, serve
from valuegate.app import create_app
from valuegate.config import load_settings
from valuegate.db import Database

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "valuegate-demo"


@dataclass
class Live:
    url: str
    db: Database


@pytest.fixture(scope="session")
def live(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """The product on its embedded default with the demo data, served by uvicorn in a thread."""
    target = tmp_path_factory.mktemp("live") / "demo.db"
    settings = dataclasses.replace(load_settings(f"sqlite:///{target}"), record_own_use=True)
    db = demo_database(sqlite_template, target, settings)
    with serve(create_app(settings, db=db)) as url:
        yield Live(url, db)
    db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing at /usr/bin/chromium; the set-up should have installed it.")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


def open_page(browser, live):  # type: ignore[no-untyped-def]
    """A fresh browser context (its own cookies: one person) and page on the live server.

    ``page.console_errors`` collects script errors and CSP violations, and any script, style or data request
    that failed. A refused form post (plain or htmx) answers 4xx with the form and its reason on purpose; each
    test checks that itself, so only server errors count for posts.
    """
    context = browser.new_context(base_url=live.url, viewport={"width": 1366, "height": 900})
    p = context.new_page()
    p.console_errors = []  # type: ignore[attr-defined]

    def on_console(message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            p.console_errors.append(message.text)  # type: ignore[attr-defined]

    def on_response(response) -> None:  # type: ignore[no-untyped-def]
        request = response.request
        refused_post = request.method == "POST" and 400 <= response.status < 500
        if response.status >= 400 and request.resource_type != "document" and not refused_post:
            p.console_errors.append(f"{response.status} {response.url}")  # type: ignore[attr-defined]

    p.on("console", on_console)
    p.on("response", on_response)
    return p


@pytest.fixture
def page(browser, live):  # type: ignore[no-untyped-def]
    p = open_page(browser, live)
    yield p
    p.context.close()


def sign_in(page, login: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
