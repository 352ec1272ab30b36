"""Request shapes of the communication matrix API (Pydantic)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, StrictInt


class MessageIn(BaseModel):
    audience_group_id: int
    key_message: str = Field(max_length=200)
    message_type: str
    channel: str
    messenger_role: str
    planned_on: date
    recurrence: str | None = Field(default=None, max_length=300)
    adkar_target: str | None = None
    purpose: str | None = None
    messenger_id: int | None = None
    author_id: int | None = None
    desired_action: str | None = None
    action_metric: str | None = None
    covers_why: bool = False
    covers_why_now: bool = False
    covers_risk: bool = False
    repetition_target: StrictInt = 5


class MessagePatch(BaseModel):
    version: int
    audience_group_id: int | None = None
    key_message: str | None = Field(default=None, max_length=200)
    message_type: str | None = None
    channel: str | None = None
    messenger_role: str | None = None
    planned_on: date | None = None
    recurrence: str | None = Field(default=None, max_length=300)
    adkar_target: str | None = None
    purpose: str | None = None
    messenger_id: int | None = None
    author_id: int | None = None
    desired_action: str | None = None
    action_metric: str | None = None
    covers_why: bool | None = None
    covers_why_now: bool | None = None
    covers_risk: bool | None = None
    repetition_target: StrictInt | None = None
    status: str | None = None


class SentIn(BaseModel):
    occurrence_on: date
    sent_on: date | None = None
    note: str | None = None
