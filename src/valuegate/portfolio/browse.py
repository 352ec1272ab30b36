"""Browsing the portfolio: the hierarchy tree with roll-ups (a level at a time, with htmx) and the measure list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.auth import service as people
from valuegate.auth.schemas import GrantEnd, GrantIn
from valuegate.errors import InvalidInput
from valuegate.finance import rules as fin
from valuegate.portfolio import listing, service
from valuegate.web.forms import IMPL_ROWS, NO_FORM, FormState, TypedForm, check_status_filters, optional_id, submit_form
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)


def _depth(value: str) -> int:
    if not value.isdigit() or int(value) > 20:
        raise InvalidInput("depth is a small whole number.")
    return int(value)


def portfolio_view(
    request: Request, page: Page, node_id: int | None, form: FormState = NO_FORM, status: int = 200
) -> Response:
    view = service.tree_page(page.session, actor=page.actor, node_id=node_id)
    return render(
        request,
        page,
        "portfolio/tree.html",
        {
            "active": "portfolio",
            "view": view,
            "nodes": view.nodes,
            "opened": view.opened,
            "depth": 0,
            "top": view.top,
            "may_add_measure": view.may_add_measure,
            "form": form,
        },
        status,
    )


@router.get("/portfolio", response_class=HTMLResponse)
def portfolio_page(request: Request, page: PageDep, node: str = Query("", alias="node_id")) -> Response:
    return portfolio_view(request, page, optional_id(node, "node_id"))


def _submit_access(
    request: Request, page: Page, node_id: int, form: str, typed: Any, schema: Any, act: Any
) -> Response:
    return submit_form(
        page.session,
        form=form,
        values=typed,
        schema=schema,
        act=act,
        then=f"/portfolio?node_id={node_id}#access",
        redraw=lambda state, status: portfolio_view(request, page, node_id, state, status),
    )


@router.post("/portfolio/{node_id}/grants")
def add_grant(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: GrantIn) -> object:
        return people.grant(page.session, actor=page.actor, **body.model_dump())

    # The node is the page's; the form names the person and the role.
    typed = {**typed, "node_id": str(node_id)}
    return _submit_access(request, page, node_id, "grant", typed, GrantIn, act)


@router.post("/portfolio/{node_id}/grants/{grant_id}/revoke")
def revoke_grant(request: Request, node_id: int, grant_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(_body: GrantEnd) -> object:
        people.revoke_grant(page.session, actor=page.actor, grant_id=grant_id)
        return None

    return _submit_access(request, page, node_id, f"revoke-{grant_id}", typed, GrantEnd, act)


@router.get("/portfolio/{node_id}/children", response_class=HTMLResponse)
def children(request: Request, node_id: int, page: PageDep, depth: str = "1") -> Response:
    nodes = service.tree_children(page.session, actor=page.actor, node_id=node_id)
    return render(request, page, "portfolio/tree_nodes.html", {"nodes": nodes, "opened": {}, "depth": _depth(depth)})


@router.get("/measures", response_class=HTMLResponse)
def measures_page(
    request: Request,
    page: PageDep,
    node: str = Query("", alias="node_id"),
    org_unit: str = Query("", alias="org_unit_id"),
    stage: str = "",
    impl_status: str = "",
    value_status: str = "",
    mine: str = "",
    q: str = Query("", max_length=200),
    page_no: str = Query("1", alias="page"),
) -> Response:
    node_id, org_unit_id = optional_id(node, "node_id"), optional_id(org_unit, "org_unit_id")
    check_status_filters(stage, impl_status, value_status)
    if not page_no.isdigit() or int(page_no) < 1:
        raise InvalidInput("page is a whole number from 1.")
    number = int(page_no)
    view = service.measures_page(
        page.session,
        actor=page.actor,
        node_id=node_id,
        org_unit_id=org_unit_id,
        stage=stage or None,
        impl_status=impl_status or None,
        value_status=value_status or None,
        mine=mine == "yes",
        text=q.strip() or None,
        number=number,
    )
    title, rows, total = view.title, view.rows, view.total
    params = {
        k: v
        for k, v in {
            "node_id": node_id,
            "org_unit_id": org_unit_id,
            "stage": stage,
            "impl_status": impl_status,
            "value_status": value_status,
            "mine": mine,
            "q": q.strip(),
        }.items()
        if v
    }
    return render(
        request,
        page,
        "portfolio/measures.html",
        {
            "active": "measures",
            "title": title,
            "rows": rows,
            "total": total,
            "number": number,
            "pages": max(1, -(-total // listing.PAGE_SIZE)),
            "params": params,
            "query": urlencode(params),
            "impl_rows": IMPL_ROWS,
            "value_cols": fin.VALUE_RAG,
        },
    )
