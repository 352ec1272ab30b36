"""The measure workspace in a real browser: what the next gate needs, figures, history; requesting a gate move."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import sign_in
from valuegate.auth.models import Person
from valuegate.gates.models import GateRequest
from valuegate.portfolio.models import Measure, Node


def _defined_measure_of(live, login: str, *, free: bool = True) -> int:  # type: ignore[no-untyped-def]
    """A Defined measure the login owns; ``free``: one without a pending gate request (tests share the server)."""
    with live.db.session() as s:
        owner = s.scalar(select(Person.id).where(Person.login == login))
        q = (
            select(Node.id)
            .join(Measure, Measure.node_id == Node.id)
            .where(Node.owner_id == owner, Measure.stage == "defined")
        )
        if free:
            pending = select(GateRequest.measure_id).where(GateRequest.status == "pending")
            q = q.where(Node.id.not_in(pending))
        found = s.scalar(q.order_by(Node.id))
        assert found is not None, "the demo has a Defined measure for this test"
        return int(found)


def test_the_owner_requests_the_next_gate_from_the_workspace(page, live) -> None:  # type: ignore[no-untyped-def]
    mid = _defined_measure_of(live, "owner")
    sign_in(page, "owner")
    page.goto(f"/measures/{mid}")
    assert page.get_by_role("heading", name="Next gate: Identified").is_visible()
    assert page.get_by_test_id("impl-status").is_visible() and page.get_by_test_id("value-status").is_visible()
    assert page.get_by_test_id("values-recurring").is_visible()
    page.get_by_label("Note for the approvers (optional)").fill("Business case ready for the PMO")
    page.get_by_role("button", name="Request Identified").click()
    page.wait_for_url(f"**/measures/{mid}")
    assert "A request is pending" in page.get_by_role("region", name="Next gate: Identified").inner_text()
    assert "gate.request" in page.get_by_test_id("history").inner_text()
    assert page.console_errors == [], page.console_errors


def test_a_viewer_sees_the_workspace_but_no_request_button(page, live) -> None:  # type: ignore[no-untyped-def]
    mid = _defined_measure_of(live, "owner", free=False)
    sign_in(page, "viewer")
    page.goto(f"/measures/{mid}")
    assert page.get_by_test_id("history").is_visible()
    assert page.get_by_role("button", name="Request Identified").count() == 0
    assert page.get_by_role("button", name="Request Detailed").count() == 0


def test_someone_without_access_gets_a_clear_refusal(page, live) -> None:  # type: ignore[no-untyped-def]
    mid = _defined_measure_of(live, "owner", free=False)
    sign_in(page, "svcowner")
    response = page.goto(f"/measures/{mid}")
    assert response is not None and response.status == 404  # not theirs to see: as if it were not there
    assert "There is no measure" in page.get_by_role("alert").inner_text()
