"""Browsing the portfolio: the hierarchy tree with roll-ups (a level at a time, with htmx) and the measure list."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from valuegate.auth import service as people
from valuegate.auth.models import NodeGrant, Person
from valuegate.auth.policy import can, require
from valuegate.auth.rules import GRANT_ROLES
from valuegate.auth.service import people_choices
from valuegate.errors import InvalidInput
from valuegate.finance import rules as fin
from valuegate.portfolio import listing, tree
from valuegate.portfolio.service import get_node, get_org_unit
from valuegate.rollups.scope import resolve_scope
from valuegate.web.forms import IMPL_ROWS, check_status_filters, optional_id
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render, submit

router = APIRouter(include_in_schema=False)


def _depth(value: str) -> int:
    if not value.isdigit() or int(value) > 20:
        raise InvalidInput("depth is a small whole number.")
    return int(value)


def portfolio_view(
    request: Request, page: Page, node_id: int | None, *, error: str | None = None, status: int = 200
) -> Response:
    s = page.session
    top = None
    if node_id is not None:
        top = get_node(s, node_id)
        require(s, page.actor, "node.view", top)
        nodes = tree.describe(s, [top.id])
    else:
        nodes = tree.roots(s, page.actor)
    opened = {}
    if len(nodes) == 1 and nodes[0].expandable:
        opened[nodes[0].id] = tree.children(s, page.actor, nodes[0].id)
    access = None
    if top is not None and top.kind != "measure" and can(s, page.actor, "grant.manage", top):
        access = {
            "grants": s.execute(
                select(NodeGrant.id, NodeGrant.role, Person.name)
                .join(Person, Person.id == NodeGrant.person_id)
                .where(NodeGrant.node_id == top.id)
                .order_by(NodeGrant.role, Person.name)
            ).all(),
            "people": people_choices(page.session, actor=page.actor),
            "roles": GRANT_ROLES,
        }
    return render(
        request,
        page,
        "portfolio/tree.html",
        {
            "active": "portfolio",
            "nodes": nodes,
            "opened": opened,
            "depth": 0,
            "top": top,
            "may_add_measure": top is not None
            and top.kind == "project"
            and top.archived_at is None
            and can(s, page.actor, "measure.create", top),
            "access": access,
            "error": error,
        },
        status,
    )


@router.get("/portfolio", response_class=HTMLResponse)
def portfolio_page(request: Request, page: PageDep, node: str = Query("", alias="node_id")) -> Response:
    return portfolio_view(request, page, optional_id(node, "node_id"))


@router.post("/portfolio/{node_id}/grants")
def add_grant(
    request: Request,
    node_id: int,
    page: FormPageDep,
    person_id: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
) -> Response:
    def act() -> NodeGrant:
        person = optional_id(person_id, "person")
        if person is None:
            raise InvalidInput("Choose a person.")
        return people.grant(page.session, actor=page.actor, person_id=person, node_id=node_id, role=role)

    return submit(
        page,
        act,
        then=f"/portfolio?node_id={node_id}#access",
        failure=lambda exc: portfolio_view(request, page, node_id, error=problem_text(exc), status=exc.status),
    )


@router.post("/grants/{grant_id}/revoke")
def revoke_grant(request: Request, grant_id: int, page: FormPageDep, node_id: Annotated[int, Form()]) -> Response:
    return submit(
        page,
        lambda: people.revoke_grant(page.session, actor=page.actor, grant_id=grant_id),
        then=f"/portfolio?node_id={node_id}#access",
        failure=lambda exc: portfolio_view(request, page, node_id, error=problem_text(exc), status=exc.status),
    )


@router.get("/portfolio/{node_id}/children", response_class=HTMLResponse)
def children(request: Request, node_id: int, page: PageDep, depth: str = "1") -> Response:
    s = page.session
    parent = get_node(s, node_id)
    require(s, page.actor, "node.view", parent)
    nodes = tree.children(s, page.actor, node_id)
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
    s = page.session
    node_id, org_unit_id = optional_id(node, "node_id"), optional_id(org_unit, "org_unit_id")
    check_status_filters(stage, impl_status, value_status)
    if not page_no.isdigit() or int(page_no) < 1:
        raise InvalidInput("page is a whole number from 1.")
    scope = path = org_path = None
    title = "All measures you may see"
    if node_id is not None or org_unit_id is not None:
        scope, path = resolve_scope(s, page.actor, node_id, org_unit_id)
        if org_unit_id is not None:
            ou = get_org_unit(s, org_unit_id)
            org_path, title = ou.path, ou.name
        else:
            title = get_node(s, node_id or 0).name
    filters = listing.Filters(
        scope=scope,
        path=path,
        org_path=org_path,
        stage=stage or None,
        impl_status=impl_status or None,
        value_status=value_status or None,
        owner_id=page.actor.person_id if mine == "yes" else None,
        text=q.strip() or None,
    )
    number = int(page_no)
    rows, total = listing.measure_list(s, page.actor, filters, number)
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
