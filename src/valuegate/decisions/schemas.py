"""Request and response shapes of the decisions API (Pydantic)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from pydantic import BaseModel

from valuegate.decisions.rules import OUTCOMES
from valuegate.gates.schemas import GateRequestOut
from valuegate.schemas import Out, Timestamp, one_of

if TYPE_CHECKING:
    Outcome: TypeAlias = str
else:
    Outcome = one_of("DecisionOutcome", OUTCOMES)


class MeetingIn(BaseModel):
    title: str
    held_on: date
    node_id: int | None = None
    chair_id: int | None = None
    attendee_ids: list[int] = []


class DecisionIn(BaseModel):
    gate_request_id: int | None = None
    outcome: Outcome
    text: str
    defer_until: date | None = None


class MeetingOut(Out):
    id: int
    title: str
    node_id: int | None
    held_on: date
    chair_id: int | None
    notes: str | None
    version: int


class DecisionOut(Out):
    id: int
    gate_request_id: int | None
    measure_id: int | None
    outcome: Outcome
    text: str
    recorded_by: int
    recorded_at: Timestamp


class AgendaItem(GateRequestOut):
    measure_name: str


class Minutes(MeetingOut):
    attendees: list[int]
    decisions: list[DecisionOut]
    agenda: list[AgendaItem]


class DecisionRecorded(Out):
    id: int
    meeting_id: int
    gate_request_id: int | None
    outcome: Outcome
