"""The whole life of a measure in a real browser, with four people each in their own browser:

the owner creates it and fills the business case; the PMO lead and the controller approve the early gates; the
sponsor defers once in a steering meeting and then decides; the owner completes the milestones; the owner's
attempt to sign off is refused; the controller signs off and the measure shows Closed; the audit view shows every
step and a verified chain.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.browser.conftest import open_page, sign_in
from valuegate.auth.models import Person
from valuegate.finance import rules as fin
from valuegate.portfolio.models import Measure, Node

NAME = "Automate the intercompany reconciliation"


def _person(browser, live, login: str):  # type: ignore[no-untyped-def]
    page = open_page(browser, live)
    sign_in(page, login)
    return page


def _stage(live, mid: int) -> str:  # type: ignore[no-untyped-def]
    with live.db.session() as s:
        return str(s.scalar(select(Measure.stage).where(Measure.node_id == mid)))


def _request(page, mid: int, label: str, note: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/measures/{mid}")
    assert page.get_by_test_id("ready").is_visible(), page.get_by_test_id("unmet").all_inner_texts()
    page.get_by_label("Note for the approvers (optional)").fill(note)
    page.get_by_role("button", name=f"Request {label}").click()
    page.wait_for_url(f"**/measures/{mid}")
    assert "A request is pending" in page.get_by_role("region", name=f"Next gate: {label}").inner_text()


def _approve_in_inbox(page, mid: int, comment: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/inbox")
    card = page.get_by_test_id("decision").filter(has=page.locator(f'a[href="/measures/{mid}"]'))
    assert card.count() == 1, "the request waits in this person's inbox"
    card.get_by_label("Comment (required to reject; the reason when deferring)").fill(comment)
    card.get_by_role("button", name="Approve").click()
    page.get_by_test_id("decided").filter(has=page.locator(f'a[href="/measures/{mid}"]')).wait_for()


def test_the_life_of_a_measure(browser, live) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    this_month = fin.period_of(today.year, today.month)
    with live.db.session() as s:
        project = s.scalar(
            select(Node.id)
            .join(Person, Person.id == Node.owner_id)
            .where(Node.kind == "project", Person.login == "owner")
            .order_by(Node.id)
        )
    owner, pmo = _person(browser, live, "owner"), _person(browser, live, "pmo")
    sponsor, controller = _person(browser, live, "sponsor"), _person(browser, live, "controller")

    # 1. The owner creates the measure under their project and fills the business case.
    owner.goto(f"/portfolio?node_id={project}")
    owner.get_by_role("link", name="New measure").click()
    owner.get_by_label("Name").fill(NAME)
    owner.get_by_label("What changes, and where the value comes from").fill(
        "Matching intercompany invoices automatically frees two FTE in group accounting."
    )
    owner.get_by_label("Annual value estimate").fill("120,000")
    owner.get_by_label("Sponsor").select_option(label="Sofia Brandt")
    owner.get_by_label("Controller").select_option(label="Carl Jensen")
    owner.get_by_role("button", name="Create the measure").click()
    owner.wait_for_url("**/measures/*")
    mid = int(owner.url.rstrip("/").split("/")[-1])
    assert owner.get_by_role("heading", name=NAME).is_visible()
    assert _stage(live, mid) == "defined"

    # 2. Identified: requested by the owner, approved by the PMO lead.
    _request(owner, mid, "Identified", "Business case outlined")
    _approve_in_inbox(pmo, mid, "Good case; go ahead and detail it.")
    assert _stage(live, mid) == "identified"

    # 3. The owner details it: monthly plan, declarations, a milestone.
    owner.goto(f"/measures/{mid}")
    assert owner.get_by_test_id("unmet").is_visible()
    for i in range(3):
        owner.locator(f'input[name="v.plan.recurring.{fin.add_months(this_month, i + 1)}"]').fill("10000")
    owner.get_by_role("button", name="Save figures").click()
    owner.get_by_test_id("grid-saved").wait_for()
    owner.get_by_text("Edit the business case").click()
    owner.get_by_label("There are no one-time costs").check()
    owner.get_by_label("Dependencies are declared").check()
    owner.get_by_label("Affected business services are declared").check()
    owner.get_by_role("button", name="Save the business case").click()
    owner.get_by_label("New milestone").fill("Matching rules live")
    owner.get_by_label("Due on").fill((today + timedelta(days=30)).isoformat())
    owner.get_by_role("button", name="Add the milestone").click()
    assert "Matching rules live" in owner.get_by_test_id("milestones").inner_text()

    # 4. Detailed: approved by the controller.
    _request(owner, mid, "Detailed", "Plan and milestones in")
    _approve_in_inbox(controller, mid, "Plan is consistent with the cost base.")
    assert _stage(live, mid) == "detailed"

    # 5. Decided: the PMO calls a steering meeting; the sponsor defers once there, then decides.
    _request(owner, mid, "Decided", "Ready for the steering committee")
    pmo.goto("/meetings")
    pmo.get_by_label("Title").fill("Finance steering")
    pmo.get_by_label("Date").fill(today.isoformat())
    pmo.get_by_label("Chair").select_option(label="Clara Weiss")
    pmo.get_by_label("Attendees").select_option(label="Sofia Brandt")
    pmo.get_by_role("button", name="Call the meeting").click()
    pmo.wait_for_url("**/meetings/*")
    meeting = pmo.url
    assert pmo.get_by_test_id("agenda-item").filter(has_text=NAME).count() == 1

    sponsor.goto(meeting)
    item = sponsor.get_by_test_id("agenda-item").filter(has_text=NAME)
    item.get_by_label("Decision as minuted (required)").fill("Deferred: confirm the FTE release with HR first.")
    item.get_by_label("Defer until").fill((today + timedelta(days=14)).isoformat())
    item.get_by_role("button", name="Defer").click()
    sponsor.wait_for_url("**/meetings/*")
    assert "Deferred: confirm the FTE release" in sponsor.get_by_test_id("minutes").inner_text()
    assert _stage(live, mid) == "detailed"
    item = sponsor.get_by_test_id("agenda-item").filter(has_text=NAME)
    assert "deferred 1×" in item.inner_text()
    item.get_by_label("Decision as minuted (required)").fill("Approved: HR confirmed the FTE release.")
    item.get_by_role("button", name="Approve").click()
    sponsor.wait_for_url("**/meetings/*")
    assert "Approved: HR confirmed" in sponsor.get_by_test_id("minutes").inner_text()
    _approve_in_inbox(controller, mid, "Baseline agreed.")
    assert _stage(live, mid) == "decided"

    # 6. The owner completes the milestone; the sponsor accepts the implementation.
    owner.goto(f"/measures/{mid}")
    owner.get_by_role("button", name="Mark Matching rules live done today").click()
    owner.wait_for_url(f"**/measures/{mid}*")
    _request(owner, mid, "Implemented", "Matching rules are live")
    _approve_in_inbox(sponsor, mid, "Live and used by group accounting.")
    assert _stage(live, mid) == "implemented"

    # 7. The controller books the actuals; the owner's sign-off is refused.
    controller.goto(f"/measures/{mid}")
    controller.locator(f'input[name="v.actual.recurring.{fin.add_months(this_month, 1)}"]').fill("9500")
    controller.get_by_role("button", name="Save figures").click()
    controller.get_by_test_id("grid-saved").wait_for()

    owner.goto(f"/measures/{mid}/sign-off")
    assert owner.get_by_test_id("not-controller").is_visible()
    assert owner.get_by_role("button", name="Sign off and close").count() == 0
    csrf = owner.locator('input[name="csrf_token"]').first.get_attribute("value") or ""
    refused = owner.request.post(
        f"/measures/{mid}/sign-off",
        form={"csrf_token": csrf, "verified_value": "9500", "evidence_ref": "GL", "confirm_actuals": "yes"},
    )
    assert refused.status == 403 and "controller" in refused.text()
    assert _stage(live, mid) == "implemented"

    # 8. The controller signs off; the measure shows Closed.
    controller.goto(f"/measures/{mid}/sign-off")
    controller.get_by_label("Verified value").fill("9,500")
    controller.get_by_label("Evidence reference").fill("GL 2026/4711, reconciliation report")
    controller.get_by_label("I confirm the actuals").check()
    controller.get_by_role("button", name="Sign off and close").click()
    controller.wait_for_url(f"**/measures/{mid}")
    assert "Closed" in controller.locator(".stages li.current").inner_text()
    assert "verified" in controller.get_by_test_id("value-status").inner_text()
    assert _stage(live, mid) == "closed"

    # 9. The audit view shows every step, and the chain verifies.
    auditor = _person(browser, live, "auditor")
    auditor.goto(f"/audit?measure_id={mid}")
    log = auditor.get_by_test_id("audit-log").inner_text()
    for action in (
        "measure.create",
        "measure.update",
        "values.plan",
        "milestone.create",
        "milestone.update",
        "gate.request",
        "gate.approve",
        "gate.defer",
        "values.actual",
        "value.sign_off",
    ):
        assert action in log, f"{action} is in the measure's audit trail"
    auditor.get_by_role("button", name="Verify the whole chain now").click()
    auditor.get_by_test_id("verify-ok").wait_for()
    assert "Intact" in auditor.get_by_test_id("verify-ok").inner_text()
    for p in (owner, pmo, sponsor, controller, auditor):
        assert p.console_errors == [], p.console_errors
        p.context.close()
