"""Steering meetings in the browser: the agenda builds itself from pending gate requests in the meeting's scope,
decisions and deferrals are recorded in the meeting (through the gate engine), and the record is the minutes.

Each form is one route and one use-case, read by the API's own schema (``web/forms.submit_form``): refused, the page
is drawn again with what was typed and the problem beside its field; accepted, the browser is sent to the meeting.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from valuegate.decisions import service as meetings
from valuegate.decisions.models import Decision, Meeting
from valuegate.decisions.schemas import DecisionIn, MeetingIn
from valuegate.health import catalogue
from valuegate.rollups.web import choices
from valuegate.web.forms import NO_FORM, FormState, PostedForm, optional_id, submit_form
from valuegate.web.pages import FormPageDep, Page, PageDep, render
from valuegate.web.security import CSRF_FIELD

router = APIRouter(include_in_schema=False)


def _texts(form: FormData, *lists: str) -> dict[str, str]:
    """The single fields of a posted form (what was typed), without those sent more than once (``lists``)."""
    return {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD and k not in lists}


def _ids(form: FormData, field: str, what: str) -> list[int]:
    """The ids chosen in a multiple select."""
    return [i for i in (optional_id(str(v), what) for v in form.getlist(field)) if i is not None]


def meetings_page(
    request: Request,
    page: Page,
    form: FormState = NO_FORM,
    status: int = 200,
    attendees: frozenset[str] = frozenset(),
) -> Response:
    """``attendees``: the attendees chosen in a refused form (a multiple select)."""
    view = meetings.meetings_page(page.session, actor=page.actor)
    return render(
        request,
        page,
        "decisions/meetings.html",
        {
            "active": "meetings",
            "view": view,
            "choices": choices(page) if view.may_call else {"nodes": []},
            "attendees": attendees,
            "form": form,
        },
        status,
    )


@router.get("/meetings", response_class=HTMLResponse)
def meetings_list(request: Request, page: PageDep) -> Response:
    return meetings_page(request, page)


@router.post("/meetings")
def call_meeting(request: Request, page: FormPageDep, posted: PostedForm) -> Response:
    chosen = frozenset(str(v) for v in posted.getlist("attendee_ids"))

    def act(body: MeetingIn) -> Meeting:
        fields = {**body.model_dump(), "attendee_ids": _ids(posted, "attendee_ids", "attendee")}
        return meetings.create_meeting(page.session, actor=page.actor, **fields)

    return submit_form(
        page.session,
        form="meeting",
        values=_texts(posted, "attendee_ids"),
        schema=MeetingIn,
        act=act,
        then=lambda m: f"/meetings/{m.id}",
        redraw=lambda state, status: meetings_page(request, page, state, status, chosen),
    )


def meeting_page(
    request: Request, page: Page, meeting_id: int, form: FormState = NO_FORM, status: int = 200
) -> Response:
    view = meetings.meeting_page(page.session, actor=page.actor, meeting_id=meeting_id, inbox=page.inbox)
    return render(
        request,
        page,
        "decisions/meeting.html",
        {
            "active": "meetings",
            "view": view,
            "m": view.record,
            "scope": view.scope,
            "names": view.names,
            "agenda": view.agenda,
            "cases": view.cases,
            "form": form,
        },
        status,
    )


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting(request: Request, meeting_id: int, page: PageDep) -> Response:
    return meeting_page(request, page, meeting_id)


@router.post("/meetings/{meeting_id}/decisions")
def record(request: Request, meeting_id: int, page: FormPageDep, posted: PostedForm) -> Response:
    typed = _texts(posted, "artefact_ids")
    item = typed.get("gate_request_id", "").strip()
    name = f"decide-{item}" if item else "note"

    def act(body: DecisionIn) -> Decision:
        cites = _ids(posted, "artefact_ids", "artefact")
        for artefact_id in cites:  # checked before anything is recorded
            catalogue.get_artefact(page.session, artefact_id, actor=page.actor)
        fields = body.model_dump()
        if fields["outcome"] != "defer":
            fields["defer_until"] = None
        decision = meetings.record_decision(page.session, actor=page.actor, meeting_id=meeting_id, **fields)
        if cites:
            catalogue.cite(page.session, actor=page.actor, decision_id=decision.id, artefact_ids=cites)
        return decision

    return submit_form(
        page.session,
        form=name,
        values=typed,
        schema=DecisionIn,
        act=act,
        then=f"/meetings/{meeting_id}#minutes",
        redraw=lambda state, status: meeting_page(request, page, meeting_id, state, status),
    )
