"""The change workstream of a program or project in the browser: the stakeholders on the power/interest grid with
their engagement gaps, the ADKAR picture, and the resistance register."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.auth.admin_web import active_people
from valuegate.auth.policy import can
from valuegate.change import rules, service
from valuegate.change.models import Stakeholder
from valuegate.errors import InvalidInput
from valuegate.portfolio.service import get_node
from valuegate.web.forms import optional_id
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render, submit

router = APIRouter(include_in_schema=False)


def change_page(
    request: Request,
    page: Page,
    node_id: int,
    *,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    s = page.session
    people = service.stakeholders(s, actor=page.actor, node_id=node_id)
    node = get_node(s, node_id)
    grid: dict[str, list[dict[str, Any]]] = {q: [] for q in rules.GRID.values()}
    for p in people:
        grid[p["grid"]].append(p)
    return render(
        request,
        page,
        "change/workstream.html",
        {
            "active": "portfolio",
            "node": node,
            "people": people,
            "grid": grid,
            "grid_labels": rules.GRID_LABELS,
            "adkar": service.adkar_overview(s, actor=page.actor, node_id=node_id),
            "adkar_elements": rules.ADKAR,
            "register": service.resistance_register(s, actor=page.actor, node_id=node_id),
            "may_manage": can(s, page.actor, "change.manage", node),
            "everyone": active_people(page),
            "engagement": rules.ENGAGEMENT,
            "typed": typed or {},
            "error": error,
        },
        status,
    )


@router.get("/portfolio/{node_id}/change", response_class=HTMLResponse)
def workstream(request: Request, node_id: int, page: PageDep) -> Response:
    return change_page(request, page, node_id)


def _rating(text: str, name: str) -> int:
    if not text.strip().isdigit():
        raise InvalidInput(f"{name} is rated from 1 to 5.")
    return int(text)


@router.post("/portfolio/{node_id}/stakeholders")
def add_stakeholder(
    request: Request,
    node_id: int,
    page: FormPageDep,
    person_id: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    power: Annotated[str, Form()] = "",
    interest: Annotated[str, Form()] = "",
    influence: Annotated[str, Form()] = "",
    legitimacy: Annotated[str, Form()] = "",
    urgency: Annotated[str, Form()] = "",
    current_engagement: Annotated[str, Form()] = "",
    desired_engagement: Annotated[str, Form()] = "",
) -> Response:
    typed = {
        "person_id": person_id,
        "role": role,
        "power": power,
        "interest": interest,
        "influence": influence,
        "legitimacy": legitimacy,
        "urgency": urgency,
        "current_engagement": current_engagement,
        "desired_engagement": desired_engagement,
    }

    def act() -> Stakeholder:
        person = optional_id(person_id, "person")
        if person is None:
            raise InvalidInput("Choose the person.")
        ratings = {
            name: _rating(value, name)
            for name, value in (
                ("power", power),
                ("interest", interest),
                ("influence", influence),
                ("legitimacy", legitimacy),
                ("urgency", urgency),
            )
        }
        return service.add_stakeholder(
            page.session,
            actor=page.actor,
            node_id=node_id,
            person_id=person,
            role=role.strip() or None,
            current_engagement=current_engagement,
            desired_engagement=desired_engagement,
            **ratings,
        )

    return submit(
        page,
        act,
        then=f"/portfolio/{node_id}/change",
        failure=lambda exc: change_page(
            request, page, node_id, typed=typed, error=problem_text(exc), status=exc.status
        ),
    )
