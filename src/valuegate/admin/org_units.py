"""Administration of the org-unit tree (companies, functions, business units) for PMO leads and admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.admin.web import admin_render
from valuegate.portfolio import service as portfolio
from valuegate.portfolio.schemas import OrgUnitIn, OrgUnitPatch
from valuegate.web.forms import NO_FORM, FormState, TypedForm, submit_form
from valuegate.web.pages import FormPageDep, Page, PageDep

router = APIRouter(include_in_schema=False)


def org_units_page(request: Request, page: Page, form: FormState = NO_FORM, status: int = 200) -> Response:
    view = portfolio.org_units_page(page.session, actor=page.actor)
    return admin_render(request, page, "org-units", view, form=form, status=status)


@router.get("/admin/org-units", response_class=HTMLResponse)
def org_units(request: Request, page: PageDep) -> Response:
    return org_units_page(request, page)


def _submit(request: Request, page: Page, form: str, typed: dict[str, str], schema: Any, act: Any) -> Response:
    return submit_form(
        page.session,
        form=form,
        values=typed,
        schema=schema,
        act=act,
        then="/admin/org-units",
        redraw=lambda state, status: org_units_page(request, page, state, status),
    )


@router.post("/admin/org-units")
def add_org_unit(request: Request, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: OrgUnitIn) -> object:
        return portfolio.create_org_unit(page.session, actor=page.actor, **body.model_dump())

    return _submit(request, page, "org-unit", typed, OrgUnitIn, act)


@router.post("/admin/org-units/{org_unit_id}")
def rename_org_unit(request: Request, org_unit_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: OrgUnitPatch) -> object:
        return portfolio.rename_org_unit(
            page.session, actor=page.actor, org_unit_id=org_unit_id, version=body.version, name=body.name
        )

    return _submit(request, page, f"org-unit-{org_unit_id}", typed, OrgUnitPatch, act)
