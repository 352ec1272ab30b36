"""The change workstream page in a real browser: a PMO lead names stakeholders and sees them on the grid."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import sign_in
from valuegate.change.models import Stakeholder
from valuegate.portfolio.models import Node


def test_stakeholders_land_on_the_power_interest_grid(page, live) -> None:  # type: ignore[no-untyped-def]
    with live.db.session() as s:
        program = s.scalar(select(Node.id).where(Node.kind == "program").order_by(Node.id))
    sign_in(page, "pmo")
    page.goto(f"/portfolio?node_id={program}")
    page.get_by_role("link", name="Change workstream").click()
    form = page.get_by_role("region", name="Name a stakeholder")
    form.get_by_label("Person").select_option(label="Clara Weiss")
    form.get_by_label("Role in the change").fill("CFO, owns the close calendar")
    for name, value in (("Power", "5"), ("Interest", "4"), ("Influence", "5"), ("Legitimacy", "5"), ("Urgency", "9")):
        form.get_by_label(f"{name} (1–5)").fill(value)
    form.get_by_label("Engagement now").select_option("neutral")
    form.get_by_role("button", name="Name the stakeholder").click()
    assert "not valid" in page.get_by_role("alert").inner_text()
    form = page.get_by_role("region", name="Name a stakeholder")
    urgency = form.get_by_label("Urgency (1–5)")
    assert urgency.get_attribute("aria-invalid") == "true", "the field at fault is marked"
    assert "rated from 1 to 5" in form.locator("#stakeholder-urgency-error").inner_text(), "its problem beside it"
    assert page.evaluate("document.activeElement.id") == "stakeholder-urgency", "and the cursor is there"
    assert form.get_by_label("Role in the change").input_value() == "CFO, owns the close calendar", "typing kept"
    form.get_by_label("Urgency (1–5)").fill("4")
    form.get_by_role("button", name="Name the stakeholder").click()
    page.wait_for_url(f"**/portfolio/{program}/change")
    key_players = page.locator('[data-quadrant="manage_closely"]')
    assert "Clara Weiss" in key_players.inner_text()
    row = page.get_by_test_id("stakeholders").locator("tr", has_text="Clara Weiss")
    assert "needs a relationship owner" in row.inner_text()
    with live.db.session() as s:
        assert s.scalar(select(Stakeholder.urgency).where(Stakeholder.node_id == program)) == 4
    assert page.console_errors == [], page.console_errors


def test_readers_see_the_workstream_without_forms(page, live) -> None:  # type: ignore[no-untyped-def]
    with live.db.session() as s:
        program = s.scalar(select(Node.id).where(Node.kind == "program").order_by(Node.id))
    sign_in(page, "viewer")
    page.goto(f"/portfolio/{program}/change")
    assert page.get_by_test_id("pi-grid").is_visible()
    assert page.get_by_role("button", name="Name the stakeholder").count() == 0
