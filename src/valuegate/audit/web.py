"""The audit view: the event log with filters, on-demand chain verification, and a measure's evidence export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.audit import service
from valuegate.audit.evidence import evidence_download
from valuegate.errors import InvalidInput
from valuegate.web.pages import PageDep, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100


def _id(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    page: PageDep,
    action: str = "",
    entity_type: str = "",
    measure_id: str = "",
    actor_id: str = "",
    before_id: str = "",
) -> Response:
    filters: dict[str, Any] = {
        "action": action.strip() or None,
        "entity_type": entity_type.strip() or None,
        "measure_id": _id(measure_id),
        "actor_id": _id(actor_id),
    }
    view = service.log_page(page.session, actor=page.actor, **filters, limit=PAGE_SIZE, before_id=_id(before_id))
    log = view.log
    return render(
        request,
        page,
        "audit/log.html",
        {
            "active": "audit",
            "events": log.events,
            "names": log.names,
            "filters": {k: ("" if v is None else v) for k, v in filters.items()},
            "older": log.events[-1].id if len(log.events) == PAGE_SIZE else None,
            "can_verify": view.may_verify,
        },
    )


@router.get("/audit/verify", response_class=HTMLResponse)
def verify(request: Request, page: PageDep) -> Response:
    """A fragment for htmx (or a page without JavaScript): walk the whole chain now."""
    result = service.verify(page.session, actor=page.actor)
    template = "audit/verify_fragment.html" if request.headers.get("HX-Request") else "audit/verify.html"
    return render(request, page, template, {"active": "audit", "result": result})


@router.get("/audit/measures/{measure_id}/evidence.{fmt}")
def evidence(measure_id: int, fmt: str, page: PageDep) -> Response:
    if fmt not in ("json", "csv"):
        raise InvalidInput("The evidence is exported as json or csv.")
    return evidence_download(page.session, actor=page.actor, measure_id=measure_id, fmt=fmt)
