"""Controller-backed closure in a real browser: the owner is refused, the controller signs off and it shows Closed."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import sign_in
from valuegate.audit.service import verify_chain
from valuegate.portfolio.models import Measure, Node


def _implemented(live) -> int:  # type: ignore[no-untyped-def]
    with live.db.session() as s:
        mid = s.scalar(
            select(Node.id)
            .join(Measure, Measure.node_id == Node.id)
            .where(Measure.stage == "implemented")
            .order_by(Node.id)
        )
        assert mid is not None
        return int(mid)


def test_only_the_controller_closes_a_measure(page, live) -> None:  # type: ignore[no-untyped-def]
    mid = _implemented(live)
    sign_in(page, "owner")
    page.goto(f"/measures/{mid}/sign-off")
    assert page.get_by_test_id("not-controller").is_visible()
    assert page.get_by_role("button", name="Sign off and close").count() == 0
    csrf = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    refused = page.request.post(
        f"/measures/{mid}/sign-off",
        form={"csrf_token": csrf or "", "verified_value": "100", "evidence_ref": "GL", "confirm_actuals": "yes"},
    )
    assert refused.status == 403 and "controller" in refused.text()
    forged = page.request.post(f"/measures/{mid}/sign-off", form={"verified_value": "100"})
    assert forged.status == 403 and "expired" in forged.text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "controller")
    page.goto(f"/measures/{mid}/sign-off")
    assert page.get_by_test_id("signoff-grid").is_visible()
    page.get_by_label("Verified value").fill("12.5x")
    page.get_by_label("Evidence reference (ledger document, file)").fill("GL 2026/0815")
    page.get_by_label("I confirm the actuals above").check()
    page.get_by_role("button", name="Sign off and close").click()
    assert "need another look" in page.get_by_role("alert").first.inner_text()
    verified = page.get_by_label("Verified value")
    assert verified.get_attribute("aria-invalid") == "true", "the problem is beside its field"
    assert "not an amount" in page.locator("#sign-off-verified_value-error").inner_text()
    assert verified.input_value() == "12.5x", "what was typed is kept"
    page.get_by_label("Verified value").fill("61,250")
    page.get_by_label("Evidence reference (ledger document, file)").fill("GL 2026/0815")
    page.get_by_label("I confirm the actuals above").check()
    page.get_by_role("button", name="Sign off and close").click()
    page.wait_for_url(f"**/measures/{mid}")
    assert page.locator(".stages li.current").inner_text() == "Closed"
    assert "value.sign_off" in page.get_by_test_id("history").inner_text()
    with live.db.session() as s:
        assert s.get(Measure, mid).stage == "closed"
        assert verify_chain(s).ok
