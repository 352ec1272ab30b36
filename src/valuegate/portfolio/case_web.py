"""Filling a measure's business case in the browser: create it under a project, describe it, estimate it,
name its sponsor and controller, declare costs, dependencies and services, and keep its milestones."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.milestones import service as milestones
from valuegate.milestones.schemas import MilestoneIn, MilestonePatch
from valuegate.portfolio import service as portfolio
from valuegate.portfolio.schemas import CasePatch, MeasureIn
from valuegate.portfolio.web import workspace
from valuegate.web.forms import (
    NO_FORM,
    FormState,
    TypedForm,
    in_minor_units,
    submit_form,
    submit_typed_form,
    version_and_changes,
)
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)


def _estimate(values: Any) -> dict[str, str]:
    """The annual estimate is typed in major units; the API's schemas read minor units."""
    return in_minor_units(values, "annual_estimate")


def new_measure_page(
    request: Request, page: Page, project_id: int, form: FormState = NO_FORM, status: int = 200
) -> Response:
    view = portfolio.new_measure_page(page.session, actor=page.actor, project_id=project_id)
    return render(
        request,
        page,
        "portfolio/new_measure.html",
        {"view": view, "project": view.project, "people": view.people, "units": view.units, "form": form},
        status,
    )


@router.get("/portfolio/{project_id}/measures/new", response_class=HTMLResponse)
def new_measure(request: Request, project_id: int, page: PageDep) -> Response:
    return new_measure_page(request, page, project_id)


@router.post("/portfolio/{project_id}/measures/new")
def create_measure(request: Request, project_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: MeasureIn) -> Any:
        return portfolio.create_measure(page.session, actor=page.actor, project_id=project_id, **body.model_dump())

    return submit_typed_form(
        page.session,
        form="measure",
        values=typed,
        read=_estimate,
        schema=MeasureIn,
        act=act,
        then=lambda node: f"/measures/{node.id}",
        redraw=lambda state, status: new_measure_page(request, page, project_id, state, status),
    )


def _submit(
    request: Request, page: Page, measure_id: int, form: str, typed: Any, schema: Any, act: Any, anchor: str
) -> Response:
    return submit_form(
        page.session,
        form=form,
        values=typed,
        schema=schema,
        act=act,
        then=f"/measures/{measure_id}#{anchor}",
        redraw=lambda state, status: workspace(request, page, measure_id, state, status),
    )


@router.post("/measures/{measure_id}/case")
def save_case(request: Request, measure_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: CasePatch) -> object:
        changes = body.model_dump()
        version = changes.pop("version")
        return portfolio.save_case(
            page.session, actor=page.actor, measure_id=measure_id, version=version, changes=changes
        )

    return submit_typed_form(
        page.session,
        form="case",
        values=typed,
        read=_estimate,
        schema=CasePatch,
        act=act,
        then=f"/measures/{measure_id}#case",
        redraw=lambda state, status: workspace(request, page, measure_id, state, status),
    )


@router.post("/measures/{measure_id}/milestones")
def add_milestone(request: Request, measure_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: MilestoneIn) -> object:
        return milestones.add_milestone(page.session, actor=page.actor, measure_id=measure_id, **body.model_dump())

    return _submit(request, page, measure_id, "milestone", typed, MilestoneIn, act, "milestones")


@router.post("/measures/{measure_id}/milestones/{milestone_id}/done")
def milestone_done(
    request: Request, measure_id: int, milestone_id: int, page: FormPageDep, typed: TypedForm
) -> Response:
    def act(body: MilestonePatch) -> object:
        version, changes = version_and_changes(body)
        return milestones.update_milestone(
            page.session, actor=page.actor, milestone_id=milestone_id, version=version, changes=changes
        )

    return _submit(request, page, measure_id, f"done-{milestone_id}", typed, MilestonePatch, act, "milestones")
