"""Request shapes of the feedback API (Pydantic)."""

from __future__ import annotations

from pydantic import BaseModel, Field, StrictInt


class Pulse(BaseModel):
    awareness: StrictInt | None = None
    desire: StrictInt | None = None
    knowledge: StrictInt | None = None
    ability: StrictInt | None = None
    reinforcement: StrictInt | None = None


class CheckInIn(Pulse):
    blocker: str | None = None
    group_id: int | None = None


class FeedbackIn(BaseModel):
    text: str
    group_id: int | None = None


class AnonymousIn(Pulse):
    comment: str | None = None
    group_id: int | None = None


class RespondIn(BaseModel):
    version: int
    acknowledge: bool = False
    you_said: str | None = Field(default=None, max_length=4000)
    we_did: str | None = Field(default=None, max_length=4000)
    close: bool = False
