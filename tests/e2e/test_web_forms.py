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
    _refused(w, pmo, "/meetings", {"title": "Steering", "held_on": "soon"}, 422, "date such as")
    _refused(w, pmo, "/meetings", {"title": " ", "held_on": "2026-07-01"}, 422, "needs a title")
    _refused(w, pmo, "/meetings", {"title": "S", "held_on": "2026-07-01", "attendee_ids": "x"}, 422, "number")
    _refused(w, browser("owner"), "/meetings", {"title": "S", "held_on": "2026-07-01"}, 403, "may not")
    r = pmo.post("/meetings", {"title": "Steering", "held_on": "2026-07-01", "node_id": str(w.ids["portfolio"])})
    assert r.status_code == 303
    url = r.headers["location"] + "/decisions"
    w.s.commit()
    _refused(w, pmo, url, {"outcome": "note", "text": " "}, 422, "needs its wording")
    _refused(w, pmo, url, {"outcome": "approve", "text": "Yes"}, 422, "can only be noted")
    _refused(w, pmo, url, {"outcome": "maybe", "text": "Hm"}, 422, "Unknown outcome")
    _refused(w, pmo, url, {"outcome": "defer", "text": "Later", "gate_request_id": "987654"}, 422, "date such as")
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
    _refused(w, pmo, grant, {"person_id": str(w.ids["viewer"]), "role": "emperor"}, 422, "Unknown node role")
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
    url = f"/gate-requests/{req.id}/decide"
    pmo = browser("pmo")
    html = _refused(w, pmo, url, {"decision": "reject", "comment": " "}, 422, "comment", htmx=True)
    assert 'id="decision-' in html and "<html" not in html, "the card comes back, not a page"
    _refused(w, pmo, url, {"decision": "defer", "until": "soon", "comment": "Later"}, 422, "new date", htmx=True)
    _refused(w, pmo, url, {"decision": "maybe"}, 422, "Unknown decision", htmx=True)
    _refused(w, browser("viewer"), url, {"decision": "approve"}, 403, "not", htmx=True)
    r = pmo.post(url, {"decision": "approve", "comment": "Fine"}, htmx=True)
    assert r.status_code == 200 and "Approved" in r.text and 'hx-swap-oob="true"' in r.text
    _refused(w, pmo, url, {"decision": "approve"}, 409, "already", htmx=True)


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
    _refused(w, owner, url, {**ok, "current_engagement": "hostile"}, 422, "not valid")
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
    page = _refused(w, owner, url, {**ok, "recurrence": "every other tuesday"}, 422, "is not a recurrence rule")
    assert "What changes for you" in page, "what was typed is shown again"
    _refused(w, owner, url, {**ok, "recurrence": "FREQ=HOURLY"}, 422, "at most daily")
    _refused(w, owner, url, {**ok, "audience_group_id": ""}, 422, "Choose the audience")
    _refused(w, owner, url, {**ok, "planned_on": "next week"}, 422, "a date such as")
    _refused(w, owner, url, {**ok, "repetition_target": "many"}, 422, "whole number")
    _refused(w, owner, url, {**ok, "repetition_target": "9"}, 422, "5 to 7 times")
    _refused(w, owner, url, {**ok, "message_type": "gossip"}, 422, "not valid")
    _refused(w, browser("viewer"), url, ok, 403, "may not")
    sent = f"{url}/{ids['item']}/sent"
    _refused(w, owner, sent, {"occurrence_on": str(TODAY.replace(day=14))}, 422, "not one of this communication")
    _refused(w, owner, sent, {"occurrence_on": "yesterday"}, 422, "a date such as")
    r = owner.post(url, ok)
    assert r.status_code == 303


