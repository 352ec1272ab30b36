"""The communication matrix in the browser: the month's calendar of occurrences, the matrix with its checks, a form
to plan a message once or on a cadence, recording an occurrence as sent, and the ICS file for calendar apps."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.auth.admin_web import active_people
from valuegate.auth.policy import can
from valuegate.change import service as change
from valuegate.change.rules import ADKAR
from valuegate.comms import rules, service
from valuegate.context import today_of
from valuegate.errors import InvalidInput
from valuegate.portfolio.service import get_node
from valuegate.web.forms import TypedForm, optional_id, parse_day, whole_number
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render, submit

router = APIRouter(include_in_schema=False)


def _month(text: str | None, today: date) -> date:
    if not text:
        return today.replace(day=1)
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise InvalidInput("The month is written like 2026-06.") from exc


def _weeks(first: date) -> list[list[date]]:
    """The calendar grid of a month: whole weeks, Monday first."""
    start = first - timedelta(days=first.weekday())
    nxt = (first + timedelta(days=32)).replace(day=1)
    weeks = []
    while start < nxt:
        weeks.append([start + timedelta(days=i) for i in range(7)])
        start += timedelta(days=7)
    return weeks


def comms_page(
    request: Request,
    page: Page,
    node_id: int,
    month: str | None = None,
    *,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    s = page.session
    matrix = service.matrix(s, actor=page.actor, node_id=node_id)
    node = get_node(s, node_id)
    today = today_of(s)
    first = _month(month, today)
    weeks = _weeks(first)
    occurrences = service.calendar(s, actor=page.actor, node_id=node_id, start=weeks[0][0], end=weeks[-1][-1])
    by_day: dict[str, list[dict[str, Any]]] = {}
    for o in occurrences:
        by_day.setdefault(o["date"], []).append(o)
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return render(
        request,
        page,
        "comms/matrix.html",
        {
            "active": "portfolio",
            "node": node,
            "matrix": matrix,
            "weeks": weeks,
            "by_day": by_day,
            "first": first,
            "today": today,
            "prev_month": prev_month.strftime("%Y-%m"),
            "next_month": next_month.strftime("%Y-%m"),
            "groups": change.groups(s, actor=page.actor, node_id=node_id),
            "everyone": active_people(page),
            "may_manage": can(s, page.actor, "change.manage", node),
            "message_types": rules.MESSAGE_TYPES,
            "channels": rules.CHANNELS,
            "roles": rules.MESSENGER_ROLES,
            "cadences": ["once", *rules.CADENCES],
            "adkar": ADKAR,
            "typed": typed or {},
            "error": error,
        },
        status,
    )


@router.get("/portfolio/{node_id}/change/communication", response_class=HTMLResponse)
def communication(request: Request, node_id: int, page: PageDep, month: str | None = None) -> Response:
    return comms_page(request, page, node_id, month)


@router.get("/portfolio/{node_id}/change/communication.ics")
def communication_ics(node_id: int, page: PageDep) -> Response:
    body = service.ics_feed(page.session, actor=page.actor, node_id=node_id)
    headers = {"Content-Disposition": f'attachment; filename="communications-{node_id}.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.post("/portfolio/{node_id}/change/communication")
def plan_message(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act() -> object:
        group = optional_id(typed.get("audience_group_id", ""), "audience")
        if group is None:
            raise InvalidInput("Choose the audience.")
        return service.plan_message(
            page.session,
            actor=page.actor,
            node_id=node_id,
            audience_group_id=group,
            key_message=typed.get("key_message", ""),
            message_type=typed.get("message_type", ""),
            channel=typed.get("channel", ""),
            messenger_role=typed.get("messenger_role", ""),
            messenger_id=optional_id(typed.get("messenger_id", ""), "messenger"),
            author_id=optional_id(typed.get("author_id", ""), "author"),
            planned_on=parse_day(typed.get("planned_on", ""), "The planned date"),
            recurrence=typed.get("recurrence") or None,
            adkar_target=typed.get("adkar_target") or None,
            purpose=typed.get("purpose", "").strip() or None,
            desired_action=typed.get("desired_action", "").strip() or None,
            action_metric=typed.get("action_metric", "").strip() or None,
            covers_why="covers_why" in typed,
            covers_why_now="covers_why_now" in typed,
            covers_risk="covers_risk" in typed,
            repetition_target=whole_number(typed.get("repetition_target", "5") or "5", "Repetitions"),
        )

    return submit(
        page,
        act,
        then=f"/portfolio/{node_id}/change/communication",
        failure=lambda exc: comms_page(request, page, node_id, typed=typed, error=problem_text(exc), status=exc.status),
    )


@router.post("/portfolio/{node_id}/change/communication/{item_id}/sent")
def mark_sent(request: Request, node_id: int, item_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act() -> object:
        return service.record_sent(
            page.session,
            actor=page.actor,
            item_id=item_id,
            occurrence_on=parse_day(typed.get("occurrence_on", ""), "The occurrence"),
        )

    month = typed.get("month") or None
    return submit(
        page,
        act,
        then=f"/portfolio/{node_id}/change/communication" + (f"?month={month}" if month else ""),
        failure=lambda exc: comms_page(request, page, node_id, month, error=problem_text(exc), status=exc.status),
    )
