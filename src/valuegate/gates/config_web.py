"""Administration of the stage gates: stage labels, each gate's entry criteria, its approvers (slots, each filled
by any one of its roles, in order) and whether a reason is required."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.auth.admin_web import admin_render
from valuegate.errors import InvalidInput
from valuegate.gates import config
from valuegate.gates.models import GateDef
from valuegate.gates.rules import CRITERIA_LABELS
from valuegate.web.forms import PostedForm
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, submit

router = APIRouter(include_in_schema=False)


def parse_approvals(text: str) -> list[list[str]]:
    """'sponsor; controller' is two slots in order; 'lead or pmo' is one slot either role may fill."""
    slots = [[r.strip() for r in part.replace(" or ", ",").split(",") if r.strip()] for part in text.split(";")]
    slots = [slot for slot in slots if slot]
    if not slots:
        raise InvalidInput("A gate needs at least one approver, e.g. 'sponsor; controller' or 'lead or pmo'.")
    return slots


def gates_page(request: Request, page: Page, *, error: str | None = None, status: int = 200) -> Response:
    return admin_render(
        request,
        page,
        "gates",
        {"config": config.configuration(page.session), "criteria_help": CRITERIA_LABELS},
        error=error,
        status=status,
    )


@router.get("/admin/gates", response_class=HTMLResponse)
def gates(request: Request, page: PageDep) -> Response:
    return gates_page(request, page)


@router.post("/admin/stages/{code}")
def relabel(
    request: Request,
    code: str,
    page: FormPageDep,
    label: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    return submit(
        page,
        lambda: config.relabel_stage(
            page.session, actor=page.actor, code=code, version=int(version) if version.isdigit() else None, label=label
        ),
        then="/admin/gates",
        failure=lambda exc: gates_page(request, page, error=problem_text(exc), status=exc.status),
    )


@router.post("/admin/gates/{to_stage}")
def tune(request: Request, to_stage: str, page: FormPageDep, form: PostedForm) -> Response:
    def act() -> GateDef:
        version = str(form.get("version", ""))
        return config.tune_gate(
            page.session,
            actor=page.actor,
            to_stage=to_stage,
            version=int(version) if version.isdigit() else None,
            criteria=[str(c) for c in form.getlist("criteria")],
            approvals=parse_approvals(str(form.get("approvals", ""))),
            requires_reason=form.get("requires_reason") == "yes",
        )

    return submit(
        page,
        act,
        then=f"/admin/gates#gate-{to_stage}",
        failure=lambda exc: gates_page(request, page, error=problem_text(exc), status=exc.status),
    )
