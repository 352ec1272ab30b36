"""The dependency map page: the graph of a portfolio's or program's links, late chains and cross-functional
links highlighted, with the same links as a table (readable without JavaScript)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.dependencies.graph import LIMIT
from valuegate.dependencies.service import map_page
from valuegate.errors import InvalidInput
from valuegate.web.forms import optional_id
from valuegate.web.pages import PageDep, render

router = APIRouter(include_in_schema=False)


@router.get("/dependencies", response_class=HTMLResponse)
def dependency_map(
    request: Request, page: PageDep, node: str = Query("", alias="node_id"), limit: str = str(LIMIT)
) -> Response:
    node_id = optional_id(node, "node_id")
    if not limit.isdigit():
        raise InvalidInput("limit is a number of links from 1 to 2000.")
    view = map_page(page.session, actor=page.actor, node_id=node_id, limit=int(limit))
    if view is None:  # no part of the portfolio is theirs to see (the navigation does not offer the map)
        return render(request, page, "rollups/nothing_yet.html", {"active": "dependencies", "heading": "Dependencies"})
    return render(
        request,
        page,
        "dependencies/map.html",
        {
            "active": "dependencies",
            "scope": view.scope,
            "graph": view.graph,
            "risk": view.risk,
            "choices": view.choices,
            "limit": view.limit,
        },
    )
