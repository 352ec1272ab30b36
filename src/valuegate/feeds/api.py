"""HTTP adapter for data feeds: register, submit a file (the request body), read a report and the calendar;
mapping rules and the actuals they propose, confirmed or corrected by the controller."""

from __future__ import annotations

from typing import IO, Annotated

from fastapi import Depends

from valuegate.deps import ActorDep, SessionDep, StreamedBody, api_router
from valuegate.feeds import actuals, reading, service
from valuegate.feeds.schemas import (
    CalendarEntry,
    FeedIn,
    FeedPatch,
    FeedRegistered,
    FeedRules,
    FeedUpdated,
    NoticeIn,
    NoticeOut,
    ProposalDecided,
    ProposalDecisionIn,
    ProposalOut,
    ProposalStatus,
    RuleIn,
    RulePatch,
    RuleUpdated,
    SubmissionOut,
)
from valuegate.schemas import UPLOAD_RESPONSES, Created

router = api_router("feeds")
FeedFile = Annotated[IO[bytes], Depends(StreamedBody(lambda: reading.MAX_BYTES))]


@router.post("/nodes/{node_id}/feeds", status_code=201)
def register(node_id: int, body: FeedIn, actor: ActorDep, session: SessionDep) -> FeedRegistered:
    feed = service.register_feed(session, actor=actor, node_id=node_id, **body.model_dump())
    return FeedRegistered(id=feed.id, name=feed.name)


@router.patch("/feeds/{feed_id}")
def update(feed_id: int, body: FeedPatch, actor: ActorDep, session: SessionDep) -> FeedUpdated:
    feed = service.update_feed(session, actor=actor, feed_id=feed_id, version=body.version, changes=body.changes)
    return FeedUpdated(id=feed.id, owner_id=feed.owner_id, version=feed.version)


@router.get("/nodes/{node_id}/feeds/calendar")
def calendar(node_id: int, actor: ActorDep, session: SessionDep, months: int = 6) -> list[CalendarEntry]:
    rows = service.calendar(session, actor=actor, node_id=node_id, months=max(1, min(months, 24)))
    return [CalendarEntry.model_validate(r) for r in rows]


@router.post(
    "/feeds/{feed_id}/submissions",
    status_code=201,
    responses=UPLOAD_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def submit(
    feed_id: int, period: str, actor: ActorDep, session: SessionDep, file: FeedFile, filename: str = "upload"
) -> SubmissionOut:
    """The request body is the file (CSV, XLSX or Parquet)."""
    s = service.submit(
        session, actor=actor, feed_id=feed_id, period=period, filename=filename, data=file.read(), channel="api"
    )
    return SubmissionOut.model_validate(service.submission_view(s))


@router.post("/feeds/{feed_id}/change-notices", status_code=201)
def announce(feed_id: int, body: NoticeIn, actor: ActorDep, session: SessionDep) -> NoticeOut:
    notice = service.announce_change(session, actor=actor, feed_id=feed_id, period=body.period, note=body.note)
    return NoticeOut(id=notice.id, feed_id=feed_id, period=notice.period, note=notice.note)


@router.get("/submissions/{submission_id}")
def submission(submission_id: int, actor: ActorDep, session: SessionDep) -> SubmissionOut:
    return SubmissionOut.model_validate(service.get_submission(session, actor=actor, submission_id=submission_id))


@router.post("/feeds/{feed_id}/mapping-rules", status_code=201)
def add_rule(feed_id: int, body: RuleIn, actor: ActorDep, session: SessionDep) -> Created:
    rule = actuals.add_rule(session, actor=actor, feed_id=feed_id, **body.model_dump())
    return Created(id=rule.id, version=rule.version)


@router.get("/feeds/{feed_id}/mapping-rules")
def rules(feed_id: int, actor: ActorDep, session: SessionDep) -> FeedRules:
    return FeedRules.model_validate(actuals.rules_of(session, actor=actor, feed_id=feed_id))


@router.patch("/mapping-rules/{rule_id}")
def update_rule(rule_id: int, body: RulePatch, actor: ActorDep, session: SessionDep) -> RuleUpdated:
    rule = actuals.update_rule(session, actor=actor, rule_id=rule_id, version=body.version, changes=body.changes)
    return RuleUpdated(id=rule.id, status=rule.status, version=rule.version)


@router.get("/nodes/{node_id}/proposed-actuals")
def proposals(
    node_id: int, actor: ActorDep, session: SessionDep, status: ProposalStatus = "proposed"
) -> list[ProposalOut]:
    return [
        ProposalOut.model_validate(p) for p in actuals.proposals(session, actor=actor, node_id=node_id, status=status)
    ]


@router.post("/proposed-actuals/{proposal_id}/decision")
def decide(proposal_id: int, body: ProposalDecisionIn, actor: ActorDep, session: SessionDep) -> ProposalDecided:
    p = actuals.decide(session, actor=actor, proposal_id=proposal_id, **body.model_dump())
    return ProposalDecided(id=p.id, status=p.status, booked_amount=p.booked_amount, version=p.version)
