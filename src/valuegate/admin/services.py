"""Administration of the business-service catalogue: each service's owner acknowledges the measures that touch a
revenue-generating one before they can be Decided."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.admin.web import admin_render
from valuegate.dependencies import service as catalogue
from valuegate.dependencies.schemas import ServiceIn, ServicePatch
from valuegate.web.forms import NO_FORM, FormState, TypedForm, submit_form, version_and_changes
from valuegate.web.pages import FormPageDep, Page, PageDep

router = APIRouter(include_in_schema=False)


def services_page(request: Request, page: Page, form: FormState = NO_FORM, status: int = 200) -> Response:
    view = catalogue.services_page(page.session, actor=page.actor)
    return admin_render(request, page, "services", view, form=form, status=status)


@router.get("/admin/services", response_class=HTMLResponse)
def services(request: Request, page: PageDep) -> Response:
    return services_page(request, page)


def _submit(request: Request, page: Page, form: str, typed: dict[str, str], schema: Any, act: Any) -> Response:
    return submit_form(
        page.session,
        form=form,
        values=typed,
        schema=schema,
        act=act,
        then="/admin/services",
        redraw=lambda state, status: services_page(request, page, state, status),
    )


@router.post("/admin/services")
def add_service(request: Request, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: ServiceIn) -> object:
        return catalogue.create_service(page.session, actor=page.actor, **body.model_dump())

    return _submit(request, page, "service", typed, ServiceIn, act)


@router.post("/admin/services/{service_id}")
def edit_service(request: Request, service_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    # The row's form always says the whole: an unchecked box is "not revenue-generating".
    typed = {**typed, "revenue_generating": "true" if typed.get("revenue_generating") else "false"}

    def act(body: ServicePatch) -> object:
        version, changes = version_and_changes(body)
        return catalogue.update_service(
            page.session, actor=page.actor, service_id=service_id, version=version, changes=changes
        )

    return _submit(request, page, f"service-{service_id}", typed, ServicePatch, act)
