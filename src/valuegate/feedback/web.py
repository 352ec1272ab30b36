"""Feedback in the browser. For everyone signed in: the weekly check-in, the open channel and the anonymous form
(its addresses carry "/feedback/anonymous", which keeps them out of every log and of the usage events). For the
change team: the anonymous report per window, the check-ins, and the queue to acknowledge and answer.

Each form is one route and one use-case, read by the API's own schema (``web/forms.submit_form``): refused, the page
is drawn again with what was typed and the problem beside its field; accepted, the browser is sent back to the page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.change.rules import ADKAR
from valuegate.feedback import service
from valuegate.feedback.schemas import AnonymousIn, CheckInIn, FeedbackIn, RespondIn
from valuegate.web.forms import NO_FORM, FormState, TypedForm, optional_day, submit_form
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)
QUESTIONS = {
    "awareness": "I understand why we are making this change.",
    "desire": "I want to work the new way.",
    "knowledge": "I know how to do my work the new way.",
    "ability": "I can do my work the new way today.",
    "reinforcement": "Working the new way is recognised and kept up.",
}


def _pulse(fields: dict[str, Any]) -> dict[str, Any]:
    """The ADKAR answers of a check-in or an anonymous response, taken out of the schema's fields."""
    return {e: fields.pop(e) for e in ADKAR}


# --- for everyone -----------------------------------------------------------------------------------------------


def give_page(
    request: Request,
    page: Page,
    node_id: int,
    form: FormState = NO_FORM,
    status: int = 200,
    *,
    done: str | None = None,
    template: str = "feedback/give.html",
) -> Response:
    view = service.give_page(page.session, node_id=node_id)
    return render(
        request,
        page,
        template,
        {
            "active": "portfolio",
            "view": view,
            "node": view.node,
            "questions": QUESTIONS,
            "said": view.said,
            "window": view.window,
            "min_group": view.min_group,
            "form": form,
            "done": done,
        },
        status,
    )


@router.get("/portfolio/{node_id}/feedback", response_class=HTMLResponse)
def give(request: Request, node_id: int, page: PageDep, done: str | None = None) -> Response:
    return give_page(request, page, node_id, done=done)


@router.post("/portfolio/{node_id}/feedback/check-ins")
def check_in(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: CheckInIn) -> object:
        fields = body.model_dump()
        scores = _pulse(fields)
        return service.check_in(page.session, actor=page.actor, node_id=node_id, scores=scores, **fields)

    return submit_form(
        page.session,
        form="check_in",
        values=typed,
        schema=CheckInIn,
        act=act,
        then=f"/portfolio/{node_id}/feedback?done=check_in",
        redraw=lambda state, status: give_page(request, page, node_id, state, status),
    )


@router.post("/portfolio/{node_id}/feedback/open")
def give_named(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: FeedbackIn) -> object:
        return service.raise_feedback(page.session, actor=page.actor, node_id=node_id, **body.model_dump())

    return submit_form(
        page.session,
        form="feedback",
        values=typed,
        schema=FeedbackIn,
        act=act,
        then=f"/portfolio/{node_id}/feedback?done=feedback",
        redraw=lambda state, status: give_page(request, page, node_id, state, status),
    )


@router.get("/portfolio/{node_id}/feedback/anonymous", response_class=HTMLResponse)
def anonymous_form(request: Request, node_id: int, page: PageDep, sent: str | None = None) -> Response:
    return give_page(request, page, node_id, done="anonymous" if sent else None, template="feedback/anonymous.html")


@router.post("/portfolio/{node_id}/feedback/anonymous/responses")
def anonymous_submit(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: AnonymousIn) -> object:
        fields = body.model_dump()
        scores = _pulse(fields)
        return service.submit_anonymous(page.session, node_id=node_id, scores=scores, **fields)

    return submit_form(
        page.session,
        form="anonymous",
        values=typed,
        schema=AnonymousIn,
        act=act,
        then=f"/portfolio/{node_id}/feedback/anonymous?sent=1",
        redraw=lambda state, status: give_page(
            request, page, node_id, state, status, template="feedback/anonymous.html"
        ),
    )


# --- for the change team ----------------------------------------------------------------------------------------


def team_page(
    request: Request, page: Page, node_id: int, window: str | None = None, form: FormState = NO_FORM, status: int = 200
) -> Response:
    day = optional_day(window or "", "The window")
    view = service.team_page(page.session, actor=page.actor, node_id=node_id, window=day)
    queue = view.queue["items"] if view.queue else []
    return render(
        request,
        page,
        "feedback/team.html",
        {
            "active": "portfolio",
            "view": view,
            "node": view.node,
            "report": view.report,
            "windows": view.windows,
            "elements": ADKAR,
            "said": view.said,
            "queue": view.queue,
            "checkins": view.checkins,
            "queue_forms": [f"respond-{i['channel']}-{i['id']}" for i in queue],
            "form": form,
        },
        status,
    )


@router.get("/portfolio/{node_id}/change/feedback", response_class=HTMLResponse)
def team(request: Request, node_id: int, page: PageDep, window: str | None = None) -> Response:
    return team_page(request, page, node_id, window)


def _close(typed: dict[str, str]) -> dict[str, str]:
    """The queue's form has two buttons, "Save" and "Publish and close" (``action``); the API's schema says
    ``close``."""
    return {**typed, "close": "true"} if typed.get("action") == "close" else typed


@router.post("/portfolio/{node_id}/change/feedback/{channel}/{item_id}")
def respond(
    request: Request, node_id: int, channel: str, item_id: str, page: FormPageDep, typed: TypedForm
) -> Response:
    def act(body: RespondIn) -> object:
        return service.respond(page.session, actor=page.actor, channel=channel, item_id=item_id, **body.model_dump())

    return submit_form(
        page.session,
        form=f"respond-{channel}-{item_id}",
        values=_close(typed),
        schema=RespondIn,
        act=act,
        then=f"/portfolio/{node_id}/change/feedback",
        redraw=lambda state, status: team_page(request, page, node_id, None, state, status),
    )
