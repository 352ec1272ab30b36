"""Feedback in the browser. For everyone signed in: the weekly check-in, the open channel and the anonymous form
(its address carries "/feedback/anonymous", which keeps it out of every log and of the usage events). For the
change team: the anonymous report per window, the check-ins, and the queue to acknowledge and answer."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from valuegate.auth.policy import can
from valuegate.change import service as change
from valuegate.change.models import AudienceGroup
from valuegate.change.rules import ADKAR
from valuegate.context import settings_of, today_of
from valuegate.errors import DomainError, InvalidInput
from valuegate.feedback import rules, service
from valuegate.portfolio.service import get_node
from valuegate.web.forms import TypedForm, optional_day, optional_id
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render, submit

router = APIRouter(include_in_schema=False)
QUESTIONS = {
    "awareness": "I understand why we are making this change.",
    "desire": "I want to work the new way.",
    "knowledge": "I know how to do my work the new way.",
    "ability": "I can do my work the new way today.",
    "reinforcement": "Working the new way is recognised and kept up.",
}


def _scores(typed: dict[str, str]) -> dict[str, int | None]:
    scores: dict[str, int | None] = {}
    for element in ADKAR:
        raw = typed.get(element, "").strip()
        if raw and not raw.isdigit():
            raise InvalidInput(f"Answer '{QUESTIONS[element]}' with a number from 1 to 5.")
        scores[element] = int(raw) if raw else None
    return scores


def _groups(page: Page, node_id: int) -> list[dict[str, Any]]:
    rows = page.session.execute(
        select(AudienceGroup.id, AudienceGroup.name)
        .where(AudienceGroup.node_id == node_id)
        .order_by(AudienceGroup.name)
    )
    return [{"id": gid, "name": name} for gid, name in rows]


# --- for everyone -----------------------------------------------------------------------------------------------


def give_page(
    request: Request,
    page: Page,
    node_id: int,
    *,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    done: str | None = None,
    status: int = 200,
    template: str = "feedback/give.html",
) -> Response:
    node = service.feedback_node(page.session, node_id)
    said = service.published(page.session, node_id=node_id)
    return render(
        request,
        page,
        template,
        {
            "active": "portfolio",
            "node": node,
            "groups": _groups(page, node_id),
            "questions": QUESTIONS,
            "said": said,
            "window": settings_of(page.session).feedback_window,
            "min_group": settings_of(page.session).anonymity_min_group,
            "typed": typed or {},
            "error": error,
            "done": done,
        },
        status,
    )


@router.get("/portfolio/{node_id}/feedback", response_class=HTMLResponse)
def give(request: Request, node_id: int, page: PageDep, done: str | None = None) -> Response:
    return give_page(request, page, node_id, done=done)


@router.post("/portfolio/{node_id}/feedback")
def give_named(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    kind = typed.get("kind")

    def act() -> object:
        group = optional_id(typed.get("group_id", ""), "group")
        if kind == "check_in":
            return service.check_in(
                page.session,
                actor=page.actor,
                node_id=node_id,
                scores=_scores(typed),
                blocker=typed.get("blocker"),
                group_id=group,
            )
        return service.raise_feedback(
            page.session, actor=page.actor, node_id=node_id, text=typed.get("text", ""), group_id=group
        )

    return submit(
        page,
        act,
        then=f"/portfolio/{node_id}/feedback?done={'check_in' if kind == 'check_in' else 'feedback'}",
        failure=lambda exc: give_page(request, page, node_id, typed=typed, error=problem_text(exc), status=exc.status),
    )


@router.get("/portfolio/{node_id}/feedback/anonymous", response_class=HTMLResponse)
def anonymous_form(request: Request, node_id: int, page: PageDep, sent: str | None = None) -> Response:
    return give_page(request, page, node_id, done="anonymous" if sent else None, template="feedback/anonymous.html")


@router.post("/portfolio/{node_id}/feedback/anonymous")
def anonymous_submit(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    try:
        service.submit_anonymous(
            page.session,
            node_id=node_id,
            scores=_scores(typed),
            comment=typed.get("comment"),
            group_id=optional_id(typed.get("group_id", ""), "group"),
        )
    except DomainError as exc:
        page.session.rollback()
        return give_page(
            request,
            page,
            node_id,
            typed=typed,
            error=problem_text(exc),
            status=exc.status,
            template="feedback/anonymous.html",
        )
    return RedirectResponse(f"/portfolio/{node_id}/feedback/anonymous?sent=1", status_code=303)


# --- for the change team ----------------------------------------------------------------------------------------


def team_page(
    request: Request,
    page: Page,
    node_id: int,
    window: str | None = None,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    s = page.session
    node = get_node(s, node_id)
    today = today_of(s)
    day = optional_day(window or "", "The window") or today
    may_manage = can(s, page.actor, "change.manage", node)
    report = service.anonymous_report(s, actor=page.actor, node_id=node_id, window_start=day)
    return render(
        request,
        page,
        "feedback/team.html",
        {
            "active": "portfolio",
            "node": node,
            "report": report,
            "windows": service.windows(s, actor=page.actor, node_id=node_id),
            "elements": ADKAR,
            "said": service.you_said_we_did(s, actor=page.actor, node_id=node_id),
            "queue": service.feedback_queue(s, actor=page.actor, node_id=node_id) if may_manage else None,
            "checkins": service.checkin_report(
                s, actor=page.actor, node_id=node_id, week_start=rules.window_of(today, "week")[0]
            )
            if may_manage
            else None,
            "groups": change.groups(s, actor=page.actor, node_id=node_id),
            "may_manage": may_manage,
            "error": error,
        },
        status,
    )


@router.get("/portfolio/{node_id}/change/feedback", response_class=HTMLResponse)
def team(request: Request, node_id: int, page: PageDep, window: str | None = None) -> Response:
    return team_page(request, page, node_id, window)


@router.post("/portfolio/{node_id}/change/feedback/{channel}/{item_id}")
def respond(
    request: Request, node_id: int, channel: str, item_id: str, page: FormPageDep, typed: TypedForm
) -> Response:
    def act() -> object:
        version = typed.get("version", "")
        return service.respond(
            page.session,
            actor=page.actor,
            channel=channel,
            item_id=item_id,
            version=int(version) if version.isdigit() else None,
            acknowledge="acknowledge" in typed,
            you_said=typed.get("you_said"),
            we_did=typed.get("we_did"),
            close=typed.get("action") == "close",
        )

    return submit(
        page,
        act,
        then=f"/portfolio/{node_id}/change/feedback",
        failure=lambda exc: team_page(request, page, node_id, error=problem_text(exc), status=exc.status),
    )
