"""The audit view: the event log with filters, on-demand chain verification, and a measure's evidence export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from valuegate.audit import service
from valuegate.audit.evidence import evidence_download
from valuegate.auth.models import Person
from valuegate.auth.policy import can, require
from valuegate.errors import InvalidInput
from valuegate.portfolio.service import get_measure
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
    require(page.session, page.actor, "audit.read", what="the audit trail")
    filters: dict[str, Any] = {
        "action": action.strip() or None,
        "entity_type": entity_type.strip() or None,
        "measure_id": _id(measure_id),
        "actor_id": _id(actor_id),
    }
    events = service.list_events(page.session, **filters, limit=PAGE_SIZE, before_id=_id(before_id))
    actors = {e.actor_id for e in events if e.actor_id}
    names = (
        dict(page.session.execute(select(Person.id, Person.name).where(Person.id.in_(actors))).all()) if actors else {}
    )
    return render(
        request,
        page,
        "audit/log.html",
        {
            "active": "audit",
            "events": events,
            "names": names,
            "filters": {k: ("" if v is None else v) for k, v in filters.items()},
            "older": events[-1].id if len(events) == PAGE_SIZE else None,
            "can_verify": can(page.session, page.actor, "audit.verify"),
        },
    )


@router.get("/audit/verify", response_class=HTMLResponse)
def verify(request: Request, page: PageDep) -> Response:
    """A fragment for htmx (or a page without JavaScript): walk the whole chain now."""
    require(page.session, page.actor, "audit.verify", what="the audit trail")
    result = service.verify_chain(page.session)
    template = "audit/verify_fragment.html" if request.headers.get("HX-Request") else "audit/verify.html"
    return render(request, page, template, {"active": "audit", "result": result})


@router.get("/audit/measures/{measure_id}/evidence.{fmt}")
def evidence(measure_id: int, fmt: str, page: PageDep) -> Response:
    node, _m = get_measure(page.session, measure_id)
    require(page.session, page.actor, "audit.read", node)
    if fmt not in ("json", "csv"):
        raise InvalidInput("The evidence is exported as json or csv.")
    return evidence_download(page.session, measure_id, fmt)
