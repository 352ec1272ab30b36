"""HTTP adapter for data feeds: register, submit a file (the request body), read a report and the calendar."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, StrictInt

from valuegate.deps import ActorDep, SessionDep, bounded_body
from valuegate.feeds import reading, service

router = APIRouter(tags=["feeds"])


class FeedIn(BaseModel):
    name: str = Field(max_length=200)
    channel: str
    due_business_day: StrictInt
    contract: Any
    owner_id: int | None = None
    description: str | None = None
    key_columns: list[str] | None = None
    reference: dict[str, list[str]] | None = None
    amount_column: str | None = Field(default=None, max_length=100)
    tag_column: str | None = Field(default=None, max_length=100)
    required_tags: list[str] | None = None


@router.post("/nodes/{node_id}/feeds", status_code=201)
def register(node_id: int, body: FeedIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    feed = service.register_feed(session, actor=actor, node_id=node_id, **body.model_dump())
    return {"id": feed.id, "name": feed.name}


@router.get("/nodes/{node_id}/feeds/calendar")
def calendar(node_id: int, actor: ActorDep, session: SessionDep, months: int = 6) -> list[dict[str, Any]]:
    return service.calendar(session, actor=actor, node_id=node_id, months=max(1, min(months, 24)))


@router.post("/feeds/{feed_id}/submissions", status_code=201)
async def submit(
    request: Request, feed_id: int, period: str, actor: ActorDep, session: SessionDep, filename: str = "upload"
) -> dict[str, Any]:
    """The request body is the file (CSV, XLSX or Parquet)."""
    data = await bounded_body(request, reading.MAX_BYTES)
    s = service.submit(
        session, actor=actor, feed_id=feed_id, period=period, filename=filename, data=data, channel="api"
    )
    return service.submission_view(s)


@router.get("/submissions/{submission_id}")
def submission(submission_id: int, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.get_submission(session, actor=actor, submission_id=submission_id)
