"""Steering meetings in the browser: the agenda builds itself from pending gate requests in the meeting's scope,
decisions and deferrals are recorded in the meeting (through the gate engine), and the record is the minutes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from valuegate.auth.models import Person
from valuegate.auth.policy import can
from valuegate.decisions import service as meetings
from valuegate.decisions.models import Meeting, MeetingAttendee
from valuegate.gates.web import business_cases
from valuegate.health import catalogue
from valuegate.portfolio.models import Node
from valuegate.rollups.web import choices
from valuegate.web.forms import PostedForm, optional_id, parse_day
from valuegate.web.pages import FormPageDep, Page, PageDep, render, submit

router = APIRouter(include_in_schema=False)


def meetings_page(
    request: Request, page: Page, *, typed: Any = None, error: str | None = None, status: int = 200
) -> Response:
    """``typed``: a refused form's fields (kept for the person to correct), with ``getlist`` for attendees."""
    s = page.session
    return render(
        request,
        page,
        "decisions/meetings.html",
        {
            "active": "meetings",
            "meetings": meetings.list_meetings(s, actor=page.actor),
            "may_call": can(s, page.actor, "meeting.manage"),
            "choices": choices(page),
            "people": list(s.execute(select(Person.id, Person.name).where(Person.active).order_by(Person.name))),
            "typed": typed or {},
            "attendees": set(typed.getlist("attendee_ids")) if typed else set(),
            "error": error,
        },
        status,
    )


@router.get("/meetings", response_class=HTMLResponse)
def meetings_list(request: Request, page: PageDep) -> Response:
    return meetings_page(request, page)


@router.post("/meetings")
def call_meeting(request: Request, page: FormPageDep, form: PostedForm) -> Response:
    def act() -> Meeting:
        attendees = [optional_id(str(v), "attendee") for v in form.getlist("attendee_ids")]
        return meetings.create_meeting(
            page.session,
            actor=page.actor,
            title=str(form.get("title", "")),
            held_on=parse_day(str(form.get("held_on", "")), "The meeting date"),
            node_id=optional_id(str(form.get("node_id", "")), "node_id"),
            chair_id=optional_id(str(form.get("chair_id", "")), "chair_id"),
            attendee_ids=[a for a in attendees if a is not None],
        )

    return submit(
        page,
        act,
        then=lambda m: f"/meetings/{m.id}",
        failure=lambda exc: meetings_page(request, page, typed=form, error=exc.detail, status=exc.status),
    )


def meeting_page(
    request: Request, page: Page, meeting_id: int, *, error: str | None = None, status: int = 200
) -> Response:
    s = page.session
    record = meetings.minutes(s, actor=page.actor, meeting_id=meeting_id)
    agenda = record["agenda"]
    mine = {i["id"]: i for i in page.inbox}
    for item in agenda:  # the role this person decides with, where they decide (what approving takes depends on it)
        item["as_role"] = mine[item["id"]]["as_role"] if item["id"] in mine else None
    ids = {record["chair_id"], *record["attendees"]} | {d["recorded_by"] for d in record["decisions"]}
    ids |= {i["requested_by"] for i in agenda}
    names = dict(s.execute(select(Person.id, Person.name).where(Person.id.in_([i for i in ids if i]))).all())
    measure_names = dict(
        s.execute(
            select(Node.id, Node.name).where(
                Node.id.in_([d["measure_id"] for d in record["decisions"] if d["measure_id"]])
            )
        ).all()
    )
    scope = s.get(Node, record["node_id"]) if record["node_id"] else None
    present = dict(
        s.execute(
            select(MeetingAttendee.person_id, MeetingAttendee.present).where(MeetingAttendee.meeting_id == meeting_id)
        ).all()
    )
    may_note = can(s, page.actor, "meeting.manage", scope)
    artefacts = catalogue.citable(s, scope)
    cited = catalogue.citations(s, [d["id"] for d in record["decisions"]])
    return render(
        request,
        page,
        "decisions/meeting.html",
        {
            "active": "meetings",
            "m": record,
            "scope": scope,
            "names": names,
            "present": present,
            "agenda": agenda,
            "cases": business_cases(page, agenda),
            "decidable": mine,
            "measure_names": measure_names,
            "may_note": may_note,
            "artefacts": artefacts,
            "cited": cited,
            "error": error,
        },
        status,
    )


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting(request: Request, meeting_id: int, page: PageDep) -> Response:
    return meeting_page(request, page, meeting_id)


@router.post("/meetings/{meeting_id}/decisions")
def record(
    request: Request,
    meeting_id: int,
    page: FormPageDep,
    outcome: Annotated[str, Form()],
    text: Annotated[str, Form()] = "",
    gate_request_id: Annotated[str, Form()] = "",
    defer_until: Annotated[str, Form()] = "",
    artefact_ids: Annotated[list[str] | None, Form()] = None,
) -> Response:
    def act() -> object:
        cites = [i for i in (optional_id(v, "artefact") for v in artefact_ids or []) if i is not None]
        for artefact_id in cites:  # checked before anything is recorded
            catalogue.get_artefact(page.session, artefact_id, actor=page.actor)
        decision = meetings.record_decision(
            page.session,
            actor=page.actor,
            meeting_id=meeting_id,
            gate_request_id=optional_id(gate_request_id, "gate_request_id"),
            outcome=outcome,
            text=text,
            defer_until=parse_day(defer_until, "The new date") if outcome == "defer" else None,
        )
        if cites:
            catalogue.cite(page.session, actor=page.actor, decision_id=decision.id, artefact_ids=cites)
        return decision

    return submit(
        page,
        act,
        then=f"/meetings/{meeting_id}#minutes",
        failure=lambda exc: meeting_page(request, page, meeting_id, error=exc.detail, status=exc.status),
    )
