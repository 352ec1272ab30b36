"""HTTP adapter for the feedback loops: check-ins, the open and the anonymous channel, reports, responses.

The anonymous route needs a signed-in caller (so only people of the organisation answer) but hands the service
nothing about them."""

from __future__ import annotations

from datetime import date

from valuegate.change.rules import ADKAR
from valuegate.context import today_of
from valuegate.deps import ActorDep, SessionDep, api_router
from valuegate.feedback import service
from valuegate.feedback.schemas import (
    AnonymousIn,
    AnonymousReceived,
    AnonymousReport,
    CheckInIn,
    CheckInRecorded,
    CheckInReport,
    FeedbackChannel,
    FeedbackIn,
    FeedbackQueue,
    FeedbackRaised,
    Responded,
    RespondIn,
    Window,
    YouSaidWeDid,
)

router = api_router("feedback")


@router.post("/nodes/{node_id}/feedback/check-ins", status_code=201)
def check_in(node_id: int, body: CheckInIn, actor: ActorDep, session: SessionDep) -> CheckInRecorded:
    fields = body.model_dump()
    scores = {e: fields.pop(e) for e in ADKAR}
    row = service.check_in(session, actor=actor, node_id=node_id, scores=scores, **fields)
    return CheckInRecorded(id=row.id, week_start=row.week_start)


@router.get("/nodes/{node_id}/feedback/check-ins")
def check_ins(node_id: int, actor: ActorDep, session: SessionDep, week: date | None = None) -> CheckInReport:
    report = service.checkin_report(session, actor=actor, node_id=node_id, week_start=week or today_of(session))
    return CheckInReport.model_validate(report)


@router.post("/nodes/{node_id}/feedback", status_code=201)
def raise_feedback(node_id: int, body: FeedbackIn, actor: ActorDep, session: SessionDep) -> FeedbackRaised:
    item = service.raise_feedback(session, actor=actor, node_id=node_id, **body.model_dump())
    return FeedbackRaised(id=item.id, raised_on=item.raised_on)


@router.post("/nodes/{node_id}/feedback/anonymous", status_code=201)
def anonymous(node_id: int, body: AnonymousIn, _actor: ActorDep, session: SessionDep) -> AnonymousReceived:
    fields = body.model_dump()
    scores = {e: fields.pop(e) for e in ADKAR}
    window = service.submit_anonymous(session, node_id=node_id, scores=scores, **fields)
    return AnonymousReceived(received=True, window=window)


@router.get("/nodes/{node_id}/feedback/anonymous/windows")
def windows(node_id: int, actor: ActorDep, session: SessionDep) -> list[Window]:
    return [Window.model_validate(w) for w in service.windows(session, actor=actor, node_id=node_id)]


@router.get("/nodes/{node_id}/feedback/anonymous/report", response_model_exclude_unset=True)
def report(node_id: int, actor: ActorDep, session: SessionDep, window: date | None = None) -> AnonymousReport:
    found = service.anonymous_report(session, actor=actor, node_id=node_id, window_start=window or today_of(session))
    return AnonymousReport.model_validate(found)


@router.get("/nodes/{node_id}/feedback/queue")
def queue(node_id: int, actor: ActorDep, session: SessionDep) -> FeedbackQueue:
    return FeedbackQueue.model_validate(service.feedback_queue(session, actor=actor, node_id=node_id))


@router.patch("/feedback/{channel}/{item_id}")
def respond(channel: FeedbackChannel, item_id: str, body: RespondIn, actor: ActorDep, session: SessionDep) -> Responded:
    row = service.respond(session, actor=actor, channel=channel, item_id=item_id, **body.model_dump())
    return Responded(id=str(row.id), version=row.version, acknowledged_on=row.acknowledged_on, closed_on=row.closed_on)


@router.get("/nodes/{node_id}/feedback/you-said-we-did")
def you_said_we_did(node_id: int, actor: ActorDep, session: SessionDep) -> YouSaidWeDid:
    return YouSaidWeDid.model_validate(service.you_said_we_did(session, actor=actor, node_id=node_id))
