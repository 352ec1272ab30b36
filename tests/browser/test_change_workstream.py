"""The change workstream in a real browser, on the demo's portal roll-out: the communication calendar (mark an
occurrence sent, plan a message on a cadence, download the ICS), anonymous feedback, the team's feedback view and
the adoption dashboard."""

from __future__ import annotations

from datetime import date

import icalendar
import recurring_ical_events
from sqlalchemy import func, select

from tests.browser.conftest import sign_in
from valuegate.audit.models import AuditEvent
from valuegate.comms.models import CommunicationItem, CommunicationSent
from valuegate.feedback.models import AnonymousResponse
from valuegate.portfolio.models import Node

PORTAL = "Self-service portal and knowledge base"


def _portal(live) -> int:  # type: ignore[no-untyped-def]
    with live.db.session() as s:
        return int(s.scalar(select(Node.id).where(Node.name == PORTAL)) or 0)


def _count(live, table) -> int:  # type: ignore[no-untyped-def]
    with live.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_the_communication_calendar(page, live, tmp_path) -> None:  # type: ignore[no-untyped-def]
    node = _portal(live)
    sign_in(page, "pmo")
    page.goto(f"/portfolio/{node}/change")
    page.get_by_role("link", name="Communication").click()
    calendar = page.get_by_test_id("calendar")
    assert calendar.locator(".occurrence").count() >= 5
    sent_before = _count(live, CommunicationSent)
    overdue = calendar.locator(".occurrence.overdue").first
    overdue_day = overdue.locator("xpath=ancestor::td").get_attribute("data-date")
    overdue.get_by_role("button", name="Mark sent").click()
    page.wait_for_load_state()
    assert _count(live, CommunicationSent) == sent_before + 1
    assert page.locator(f'td[data-date="{overdue_day}"] .occurrence.sent').count() >= 1

    form = page.get_by_role("region", name="Plan a message")
    form.get_by_label("Audience").select_option(label="Finance (18)")
    form.get_by_label("Key message").fill("Month-end requests go through the portal")
    form.locator("select[name=message_type]").select_option("how_to")
    form.get_by_label("Channel").select_option("email")
    form.get_by_label("Messenger's role").select_option("champion")
    form.get_by_label("Cadence").fill("every second tuesday")
    items_before = _count(live, CommunicationItem)
    form.get_by_role("button", name="Plan the message").click()
    assert _count(live, CommunicationItem) == items_before, "nothing saved"
    form = page.get_by_role("region", name="Plan a message")
    assert form.get_by_label("Cadence").get_attribute("aria-invalid") == "true", "the field at fault is marked"
    assert "is not a recurrence rule" in form.locator("#message-recurrence-error").inner_text(), "its problem beside it"
    assert form.get_by_label("Key message").input_value() == "Month-end requests go through the portal"
    form.get_by_label("Cadence").fill("fortnightly")
    form.get_by_role("button", name="Plan the message").click()
    page.wait_for_url(f"**/portfolio/{node}/change/communication")
    row = page.get_by_test_id("matrix").locator("tr", has_text="Month-end requests go through the portal")
    assert "every 2 weeks" in row.inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (ICS)").click()
    target = tmp_path / "comms.ics"
    download.value.save_as(target)
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    today = date.today()
    upcoming = recurring_ical_events.of(cal).between(today, date(today.year + 1, today.month, 1))
    assert any("Month-end requests go through the portal" in str(e["SUMMARY"]) for e in upcoming)
    assert page.console_errors == [], page.console_errors