def test_feedback_forms_refuse_what_a_person_gets_wrong(web) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from valuegate.feedback.models import AnonymousResponse

    w, browser = web
    ids = _change_setup(w)
    project = w.ids["project"]
    viewer = browser("viewer")
    url = f"/portfolio/{project}/feedback"
    _refused(w, viewer, url, {"kind": "check_in", "desire": "7"}, 422, "from 1 to 5")
    _refused(w, viewer, url, {"kind": "check_in", "desire": "lots"}, 422, "with a number from 1 to 5")
    _refused(w, viewer, url, {"kind": "check_in"}, 422, "at least one of the pulse questions")
    _refused(w, viewer, url, {"kind": "feedback", "text": "  "}, 422, "Write the feedback")
    _refused(w, viewer, url, {"kind": "feedback", "text": "x", "group_id": "987654"}, 404, "no audience group")

    def anonymous() -> int:
        w.s.commit()
        n = int(w.s.scalar(select(func.count()).select_from(AnonymousResponse)) or 0)
        w.s.commit()
        return n

    before = anonymous()
    anon = f"/portfolio/{project}/feedback/anonymous"
    _refused(w, viewer, anon, {"desire": "0", "comment": "hi"}, 422, "from 1 to 5")
    _refused(w, viewer, anon, {"comment": " "}, 422, "an empty response is not stored")
    _refused(w, viewer, anon, {"comment": "x" * 4001}, 422, "at most 4000 characters")
    assert anonymous() == before
    r = viewer.post(anon, {"desire": "4", "comment": "Better than before", "group_id": str(ids["group"])})
    assert r.status_code == 303 and anonymous() == before + 1

    respond = f"/portfolio/{project}/change/feedback/open/{ids['feedback']}"
    pmo = browser("pmo")
    data = {"version": str(ids["feedback_version"]), "you_said": "Slow form", "action": "close"}
    _refused(w, pmo, respond, data, 422, "both are published")
    _refused(w, pmo, f"/portfolio/{project}/change/feedback/secret/1", {"action": "save"}, 422, "open or anonymous")
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
    _refused(w, owner, url, {**ok, "target": "most"}, 422, "not a number")
    _refused(w, owner, url, {**ok, "target": "1.5"}, 422, "a share between 0 and 1")
    _refused(w, owner, url, {**ok, "window_days": "0"}, 422, "1 to 365 days")
    _refused(w, owner, url, {**ok, "kind": "breadth"}, 422, "list the key events")
    _refused(w, owner, url, {**ok, "system": ""}, 422, "which system")
    _refused(w, browser("viewer"), url, ok, 403, "may not")
    assert owner.post(url, ok).status_code == 303

    net = f"/portfolio/{project}/change/network"
    champion = {
        "what": "champion",
        "person_id": str(w.ids["viewer"]),
        "group_id": str(ids["group"]),
        "time_percent": "10",
    }
    _refused(w, owner, net, {**champion, "person_id": ""}, 422, "Choose the champion")
    _refused(w, owner, net, {**champion, "time_percent": "150"}, 422, "0 to 100 percent")
    _refused(w, owner, net, {**champion, "time_percent": "a lot"}, 422, "whole number")
    legacy = {
        "what": "legacy",
        "name": "Status mail",
        "kind": "email_routine",
        "replacement": "Cockpit",
        "retire_by": "soon",
    }
    _refused(w, owner, net, legacy, 422, "a date such as")
    _refused(w, owner, net, {**legacy, "retire_by": str(TODAY), "replacement": ""}, 422, "not valid")
    _refused(w, owner, net, {"what": "legacy_status", "item_id": "987654", "status": "retired"}, 404, "no legacy item")
    _refused(w, owner, net, {"what": "nonsense"}, 422, "Unknown action")


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
    _refused(w, owner, assess_url, {**assess, "current_engagement": "hostile"}, 422, "not valid")
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
    _refused(w, pmo, url, {"what": "profile", "maturity_level": "seven"}, 422, "maturity level is a whole number")
    _refused(w, pmo, url, {"what": "profile", "maturity_level": "9"}, 422, "maturity level is 1 (initial) to 5")
    _refused(w, pmo, url, {"what": "profile", "analyst_fte": "lots"}, 422, "analyst capacity is a number")
    _refused(w, pmo, url, {"what": "profile", "thresholds": "w1_coverage_ok 0.5"}, 422, "name = number")
    _refused(w, pmo, url, {"what": "profile", "thresholds": "w9 = 1"}, 422, "Unknown threshold")
    _refused(w, pmo, url, {"what": "profile", "live_on": "soon"}, 422, "go-live date is a date")
    _refused(w, pmo, url, {"what": "artefact", "name": "", "kind": "report"}, 422, "Name the artefact")
    _refused(w, pmo, url, {"what": "artefact", "name": "Showback", "kind": "report"}, 409, "already has an artefact")
    _refused(w, pmo, url, {"what": "play", "detector": "W1", "play": "reconnect"}, 422, "Choose who owns the action")
    _refused(
        w,
        pmo,
        url,
        {"what": "play", "detector": "W3", "play": "reconnect", "owner_id": str(w.ids["owner"])},
        422,
        "raises nothing",
    )
    _refused(
        w,
        pmo,
        url,
        {"what": "outcome", "good_looks_like": "Monthly showback", "part_0": "GL extract", "review_on": "2026-09-01"},
        422,
        "needs its owner",
    )
    _refused(
        w,
        pmo,
        url,
        {
            "what": "outcome",
            "good_looks_like": "Monthly showback",
            "part_0": "GL extract",
            "part_owner_0": str(w.ids["owner"]),
            "review_on": "2026-09-01",
        },
        422,
        "Set at least one deliverable",
    )
    _refused(w, browser("viewer"), url, {"what": "artefact", "name": "X", "kind": "report"}, 403, "may not manage")
    showback = w.s.scalar(select(Artefact.id).where(Artefact.name == "Showback"))
    w.s.commit()
    change = {"what": "artefact_update", "artefact_id": str(showback), "version": "1", "owner_id": ""}
    _refused(w, pmo, url, {**change, "status": "retired"}, 422, "Say why")
    _refused(w, pmo, url, {**change, "status": "gone", "status_reason": "x"}, 422, "status is one of")
    r = pmo.post(url, {**change, "status": "retirement_proposed", "status_reason": "Nobody opens it"})
    assert r.status_code == 303, r.text[:300]
    r = pmo.post(
        url, {"what": "profile", "maturity_level": "2", "live_on": "2026-03-01", "thresholds": "w3_max_deferrals = 4"}
    )
    assert r.status_code == 303, r.text[:500]


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
    url = f"/portfolio/{project}/feeds/ledger"
    pmo = browser("pmo")
    assert "Proposed actuals waiting" in pmo.get(f"/portfolio/{project}/feeds").text
    rule = {"what": "rule", "feed_id": str(feed.id), "match_CostCenter": "CC-2", "kind": "one_time_cost"}
    _refused(w, pmo, url, {**rule, "measure_id": str(w.ids["m"]), "share": "half"}, 422, "percentage")
    _refused(w, pmo, url, {**rule, "measure_id": str(w.ids["m"]), "share": "150"}, 422, "share is above 0")
    _refused(w, pmo, url, rule, 422, "Choose the measure")
    _refused(w, pmo, url, {**rule, "measure_id": str(w.ids["m"]), "match_CostCenter": ""}, 422, "Match at least one")
    decision = {"what": "proposal", "proposal_id": str(proposal["id"]), "version": str(proposal["version"])}
    controller = browser("controller")
    _refused(w, controller, url, {**decision, "decision": "correct", "amount": "7"}, 422, "Say why")
    _refused(w, controller, url, {**decision, "decision": "dismiss"}, 422, "Say why")
    _refused(w, pmo, url, {**decision, "decision": "confirm"}, 403, "controller or by finance")
    r = controller.post(url, {**decision, "decision": "confirm"})
    assert r.status_code == 303, r.text[:500]
    notice = {"what": "notice", "feed_id": str(feed.id), "period": "2026-06"}
    _refused(w, pmo, url, {**notice, "note": ""}, 422, "Say what changes")
    _refused(w, pmo, url, {**notice, "period": "June", "note": "Renamed"}, 422, "a month such as 2026-05")
    _refused(w, pmo, url, {**notice, "period": "2026-05", "note": "Renamed"}, 409, "already arrived")
    assert pmo.post(url, {**notice, "note": "Vendor column added"}).status_code == 303
    owner = {"what": "owner", "feed_id": str(feed.id), "version": "1"}
    _refused(w, pmo, url, {**owner, "owner_id": "987654"}, 404, "no person")
    _refused(w, controller, url, {**owner, "owner_id": str(w.ids["owner"])}, 403, "may not manage")
    assert pmo.post(url, {**owner, "owner_id": str(w.ids["owner"])}).status_code == 303
    _refused(w, pmo, url, {**owner, "owner_id": str(w.ids["sponsor"])}, 409, "changed by someone else")


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
