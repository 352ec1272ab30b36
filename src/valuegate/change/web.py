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
from valuegate.web.forms import TypedForm, optional_day, optional_id, whole_number
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
            "commitment": rules.COMMITMENT,
            "groups": service.groups(s, actor=page.actor, node_id=node_id),
            "reasons": rules.RESISTANCE_REASONS,
            "tactics": rules.TACTICS,
            "statuses": rules.RESISTANCE_STATUSES,
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
    commitment_stage: Annotated[str, Form()] = "",
    loses: Annotated[str, Form()] = "",
    gains: Annotated[str, Form()] = "",
    relationship_owner_id: Annotated[str, Form()] = "",
) -> Response:
    typed = {
        "commitment_stage": commitment_stage,
        "loses": loses,
        "gains": gains,
        "relationship_owner_id": relationship_owner_id,
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
            commitment_stage=commitment_stage or None,
            loses=loses.strip() or None,
            gains=gains.strip() or None,
            relationship_owner_id=optional_id(relationship_owner_id, "relationship owner"),
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


# --- the rest of the page's forms: audience groups, ADKAR, a new assessment, resistance ------------------------


@router.post("/portfolio/{node_id}/change")
def change_action(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    s = page.session
    what = typed.get("what")

    def version() -> int | None:
        raw = typed.get("version", "")
        return int(raw) if raw.isdigit() else None

    def act() -> object:
        if what == "group":
            return service.add_group(
                s,
                actor=page.actor,
                node_id=node_id,
                name=typed.get("name", ""),
                size=whole_number(typed.get("size", ""), "The group's size") or 0,
                parent_id=optional_id(typed.get("parent_id", ""), "parent group"),
            )
        if what == "adkar":
            kind, _, ident = typed.get("subject", "").partition(":")
            if kind not in ("stakeholder", "group") or not ident.isdigit():
                raise InvalidInput("Choose whom the assessment is of.")
            scores = {e: _rating(typed.get(e, ""), e.capitalize()) for e in rules.ADKAR}
            return service.assess_adkar(
                s,
                actor=page.actor,
                node_id=node_id,
                scores=scores,
                stakeholder_id=int(ident) if kind == "stakeholder" else None,
                group_id=int(ident) if kind == "group" else None,
                notes=typed.get("notes", "").strip() or None,
            )
        if what == "assess":
            assessment: dict[str, Any] = {
                k: typed[k] for k in ("current_engagement", "desired_engagement", "commitment_stage") if typed.get(k)
            }
            return service.assess_stakeholder(
                s,
                actor=page.actor,
                stakeholder_id=optional_id(typed.get("stakeholder_id", ""), "stakeholder") or 0,
                version=version(),
                changes=assessment,
            )
        if what == "resistance":
            return service.raise_resistance(
                s,
                actor=page.actor,
                node_id=node_id,
                objection=typed.get("objection", ""),
                channel=typed.get("channel", "open"),
                raised_by_id=optional_id(typed.get("raised_by_id", ""), "raised by"),
                underlying_reason=typed.get("underlying_reason") or None,
                adkar_element=typed.get("adkar_element") or None,
                owner_id=optional_id(typed.get("owner_id", ""), "owner"),
                due_on=optional_day(typed.get("due_on", ""), "The due date"),
            )
        if what == "work":
            changes: dict[str, Any] = {
                k: typed[k] for k in ("underlying_reason", "adkar_element", "tactic", "status") if typed.get(k)
            }
            if typed.get("owner_id"):
                changes["owner_id"] = optional_id(typed["owner_id"], "owner")
            if typed.get("resolution", "").strip():
                changes["resolution"] = typed["resolution"].strip()
            return service.update_resistance(
                s,
                actor=page.actor,
                item_id=optional_id(typed.get("item_id", ""), "resistance item") or 0,
                version=version(),
                changes=changes,
            )
        raise InvalidInput("Unknown action.")

    return submit(
        page,
        act,
        then=f"/portfolio/{node_id}/change",
        failure=lambda exc: change_page(
            request, page, node_id, typed=typed, error=problem_text(exc), status=exc.status
        ),
    )
