"""Administration of the org-unit tree (companies, functions, business units) for PMO leads and admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from valuegate.auth.admin_web import admin_render
from valuegate.portfolio import service as portfolio
from valuegate.portfolio.models import Node, OrgUnit
from valuegate.portfolio.rules import ORG_UNIT_KINDS
from valuegate.web.forms import optional_id
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, submit

router = APIRouter(include_in_schema=False)


def org_units_page(
    request: Request, page: Page, *, typed: dict[str, str] | None = None, error: str | None = None, status: int = 200
) -> Response:
    s = page.session
    units = list(s.scalars(select(OrgUnit).order_by(OrgUnit.path)))
    used = dict(s.execute(select(Node.org_unit_id, func.count()).group_by(Node.org_unit_id)).all())
    return admin_render(
        request,
        page,
        "org-units",
        {
            "units": units,
            "used": used,
            "kinds": ORG_UNIT_KINDS,
        },
        typed=typed,
        error=error,
        status=status,
    )


@router.get("/admin/org-units", response_class=HTMLResponse)
def org_units(request: Request, page: PageDep) -> Response:
    return org_units_page(request, page)


@router.post("/admin/org-units")
def add_org_unit(
    request: Request,
    page: FormPageDep,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    parent_id: Annotated[str, Form()] = "",
) -> Response:
    return submit(
        page,
        lambda: portfolio.create_org_unit(
            page.session, actor=page.actor, name=name, kind=kind, parent_id=optional_id(parent_id, "parent")
        ),
        then="/admin/org-units",
        failure=lambda exc: org_units_page(
            request,
            page,
            typed={"name": name, "kind": kind, "parent_id": parent_id},
            error=problem_text(exc),
            status=exc.status,
        ),
    )


@router.post("/admin/org-units/{org_unit_id}")
def rename_org_unit(
    request: Request,
    org_unit_id: int,
    page: FormPageDep,
    name: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
) -> Response:
    return submit(
        page,
        lambda: portfolio.rename_org_unit(
            page.session,
            actor=page.actor,
            org_unit_id=org_unit_id,
            version=int(version) if version.isdigit() else None,
            name=name,
        ),
        then="/admin/org-units",
        failure=lambda exc: org_units_page(request, page, error=problem_text(exc), status=exc.status),
    )
