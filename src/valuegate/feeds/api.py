"""HTTP adapter for data feeds: register, submit a file (the request body), read a report and the calendar;
mapping rules and the actuals they propose, confirmed or corrected by the controller."""

from __future__ import annotations

from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends

from valuegate.deps import ActorDep, SessionDep, StreamedBody
from valuegate.feeds import actuals, reading, service
from valuegate.feeds.schemas import (
    DecisionIn,
    FeedIn,
    FeedPatch,
    NoticeIn,
    RuleIn,
    RulePatch,
)

router = APIRouter(tags=["feeds"])
FeedFile = Annotated[IO[bytes], Depends(StreamedBody(lambda: reading.MAX_BYTES))]


@router.post("/nodes/{node_id}/feeds", status_code=201)
def register(node_id: int, body: FeedIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    feed = service.register_feed(session, actor=actor, node_id=node_id, **body.model_dump())
    return {"id": feed.id, "name": feed.name}


@router.patch("/feeds/{feed_id}")
def update(feed_id: int, body: FeedPatch, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    feed = service.update_feed(session, actor=actor, feed_id=feed_id, version=body.version, changes=body.changes)
    return {"id": feed.id, "owner_id": feed.owner_id, "version": feed.version}


@router.get("/nodes/{node_id}/feeds/calendar")
def calendar(node_id: int, actor: ActorDep, session: SessionDep, months: int = 6) -> list[dict[str, Any]]:
    return service.calendar(session, actor=actor, node_id=node_id, months=max(1, min(months, 24)))


@router.post("/feeds/{feed_id}/submissions", status_code=201)
def submit(
    feed_id: int, period: str, actor: ActorDep, session: SessionDep, file: FeedFile, filename: str = "upload"
) -> dict[str, Any]:
    """The request body is the file (CSV, XLSX or Parquet)."""
    s = service.submit(
        session, actor=actor, feed_id=feed_id, period=period, filename=filename, data=file.read(), channel="api"
    )
    return service.submission_view(s)


@router.post("/feeds/{feed_id}/change-notices", status_code=201)
def announce(feed_id: int, body: NoticeIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    notice = service.announce_change(session, actor=actor, feed_id=feed_id, period=body.period, note=body.note)
    return {"id": notice.id, "feed_id": feed_id, "period": notice.period, "note": notice.note}


@router.get("/submissions/{submission_id}")
def submission(submission_id: int, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.get_submission(session, actor=actor, submission_id=submission_id)


@router.post("/feeds/{feed_id}/mapping-rules", status_code=201)
def add_rule(feed_id: int, body: RuleIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    rule = actuals.add_rule(session, actor=actor, feed_id=feed_id, **body.model_dump())
    return {"id": rule.id, "version": rule.version}


@router.get("/feeds/{feed_id}/mapping-rules")
def rules(feed_id: int, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return actuals.rules_of(session, actor=actor, feed_id=feed_id)


@router.patch("/mapping-rules/{rule_id}")
def update_rule(rule_id: int, body: RulePatch, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    rule = actuals.update_rule(session, actor=actor, rule_id=rule_id, version=body.version, changes=body.changes)
    return {"id": rule.id, "status": rule.status, "version": rule.version}


@router.get("/nodes/{node_id}/proposed-actuals")
def proposals(node_id: int, actor: ActorDep, session: SessionDep, status: str = "proposed") -> list[dict[str, Any]]:
    return actuals.proposals(session, actor=actor, node_id=node_id, status=status)


@router.post("/proposed-actuals/{proposal_id}/decision")
def decide(proposal_id: int, body: DecisionIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    p = actuals.decide(session, actor=actor, proposal_id=proposal_id, **body.model_dump())
    return {"id": p.id, "status": p.status, "booked_amount": p.booked_amount, "version": p.version}
