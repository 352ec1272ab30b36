"""The dependency map page: the graph of a portfolio's or program's links, late chains and cross-functional
links highlighted, with the same links as a table (readable without JavaScript)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.auth.policy import require
from valuegate.dependencies.graph import LIMIT, dependency_graph
from valuegate.dependencies.service import value_at_risk
from valuegate.errors import InvalidInput, NotFound
from valuegate.portfolio.service import get_node
from valuegate.rollups.web import choices, default_node
from valuegate.web.forms import optional_id
from valuegate.web.pages import PageDep, render

router = APIRouter(include_in_schema=False)


@router.get("/dependencies", response_class=HTMLResponse)
def dependency_map(
    request: Request, page: PageDep, node: str = Query("", alias="node_id"), limit: str = str(LIMIT)
) -> Response:
    s = page.session
    node_id = optional_id(node, "node_id")
    if node_id is None:
        try:
            node_id = default_node(page)
        except NotFound:  # no part of the portfolio is theirs to see (the navigation does not offer the map)
            return render(
                request, page, "rollups/nothing_yet.html", {"active": "dependencies", "heading": "Dependencies"}
            )
    if not limit.isdigit() or not 1 <= int(limit) <= 2000:
        raise InvalidInput("limit is a number of links from 1 to 2000.")
    scope = get_node(s, node_id)
    if scope.kind == "measure":
        raise InvalidInput("The map is drawn for a portfolio, program or project; a measure shows its links itself.")
    require(s, page.actor, "node.view", scope)
    graph = dependency_graph(s, page.actor, scope.path, limit=int(limit))
    return render(
        request,
        page,
        "dependencies/map.html",
        {
            "active": "dependencies",
            "scope": scope,
            "graph": graph,
            "risk": value_at_risk(s, scope),
            "choices": choices(page),
            "limit": int(limit),
        },
    )
