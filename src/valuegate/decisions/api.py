"""HTTP adapter for steering meetings and their decisions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from valuegate.decisions import service
from valuegate.decisions.schemas import DecisionIn, MeetingIn
from valuegate.deps import ActorDep, SessionDep

router = APIRouter(tags=["decisions"])


@router.post("/meetings", status_code=201)
def create_meeting(body: MeetingIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.meeting_view(service.create_meeting(session, actor=actor, **body.model_dump()))


@router.get("/meetings/{meeting_id}")
def get_meeting(meeting_id: int, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.minutes(session, actor=actor, meeting_id=meeting_id)


@router.post("/meetings/{meeting_id}/decisions", status_code=201)
def record_decision(meeting_id: int, body: DecisionIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    d = service.record_decision(session, actor=actor, meeting_id=meeting_id, **body.model_dump())
    return {
        "id": d.id,
        "meeting_id": d.meeting_id,
        "gate_request_id": d.gate_request_id,
        "outcome": d.outcome,
    }
