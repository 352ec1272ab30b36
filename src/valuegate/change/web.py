"""The change workstream of a program or project in the browser: the stakeholders on the power/interest grid with
their engagement gaps, the ADKAR picture, and the resistance register.

Each form is one route and one use-case, read by the API's own schema (``web/forms.submit_form``): refused, the page
is drawn again with what was typed and the problem beside its field; accepted, the browser is sent back to the page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.change import rules, service
from valuegate.change.schemas import AdkarIn, GroupIn, ResistanceIn, ResistancePatch, StakeholderIn, StakeholderPatch
from valuegate.web.forms import NO_FORM, FormState, TypedForm, submit_form, version_and_changes
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)


def change_page(request: Request, page: Page, node_id: int, form: FormState = NO_FORM, status: int = 200) -> Response:
    view = service.workstream_page(page.session, actor=page.actor, node_id=node_id)
    return render(
        request,
        page,
        "change/workstream.html",
        {
            "active": "portfolio",
            "view": view,
            "node": view.node,
            "grid_labels": rules.GRID_LABELS,
            "adkar_elements": rules.ADKAR,
            "engagement": rules.ENGAGEMENT,
            "commitment": rules.COMMITMENT,
            "reasons": rules.RESISTANCE_REASONS,
            "tactics": rules.TACTICS,
            "statuses": rules.RESISTANCE_STATUSES,
            "subjects": [(f"stakeholder:{p['id']}", p["name"]) for p in view.people]
            + [(f"group:{g['id']}", f"{g['name']} (group)") for g in view.groups],
            "form": form,
        },
        status,
    )


@router.get("/portfolio/{node_id}/change", response_class=HTMLResponse)
def workstream(request: Request, node_id: int, page: PageDep) -> Response:
    return change_page(request, page, node_id)


def _submit(
    request: Request, page: Page, node_id: int, form: str, typed: dict[str, str], schema: Any, act: Any
) -> Response:
    return submit_form(
        page.session,
        form=form,
        values=typed,
        schema=schema,
        act=act,
        then=f"/portfolio/{node_id}/change",
        redraw=lambda state, status: change_page(request, page, node_id, state, status),
    )


@router.post("/portfolio/{node_id}/change/stakeholders")
def add_stakeholder(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: StakeholderIn) -> object:
        return service.add_stakeholder(page.session, actor=page.actor, node_id=node_id, **body.model_dump())

    return _submit(request, page, node_id, "stakeholder", typed, StakeholderIn, act)


@router.post("/portfolio/{node_id}/change/stakeholders/{stakeholder_id}")
def assess_stakeholder(
    request: Request, node_id: int, stakeholder_id: int, page: FormPageDep, typed: TypedForm
) -> Response:
    def act(body: StakeholderPatch) -> object:
        version, changes = version_and_changes(body)
        return service.assess_stakeholder(
            page.session, actor=page.actor, stakeholder_id=stakeholder_id, version=version, changes=changes
        )

    return _submit(request, page, node_id, f"assess-{stakeholder_id}", typed, StakeholderPatch, act)


@router.post("/portfolio/{node_id}/change/groups")
def add_group(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: GroupIn) -> object:
        return service.add_group(page.session, actor=page.actor, node_id=node_id, **body.model_dump())

    return _submit(request, page, node_id, "group", typed, GroupIn, act)


def _subject(typed: dict[str, str]) -> dict[str, str]:
    """The page chooses whom an ADKAR assessment is of in one list (``stakeholder:ID`` or ``group:ID``); the API's
    schema names them apart."""
    kind, _, ident = typed.get("subject", "").partition(":")
    return {**typed, f"{kind}_id": ident} if kind in ("stakeholder", "group") else typed


@router.post("/portfolio/{node_id}/change/adkar")
def assess_adkar(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: AdkarIn) -> object:
        fields = body.model_dump()
        scores = {e: fields.pop(e) for e in rules.ADKAR}
        return service.assess_adkar(page.session, actor=page.actor, node_id=node_id, scores=scores, **fields)

    return _submit(request, page, node_id, "adkar", _subject(typed), AdkarIn, act)


@router.post("/portfolio/{node_id}/change/resistance")
def raise_resistance(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: ResistanceIn) -> object:
        return service.raise_resistance(page.session, actor=page.actor, node_id=node_id, **body.model_dump())

    return _submit(request, page, node_id, "resistance", typed, ResistanceIn, act)


@router.post("/portfolio/{node_id}/change/resistance/{item_id}")
def work_resistance(request: Request, node_id: int, item_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: ResistancePatch) -> object:
        version, changes = version_and_changes(body)
        return service.update_resistance(
            page.session, actor=page.actor, item_id=item_id, version=version, changes=changes
        )

    return _submit(request, page, node_id, f"work-{item_id}", typed, ResistancePatch, act)
