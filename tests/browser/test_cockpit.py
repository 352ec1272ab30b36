"""The cockpit in a real browser: sign-in, charts, the status matrix and filters, sign-out; a README screenshot."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import sign_in

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "cockpit.png"


def test_sign_in_is_required_and_wrong_passwords_are_refused(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    assert "/login" in page.url
    page.get_by_label("Login").fill("pmo")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Unknown login or wrong password."
    assert "/login" in page.url


def test_cockpit_shows_the_portfolio_and_filters_it(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "pmo")
    assert page.get_by_role("heading", name="Cockpit").is_visible()
    page.wait_for_selector("#pipeline-chart canvas")
    page.wait_for_selector("#months-chart canvas")
    total = int(page.get_by_test_id("kpi-measures").inner_text().replace(",", ""))
    assert total > 10
    matrix = page.get_by_test_id("status-matrix")
    assert matrix.is_visible()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # A count in the matrix opens the list of the measures behind it.
    link = matrix.locator("a").first
    expected = int(link.inner_text())
    link.click()
    page.wait_for_url("**/measures?**")
    assert page.get_by_test_id("match-count").inner_text().startswith(f"{expected} measure")
    assert page.get_by_test_id("measure-list").locator("tbody tr").count() == min(expected, 50)
    impl = page.get_by_label("Implementation", exact=True).input_value()
    value = page.get_by_label("Value", exact=True).input_value()
    for row in page.get_by_test_id("measure-list").locator("tbody tr").all():
        text = row.inner_text()
        assert impl.replace("_", " ") in text and value in text
    page.goto("/")
    page.wait_for_selector("#pipeline-chart canvas")

    # Narrow to one program: fewer measures than the whole portfolio.
    program = page.get_by_label("Portfolio or program").locator("option").nth(1)
    page.get_by_label("Portfolio or program").select_option(program.get_attribute("value"))
    page.get_by_role("button", name="Apply").click()
    page.wait_for_selector("#pipeline-chart canvas")
    assert program.inner_text() in page.get_by_role("heading", name="Cockpit").inner_text()
    in_program = int(page.get_by_test_id("kpi-measures").inner_text().replace(",", ""))
    assert 0 < in_program < total

    # Filter by stage through the form.
    page.get_by_label("Stage", exact=True).select_option("decided")
    page.get_by_label("Implementation", exact=True).select_option("")
    page.get_by_label("Value", exact=True).select_option("")
    page.get_by_role("button", name="Apply").click()
    rows = page.get_by_test_id("pipeline-table").locator("tbody tr")
    assert rows.count() == 1 and "Decided" in rows.first.inner_text()
    assert page.console_errors == [], page.console_errors  # no CSP violation, no script error


def test_an_owner_sees_only_their_part_and_can_sign_out(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "owner")
    page.wait_for_selector("#pipeline-chart canvas")
    owner_total = int(page.get_by_test_id("kpi-measures").inner_text().replace(",", ""))
    options = page.get_by_label("Portfolio or program").locator("option").all_inner_texts()
    assert options, "the owner sees at least their own program or project"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.goto("/")
    assert "/login" in page.url
    assert owner_total >= 1


def test_looking_back_and_the_bridge(page, live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "pmo")
    page.get_by_role("button", name="Show the bridge").click()
    page.wait_for_selector("#bridge-chart[data-drawn=yes] canvas")
    now_total = int(page.get_by_test_id("kpi-measures").inner_text().replace(",", ""))
    start = int(page.get_by_test_id("bridge-start").inner_text().replace(",", ""))
    new = int(page.get_by_test_id("bridge-new").inner_text().replace(",", ""))
    end = int(page.get_by_test_id("bridge-end").inner_text().replace(",", ""))
    assert new > 0, "the ERP programme was added after the demo's snapshot"
    steps = [
        int(page.get_by_test_id(f"bridge-{c}").inner_text().replace(",", ""))
        for c in ("progressed", "slipped", "dropped", "realised")
    ]
    assert abs(end - (start + new + steps[0] + steps[1] - steps[2] - steps[3])) <= 3, "the bridge adds up (rounding)"

    option = page.get_by_label("As known at").locator("option").nth(1)
    page.get_by_label("As known at").select_option(option.get_attribute("value"))
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_test_id("as-of-notice").is_visible()
    then_total = int(page.get_by_test_id("kpi-measures").inner_text().replace(",", ""))
    assert then_total < now_total, "fewer measures were known then"
    assert page.console_errors == [], page.console_errors

    refused = page.goto("/?as_of=2020-01-31")
    assert refused is not None and refused.status == 422 and "no snapshot" in page.get_by_role("alert").inner_text()
