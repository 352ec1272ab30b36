"""The measure workspace: where a measure stands, what its next gate still needs, its figures and its history."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.finance.web import grid_context
from valuegate.gates import service as gates
from valuegate.gates.rules import FORWARD
from valuegate.gates.schemas import MoveRequestIn, SignOffIn
from valuegate.portfolio import service
from valuegate.web.forms import NO_FORM, FormState, TypedForm, in_minor_units, submit_form, submit_typed_form
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)

# Where on the measure page a person meets an unmet gate criterion (the section's anchor and what to do there);
# criteria not listed are met elsewhere (roles and org unit by a lead or the PMO, acknowledgements by the
# service's owner in their Decisions).
CRITERION_WHERE = {
    "annual_estimate": ("#case", "in the business case"),
    "one_time_costs": ("#case", "in the business case or the figures"),
    "dependencies_declared": ("#case", "in the business case"),
    "services_declared": ("#case", "in the business case"),
    "plan_values": ("#figures", "in the figures, row Plan"),
    "milestone_due": ("#milestones", "under milestones"),
    "milestones_done": ("#milestones", "under milestones"),
    "upstream_complete": ("#dependencies", "see its dependencies"),
    "actuals": ("#figures", "in the figures, row Actual (the controller), or confirmed from the ledger"),
}


def workspace(request: Request, page: Page, measure_id: int, form: FormState = NO_FORM, status: int = 200) -> Response:
    view = service.measure_page(page.session, actor=page.actor, measure_id=measure_id)
    measure = view.measure
    return render(
        request,
        page,
        "portfolio/measure.html",
        {
            "view": view,
            "node": view.node,
            "measure": measure,
            "forward": FORWARD,
            "stage_index": FORWARD.index(measure.stage) if measure.stage in FORWARD else None,
            "next": view.next,
            "can_request": view.can_request,
            "why_no_request": view.why_no_request,
            "where": CRITERION_WHERE,
            "closing": view.closing,
            "sign_off_needs": view.sign_off_needs,
            "is_controller": view.is_controller,
            "g": grid_context(page, measure_id),
            "can_edit_case": view.can_edit_case,
            "can_edit_milestones": view.can_edit_milestones,
            "today": view.today,
            "milestones": view.milestones,
            "links": view.links,
            "impacts": view.impacts,
            "events": view.events,
            "people": view.people,
            "form": form,
        },
        status,
    )


@router.get("/measures/{measure_id}", response_class=HTMLResponse)
def measure_page(request: Request, measure_id: int, page: PageDep) -> Response:
    return workspace(request, page, measure_id)


@router.post("/measures/{measure_id}/gate-requests")
def request_gate(request: Request, measure_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: MoveRequestIn) -> object:
        return gates.request_move(page.session, actor=page.actor, measure_id=measure_id, **body.model_dump())

    return submit_form(
        page.session,
        form="gate-request",
        values=typed,
        schema=MoveRequestIn,
        act=act,
        then=f"/measures/{measure_id}",
        redraw=lambda state, status: workspace(request, page, measure_id, state, status),
    )


def sign_off_page(
    request: Request, page: Page, measure_id: int, form: FormState = NO_FORM, status: int = 200
) -> Response:
    view = service.sign_off_page(page.session, actor=page.actor, measure_id=measure_id)
    return render(
        request,
        page,
        "portfolio/sign_off.html",
        {
            "view": view,
            "node": view.node,
            "measure": view.measure,
            "recurring": view.recurring,
            "periods": view.periods,
            "is_controller": view.is_controller,
            "needs": view.needs,
            "controller": view.controller,
            "form": form,
        },
        status,
    )


@router.get("/measures/{measure_id}/sign-off", response_class=HTMLResponse)
def sign_off_form(request: Request, measure_id: int, page: PageDep) -> Response:
    return sign_off_page(request, page, measure_id)


@router.post("/measures/{measure_id}/sign-off")
def sign_off(request: Request, measure_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    # The verified value is typed in major units (the API reads minor units); the box confirms or it is not ticked.
    typed = {**typed, "confirm_actuals": "true" if typed.get("confirm_actuals") else "false"}

    def act(body: SignOffIn) -> object:
        fields = body.model_dump()
        version = fields.pop("values_version")
        return gates.sign_off(page.session, actor=page.actor, measure_id=measure_id, version=version, **fields)

    return submit_typed_form(
        page.session,
        form="sign-off",
        values=typed,
        read=lambda values: in_minor_units(values, "verified_value"),
        schema=SignOffIn,
        act=act,
        then=f"/measures/{measure_id}",
        redraw=lambda state, status: sign_off_page(request, page, measure_id, state, status),
    )
