"""Web forms a person can get wrong (or forge): a clear message, the right status, and nothing changed.

Runs on SQLite and PostgreSQL through the ASGI app with a signed-in browser session (no JavaScript).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import TODAY
from tests.e2e.test_bad_input import _state
from tests.factory import World, build_world
from tests.webclient import Browser
from valuegate.app import create_app
from valuegate.config import load_settings
from valuegate.finance.service import current_values
from valuegate.portfolio.models import Node


@pytest.fixture
def web(db, session) -> tuple[World, Callable[[str], Browser]]:  # type: ignore[no-untyped-def]
    w = build_world(session)
    w.ids["m"] = w.measure("Grid measure")
    session.commit()
    app = create_app(load_settings(db.url), db=db, today=TODAY)

    def browser(login: str) -> Browser:
        return Browser(TestClient(app), login)

    return w, browser


def _version(w: World, mid: int) -> str:
    version = w.version(mid)
    w.s.commit()  # the test's own session must not hold the database while the app writes
    return str(version)


def _refused(w: World, b: Browser, url: str, data: dict[str, str], status: int, words: str, **kw: Any) -> str:
    before = _state(w)
    r = b.post(url, data, **kw)
    assert r.status_code == status, f"want {status}, got {r.status_code}: {r.text[:400]}"
    assert r.headers["content-type"].startswith("text/html")
    assert words in r.text, r.text[:2000]
    assert _state(w) == before, "a refused form changed something"
    return str(r.text)


def test_the_grid_saves_without_javascript(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    mid = w.ids["m"]
    b = browser("owner")
    b.get(f"/measures/{mid}")
    r = b.post(
        f"/measures/{mid}/values",
        {
            "values_version": _version(w, mid),
            "v.forecast.recurring.2026-07": "1 500",
            "was.forecast.recurring.2026-07": "",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == f"/measures/{mid}#figures"
    w.s.commit()
    assert current_values(w.s, [mid])[mid][("forecast", "recurring")] == {"2026-07": 150_000}


def test_the_grid_refuses_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    mid = w.ids["m"]
    url = f"/measures/{mid}/values"
    owner = browser("owner")
    owner.get(f"/measures/{mid}")
    version = _version(w, mid)

    def cell(series: str, text: str, was: str = "", period: str = "2026-07", kind: str = "recurring") -> dict[str, str]:
        return {f"v.{series}.{kind}.{period}": text, f"was.{series}.{kind}.{period}": was}

    _refused(w, owner, url, {"values_version": version, **cell("plan", "ten")}, 422, "not amounts")
    _refused(w, owner, url, {"values_version": version, **cell("plan", "1.234")}, 422, "more than two decimals")
    _refused(w, owner, url, {"values_version": version, **cell("plan", "1e400")}, 422, "not amounts")
    _refused(
        w, owner, url, {"values_version": version, **cell("plan", "-5", kind="one_time_cost")}, 422, "positive amount"
    )
    _refused(w, owner, url, {"values_version": version, **cell("plan", "10", period="2026-13")}, 422, "unknown cell")
    _refused(w, owner, url, {"values_version": version, **cell("baseline", "10")}, 422, "unknown cell")
    _refused(w, owner, url, {"values_version": version, **cell("plan", "10", was="x")}, 422, "damaged")
    _refused(w, owner, url, cell("plan", "10"), 422, "without its version")
    # Unchanged cells only: nothing to save.
    _refused(w, owner, url, {"values_version": version, **cell("plan", "10", was="1000")}, 422, "no figure was changed")
    # A stale version: refused, and the grid (htmx) keeps what the person typed.
    html = _refused(
        w, owner, url, {"values_version": "1", **cell("forecast", "777")}, 409, "while you were editing", htmx=True
    )
    assert 'value="777"' in html and "<html" not in html
    # Actuals belong to the controller: a forged actual cell from the owner is refused whole.
    _refused(
        w, owner, url, {"values_version": version, **cell("forecast", "5"), **cell("actual", "5")}, 403, "controller"
    )
    # No CSRF token: refused before anything is read.
    _refused(w, owner, url, {"values_version": version, **cell("forecast", "5")}, 403, "expired", csrf=False)
    # A reader has no inputs and may not post figures.
    viewer = browser("viewer")
    page = viewer.get(f"/measures/{mid}").text
    assert 'name="v.' not in page
    _refused(w, viewer, url, {"values_version": version, **cell("forecast", "5")}, 403, "may not")


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/portfolio?node_id=abc", 422, "must be a number"),
        ("/portfolio?node_id=987654", 404, "no node"),
        ("/portfolio/987654/children", 404, "no node"),
        ("/portfolio/{project}/children?depth=x", 422, "depth"),
        ("/measures?stage=nirvana", 422, "Unknown stage"),
        ("/measures?impl_status=fine", 422, "Unknown implementation status"),
        ("/measures?value_status=purple", 422, "Unknown value status"),
        ("/measures?page=0", 422, "page is a whole number"),
        ("/measures?node_id=1&org_unit_id=1", 422, "exactly one"),
        ("/measures/{m}/grid?extend=x", 422, "extend"),
        ("/?as_of=yesterday", 422, "date such as"),
        ("/?as_of=2020-01-31", 422, "no snapshot"),
        ("/?bridge_from=2020-01-31", 422, "no snapshot"),
        ("/dependencies?node_id=x", 422, "must be a number"),
        ("/dependencies?node_id={m}", 422, "a measure shows its links"),
        ("/dependencies?limit=0", 422, "limit"),
        ("/dependencies?node_id=987654", 404, "no node"),
    ],
)
def test_filters_a_person_can_get_wrong(web, url: str, status: int, words: str) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    r = browser("pmo").get(url.format(**w.ids))
    assert r.status_code == status, r.text[:500]
    assert words.lower() in r.text.lower(), r.text[:2000]


def test_pages_refuse_people_outside_the_scope(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    outsider = browser("outsider")
    for url in (
        f"/portfolio?node_id={w.ids['project']}",
        f"/portfolio/{w.ids['project']}/children",
        f"/measures?node_id={w.ids['project']}",
        f"/dependencies?node_id={w.ids['project']}",
        f"/measures/{w.ids['m']}/grid",
    ):
        r = outsider.get(url)
        assert r.status_code == 404, (url, r.status_code)  # not theirs to see: as if it were not there
        assert "Project" not in r.text.split("<main", 1)[-1], url
    # What they may see is empty rather than an error.
    assert "nothing in the portfolio you may see" in outsider.get("/portfolio").text
    assert "0 measures" in outsider.get("/measures").text


def test_business_case_forms_refuse_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    mid, project = w.ids["m"], w.ids["project"]
    owner = browser("owner")
    owner.get(f"/measures/{mid}")
    w.s.expire_all()
    version = str(w.s.get(Node, mid).version)  # type: ignore[union-attr]
    w.s.commit()
    new = f"/portfolio/{project}/measures/new"
    html = _refused(w, owner, new, {"name": " ", "annual_estimate": "1000"}, 422, "is required")
    _beside(html, "measure", "name", "is required")
    assert 'value="1000"' in html, "the amount is shown as typed, not in cents"
    html = _refused(w, owner, new, {"name": "Lots", "annual_estimate": "lots"}, 422, "not an amount")
    _beside(html, "measure", "annual_estimate", "not an amount")
    assert 'value="Lots"' in html and 'value="lots"' in html, "what the person typed is kept"
    html = _refused(w, owner, new, {"name": "Kept", "controller_id": str(w.ids["owner"])}, 422, "controller")
    assert 'value="Kept"' in html, "what the person typed is kept"
    _refused(w, owner, new, {"name": "X", "sponsor_id": "987654"}, 404, "does not exist")
    _refused(w, owner, f"/portfolio/{w.ids['portfolio']}/measures/new", {"name": "X"}, 404, "no project")
    _refused(w, browser("viewer"), new, {"name": "X"}, 403, "may not")

    case = f"/measures/{mid}/case"
    html = _refused(w, owner, case, {"version": version, "annual_estimate": "1.234"}, 422, "more than two decimals")
    _beside(html, "case", "annual_estimate", "more than two decimals")
    assert 'value="1.234"' in html, "what the person typed is kept"
    _refused(w, owner, case, {"version": "1" if version != "1" else "99", "description": "New"}, 409, "changed by")
    _refused(w, owner, case, {"description": "New"}, 422, "version: is required")

    ms = f"/measures/{mid}/milestones"
    html = _refused(w, owner, ms, {"name": "Go-live", "due_on": "next week"}, 422, "date such as")
    _beside(html, "milestone", "due_on", "date such as")
    assert 'value="Go-live"' in html, "what the person typed is kept"
    _beside(_refused(w, owner, ms, {"name": " ", "due_on": "2026-09-30"}, 422, "is required"), "milestone", "name", "")
    _refused(w, browser("viewer"), ms, {"name": "Go-live", "due_on": "2026-09-30"}, 403, "may not")


def test_meeting_forms_refuse_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    pmo = browser("pmo")
    pmo.get("/meetings")
    html = _refused(w, pmo, "/meetings", {"title": "Steering", "held_on": "soon"}, 422, "date such as")
    _beside(html, "meeting", "held_on", "date such as")
    assert 'value="Steering"' in html and 'value="soon"' in html, "what was typed is kept"
    html = _refused(w, pmo, "/meetings", {"title": " ", "held_on": "2026-07-01"}, 422, "required")
    _beside(html, "meeting", "title", "required")
    _refused(w, pmo, "/meetings", {"title": "S", "held_on": "2026-07-01", "attendee_ids": "x"}, 422, "number")
    _refused(w, browser("owner"), "/meetings", {"title": "S", "held_on": "2026-07-01"}, 403, "may not")
    r = pmo.post("/meetings", {"title": "Steering", "held_on": "2026-07-01", "node_id": str(w.ids["portfolio"])})
    assert r.status_code == 303
    url = r.headers["location"] + "/decisions"
    w.s.commit()
    html = _refused(w, pmo, url, {"outcome": "note", "text": " "}, 422, "required")
    _beside(html, "note", "text", "required")
    _refused(w, pmo, url, {"outcome": "approve", "text": "Yes"}, 422, "can only be noted")
    _refused(w, pmo, url, {"outcome": "maybe", "text": "Hm"}, 422, "must be one of")
    _refused(w, pmo, url, {"outcome": "defer", "text": "Later", "gate_request_id": "987654"}, 404, "no gate request")
    _refused(w, pmo, url, {"outcome": "approve", "text": "Yes", "gate_request_id": "987654"}, 404, "no gate request")
    _refused(w, browser("viewer"), url, {"outcome": "note", "text": "Psst"}, 403, "may not")


def test_administration_forms_refuse_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    admin, pmo, owner = browser("admin"), browser("pmo"), browser("owner")
    person = {"name": "Nora", "login": "nora", "password": "short"}
    html = _refused(w, admin, "/admin/people", person, 422, "12 characters")
    assert 'value="Nora"' in html, "what was typed is kept"
    assert 'id="person-problem"' in html, "the problem is inside the form that was refused"
    _refused(w, admin, "/admin/people", {**person, "login": "owner", "password": "long-enough-phrase"}, 409, "taken")
    _beside(_refused(w, admin, "/admin/people", {"name": " "}, 422, "is required"), "person", "name", "is required")
    _refused(w, admin, "/admin/people", {"name": "X", "global_role": "emperor"}, 422, "role")
    html = _refused(w, admin, "/admin/people", {"name": "Xena", "org_unit_id": "north"}, 422, "whole number")
    _beside(html, "person", "org_unit_id", "whole number")
    assert 'value="Xena"' in html, "what was typed is kept"
    _refused(w, pmo, "/admin/people", {"name": "X"}, 403, "may not")
    owner_id = w.ids["owner"]
    html = _refused(w, admin, f"/admin/people/{owner_id}", {"version": "99", "active": "yes"}, 409, "changed by")
    assert f'id="person-{owner_id}-problem"' in html, "the problem is inside the row's form"
    html = _refused(w, admin, f"/admin/people/{owner_id}/sign-in", {"login": "", "password": "x"}, 422, "is required")
    _beside(html, f"sign-in-{owner_id}", "login", "is required")

    html = _refused(w, pmo, "/admin/org-units", {"name": " ", "kind": "finance"}, 422, "is required")
    _beside(html, "org-unit", "name", "is required")
    html = _refused(w, pmo, "/admin/org-units", {"name": "Treasury", "kind": "finance", "parent_id": "x"}, 422, "whole")
    _beside(html, "org-unit", "parent_id", "whole number")
    assert 'value="Treasury"' in html, "what was typed is kept"
    _refused(w, owner, "/admin/org-units", {"name": "X", "kind": "finance"}, 403, "may not")

    html = _refused(w, pmo, "/admin/services", {"name": "Billing", "owner_id": ""}, 422, "is required")
    _beside(html, "service", "owner_id", "is required")
    assert 'value="Billing"' in html, "what was typed is kept"
    _refused(w, pmo, "/admin/services", {"name": "S", "owner_id": "987654"}, 404, "no person")

    gate = "/admin/gates/detailed"
    html = _refused(w, pmo, gate, {"version": "1", "approvals": " ; "}, 422, "at least one approver")
    _beside(html, "gate-detailed", "approvals", "at least one approver")
    html = _refused(w, pmo, gate, {"version": "1", "approvals": "king"}, 422, "Each approval slot")
    assert 'value="king"' in html, "what was typed is kept"
    _refused(w, pmo, gate, {"version": "1", "approvals": "controller", "criteria": "vibes"}, 422, "Unknown criteria")
    _refused(w, pmo, gate, {"version": "99", "approvals": "controller"}, 409, "changed by")
    _refused(w, pmo, "/admin/gates/closed", {"version": "1", "approvals": "sponsor"}, 422, "controller's sign-off")
    html = _refused(w, pmo, "/admin/gates/stages/identified", {"version": "1", "label": " "}, 422, "is required")
    _beside(html, "stage-identified", "label", "is required")
    _refused(w, owner, gate, {"version": "1", "approvals": "controller"}, 403, "may not")
    # Opening a form's address (a reload after a refusal) leads to its page.
    r = pmo.client.get("/admin/gates/stages/identified", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/gates"

    deputy = {"delegator_id": str(w.ids["sponsor"]), "deputy_id": str(w.ids["sponsor"])}
    dates = {"starts_on": "2026-07-01", "ends_on": "2026-07-10"}
    _refused(w, pmo, "/admin/delegations", {**deputy, **dates}, 422, "own deputy")
    html = _refused(w, pmo, "/admin/delegations", {**deputy, "starts_on": "July"}, 422, "date such as")
    _beside(html, "delegation", "starts_on", "date such as")
    assert 'value="July"' in html, "what was typed is kept"
    _refused(w, pmo, "/admin/delegations/987654/end", {}, 404, "no delegation")

    grant = f"/portfolio/{w.ids['project']}/grants"
    _refused(w, pmo, grant, {"person_id": str(w.ids["viewer"]), "role": "emperor"}, 422, "must be one of")
    html = _refused(w, pmo, grant, {"person_id": "", "role": "reader"}, 422, "is required")
    _beside(html, "grant", "person_id", "is required")
    html = _refused(w, pmo, grant, {"person_id": "someone", "role": "reader"}, 422, "whole number")
    _beside(html, "grant", "person_id", "whole number")
    assert '<option value="reader" selected>' in html, "what was chosen is kept"
    _refused(w, browser("viewer"), grant, {"person_id": str(w.ids["viewer"]), "role": "reader"}, 403, "may not")


def test_inbox_decisions_in_place_refuse_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    from valuegate.gates import service as gates

    req = gates.request_move(w.s, actor=w["owner"], measure_id=w.ids["m"], to_stage="identified")
    w.s.commit()
    url = f"/inbox/{req.id}"
    pmo = browser("pmo")
    html = _refused(w, pmo, f"{url}/reject", {"comment": " "}, 422, "comment", htmx=True)
    assert 'id="decision-' in html and "<html" not in html, "the card comes back, not a page"
    html = _refused(w, pmo, f"{url}/defer", {"until": "soon", "comment": "Later"}, 422, "date such as", htmx=True)
    _beside(html, f"decide-{req.id}", "until", "date such as")
    assert 'value="soon"' in html and ">Later</textarea>" in html, "what was typed is kept"
    html = _refused(w, pmo, f"{url}/defer", {"until": "2026-09-30", "comment": ""}, 422, "required", htmx=True)
    _beside(html, f"decide-{req.id}", "comment", "required")
    _refused(w, browser("viewer"), f"{url}/approve", {}, 403, "not", htmx=True)
    # Without JavaScript, a refusal draws the inbox again with the problem beside its field.
    html = _refused(w, pmo, f"{url}/defer", {"until": "soon", "comment": "Later"}, 422, "date such as")
    assert "<html" in html
    _beside(html, f"decide-{req.id}", "until", "date such as")
    r = pmo.post(f"{url}/approve", {"comment": "Fine"}, htmx=True)
    assert r.status_code == 200 and "Approved" in r.text and 'hx-swap-oob="true"' in r.text
    _refused(w, pmo, f"{url}/approve", {}, 409, "already", htmx=True)
    r = pmo.client.get(f"{url}/approve", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/inbox"


def test_stakeholder_form_refuses_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    url = f"/portfolio/{w.ids['project']}/change/stakeholders"
    ok = {
        "person_id": str(w.ids["viewer"]),
        "power": "4",
        "interest": "4",
        "influence": "3",
        "legitimacy": "3",
        "urgency": "2",
        "current_engagement": "neutral",
        "desired_engagement": "supportive",
    }
    owner = browser("owner")  # leads the project
    html = _refused(w, owner, url, {**ok, "person_id": ""}, 422, "is required")
    _beside(html, "stakeholder", "person_id", "is required")
    _refused(w, owner, url, {**ok, "person_id": "987654"}, 404, "no person")
    html = _refused(w, owner, url, {**ok, "power": "high"}, 422, "whole number")
    _beside(html, "stakeholder", "power", "whole number")
    assert 'value="high"' in html and 'value="4"' in html, "what was typed is kept"
    _refused(w, owner, url, {**ok, "interest": "7"}, 422, "not valid")
    _refused(w, owner, url, {**ok, "current_engagement": "hostile"}, 422, "must be one of")
    _refused(w, browser("sponsor"), url, ok, 403, "may not")
    other = f"/portfolio/{w.ids['portfolio']}/change/stakeholders"
    _refused(w, browser("pmo"), other, ok, 422, "program or a project")
    _refused(w, owner, other, ok, 404, "There is no node")
    # Opening a form's address (a reload after a refusal, a bookmark) leads to its page, not to an error.
    r = owner.client.get(url, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/portfolio/{w.ids['project']}/change"


def _beside(html: str, form: str, field: str, words: str) -> None:
    """The problem is drawn beside its field (described by it, and the field marked invalid), not only at the top."""
    span = f'<span class="field-error" id="{form}-{field}-error">'
    assert span in html, f"no error beside {form}.{field}"
    assert words in html.split(span, 1)[1].split("</span>", 1)[0]
    assert f'aria-describedby="{form}-{field}-error"' in html


def _change_setup(w: World) -> dict[str, int]:
    from datetime import timedelta

    from valuegate.change import service as change
    from valuegate.comms import service as comms
    from valuegate.feedback import service as feedback

    project = w.ids["project"]
    group = change.add_group(w.s, actor=w["pmo"], node_id=project, name="AP", size=30).id
    item = comms.plan_message(
        w.s,
        actor=w["pmo"],
        node_id=project,
        audience_group_id=group,
        key_message="Why",
        message_type="business_reason",
        channel="town_hall",
        messenger_role="sponsor",
        planned_on=TODAY - timedelta(days=7),
        recurrence="weekly",
    )
    fb = feedback.raise_feedback(w.s, actor=w["viewer"], node_id=project, text="Slow form")
    w.s.commit()
    return {"group": group, "item": item.id, "feedback": fb.id, "feedback_version": fb.version}


def test_communication_forms_refuse_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    ids = _change_setup(w)
    url = f"/portfolio/{w.ids['project']}/change/communication"
    ok = {
        "audience_group_id": str(ids["group"]),
        "key_message": "What changes for you",
        "message_type": "personal_impact",
        "channel": "team_meeting",
        "messenger_role": "people_manager",
        "planned_on": str(TODAY),
        "recurrence": "fortnightly",
        "repetition_target": "5",
    }
    owner = browser("owner")
    plan = f"{url}/messages"
    page = _refused(w, owner, plan, {**ok, "recurrence": "every other tuesday"}, 422, "is not a recurrence rule")
    assert 'value="What changes for you"' in page, "what was typed is shown again"
    _refused(w, owner, plan, {**ok, "recurrence": "FREQ=HOURLY"}, 422, "at most daily")
    page = _refused(w, owner, plan, {**ok, "audience_group_id": ""}, 422, "is required")
    _beside(page, "message", "audience_group_id", "is required")
    page = _refused(w, owner, plan, {**ok, "planned_on": "next week"}, 422, "date")
    _beside(page, "message", "planned_on", "date")
    assert 'value="next week"' in page and 'value="What changes for you"' in page, "what was typed is kept"
    _beside(
        _refused(w, owner, plan, {**ok, "repetition_target": "many"}, 422, "whole number"),
        "message",
        "repetition_target",
        "whole number",
    )
    _refused(w, owner, plan, {**ok, "repetition_target": "9"}, 422, "5 to 7 times")
    _refused(w, owner, plan, {**ok, "message_type": "gossip"}, 422, "must be one of")
    _refused(w, browser("viewer"), plan, ok, 403, "may not")
    sent = f"{url}/{ids['item']}/sent"
    _refused(w, owner, sent, {"occurrence_on": str(TODAY.replace(day=14))}, 422, "not one of this communication")
    _refused(w, owner, sent, {"occurrence_on": "yesterday"}, 422, "date")
    r = owner.post(plan, ok)
    assert r.status_code == 303 and r.headers["location"] == url
    r = owner.client.get(plan, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == url


def test_feedback_forms_refuse_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from valuegate.feedback.models import AnonymousResponse

    w, browser = web
    ids = _change_setup(w)
    project = w.ids["project"]
    viewer = browser("viewer")
    url = f"/portfolio/{project}/feedback"
    _refused(w, viewer, f"{url}/check-ins", {"desire": "7"}, 422, "from 1 to 5")
    html = _refused(w, viewer, f"{url}/check-ins", {"desire": "lots", "blocker": "No sandbox"}, 422, "whole number")
    _beside(html, "check_in", "desire", "whole number")
    assert 'value="lots"' in html and "No sandbox</textarea>" in html, "what was typed is kept"
    _refused(w, viewer, f"{url}/check-ins", {}, 422, "at least one of the pulse questions")
    _refused(w, viewer, f"{url}/open", {"text": "  "}, 422, "is required")
    _beside(_refused(w, viewer, f"{url}/open", {"text": ""}, 422, "is required"), "feedback", "text", "is required")
    _refused(w, viewer, f"{url}/open", {"text": "x", "group_id": "987654"}, 404, "no audience group")
    r = viewer.client.get(f"{url}/open", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == url

    def anonymous() -> int:
        w.s.commit()
        n = int(w.s.scalar(select(func.count()).select_from(AnonymousResponse)) or 0)
        w.s.commit()
        return n

    before = anonymous()
    anon = f"/portfolio/{project}/feedback/anonymous/responses"
    _refused(w, viewer, anon, {"desire": "0", "comment": "hi"}, 422, "from 1 to 5")
    html = _refused(w, viewer, anon, {"desire": "some", "comment": "hi"}, 422, "whole number")
    _beside(html, "anonymous", "desire", "whole number")
    assert ">hi</textarea>" in html, "what was typed is kept"
    _refused(w, viewer, anon, {"comment": " "}, 422, "an empty response is not stored")
    _refused(w, viewer, anon, {"comment": "x" * 4001}, 422, "at most 4000 characters")
    assert anonymous() == before
    r = viewer.post(anon, {"desire": "4", "comment": "Better than before", "group_id": str(ids["group"])})
    assert r.status_code == 303 and anonymous() == before + 1
    assert r.headers["location"] == f"/portfolio/{project}/feedback/anonymous?sent=1"

    respond = f"/portfolio/{project}/change/feedback/open/{ids['feedback']}"
    pmo = browser("pmo")
    data = {"version": str(ids["feedback_version"]), "you_said": "Slow form", "action": "close"}
    _refused(w, pmo, respond, data, 422, "both are published")
    html = _refused(w, pmo, respond, {**data, "you_said": "x" * 4001, "we_did": "Faster"}, 422, "4000")
    _beside(html, f"respond-open-{ids['feedback']}", "you_said", "4000")
    assert 'value="Faster"' in html, "what was typed is kept"
    secret = f"/portfolio/{project}/change/feedback/secret/1"
    _refused(w, pmo, secret, {"version": "1", "action": "save"}, 422, "open or anonymous")
    _refused(w, viewer, respond, {**data, "we_did": "Faster"}, 403, "may not")


def test_adoption_and_network_forms_refuse_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    ids = _change_setup(w)
    project = w.ids["project"]
    owner = browser("owner")
    url = f"/portfolio/{project}/change/adoption"
    ok = {
        "name": "Active",
        "kind": "active_users",
        "system": "erp",
        "target": "60 %",
        "window_days": "30",
        "min_active_days": "3",
        "collection_method": "event_stream",
    }
    define = f"{url}/metrics"
    html = _refused(w, owner, define, {**ok, "target": "most"}, 422, "must be a number")
    _beside(html, "metric", "target", "must be a number")
    assert 'value="most"' in html and 'value="Active"' in html, "what was typed is kept"
    _refused(w, owner, define, {**ok, "target": "1.5"}, 422, "a share between 0 and 1")
    _refused(w, owner, define, {**ok, "window_days": "0"}, 422, "1 to 365 days")
    html = _refused(w, owner, define, {**ok, "window_days": "a month"}, 422, "whole number")
    _beside(html, "metric", "window_days", "whole number")
    _refused(w, owner, define, {**ok, "kind": "breadth"}, 422, "list the key events")
    _refused(w, owner, define, {**ok, "system": ""}, 422, "which system")
    _refused(w, browser("viewer"), define, ok, 403, "may not")
    r = owner.post(define, ok)
    assert r.status_code == 303 and r.headers["location"] == url

    net = f"/portfolio/{project}/change/network"
    champion = {
        "person_id": str(w.ids["viewer"]),
        "group_id": str(ids["group"]),
        "time_percent": "10",
        "design_involvement": "Reviews the screens",
    }
    html = _refused(w, owner, f"{net}/champions", {**champion, "person_id": ""}, 422, "is required")
    _beside(html, "champion", "person_id", "is required")
    assert 'value="Reviews the screens"' in html, "what was typed is kept"
    _refused(w, owner, f"{net}/champions", {**champion, "time_percent": "150"}, 422, "0 to 100 percent")
    html = _refused(w, owner, f"{net}/champions", {**champion, "time_percent": "a lot"}, 422, "whole number")
    _beside(html, "champion", "time_percent", "whole number")
    assert 'value="a lot"' in html
    legacy = {
        "name": "Status mail",
        "kind": "email_routine",
        "replacement": "Cockpit",
        "retire_by": "soon",
    }
    html = _refused(w, owner, f"{net}/legacy", legacy, 422, "date")
    _beside(html, "legacy", "retire_by", "date")
    assert 'value="Status mail"' in html, "what was typed is kept"
    _refused(w, owner, f"{net}/legacy", {**legacy, "retire_by": str(TODAY), "replacement": ""}, 422, "required")
    _refused(w, owner, f"{net}/legacy/987654", {"version": "1", "status": "retired"}, 404, "no legacy item")
    r = owner.client.get(f"{net}/legacy", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == net


def test_workstream_forms_refuse_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    from valuegate.change import service as change

    w, browser = web
    ids = _change_setup(w)
    project = w.ids["project"]
    sh = change.add_stakeholder(
        w.s,
        actor=w["pmo"],
        node_id=project,
        person_id=w.ids["viewer"],
        power=4,
        interest=4,
        influence=3,
        legitimacy=3,
        urgency=2,
        current_engagement="neutral",
        desired_engagement="supportive",
    )
    item = change.raise_resistance(w.s, actor=w["pmo"], node_id=project, objection="Too much work")
    w.s.commit()
    owner = browser("owner")
    url = f"/portfolio/{project}/change"
    html = _refused(w, owner, f"{url}/groups", {"name": "Sales", "size": "many"}, 422, "whole number")
    _beside(html, "group", "size", "whole number")
    _refused(w, owner, f"{url}/groups", {"name": "AP", "size": "5"}, 409, "already has an audience group")
    adkar = {
        "subject": f"stakeholder:{sh.id}",
        "awareness": "4",
        "desire": "2",
        "knowledge": "3",
        "ability": "3",
        "reinforcement": "2",
    }
    _refused(w, owner, f"{url}/adkar", {**adkar, "desire": "6"}, 422, "ADKAR scores run from 1 to 5")
    _beside(_refused(w, owner, f"{url}/adkar", {**adkar, "desire": "low"}, 422, "whole number"), "adkar", "desire", "")
    html = _refused(w, owner, f"{url}/adkar", {**adkar, "subject": ""}, 422, "Assess either a stakeholder or")
    assert 'id="adkar-problem"' in html, "the problem is shown in the form that was posted"
    _refused(w, owner, f"{url}/adkar", {**adkar, "subject": "group:987654"}, 404, "no such audience group")
    assess_url, assess = f"{url}/stakeholders/{sh.id}", {"version": str(sh.version)}
    _refused(w, owner, assess_url, {**assess, "current_engagement": "hostile"}, 422, "must be one of")
    _refused(
        w, owner, assess_url, {**assess, "version": "99", "current_engagement": "leading"}, 409, "changed by someone"
    )
    _refused(w, owner, f"{url}/resistance", {"objection": " "}, 422, "required")
    _refused(
        w,
        owner,
        f"{url}/resistance",
        {"objection": "x", "channel": "anonymous", "raised_by_id": str(w.ids["viewer"])},
        422,
        "never names who raised it",
    )
    work_url, work = f"{url}/resistance/{item.id}", {"version": str(item.version)}
    _refused(w, owner, work_url, {**work, "tactic": "training"}, 422, "reason")
    _refused(
        w,
        owner,
        work_url,
        {**work, "underlying_reason": "lack_of_time", "adkar_element": "desire", "tactic": "training"},
        422,
        "not on desire",
    )
    _refused(w, browser("viewer"), f"{url}/groups", {"name": "HR", "size": "5"}, 403, "may not")
    r = owner.post(
        work_url,
        {
            **work,
            "underlying_reason": "lack_of_time",
            "adkar_element": "ability",
            "tactic": "coaching",
            "status": "mitigating",
        },
    )
    assert r.status_code == 303, r.text[:500]
    assert ids["group"]


def test_feed_upload_refuses_what_a_person_gets_wrong(web, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from valuegate.feeds import reading
    from valuegate.feeds import service as feeds

    w, browser = web
    project = w.ids["project"]
    feed = feeds.register_feed(
        w.s,
        actor=w["pmo"],
        node_id=project,
        name="GL",
        channel="manual",
        due_business_day=5,
        contract=[{"name": "CostCenter", "required": True, "nullable": False}],
        owner_id=w.ids["owner"],
    )
    w.s.commit()
    url = f"/portfolio/{project}/feeds/{feed.id}/submit"
    owner = browser("owner")
    owner.get(f"/portfolio/{project}/feeds")
    csv = {"file": ("gl.csv", b"CostCenter\nCC-1\n", "text/csv")}
    _refused(w, owner, url, {"period": "2026-05"}, 422, "Choose the file")
    _refused(w, owner, url, {"period": "May"}, 422, "a month such as 2026-05", files=csv)
    _refused(w, browser("viewer"), url, {"period": "2026-05"}, 403, "Only the feed&#39;s owner", files=csv)
    monkeypatch.setattr(reading, "MAX_BYTES", 10)
    _refused(w, owner, url, {"period": "2026-05"}, 413, "larger than the limit", files=csv)


def test_health_forms_refuse_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    from valuegate.health import catalogue
    from valuegate.health.models import Artefact

    w, browser = web
    project = w.ids["project"]
    catalogue.register(w.s, actor=w["pmo"], node_id=project, name="Showback", audience_size=20)
    w.s.commit()
    url = f"/portfolio/{project}/health"
    pmo = browser("pmo")
    page = pmo.get(url)
    assert page.status_code == 200 and "Showback" in page.text
    w.s.commit()
    html = _refused(w, pmo, f"{url}/profile", {"maturity_level": "seven"}, 422, "whole number")
    _beside(html, "profile", "maturity_level", "whole number")
    assert 'value="seven"' in html, "what was typed is kept"
    html = _refused(w, pmo, f"{url}/profile", {"maturity_level": "9"}, 422, "maturity level is 1 (initial) to 5")
    html = _refused(w, pmo, f"{url}/profile", {"analyst_fte": "lots"}, 422, "number")
    _beside(html, "profile", "analyst_fte", "number")
    html = _refused(w, pmo, f"{url}/profile", {"overrides": "w1_coverage_ok 0.5"}, 422, "name = number")
    _beside(html, "profile", "overrides", "name = number")
    assert "w1_coverage_ok 0.5</textarea>" in html, "what was typed is kept"
    _refused(w, pmo, f"{url}/profile", {"overrides": "w9 = 1"}, 422, "Unknown threshold")
    html = _refused(w, pmo, f"{url}/profile", {"live_on": "soon"}, 422, "date such as")
    _beside(html, "profile", "live_on", "date such as")
    html = _refused(
        w, pmo, f"{url}/artefacts", {"name": "", "kind": "report", "decisions": "Chargeback"}, 422, "required"
    )
    _beside(html, "artefact", "name", "required")
    assert 'value="Chargeback"' in html, "what was typed is kept"
    _refused(w, pmo, f"{url}/artefacts", {"name": "Showback", "kind": "report"}, 409, "already has an artefact")
    _refused(w, pmo, f"{url}/actions", {"detector": "W1", "play": "reconnect"}, 422, "required")
    _refused(
        w,
        pmo,
        f"{url}/actions",
        {"detector": "W3", "play": "reconnect", "owner_id": str(w.ids["owner"])},
        422,
        "raises nothing",
    )
    html = _refused(
        w,
        pmo,
        f"{url}/outcomes",
        {"good_looks_like": "Monthly showback", "part_0": "GL extract", "review_on": "2026-09-01"},
        422,
        "needs its owner",
    )
    _beside(html, "outcome", "part_owner_0", "needs its owner")
    assert 'value="GL extract"' in html and "Monthly showback</textarea>" in html, "what was typed is kept"
    _refused(
        w,
        pmo,
        f"{url}/outcomes",
        {
            "good_looks_like": "Monthly showback",
            "part_0": "GL extract",
            "part_owner_0": str(w.ids["owner"]),
            "review_on": "2026-09-01",
        },
        422,
        "Set at least one deliverable",
    )
    _refused(w, browser("viewer"), f"{url}/artefacts", {"name": "X", "kind": "report"}, 403, "may not manage")
    showback = w.s.scalar(select(Artefact.id).where(Artefact.name == "Showback"))
    w.s.commit()
    change_url, change = f"{url}/artefacts/{showback}", {"version": "1", "owner_id": ""}
    _refused(w, pmo, change_url, {**change, "status": "retired"}, 422, "Say why")
    _refused(w, pmo, change_url, {**change, "status": "gone", "status_reason": "x"}, 422, "status is one of")
    r = pmo.post(change_url, {**change, "status": "retirement_proposed", "status_reason": "Nobody opens it"})
    assert r.status_code == 303, r.text[:300]
    r = pmo.post(
        f"{url}/profile", {"maturity_level": "2", "live_on": "2026-03-01", "overrides": "w3_max_deferrals = 4"}
    )
    assert r.status_code == 303, r.text[:500]
    r = pmo.client.get(f"{url}/profile", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == url


def test_ledger_forms_refuse_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    from valuegate.feeds import actuals
    from valuegate.feeds import service as feeds

    w, browser = web
    project = w.ids["project"]
    feed = feeds.register_feed(
        w.s,
        actor=w["pmo"],
        node_id=project,
        name="GL",
        channel="system",
        due_business_day=5,
        contract=[{"name": "CostCenter", "required": True}, {"name": "Amount", "type": "decimal", "required": True}],
        amount_column="Amount",
    )
    actuals.add_rule(w.s, actor=w["pmo"], feed_id=feed.id, match={"CostCenter": "CC-1"}, measure_id=w.ids["m"])
    feeds.submit(
        w.s, actor=w["pmo"], feed_id=feed.id, period="2026-05", filename="gl.csv", data=b"CostCenter,Amount\nCC-1,5\n"
    )
    proposal = actuals.proposals(w.s, actor=w["pmo"], node_id=project)[0]
    w.s.commit()
    url = f"/portfolio/{project}/feeds"
    pmo = browser("pmo")
    assert "Proposed actuals waiting" in pmo.get(f"/portfolio/{project}/feeds").text
    rules, name = f"{url}/{feed.id}/rules", f"rule-{feed.id}"
    rule = {"match_CostCenter": "CC-2", "kind": "one_time_cost"}
    html = _refused(w, pmo, rules, {**rule, "measure_id": str(w.ids["m"]), "share": "half"}, 422, "number")
    _beside(html, name, "share", "number")
    assert 'value="half"' in html and 'value="CC-2"' in html, "what was typed is kept"
    _refused(w, pmo, rules, {**rule, "measure_id": str(w.ids["m"]), "share": "150"}, 422, "share is above 0")
    html = _refused(w, pmo, rules, rule, 422, "required")
    _beside(html, name, "measure_id", "required")
    _refused(w, pmo, rules, {**rule, "measure_id": str(w.ids["m"]), "match_CostCenter": ""}, 422, "Match at least one")
    decide, decision = f"{url}/proposals/{proposal['id']}", {"version": str(proposal["version"])}
    controller = browser("controller")
    html = _refused(w, controller, decide, {**decision, "decision": "correct", "amount": "7"}, 422, "Say why")
    assert 'value="7"' in html and f'id="proposal-{proposal["id"]}-problem"' in html, "kept, the problem in its form"
    _refused(w, controller, decide, {**decision, "decision": "dismiss"}, 422, "Say why")
    _refused(w, pmo, decide, {**decision, "decision": "confirm"}, 403, "controller or by finance")
    r = controller.post(decide, {**decision, "decision": "confirm"})
    assert r.status_code == 303, r.text[:500]
    notices = f"{url}/{feed.id}/notices"
    html = _refused(w, pmo, notices, {"period": "2026-06", "note": ""}, 422, "required")
    _beside(html, f"notice-{feed.id}", "note", "required")
    _refused(w, pmo, notices, {"period": "June", "note": "Renamed"}, 422, "a month such as 2026-05")
    _refused(w, pmo, notices, {"period": "2026-05", "note": "Renamed"}, 409, "already arrived")
    assert pmo.post(notices, {"period": "2026-06", "note": "Vendor column added"}).status_code == 303
    owner_url, owner = f"{url}/{feed.id}/owner", {"version": "1"}
    _refused(w, pmo, owner_url, {**owner, "owner_id": "987654"}, 404, "no person")
    _refused(w, controller, owner_url, {**owner, "owner_id": str(w.ids["owner"])}, 403, "may not manage")
    assert pmo.post(owner_url, {**owner, "owner_id": str(w.ids["owner"])}).status_code == 303
    _refused(w, pmo, owner_url, {**owner, "owner_id": str(w.ids["sponsor"])}, 409, "changed by someone else")
    r = pmo.client.get(rules, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == url


def test_a_decision_cites_the_artefacts_it_rests_on(web) -> None:  # type: ignore[no-untyped-def]
    from valuegate.decisions import service as decisions
    from valuegate.health import catalogue
    from valuegate.health.models import DecisionCitation

    w, browser = web
    project = w.ids["project"]
    report = catalogue.register(w.s, actor=w["pmo"], node_id=project, name="Showback report", audience_size=20)
    meeting = decisions.create_meeting(w.s, actor=w["pmo"], title="Steering", held_on=TODAY, node_id=project)
    w.s.commit()
    pmo = browser("pmo")
    page = pmo.get(f"/meetings/{meeting.id}")
    assert "Showback report (Project)" in page.text
    url = f"/meetings/{meeting.id}/decisions"
    _refused(
        w, pmo, url, {"outcome": "note", "text": "Reviewed", "artefact_ids": "x"}, 422, "artefact must be a number"
    )
    _refused(w, pmo, url, {"outcome": "note", "text": "Reviewed", "artefact_ids": "987654"}, 404, "no artefact")
    r = pmo.post(url, {"outcome": "note", "text": "Showback reviewed", "artefact_ids": str(report.id)})
    assert r.status_code == 303, r.text[:500]
    w.s.expire_all()
    assert w.s.scalars(select(DecisionCitation.artefact_id)).all() == [report.id]
    assert "rests on Showback report" in pmo.get(f"/meetings/{meeting.id}").text


def test_asking_the_assistant_is_refused_at_its_prompt(web) -> None:  # type: ignore[no-untyped-def]
    w, browser = web
    _change_setup(w)
    url = f"/portfolio/{w.ids['project']}/change/plan"
    owner = browser("owner")
    html = _refused(w, owner, f"{url}/resistance/ask", {}, 409, "No assistant is configured")
    assert 'id="ask-resistance-problem"' in html, "the problem is shown at the prompt that was asked"
    _refused(w, owner, f"{url}/gossip/ask", {}, 404, "no prompt template")
    _refused(w, browser("viewer"), f"{url}/resistance/ask", {}, 403, "may not")
    r = owner.client.get(f"{url}/resistance/ask", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == url


def test_the_sign_in_form_refuses_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    import re

    w, _browser = web
    client = TestClient(_browser("owner").client.app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    form = {"csrf_token": token.group(1), "next": "/inbox"}
    before = _state(w)
    r = client.post("/login", data={**form, "login": "owner", "password": "pa55-guess"}, follow_redirects=False)
    assert r.status_code == 401 and "Unknown login or wrong password." in r.text
    assert 'value="owner"' in r.text and "pa55-guess" not in r.text, "the login kept, not the password"
    form["csrf_token"] = re.findall(r'name="csrf_token" value="([^"]+)"', r.text)[0]  # each form has its own
    r = client.post("/login", data={**form, "login": " ", "password": "x"}, follow_redirects=False)
    assert r.status_code == 422
    _beside(r.text, "signin", "login", "is required")
    assert 'name="next" value="/inbox"' in r.text, "where the person was going is kept"
    r = client.post("/login", data={**form, "csrf_token": "forged", "login": "owner", "password": "x"})
    assert r.status_code == 400 and "expired" in r.text
    assert _state(w) == before
