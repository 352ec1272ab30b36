"""The audit view in a real browser: filters, on-demand verification (htmx), evidence export; refused to others."""

from __future__ import annotations

import json
from pathlib import Path

from tests.browser.conftest import sign_in


def test_the_auditor_filters_verifies_and_exports(page, live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "auditor")
    page.get_by_role("link", name="Audit trail").click()
    page.get_by_label("Action").fill("gate.approve")
    page.get_by_role("button", name="Filter").click()
    rows = page.get_by_test_id("audit-log").locator("tbody tr")
    assert rows.count() >= 1
    assert all("gate.approve" in t for t in rows.all_inner_texts())

    page.get_by_role("button", name="Verify the whole chain now").click()
    ok = page.get_by_test_id("verify-ok")
    ok.wait_for()
    assert "Intact" in ok.inner_text()
    assert "/audit/verify" not in page.url  # updated in place by htmx

    measure = rows.first.locator("a").first.inner_text()
    page.goto(f"/audit?measure_id={measure}")
    with page.expect_download() as download:
        page.get_by_role("link", name="JSON").click()
    body = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert body["measure_id"] == int(measure) and body["events"]
    assert page.console_errors == [], page.console_errors


def test_the_audit_trail_is_not_for_everyone(page, live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "owner")
    assert page.get_by_role("link", name="Audit trail").count() == 0
    response = page.goto("/audit")
    assert response is not None and response.status == 403
