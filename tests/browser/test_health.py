"""The health monitor in a real browser, on the demo's stalled cost-model implementation: the portfolio by health,
the health page with its breakdown, trend and evidence; a play taken up, the minimum viable outcome agreed, a bad
profile refused; the controller confirming a ledger actual."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import sign_in
from valuegate.portfolio.models import Node

COST_MODEL = "TBM cost model and showback"


def test_the_health_page_its_evidence_and_plays(page, live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "pmo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Health").click()
    table = page.get_by_test_id("health-portfolio")
    # Worst first. (Another test may have opened the health page of the program above it, which reads it then.)
    row = table.locator("tbody tr", has_text=COST_MODEL)
    assert "red" in row.locator(".status").get_attribute("class")
    rows = table.locator("tbody tr")
    texts = rows.all_inner_texts()
    above = [rows.nth(i) for i in range(texts.index(row.inner_text()))]
    assert all("red" in (r.locator(".status").get_attribute("class") or "") for r in above), "only red rows above it"
    row.get_by_role("link", name=COST_MODEL).click()

    assert "Red" in page.get_by_test_id("health-score").inner_text()
    breakdown = page.get_by_test_id("health-breakdown")
    assert breakdown.locator("tbody tr").count() == 6
    assert (
        page.get_by_role("img", name="Weekly score").count() == 1 or page.locator("figure.trend-chart svg").count() == 1
    )
    w3 = page.get_by_test_id("detector-W3")
    assert "alert" in w3.inner_text() and "Chargeback of cloud costs to products" in w3.inner_text()
    w1 = page.get_by_test_id("detector-W1")
    assert "7 of 60 intended users" in w1.inner_text()
    assert "Infrastructure tower cost dashboard" in w1.inner_text()

    # A bad profile is refused with the reason, and the page keeps what was typed.
    page.get_by_text("Change the profile").click()
    page.get_by_label("Maturity level (1 initial – 5 optimising)").fill("9")
    page.get_by_role("button", name="Save the profile").click()
    assert "maturity level is 1" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Maturity level (1 initial – 5 optimising)").input_value() == "9"

    plays = page.get_by_test_id("plays")
    right_size = plays.locator("article.play", has_text="Right-size the model").filter(has_text="W1").first
    right_size.get_by_label("Owner").select_option(label="Kofi Mensah")
    right_size.get_by_role("button", name="Take up this play").click()
    page.wait_for_url("**/health")
    actions = page.get_by_test_id("health-actions")
    assert "Right-size the model" in actions.inner_text() and "Kofi Mensah" in actions.inner_text()
    assert "retirement proposed" in page.get_by_test_id("catalogue").inner_text()

    page.get_by_text("Agree it").click()
    page.get_by_label("What good looks like now").fill("Cost-centre managers read showback monthly and challenge it")
    page.get_by_label("Part 1").fill("GL extract on working day 5")
    page.locator("select[name=part_owner_0]").select_option(label="Kofi Mensah")
    page.locator("input[name=deliverable_0]").fill("Showback report")
    page.locator("input[name=every_0]").fill("month, working day 8")
    page.get_by_label("Review on").fill("2027-03-01")
    page.get_by_role("button", name="Keep this outcome").click()
    page.wait_for_url("**/health")
    outcome = page.get_by_test_id("viable-outcome").inner_text()
    assert "GL extract on working day 5 — Kofi Mensah" in outcome and "every month, working day 8" in outcome

    page.get_by_role("button", name="Run the detectors now").click()
    page.wait_for_url("**/health")
    assert "on demand" in page.locator(".health-head .meta").first.inner_text()
    assert page.console_errors == [], page.console_errors


def test_the_controller_confirms_a_ledger_actual(page, live) -> None:  # type: ignore[no-untyped-def]
    with live.db.session() as s:
        node = s.scalar(select(Node.id).where(Node.name == COST_MODEL))
    sign_in(page, "controller")
    page.goto(f"/portfolio/{node}/feeds")
    proposals = page.get_by_test_id("proposed-actuals")
    before = proposals.locator("tbody tr").count()
    assert before >= 1 and "Unit cost per service" in proposals.inner_text()
    row = proposals.locator("tbody tr").first
    row.get_by_label("Decision on", exact=False).select_option("correct")
    row.get_by_role("button", name="Record").click()
    assert "Say why" in page.get_by_role("alert").inner_text()
    row = page.get_by_test_id("proposed-actuals").locator("tbody tr").first
    decision = row.get_by_label("Decision on", exact=False)
    assert decision.input_value() == "correct", "the refused choice is kept"
    decision.select_option("confirm")
    row.get_by_role("button", name="Record").click()
    page.wait_for_url("**/feeds*")
    after = page.get_by_test_id("proposed-actuals").locator("tbody tr").count() if before > 1 else 0
    assert after == before - 1
    assert "unallocated" in page.locator("[data-testid^=unallocated-]").first.inner_text()
    assert page.console_errors == [], page.console_errors
