"""Browsing the portfolio: the hierarchy tree with roll-ups (a level at a time, with htmx) and the measure list."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from valuegate.auth.policy import can, require
from valuegate.errors import InvalidInput
from valuegate.finance import rules as fin
from valuegate.portfolio import listing, tree
from valuegate.portfolio.models import Node
from valuegate.portfolio.service import get_node, get_org_unit
from valuegate.rollups.scope import resolve_scope
from valuegate.web.forms import IMPL_ROWS, check_status_filters, optional_id
from valuegate.web.pages import PageDep, render

router = APIRouter(include_in_schema=False)


def _depth(value: str) -> int:
    if not value.isdigit() or int(value) > 20:
        raise InvalidInput("depth is a small whole number.")
    return int(value)


@router.get("/portfolio", response_class=HTMLResponse)
def portfolio_page(request: Request, page: PageDep, node: str = Query("", alias="node_id")) -> Response:
    s = page.session
    trail: list[tuple[int, str]] = []
    top = None
    node_id = optional_id(node, "node_id")
    if node_id is not None:
        top = get_node(s, node_id)
        require(s, page.actor, "node.view", top)
        nodes = tree.describe(s, [top.id])
        ancestors = [int(i) for i in top.path.strip("/").split("/")[:-1]]
        names = dict(s.execute(select(Node.id, Node.name).where(Node.id.in_(ancestors))).all())
        trail = [(i, names.get(i, "")) for i in ancestors]
    else:
        nodes = tree.roots(s, page.actor)
    opened = {}
    if len(nodes) == 1 and nodes[0].expandable:
        opened[nodes[0].id] = tree.children(s, page.actor, nodes[0].id)
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
            "trail": trail,
            "may_add_measure": top is not None
            and top.kind == "project"
            and top.archived_at is None
            and can(s, page.actor, "measure.create", top),
        },
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
