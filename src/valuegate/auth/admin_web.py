"""Administration pages for people: the directory with global roles, sign-in details, delegations, and the access
grants on a node. Only what the signed-in person may manage is offered; the services refuse the rest."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from valuegate.auth import service as people
from valuegate.auth.models import Delegation, Person
from valuegate.auth.policy import can
from valuegate.auth.rules import ADMIN_SECTIONS, GLOBAL_ROLES
from valuegate.errors import InvalidInput, PermissionDenied
from valuegate.portfolio.models import OrgUnit
from valuegate.web.forms import optional_id, parse_day
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render, submit

router = APIRouter(include_in_schema=False)


def admin_sections(page: Page) -> list[tuple[str, str]]:
    """The administration sections this person may open."""
    return [(slug, label) for slug, label, action in ADMIN_SECTIONS if can(page.session, page.actor, action)]


def require_section(page: Page, slug: str) -> list[tuple[str, str]]:
    sections = admin_sections(page)
    if slug not in {s for s, _l in sections}:
        label = next(label for s, label, _a in ADMIN_SECTIONS if s == slug)
        raise PermissionDenied(f"{page.actor.name} may not manage {label.lower()}.")
    return sections


def admin_render(
    request: Request,
    page: Page,
    section: str,
    context: dict[str, Any],
    *,
    typed: Any = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """An administration page: checked against the section's permission, with the section tabs, the refusal
    (if any) and what the person had typed into the refused form."""
    sections = require_section(page, section)
    return render(
        request,
        page,
        f"admin/{section.replace('-', '_')}.html",
        {"active": "admin", "sections": sections, "section": section, "typed": typed or {}, "error": error, **context},
        status,
    )


def _units(page: Page) -> list[tuple[int, str]]:
    return [(i, n) for i, n in page.session.execute(select(OrgUnit.id, OrgUnit.name).order_by(OrgUnit.path))]


def active_people(page: Page) -> list[tuple[int, str]]:
    q = select(Person.id, Person.name).where(Person.active).order_by(Person.name)
    return [(i, n) for i, n in page.session.execute(q)]


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, page: PageDep) -> Response:
    sections = admin_sections(page)
    if not sections:
        raise PermissionDenied(f"{page.actor.name} may not administer Valuegate.")
    return render(request, page, "admin/home.html", {"active": "admin", "sections": sections})


def people_page(
    request: Request, page: Page, *, typed: dict[str, str] | None = None, error: str | None = None, status: int = 200
) -> Response:
    s = page.session
    rows = s.execute(
        select(Person, OrgUnit.name).outerjoin(OrgUnit, OrgUnit.id == Person.org_unit_id).order_by(Person.name)
    ).all()
    return admin_render(
        request,
        page,
        "people",
        {
            "rows": rows,
            "units": _units(page),
            "roles": GLOBAL_ROLES,
        },
        typed=typed,
        error=error,
        status=status,
    )


@router.get("/admin/people", response_class=HTMLResponse)
def people_list(request: Request, page: PageDep) -> Response:
    return people_page(request, page)


@router.post("/admin/people")
def add_person(
    request: Request,
    page: FormPageDep,
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    org_unit_id: Annotated[str, Form()] = "",
    global_role: Annotated[str, Form()] = "",
    login: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    return submit(
        page,
        lambda: people.create_person(
            page.session,
            actor=page.actor,
            name=name,
            email=email.strip() or None,
            title=title.strip() or None,
            org_unit_id=optional_id(org_unit_id, "org_unit_id"),
            global_role=global_role or None,
            login=login.strip() or None,
            password=password or None,
        ),
        then="/admin/people",
        failure=lambda exc: people_page(
            request,
            page,
            typed={
                "name": name,
                "email": email,
                "title": title,
                "org_unit_id": org_unit_id,
                "global_role": global_role,
                "login": login,
            },
            error=problem_text(exc),
            status=exc.status,
        ),
    )


@router.post("/admin/people/{person_id}")
def edit_person(
    request: Request,
    person_id: int,
    page: FormPageDep,
    version: Annotated[str, Form()] = "",
    global_role: Annotated[str, Form()] = "",
    org_unit_id: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    return submit(
        page,
        lambda: people.update_person(
            page.session,
            actor=page.actor,
            person_id=person_id,
            version=int(version) if version.isdigit() else None,
            global_role=global_role or None,
            clear_global_role=not global_role,
            org_unit_id=optional_id(org_unit_id, "org_unit_id"),
            active=active == "yes",
        ),
        then=f"/admin/people#person-{person_id}",
        failure=lambda exc: people_page(request, page, error=problem_text(exc), status=exc.status),
    )


@router.post("/admin/people/{person_id}/sign-in")
def set_sign_in(
    request: Request,
    person_id: int,
    page: FormPageDep,
    login: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    def act() -> Person:
        if not login.strip():
            raise InvalidInput("A login is required.")
        return people.set_password(
            page.session, actor=page.actor, person_id=person_id, login=login.strip(), password=password
        )

    return submit(
        page,
        act,
        then=f"/admin/people#person-{person_id}",
        failure=lambda exc: people_page(request, page, error=problem_text(exc), status=exc.status),
    )


def delegations_page(
    request: Request, page: Page, *, typed: dict[str, str] | None = None, error: str | None = None, status: int = 200
) -> Response:
    s = page.session
    rows = list(s.scalars(select(Delegation).order_by(Delegation.starts_on.desc(), Delegation.id.desc()).limit(500)))
    ids = {d.delegator_id for d in rows} | {d.deputy_id for d in rows}
    names = dict(s.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all()) if ids else {}
    return admin_render(
        request,
        page,
        "delegations",
        {
            "rows": rows,
            "names": names,
            "people": active_people(page),
        },
        typed=typed,
        error=error,
        status=status,
    )


@router.get("/admin/delegations", response_class=HTMLResponse)
def delegations(request: Request, page: PageDep) -> Response:
    return delegations_page(request, page)


@router.post("/admin/delegations")
def add_delegation(
    request: Request,
    page: FormPageDep,
    delegator_id: Annotated[str, Form()] = "",
    deputy_id: Annotated[str, Form()] = "",
    starts_on: Annotated[str, Form()] = "",
    ends_on: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    def act() -> Delegation:
        delegator, deputy = optional_id(delegator_id, "delegator"), optional_id(deputy_id, "deputy")
        if delegator is None or deputy is None:
            raise InvalidInput("Choose who delegates and who deputises.")
        return people.create_delegation(
            page.session,
            actor=page.actor,
            delegator_id=delegator,
            deputy_id=deputy,
            starts_on=parse_day(starts_on, "The first day"),
            ends_on=parse_day(ends_on, "The last day"),
            reason=reason.strip() or None,
        )

    return submit(
        page,
        act,
        then="/admin/delegations",
        failure=lambda exc: delegations_page(
            request,
            page,
            typed={
                "delegator_id": delegator_id,
                "deputy_id": deputy_id,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "reason": reason,
            },
            error=problem_text(exc),
            status=exc.status,
        ),
    )


@router.post("/admin/delegations/{delegation_id}/end")
def end_delegation(request: Request, delegation_id: int, page: FormPageDep) -> Response:
    return submit(
        page,
        lambda: people.revoke_delegation(page.session, actor=page.actor, delegation_id=delegation_id),
        then="/admin/delegations",
        failure=lambda exc: delegations_page(request, page, error=problem_text(exc), status=exc.status),
    )
