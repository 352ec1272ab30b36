"""The communication matrix in the browser: the month's calendar of occurrences, the matrix with its checks, a form
to plan a message once or on a cadence, recording an occurrence as sent, and the ICS file for calendar apps.

Each form is one route and one use-case, read by the API's own schema (``web/forms.submit_form``): refused, the page
is drawn again with what was typed and the problem beside its field; accepted, the browser is sent back to the page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.change.rules import ADKAR
from valuegate.comms import rules, service
from valuegate.comms.schemas import MessageIn, SentIn
from valuegate.web.forms import NO_FORM, FormState, TypedForm, submit_form
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)


def comms_page(
    request: Request, page: Page, node_id: int, month: str | None = None, form: FormState = NO_FORM, status: int = 200
) -> Response:
    view = service.communication_page(page.session, actor=page.actor, node_id=node_id, month=month)
    return render(
        request,
        page,
        "comms/matrix.html",
        {
            "active": "portfolio",
            "view": view,
            "node": view.node,
            "matrix": view.matrix,
            "audiences": [(g["id"], f"{g['name']} ({g['size']})") for g in view.groups],
            "message_types": rules.MESSAGE_TYPES,
            "channels": rules.CHANNELS,
            "roles": rules.MESSENGER_ROLES,
            "cadences": ["once", *rules.CADENCES],
            "adkar": ADKAR,
            "form": form,
        },
        status,
    )


@router.get("/portfolio/{node_id}/change/communication", response_class=HTMLResponse)
def communication(request: Request, node_id: int, page: PageDep, month: str | None = None) -> Response:
    return comms_page(request, page, node_id, month)


@router.get("/portfolio/{node_id}/change/communication.ics")
def communication_ics(node_id: int, page: PageDep) -> Response:
    body = service.ics_feed(page.session, actor=page.actor, node_id=node_id)
    headers = {"Content-Disposition": f'attachment; filename="communications-{node_id}.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.post("/portfolio/{node_id}/change/communication/messages")
def plan_message(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: MessageIn) -> object:
        return service.plan_message(page.session, actor=page.actor, node_id=node_id, **body.model_dump())

    return submit_form(
        page.session,
        form="message",
        values=typed,
        schema=MessageIn,
        act=act,
        then=f"/portfolio/{node_id}/change/communication",
        redraw=lambda state, status: comms_page(request, page, node_id, None, state, status),
    )


@router.post("/portfolio/{node_id}/change/communication/{item_id}/sent")
def mark_sent(request: Request, node_id: int, item_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: SentIn) -> object:
        return service.record_sent(page.session, actor=page.actor, item_id=item_id, **body.model_dump())

    month = typed.get("month") or None
    return submit_form(
        page.session,
        form=f"sent-{item_id}",
        values=typed,
        schema=SentIn,
        act=act,
        then=f"/portfolio/{node_id}/change/communication" + (f"?month={month}" if month else ""),
        redraw=lambda state, status: comms_page(request, page, node_id, month, state, status),
    )
