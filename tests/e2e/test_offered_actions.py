"""A button is offered only when its action can succeed for this person now; otherwise the page says what is
missing and where. Each rule is checked as the persona it concerns, through the ASGI app with a signed-in browser
session (no JavaScript), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TODAY
from tests.factory import World, build_world
from tests.webclient import Browser
from valuegate.app import create_app
from valuegate.config import load_settings
from valuegate.context import on_day
from valuegate.feeds import actuals
from valuegate.feeds import service as feeds
from valuegate.finance import service as finance
from valuegate.gates import service as gates
from valuegate.portfolio import service as portfolio

REQUEST_BUTTON = re.compile(r'<button type="submit">Request ([^<]+)</button>')


@pytest.fixture
def web(db, session) -> tuple[World, Callable[[str], Browser]]:  # type: ignore[no-untyped-def]
    w = build_world(session)
    named = {"owner_id": w.ids["owner"], "sponsor_id": w.ids["sponsor"], "controller_id": w.ids["controller"]}
    w.ids["named"] = w.measure("Named measure", **named)
    w.ids["bare"] = portfolio.create_node(
        session,
        actor=w["pmo"],
        kind="measure",
        name="Measure without an estimate",
        parent_id=w.ids["project"],
        org_unit_id=w.ids["ou_fin"],
    ).id
    w.ids["done"] = w.measure("Implemented measure", **named)
    w.advance(w.ids["done"], "implemented")
    session.commit()
    app = create_app(load_settings(db.url), db=db, today=TODAY)

    def browser(login: str) -> Browser:
        return Browser(TestClient(app), login)

    return w, browser


def card(html: str, element_id: str) -> str:
    """The HTML of the element with this id, up to the end of its <article> or <section>."""
    start = html.index(f'id="{element_id}"')
    start = max(html.rfind("<article", 0, start), html.rfind("<section", 0, start))
    end = min(i for i in (html.find("</article>", start), html.find("</section>", start)) if i != -1)
    return html[start:end]


def test_a_gate_is_offered_only_when_its_criteria_are_met(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    owner = browser("owner")
    page = owner.get(f"/measures/{w.ids['bare']}").text
    assert REQUEST_BUTTON.search(page) is None, "a request that would be refused is not offered"
    assert 'enter an annualised value estimate — <a href="#case">in the business case</a>' in page
    assert 'data-testid="why-no-request"' in page and "once everything above is done" in page

    page = owner.get(f"/measures/{w.ids['named']}").text
    found = REQUEST_BUTTON.search(page)
    assert found is not None and found.group(1) == "Identified"
    r = owner.post(f"/measures/{w.ids['named']}/gate-requests", {"to_stage": "identified"})
    assert r.status_code == 303, r.text[:500]

    # A reader may not request it: no button, and the page says who does.
    page = browser("viewer").get(f"/measures/{w.ids['bare']}").text
    assert REQUEST_BUTTON.search(page) is None
    assert "owner or sponsor, a lead of its project, or the PMO requests this gate" in page


def test_the_owner_is_not_offered_to_request_closed(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    mid = w.ids["done"]
    page = browser("owner").get(f"/measures/{mid}").text
    assert "Request Closed" not in page and 'value="closed"' not in page
    closing = card(page, "next-gate")
    assert "Closing is not requested" in closing and "Controller" in closing  # the controller's name
    assert "Sign off the verified value" not in closing, "only the controller signs off"

    # The controller cannot sign off yet: there are no actuals to confirm; the page says so and where.
    controller = browser("controller")
    closing = card(controller.get(f"/measures/{mid}").text, "next-gate")
    assert "recurring actuals to confirm" in closing and 'href="#figures"' in closing
    assert "Sign off the verified value" not in closing
    sign_off = controller.get(f"/measures/{mid}/sign-off").text
    assert "Sign off and close" not in sign_off and "recurring actuals to confirm" in sign_off

    finance.set_values(
        w.s,
        actor=w["controller"],
        measure_id=mid,
        series="actual",
        entries=[finance.Entry("recurring", "2026-05", 1100)],
        values_version=w.version(mid),
    )
    w.s.commit()
    closing = card(controller.get(f"/measures/{mid}").text, "next-gate")
    assert f'href="/measures/{mid}/sign-off">Sign off the verified value' in closing
    assert "Sign off and close" in controller.get(f"/measures/{mid}/sign-off").text


def test_approve_is_offered_only_to_whom_it_can_succeed_for(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    # The owner asks to close through the API's plain request: only the controller's sign-off can approve it.
    closing = gates.request_move(w.s, actor=w["owner"], measure_id=w.ids["done"], to_stage="closed")
    w.s.commit()
    inbox = browser("controller").get("/inbox").text
    decision = card(inbox, f"decision-{closing.id}")
    approve, reject, defer = (f'formaction="/inbox/{closing.id}/{d}"' for d in ("approve", "reject", "defer"))
    assert approve not in decision, "a plain approval of a closing is always refused"
    assert f'href="/measures/{w.ids["done"]}/sign-off"' in decision
    assert reject in decision and defer in decision

    # People who are not its approvers have nothing to decide.
    for login in ("owner", "viewer", "auditor", "outsider"):
        page = browser(login).get("/inbox").text
        assert 'formaction="/inbox/' not in page, login
        assert f'id="decision-{closing.id}"' not in page, login


def test_the_sponsor_is_told_an_approval_needs_a_rationale(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    mid = w.ids["named"]
    w.advance(mid, "detailed")
    req = gates.request_move(w.s, actor=w["owner"], measure_id=mid, to_stage="decided")
    w.s.commit()
    sponsor = browser("sponsor")
    decision = card(sponsor.get("/inbox").text, f"decision-{req.id}")
    assert (
        f'formaction="/inbox/{req.id}/approve"' in decision and "approve with your rationale in the comment" in decision
    )
    r = sponsor.post(f"/inbox/{req.id}/approve", {"comment": "Pays back in a year"})
    assert r.status_code == 303, r.text[:500]


CONTRACT = [
    {"name": "CostCenter", "type": "string", "required": True, "nullable": False},
    {"name": "Amount", "type": "decimal", "required": True, "nullable": False},
]


def test_proposed_actuals_are_decided_only_by_who_may_enter_actuals(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    mid = w.ids["named"]
    feed = feeds.register_feed(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        name="GL actuals",
        channel="system",
        due_business_day=5,
        contract=CONTRACT,
        owner_id=w.ids["owner"],
        key_columns=["CostCenter"],
        amount_column="Amount",
    )
    actuals.add_rule(
        w.s,
        actor=w["pmo"],
        feed_id=feed.id,
        match={"CostCenter": "CC-410"},
        measure_id=mid,
        owner_id=w.ids["controller"],
        rationale="Cloud costs are booked on CC-410",
    )
    with on_day(w.s, date(2026, 6, 4)):
        feeds.submit(
            w.s,
            actor=w["owner"],
            feed_id=feed.id,
            period="2026-05",
            filename="gl.csv",
            data=b"CostCenter,Amount\nCC-410,1200.40\n",
        )
    w.s.commit()
    url = f"/portfolio/{w.ids['project']}/feeds"
    for login in ("owner", "sponsor", "viewer"):  # the owner leads the project, yet actuals are not theirs
        table = card(browser(login).get(url).text, "ledger-h")
        assert "Named measure" in table, login
        assert "/feeds/proposals/" not in table and "for the measure's controller or finance" in table, login
    for login in ("controller", "finance"):
        table = card(browser(login).get(url).text, "ledger-h")
        assert "/feeds/proposals/" in table and "Record" in table, login
