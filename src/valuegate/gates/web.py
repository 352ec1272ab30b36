"""The decision inbox: the gate requests a person may decide, with the business case in front of them.

Approve, reject and defer are each one route and one use-case below the inbox's address, read by the API's own
schemas (``GateDecisionIn``, ``DeferIn``). In place (htmx) the card becomes the outcome, or comes back with what was
typed and the problem beside its field; without JavaScript the inbox is drawn again the same way, or the browser is
sent back to it (``web/forms.submit_form``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from valuegate.dependencies.schemas import AckIn
from valuegate.dependencies.service import acknowledge_impact
from valuegate.errors import DomainError, InvalidInput
from valuegate.gates import service as gates
from valuegate.gates.schemas import DeferIn, GateDecisionIn
from valuegate.web.forms import NO_FORM, FormState, TypedForm, read_form, submit_form
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25


def inbox_page(
    request: Request, page: Page, *, number: int = 1, form: FormState = NO_FORM, status: int = 200
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
            "cases": gates.business_cases(page.session, shown),
            "acknowledgements": page.acknowledgements,
            "form": form,
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


@router.post("/inbox/impacts/{impact_id}/acknowledge")
def acknowledge(request: Request, impact_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: AckIn) -> object:
        return acknowledge_impact(page.session, actor=page.actor, impact_id=impact_id, note=body.note)

    return submit_form(
        page.session,
        form=f"ack-{impact_id}",
        values=typed,
        schema=AckIn,
        act=act,
        then="/inbox#acknowledgements",
        redraw=lambda state, status: inbox_page(request, page, form=state, status=status),
    )


def _decide(
    request: Request,
    page: Page,
    request_id: int,
    typed: dict[str, str],
    schema: type[BaseModel],
    act: Callable[[Any], object],
    outcome: Callable[[Any], str],
) -> Response:
    """One decision on a request: in place (htmx) the card becomes the outcome or comes back refused, with what
    was typed and the problems beside their fields; without JavaScript, the inbox."""
    name = f"decide-{request_id}"
    if request.headers.get("HX-Request") != "true":
        return submit_form(
            page.session,
            form=name,
            values=typed,
            schema=schema,
            act=act,
            then="/inbox",
            redraw=lambda state, status: inbox_page(request, page, form=state, status=status),
        )
    try:
        body = read_form(schema, typed)
        act(body)
    except DomainError as exc:
        page.session.rollback()
        item = next((i for i in page.inbox if i["id"] == request_id), None)
        if item is None:  # not (or no longer) this person's to decide: no card to draw again
            return render(request, page, "error_fragment.html", {"message": exc.detail}, exc.status)
        context = {
            "i": item,
            "c": gates.business_cases(page.session, [item]).get(item["measure_id"]),
            "form": FormState.refused(name, typed, exc),
        }
        return render(request, page, "gates/decision.html", context, exc.status)
    decided = gates.decided_view(page.session, request_id=request_id)
    return render(request, page, "gates/decided.html", {**decided, "outcome": outcome(body)})


def _approve(page: Page, request_id: int) -> Callable[[GateDecisionIn], object]:
    return lambda body: gates.approve(
        page.session, actor=page.actor, request_id=request_id, comment=body.comment, version=body.version
    )


@router.post("/inbox/{request_id}/approve")
def approve(request: Request, request_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    return _decide(request, page, request_id, typed, GateDecisionIn, _approve(page, request_id), lambda b: "Approved")


@router.post("/inbox/{request_id}/reject")
def reject(request: Request, request_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: GateDecisionIn) -> object:
        return gates.reject(
            page.session, actor=page.actor, request_id=request_id, comment=body.comment or "", version=body.version
        )

    return _decide(request, page, request_id, typed, GateDecisionIn, act, lambda b: "Rejected")


@router.post("/inbox/{request_id}/defer")
def defer(request: Request, request_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: DeferIn) -> object:
        return gates.defer(
            page.session,
            actor=page.actor,
            request_id=request_id,
            until=body.until,
            reason=body.reason,
            version=body.version,
        )

    # The card names the deferral's reason its comment, as for approving and rejecting.
    typed = {**typed, "reason": typed.get("comment", "")}
    return _decide(request, page, request_id, typed, DeferIn, act, lambda b: f"Deferred until {b.until}")
