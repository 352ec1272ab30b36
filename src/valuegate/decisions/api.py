"""HTTP adapter for steering meetings and their decisions."""

from __future__ import annotations

from valuegate.decisions import service
from valuegate.decisions.schemas import DecisionIn, DecisionRecorded, MeetingIn, MeetingOut, Minutes
from valuegate.deps import ActorDep, SessionDep, api_router

router = api_router("decisions")


@router.post("/meetings", status_code=201)
def create_meeting(body: MeetingIn, actor: ActorDep, session: SessionDep) -> MeetingOut:
    return MeetingOut.model_validate(
        service.meeting_view(service.create_meeting(session, actor=actor, **body.model_dump()))
    )


@router.get("/meetings/{meeting_id}")
def get_meeting(meeting_id: int, actor: ActorDep, session: SessionDep) -> Minutes:
    return Minutes.model_validate(service.minutes(session, actor=actor, meeting_id=meeting_id))


@router.post("/meetings/{meeting_id}/decisions", status_code=201)
def record_decision(meeting_id: int, body: DecisionIn, actor: ActorDep, session: SessionDep) -> DecisionRecorded:
    d = service.record_decision(session, actor=actor, meeting_id=meeting_id, **body.model_dump())
    return DecisionRecorded(id=d.id, meeting_id=d.meeting_id, gate_request_id=d.gate_request_id, outcome=d.outcome)
