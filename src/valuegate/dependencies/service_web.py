"""Administration of the business-service catalogue: each service's owner acknowledges the measures that touch a
revenue-generating one before they can be Decided."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from valuegate.auth.admin_web import active_people, admin_render
from valuegate.auth.models import Person
from valuegate.dependencies import service as catalogue
from valuegate.dependencies.models import BusinessService, ServiceImpact
from valuegate.errors import InvalidInput
from valuegate.web.forms import optional_id
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, submit

router = APIRouter(include_in_schema=False)


def services_page(
    request: Request, page: Page, *, typed: dict[str, str] | None = None, error: str | None = None, status: int = 200
) -> Response:
    s = page.session
    open_acks = (
        select(ServiceImpact.service_id, func.count())
        .where(ServiceImpact.acknowledged_at.is_(None))
        .group_by(ServiceImpact.service_id)
    )
    rows = s.execute(
        select(BusinessService, Person.name)
        .join(Person, Person.id == BusinessService.owner_id)
        .order_by(BusinessService.name)
    ).all()
    return admin_render(
        request,
        page,
        "services",
        {
            "rows": rows,
            "waiting": dict(s.execute(open_acks).all()),
            "people": active_people(page),
        },
        typed=typed,
        error=error,
        status=status,
    )


@router.get("/admin/services", response_class=HTMLResponse)
def services(request: Request, page: PageDep) -> Response:
    return services_page(request, page)


@router.post("/admin/services")
def add_service(
    request: Request,
    page: FormPageDep,
    name: Annotated[str, Form()] = "",
    owner_id: Annotated[str, Form()] = "",
    revenue_generating: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
) -> Response:
    def act() -> BusinessService:
        owner = optional_id(owner_id, "owner")
        if owner is None:
            raise InvalidInput("A business service needs an owner.")
        return catalogue.create_service(
            page.session,
            actor=page.actor,
            name=name,
            owner_id=owner,
            revenue_generating=revenue_generating == "yes",
            description=description.strip() or None,
        )

    return submit(
        page,
        act,
        then="/admin/services",
        failure=lambda exc: services_page(
            request,
            page,
            typed={
                "name": name,
                "owner_id": owner_id,
                "revenue_generating": revenue_generating,
                "description": description,
            },
            error=problem_text(exc),
            status=exc.status,
        ),
    )


@router.post("/admin/services/{service_id}")
def edit_service(
    request: Request,
    service_id: int,
    page: FormPageDep,
    version: Annotated[str, Form()] = "",
    owner_id: Annotated[str, Form()] = "",
    revenue_generating: Annotated[str, Form()] = "",
) -> Response:
    def act() -> BusinessService:
        owner = optional_id(owner_id, "owner")
        if owner is None:
            raise InvalidInput("A business service needs an owner.")
        from valuegate.auth.service import get_person

        get_person(page.session, owner)
        return catalogue.update_service(
            page.session,
            actor=page.actor,
            service_id=service_id,
            version=int(version) if version.isdigit() else None,
            changes={"owner_id": owner, "revenue_generating": revenue_generating == "yes"},
        )

    return submit(
        page,
        act,
        then="/admin/services",
        failure=lambda exc: services_page(request, page, error=problem_text(exc), status=exc.status),
    )
