"""Administration of people (the directory with global roles, org units and sign-in details) and of delegations
(who deputises for whose approvals, and when)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.admin.web import admin_render
from valuegate.auth import service as people
from valuegate.auth.schemas import DelegationEnd, DelegationIn, PersonIn, PersonPatch, SignInIn
from valuegate.web.forms import NO_FORM, FormState, TypedForm, submit_form, version_and_changes
from valuegate.web.pages import FormPageDep, Page, PageDep

router = APIRouter(include_in_schema=False)


def people_page(request: Request, page: Page, form: FormState = NO_FORM, status: int = 200) -> Response:
    view = people.people_page(page.session, actor=page.actor)
    return admin_render(request, page, "people", view, form=form, status=status)


@router.get("/admin/people", response_class=HTMLResponse)
def people_list(request: Request, page: PageDep) -> Response:
    return people_page(request, page)


def _submit_person(
    request: Request, page: Page, form: str, typed: dict[str, str], schema: Any, act: Any, then: str
) -> Response:
    return submit_form(
        page.session,
        form=form,
        values=typed,
        schema=schema,
        act=act,
        then=then,
        redraw=lambda state, status: people_page(request, page, state, status),
    )


@router.post("/admin/people")
def add_person(request: Request, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: PersonIn) -> object:
        return people.create_person(page.session, actor=page.actor, **body.model_dump())

    return _submit_person(request, page, "person", typed, PersonIn, act, "/admin/people")


@router.post("/admin/people/{person_id}")
def edit_person(request: Request, person_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    # The row's form always says the whole: an empty global role is none, an unchecked box is inactive.
    typed = {
        **typed,
        "active": "true" if typed.get("active") else "false",
        "clear_global_role": "false" if typed.get("global_role", "").strip() else "true",
    }

    def act(body: PersonPatch) -> object:
        version, changes = version_and_changes(body)
        return people.update_person(page.session, actor=page.actor, person_id=person_id, version=version, **changes)

    then = f"/admin/people#person-{person_id}"
    return _submit_person(request, page, f"person-{person_id}", typed, PersonPatch, act, then)


@router.post("/admin/people/{person_id}/sign-in")
def set_sign_in(request: Request, person_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: SignInIn) -> object:
        return people.set_password(
            page.session, actor=page.actor, person_id=person_id, login=body.login, password=body.password
        )

    then = f"/admin/people#person-{person_id}"
    return _submit_person(request, page, f"sign-in-{person_id}", typed, SignInIn, act, then)


def delegations_page(request: Request, page: Page, form: FormState = NO_FORM, status: int = 200) -> Response:
    view = people.delegations_page(page.session, actor=page.actor)
    return admin_render(request, page, "delegations", view, form=form, status=status)


@router.get("/admin/delegations", response_class=HTMLResponse)
def delegations(request: Request, page: PageDep) -> Response:
    return delegations_page(request, page)


def _submit_delegation(
    request: Request, page: Page, form: str, typed: dict[str, str], schema: Any, act: Any
) -> Response:
    return submit_form(
        page.session,
        form=form,
        values=typed,
        schema=schema,
        act=act,
        then="/admin/delegations",
        redraw=lambda state, status: delegations_page(request, page, state, status),
    )


@router.post("/admin/delegations")
def add_delegation(request: Request, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: DelegationIn) -> object:
        return people.create_delegation(page.session, actor=page.actor, **body.model_dump())

    return _submit_delegation(request, page, "delegation", typed, DelegationIn, act)


@router.post("/admin/delegations/{delegation_id}/end")
def end_delegation(request: Request, delegation_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(_body: DelegationEnd) -> object:
        return people.revoke_delegation(page.session, actor=page.actor, delegation_id=delegation_id)

    return _submit_delegation(request, page, f"end-{delegation_id}", typed, DelegationEnd, act)
