"""Request shapes of the decisions API (Pydantic); responses are plain dicts built by the services."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class MeetingIn(BaseModel):
    title: str
    held_on: date
    node_id: int | None = None
    chair_id: int | None = None
    attendee_ids: list[int] = []


class DecisionIn(BaseModel):
    gate_request_id: int | None = None
    outcome: str
    text: str
    defer_until: date | None = None
