"""The decision inbox: the gate requests a person may decide, with the business case in front of them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from valuegate.auth.models import Person
from valuegate.dependencies.service import acknowledge_impact
from valuegate.errors import DomainError, InvalidInput
from valuegate.gates import service as gates
from valuegate.gates.models import GateDef
from valuegate.portfolio.models import Measure, Node
from valuegate.portfolio.service import get_measure
from valuegate.rollups.models import MeasureTotal
from valuegate.web.forms import parse_day
from valuegate.web.pages import FormPageDep, Page, PageDep, render, submit

router = APIRouter(include_in_schema=False)


def business_cases(page: Page, items: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """The business case of each measure in the inbox, in three queries whatever the count."""
    ids = [i["measure_id"] for i in items]
    if not ids:
        return {}
    s = page.session
    out: dict[int, dict[str, Any]] = {}
    for node, measure in s.execute(
        select(Node, Measure).join(Measure, Measure.node_id == Node.id).where(Node.id.in_(ids))
    ):
        out[node.id] = {"node": node, "measure": measure, "totals": {}}
    for t in s.scalars(select(MeasureTotal).where(MeasureTotal.measure_id.in_(ids), MeasureTotal.kind == "recurring")):
        out[t.measure_id]["totals"][t.series] = t
    owners = {c["node"].owner_id for c in out.values()} | {i["requested_by"] for i in items}
    names = dict(s.execute(select(Person.id, Person.name).where(Person.id.in_([o for o in owners if o]))).all())
    for c in out.values():
        c["owner"] = names.get(c["node"].owner_id, "—")
    rationale = {g.to_stage for g in s.scalars(select(GateDef)) if "sponsor_rationale" in g.criteria}
    for i in items:
        i["requested_by_name"] = names.get(i["requested_by"], "—")
        # What the approve button can do for this person: closing is approved only by the controller's sign-off,
        # and a sponsor's approval of some gates needs a rationale.
        i["closes"] = i["to_stage"] == "closed"
        i["needs_rationale"] = i.get("as_role") == "sponsor" and i["to_stage"] in rationale
    return out


PAGE_SIZE = 25


def inbox_page(
    request: Request, page: Page, *, number: int = 1, error: str | None = None, status: int = 200
) -> Response:
    """The oldest requests first, a page at a time (a PMO lead may have hundreds waiting)."""
    items = page.inbox
    pages = max(1, -(-len(items) // PAGE_SIZE))
    shown = items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    return render(
        request,
        page,
        "gates/inbox.html",
        {
            "active": "inbox",
            "items": shown,
            "total": len(items),
            "number": number,
            "pages": pages,
            "cases": business_cases(page, shown),
            "acknowledgements": page.acknowledgements,
            "error": error,
        },
        status,
    )


@router.get("/inbox/count", response_class=HTMLResponse)
def inbox_count(request: Request, page: PageDep) -> Response:
    """The navigation's badge, fetched after the page has loaded."""
    count = len(page.inbox) + len(page.acknowledgements)
    return render(request, page, "gates/inbox_count.html", {"inbox_count": count})


@router.get("/inbox", response_class=HTMLResponse)
def inbox(request: Request, page: PageDep, page_no: str = Query("1", alias="page")) -> Response:
    if not page_no.isdigit() or int(page_no) < 1:
        raise InvalidInput("page is a whole number from 1.")
    return inbox_page(request, page, number=int(page_no))


@router.post("/service-impacts/{impact_id}/acknowledge")
def acknowledge(request: Request, impact_id: int, page: FormPageDep, note: Annotated[str, Form()] = "") -> Response:
    return submit(
        page,
        lambda: acknowledge_impact(page.session, actor=page.actor, impact_id=impact_id, note=note.strip() or None),
        then="/inbox#acknowledgements",
        failure=lambda exc: inbox_page(request, page, error=exc.detail, status=exc.status),
    )


@router.post("/gate-requests/{request_id}/decide")
def decide(
    request: Request,
    request_id: int,
    page: FormPageDep,
    decision: Annotated[str, Form()],
    comment: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
) -> Response:
    s, actor = page.session, page.actor

    def act() -> None:
        if decision == "approve":
            gates.approve(s, actor=actor, request_id=request_id, comment=comment or None)
        elif decision == "reject":
            gates.reject(s, actor=actor, request_id=request_id, comment=comment)
        elif decision == "defer":
            day = parse_day(until, "The new date of a deferral")
            gates.defer(s, actor=actor, request_id=request_id, until=day, reason=comment)
        else:
            raise InvalidInput(f"Unknown decision {decision!r}; approve, reject or defer.")

    if request.headers.get("HX-Request") != "true":
        return submit(
            page, act, then="/inbox", failure=lambda exc: inbox_page(request, page, error=exc.detail, status=exc.status)
        )
    # In place (htmx): the card becomes the outcome, or comes back with the reason and what was typed.
    try:
        act()
    except DomainError as exc:
        s.rollback()
        item = next((i for i in page.inbox if i["id"] == request_id), None)
        if item is None:
            return render(request, page, "error_fragment.html", {"message": exc.detail}, exc.status)
        context = {
            "i": item,
            "c": business_cases(page, [item]).get(item["measure_id"]),
            "card_error": exc.detail,
            "typed": {"comment": comment, "until": until},
        }
        return render(request, page, "gates/decision.html", context, exc.status)
    req = gates.get_request(s, request_id)
    node, measure = get_measure(s, req.measure_id)
    outcome = {"approve": "Approved", "reject": "Rejected", "defer": f"Deferred until {until}"}[decision]
    return render(
        request,
        page,
        "gates/decided.html",
        {"outcome": outcome, "measure_id": node.id, "measure_name": node.name, "stage": measure.stage},
    )
