"""Administration of the stage gates: stage labels, each gate's entry criteria, its approvers (slots, each filled
by any one of its roles, in order) and whether a reason is required."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.admin.web import admin_render
from valuegate.gates import config
from valuegate.gates.schemas import GateForm, StagePatch
from valuegate.web.forms import NO_FORM, FormState, PostedForm, TypedForm, submit_form
from valuegate.web.pages import FormPageDep, Page, PageDep

router = APIRouter(include_in_schema=False)


def gates_page(request: Request, page: Page, form: FormState = NO_FORM, status: int = 200) -> Response:
    view = config.gates_page(page.session, actor=page.actor)
    return admin_render(request, page, "gates", view, form=form, status=status)


@router.get("/admin/gates", response_class=HTMLResponse)
def gates(request: Request, page: PageDep) -> Response:
    return gates_page(request, page)


@router.post("/admin/gates/stages/{code}")
def relabel(request: Request, code: str, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: StagePatch) -> object:
        return config.relabel_stage(page.session, actor=page.actor, code=code, version=body.version, label=body.label)

    return submit_form(
        page.session,
        form=f"stage-{code}",
        values=typed,
        schema=StagePatch,
        act=act,
        then="/admin/gates",
        redraw=lambda state, status: gates_page(request, page, state, status),
    )


@router.post("/admin/gates/{to_stage}")
def tune(request: Request, to_stage: str, page: FormPageDep, posted: PostedForm) -> Response:
    criteria = [str(c) for c in posted.getlist("criteria")]
    # What was typed, to draw again on a refusal: the checked criteria as one list, an unchecked box as empty.
    typed = {
        "version": str(posted.get("version", "")),
        "approvals": str(posted.get("approvals", "")),
        "requires_reason": str(posted.get("requires_reason", "")),
        "criteria": ",".join(criteria),
    }

    def act(body: GateForm) -> object:
        return config.tune_gate(
            page.session,
            actor=page.actor,
            to_stage=to_stage,
            version=body.version,
            criteria=criteria,
            approvals=config.approval_slots(body.approvals),
            requires_reason=body.requires_reason,
        )

    return submit_form(
        page.session,
        form=f"gate-{to_stage}",
        values=typed,
        schema=GateForm,
        act=act,
        then=f"/admin/gates#gate-{to_stage}",
        redraw=lambda state, status: gates_page(request, page, state, status),
    )
