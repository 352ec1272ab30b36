"""HTTP adapter for the communication matrix: rows, sent occurrences, the calendar and the ICS feed."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import Response

from valuegate.comms import service
from valuegate.comms.schemas import (
    Matrix,
    MessageIn,
    MessagePatch,
    MessagePlanned,
    MessageUpdated,
    Occurrence,
    SentIn,
    SentOut,
)
from valuegate.context import today_of
from valuegate.deps import ActorDep, SessionDep, api_router

router = api_router("communication")

CALENDAR = "text/calendar; charset=utf-8"


@router.get("/nodes/{node_id}/communications")
def matrix(node_id: int, actor: ActorDep, session: SessionDep) -> Matrix:
    return Matrix.model_validate(service.matrix(session, actor=actor, node_id=node_id))


@router.post("/nodes/{node_id}/communications", status_code=201)
def plan(node_id: int, body: MessageIn, actor: ActorDep, session: SessionDep) -> MessagePlanned:
    item = service.plan_message(session, actor=actor, node_id=node_id, **body.model_dump())
    return MessagePlanned(id=item.id, version=item.version, recurrence=item.recurrence)


@router.patch("/communications/{item_id}")
def update(item_id: int, body: MessagePatch, actor: ActorDep, session: SessionDep) -> MessageUpdated:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    item = service.update_message(session, actor=actor, item_id=item_id, version=version, changes=changes)
    return MessageUpdated(id=item.id, version=item.version, recurrence=item.recurrence, status=item.status)


@router.post("/communications/{item_id}/sent", status_code=201)
def sent(item_id: int, body: SentIn, actor: ActorDep, session: SessionDep) -> SentOut:
    row = service.record_sent(session, actor=actor, item_id=item_id, **body.model_dump())
    return SentOut(item_id=row.item_id, occurrence_on=row.occurrence_on, sent_on=row.sent_on)


@router.get("/nodes/{node_id}/communications/calendar")
def calendar(
    node_id: int, actor: ActorDep, session: SessionDep, start: date | None = None, end: date | None = None
) -> list[Occurrence]:
    first = start or today_of(session).replace(day=1)
    rows = service.calendar(session, actor=actor, node_id=node_id, start=first, end=end or first + timedelta(days=90))
    return [Occurrence.model_validate(r) for r in rows]


@router.get(
    "/nodes/{node_id}/communications.ics",
    response_class=Response,
    responses={200: {"description": "The planned messages as an iCalendar feed", "content": {CALENDAR: {}}}},
)
def ics(node_id: int, actor: ActorDep, session: SessionDep) -> Response:
    body = service.ics_feed(session, actor=actor, node_id=node_id)
    headers = {"Content-Disposition": f'attachment; filename="communications-{node_id}.ics"'}
    return Response(body, media_type=CALENDAR, headers=headers)
