"""The decision inbox in a real browser: the business case, a refused rejection without comment, an approval."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import sign_in
from tests.browser.test_measure import _defined_measure_of
from valuegate.auth.models import Person
from valuegate.auth.policy import actor_for
from valuegate.config import load_settings
from valuegate.context import bind
from valuegate.dependencies import service as deps
from valuegate.dependencies.models import BusinessService, ServiceImpact
from valuegate.gates import service as gates
from valuegate.portfolio.models import Measure


def test_the_pmo_decides_a_gate_request_from_the_inbox(page, live) -> None:  # type: ignore[no-untyped-def]
    mid = _defined_measure_of(live, "owner")
    with live.db.session(write=True) as s:
        bind(s, load_settings(live.db.url))
        owner = s.scalar(select(Person).where(Person.login == "owner"))
        req = gates.request_move(s, actor=actor_for(owner), measure_id=mid, to_stage="identified", reason="Ready")
        name = req.measure_id
    sign_in(page, "pmo")
    count = int(page.get_by_test_id("inbox-count").inner_text())
    assert count >= 1
    page.get_by_role("link", name="Decisions").click()
    card = page.get_by_test_id("decision").filter(has=page.locator(f'a[href="/measures/{name}"]'))
    assert card.count() == 1
    assert "Annual estimate" in card.inner_text()

    page.evaluate("window.marker = 'same page'")
    card.get_by_label("Defer until").fill("2026-01-01")
    card.get_by_role("button", name="Reject").click()
    card.get_by_role("alert").wait_for()
    assert "comment" in card.get_by_role("alert").inner_text()
    assert card.get_by_label("Defer until").input_value() == "2026-01-01", "what was typed is kept"
    card.get_by_role("button", name="Approve").click()
    page.get_by_test_id("decided").wait_for()
    assert "Approved" in page.get_by_test_id("decided").inner_text()
    assert page.get_by_test_id("decision").filter(has=page.locator(f'a[href="/measures/{name}"]')).count() == 0
    assert int(page.get_by_test_id("inbox-count").inner_text()) == count - 1, "the count in the navigation follows"
    assert page.evaluate("window.marker") == "same page", "decided in place, no reload"
    with live.db.session() as s:
        assert s.get(Measure, mid).stage == "identified"
    assert page.console_errors == [], page.console_errors


def test_a_service_owner_acknowledges_from_the_inbox(page, live) -> None:  # type: ignore[no-untyped-def]
    mid = _defined_measure_of(live, "owner", free=False)
    with live.db.session(write=True) as s:
        bind(s, load_settings(live.db.url))
        owner = s.scalar(select(Person).where(Person.login == "owner"))
        shop = s.scalar(select(BusinessService).where(BusinessService.name == "Online shop"))
        deps.add_impact(s, actor=actor_for(owner), measure_id=mid, service_id=shop.id, note="Checkout page changes")
    sign_in(page, "svcowner")
    assert int(page.get_by_test_id("inbox-count").inner_text()) >= 1
    assert page.get_by_test_id("nothing-yet").is_visible(), "a service owner steers no part of the portfolio"
    page.get_by_test_id("nothing-yet").get_by_role("link", name="Decisions").click()
    section = page.get_by_test_id("acknowledgements")
    assert "Online shop" in section.inner_text() and "Checkout page changes" in section.inner_text()
    before = int(page.get_by_test_id("inbox-count").inner_text())
    section.get_by_role("button", name="Acknowledge").first.click()
    page.wait_for_url("**/inbox*")
    assert int(page.get_by_test_id("inbox-count").inner_text()) == before - 1
    with live.db.session() as s:
        impact = s.scalar(select(ServiceImpact).where(ServiceImpact.measure_id == mid))
        assert impact is not None and impact.acknowledged_at is not None
    assert page.console_errors == [], page.console_errors
