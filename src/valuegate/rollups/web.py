"""The portfolio cockpit: pipeline by stage, value by month, the two statuses side by side, what needs attention."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.finance import rules as fin
from valuegate.rollups import cockpit
from valuegate.web.forms import IMPL_ROWS, check_status_filters, optional_day, optional_id
from valuegate.web.pages import PageDep, render

router = APIRouter(include_in_schema=False)

VALUE_COLS = list(fin.VALUE_RAG)


def choices(page: Any) -> dict[str, Any]:
    """Kept for the meetings page (converted by others), which still asks for the filter choices through its page:
    they come from ``rollups.cockpit.filter_choices``."""
    return cockpit.filter_choices(page.session, actor=page.actor)


@router.get("/", response_class=HTMLResponse)
def cockpit_page(
    request: Request,
    page: PageDep,
    node: str = Query("", alias="node_id"),
    org_unit: str = Query("", alias="org_unit_id"),
    kind: str = "recurring",
    stage: str | None = None,
    impl_status: str | None = None,
    value_status: str | None = None,
    as_of: str = "",
    bridge_from: str = "",
) -> Response:
    check_status_filters(stage, impl_status, value_status)
    view = cockpit.cockpit_page(
        page.session,
        actor=page.actor,
        node_id=optional_id(node, "node_id"),
        org_unit_id=optional_id(org_unit, "org_unit_id"),
        kind=kind,
        stage=stage,
        impl_status=impl_status,
        value_status=value_status,
        as_of=optional_day(as_of, "as_of"),
        bridge_from=optional_day(bridge_from, "bridge_from"),
    )
    if view is None:  # e.g. a service owner: nothing to steer here, but decisions may wait
        return render(request, page, "rollups/nothing_yet.html", {"active": "cockpit"})
    return render(
        request,
        page,
        "rollups/cockpit.html",
        {
            "active": "cockpit",
            **view.context(),
            "kinds": fin.KIND_LABELS,
            "impl_rows": IMPL_ROWS,
            "value_cols": VALUE_COLS,
        },
    )
