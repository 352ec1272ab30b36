"""Submitting a feed file in a real browser, on the demo's ledger feed: the calendar shows last month's rejected
file; the owner uploads a corrected one and reads the report."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import sign_in
from valuegate.portfolio.models import Node


def test_an_upload_and_its_report(page, live, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with live.db.session() as s:
        node = s.scalar(select(Node.id).where(Node.name == "TBM cost model and showback"))
    sign_in(page, "pmo")
    page.goto(f"/portfolio?node_id={node}")
    page.get_by_role("link", name="Data feeds").click()
    calendar = page.get_by_test_id("feed-calendar")
    assert calendar.locator("td.feed-rejected").count() == 1 and calendar.locator("td.feed-on_time").count() >= 3
    period = calendar.locator("thead th").last.inner_text().strip()

    renamed = tmp_path / "gl.csv"
    renamed.write_text(
        "Period;Cost Centre;Account;Amount\n" + f"{period}-28;CC-1100;6100;1.5\n" * 3, encoding="utf-8-sig"
    )
    form = page.get_by_role("region", name="Submit GL actuals by cost centre")
    form.get_by_label("Period").fill(period)
    form.get_by_label("File (CSV, XLSX or Parquet)").set_input_files(str(renamed))
    form.get_by_role("button", name="Check and submit").click()
    page.wait_for_url("**/feeds/submissions/*")
    assert page.get_by_test_id("submission-status").inner_text() == "rejected"
    findings = page.get_by_test_id("findings").inner_text()
    assert "seems renamed to 'Cost Centre'" in findings and "completeness" in findings

    good = tmp_path / "gl-good.csv"
    good.write_text("Period,CostCenter,Account,Amount,Vendor\n" + f"{period}-28,CC-1100,6100,1800.00,Vendor 1\n" * 40)
    page.get_by_role("link", name="data feeds").click()
    form = page.get_by_role("region", name="Submit GL actuals by cost centre")
    form.get_by_label("Period").fill(period)
    form.get_by_label("File (CSV, XLSX or Parquet)").set_input_files(str(good))
    form.get_by_role("button", name="Check and submit").click()
    page.wait_for_url("**/feeds/submissions/*")
    assert page.get_by_test_id("submission-status").inner_text() == "accepted"
    page.get_by_role("link", name="data feeds").click()
    assert page.get_by_test_id("feed-calendar").locator("td.feed-rejected").count() == 0
    assert page.console_errors == [], page.console_errors