def test_anonymous_feedback_from_the_browser(page, live) -> None:  # type: ignore[no-untyped-def]
    node = _portal(live)
    sign_in(page, "viewer")
    page.goto(f"/portfolio/{node}/feedback")
    page.get_by_role("link", name="the anonymous form").click()
    form = page.get_by_test_id("anonymous-form")
    form.get_by_label("I want to work the new way.").fill("6")
    form.get_by_label("Comment").fill("The travel forms are hard to find.")
    before = (_count(live, AnonymousResponse), _count(live, AuditEvent))
    form.get_by_role("button", name="Send anonymously").click()
    assert "from 1 to 5" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Comment").input_value() == "The travel forms are hard to find."
    page.get_by_label("I want to work the new way.").fill("2")
    page.get_by_label("Team (optional)").select_option(label="Sales")
    page.get_by_role("button", name="Send anonymously").click()
    assert "stored without your name" in page.get_by_test_id("anonymous-thanks").inner_text()
    assert _count(live, AnonymousResponse) == before[0] + 1
    assert _count(live, AuditEvent) == before[1], "the anonymous channel writes nothing to the audit trail"
    with live.db.session() as s:
        comments = s.scalars(select(AnonymousResponse.comment)).all()
    assert "The travel forms are hard to find." in comments
    assert page.console_errors == [], page.console_errors


def test_the_team_sees_the_report_with_small_groups_held_back(page, live) -> None:  # type: ignore[no-untyped-def]
    node = _portal(live)
    sign_in(page, "pmo")
    page.goto(f"/portfolio/{node}/change/feedback")
    report = page.get_by_test_id("anonymous-report")
    assert report.locator('tr[data-group="Everyone"] td').first.inner_text().strip().isdigit()
    windows = page.get_by_label("Window").locator("option")
    assert windows.count() >= 2
    page.get_by_label("Window").select_option(index=1)  # the week before: Sales all alike, Finance too few
    page.get_by_role("button", name="Show").click()
    report = page.get_by_test_id("anonymous-report")
    assert "below threshold" in report.locator('tr[data-group="Finance"]').inner_text()
    assert "all alike" in report.locator('tr[data-group="Sales"]').inner_text()
    item = page.get_by_test_id("queue-item").first
    item.get_by_label("You said").fill("Travel requests are hard to find")
    item.get_by_label("We did").fill("A travel tile on the portal's start page")
    item.get_by_role("button", name="Publish and close").click()
    page.wait_for_url(f"**/portfolio/{node}/change/feedback")
    assert (
        "A travel tile on the portal's start page" in page.get_by_role("region", name="Closing the loop").inner_text()
    )
    assert page.console_errors == [], page.console_errors


def test_the_adoption_dashboard(page, live) -> None:  # type: ignore[no-untyped-def]
    node = _portal(live)
    sign_in(page, "pmo")
    page.goto(f"/portfolio/{node}/change/adoption")
    cards = page.get_by_test_id("adoption").locator("article.metric")
    assert cards.count() >= 9
    below = page.get_by_test_id("adoption").locator("article.metric.below")
    assert below.count() >= 3
    assert below.first.get_by_test_id("hint").is_visible()
    assert page.locator("svg.spark").count() >= 8
    form = page.get_by_role("region", name="Define a success metric")
    form.get_by_label("Name").fill("Searches per employee")
    form.get_by_label("What it measures").select_option("breadth")
    form.get_by_label("System (as in the usage events)").fill("itsm-portal")
    form.get_by_label("Target (e.g. 60 % or 0.6)").fill("sixty")
    form.get_by_role("button", name="Define the metric").click()
    form = page.get_by_role("region", name="Define a success metric")
    target = form.get_by_label("Target (e.g. 60 % or 0.6)")
    assert target.get_attribute("aria-invalid") == "true", "the field at fault is marked"
    assert "must be a number" in form.locator("#metric-target-error").inner_text(), "its problem beside it"
    assert target.input_value() == "sixty", "what was typed is kept"
    assert form.get_by_label("Name").input_value() == "Searches per employee"
    form.get_by_label("Target (e.g. 60 % or 0.6)").fill("40 %")
    form.get_by_role("button", name="Define the metric").click()
    form = page.get_by_role("region", name="Define a success metric")
    assert "list the key events" in form.locator("#metric-events-error").inner_text(), "the problem beside its field"
    form.get_by_label("Key events (comma-separated)").fill("portal.search, kb.article_view, ticket.create")
    form.get_by_role("button", name="Define the metric").click()
    page.wait_for_url(f"**/portfolio/{node}/change/adoption")
    card = page.get_by_test_id("adoption").locator("article.metric", has_text="Searches per employee")
    assert "%" in card.locator(".value").inner_text() and "target >= 40 %" in card.inner_text()
    assert page.console_errors == [], page.console_errors
