"""Filling a measure's business case in the browser: create it under a project, describe it, estimate it,
name its sponsor and controller, declare costs, dependencies and services, and keep its milestones."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from valuegate.auth.models import Person
from valuegate.auth.policy import require
from valuegate.errors import InvalidInput
from valuegate.milestones import service as milestones
from valuegate.portfolio import service as portfolio
from valuegate.portfolio.models import Node, OrgUnit
from valuegate.portfolio.web import workspace
from valuegate.web.forms import optional_id, parse_amount, parse_day
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render, submit

router = APIRouter(include_in_schema=False)


def _estimate(text: str) -> int | None:
    return parse_amount(text, "The annual estimate", signed=True) if text.strip() else None


def new_measure_page(
    request: Request,
    page: Page,
    project_id: int,
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    s = page.session
    project = portfolio.get_node(s, project_id, "project")
    require(s, page.actor, "measure.create", project, what=f"project {project.name!r}")
    return render(
        request,
        page,
        "portfolio/new_measure.html",
        {
            "project": project,
            "people": list(s.execute(select(Person.id, Person.name).where(Person.active).order_by(Person.name))),
            "units": list(s.execute(select(OrgUnit.id, OrgUnit.name).order_by(OrgUnit.path))),
            "form": form or {},
            "error": error,
        },
        status,
    )


@router.get("/portfolio/{project_id}/measures/new", response_class=HTMLResponse)
def new_measure(request: Request, project_id: int, page: PageDep) -> Response:
    return new_measure_page(request, page, project_id)


@router.post("/portfolio/{project_id}/measures")
def create_measure(
    request: Request,
    project_id: int,
    page: FormPageDep,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    annual_estimate: Annotated[str, Form()] = "",
    org_unit_id: Annotated[str, Form()] = "",
    sponsor_id: Annotated[str, Form()] = "",
    controller_id: Annotated[str, Form()] = "",
) -> Response:
    typed = {
        "name": name,
        "description": description,
        "annual_estimate": annual_estimate,
        "org_unit_id": org_unit_id,
        "sponsor_id": sponsor_id,
        "controller_id": controller_id,
    }

    def act() -> Node:
        project = portfolio.get_node(page.session, project_id, "project")
        return portfolio.create_node(
            page.session,
            actor=page.actor,
            kind="measure",
            name=name,
            parent_id=project_id,
            org_unit_id=optional_id(org_unit_id, "org_unit_id") or project.org_unit_id,
            owner_id=page.actor.person_id,
            sponsor_id=optional_id(sponsor_id, "sponsor_id"),
            controller_id=optional_id(controller_id, "controller_id"),
            description=description.strip() or None,
            annual_estimate=_estimate(annual_estimate),
        )

    return submit(
        page,
        act,
        then=lambda node: f"/measures/{node.id}",
        failure=lambda exc: new_measure_page(
            request, page, project_id, form=typed, error=problem_text(exc), status=exc.status
        ),
    )


@router.post("/measures/{measure_id}/case")
def save_case(
    request: Request,
    measure_id: int,
    page: FormPageDep,
    version: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    annual_estimate: Annotated[str, Form()] = "",
    no_one_time_costs: Annotated[str, Form()] = "",
    dependencies_declared: Annotated[str, Form()] = "",
    services_declared: Annotated[str, Form()] = "",
) -> Response:
    def act() -> None:
        if not version.isdigit():
            raise InvalidInput("The form was sent without its version; reload the page.")
        node, measure = portfolio.get_measure(page.session, measure_id)
        changes = {
            "description": description.strip() or None,
            "annual_estimate": _estimate(annual_estimate),
            "dependencies_declared": dependencies_declared == "yes",
            "services_declared": services_declared == "yes",
        }
        if no_one_time_costs == "yes" or measure.one_time_costs_declared:
            changes["one_time_costs_declared"] = True
        current = {
            "description": node.description,
            "annual_estimate": measure.annual_estimate,
            "dependencies_declared": measure.dependencies_declared,
            "services_declared": measure.services_declared,
            "one_time_costs_declared": measure.one_time_costs_declared,
        }
        changed = {k: v for k, v in changes.items() if current[k] != v}
        if not changed:
            raise InvalidInput("Nothing to save: the business case is as it was.")
        portfolio.update_node(page.session, actor=page.actor, node_id=measure_id, version=int(version), changes=changed)

    return submit(
        page,
        act,
        then=f"/measures/{measure_id}#case",
        failure=lambda exc: workspace(request, page, measure_id, error=problem_text(exc), status=exc.status),
    )


@router.post("/measures/{measure_id}/milestones")
def add_milestone(
    request: Request,
    measure_id: int,
    page: FormPageDep,
    name: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
) -> Response:
    return submit(
        page,
        lambda: milestones.add_milestone(
            page.session, actor=page.actor, measure_id=measure_id, name=name, due_on=parse_day(due_on, "The due date")
        ),
        then=f"/measures/{measure_id}#milestones",
        failure=lambda exc: workspace(request, page, measure_id, error=problem_text(exc), status=exc.status),
    )


@router.post("/milestones/{milestone_id}/done")
def milestone_done(
    request: Request,
    milestone_id: int,
    page: FormPageDep,
    measure_id: Annotated[int, Form()],
    version: Annotated[str, Form()] = "",
    done_on: Annotated[str, Form()] = "",
) -> Response:
    return submit(
        page,
        lambda: milestones.update_milestone(
            page.session,
            actor=page.actor,
            milestone_id=milestone_id,
            version=int(version) if version.isdigit() else None,
            changes={"done_on": parse_day(done_on, "The completion date")},
        ),
        then=f"/measures/{measure_id}#milestones",
        failure=lambda exc: workspace(request, page, measure_id, error=problem_text(exc), status=exc.status),
    )
