"""Request shapes of the change workstream API (Pydantic)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, StrictInt


class StakeholderIn(BaseModel):
    person_id: int
    role: str | None = Field(default=None, max_length=200)
    power: StrictInt
    interest: StrictInt
    influence: StrictInt
    legitimacy: StrictInt
    urgency: StrictInt
    current_engagement: str
    desired_engagement: str
    commitment_stage: str | None = None
    loses: str | None = None
    gains: str | None = None
    relationship_owner_id: int | None = None


class StakeholderPatch(BaseModel):
    version: int
    role: str | None = Field(default=None, max_length=200)
    power: StrictInt | None = None
    interest: StrictInt | None = None
    influence: StrictInt | None = None
    legitimacy: StrictInt | None = None
    urgency: StrictInt | None = None
    current_engagement: str | None = None
    desired_engagement: str | None = None
    commitment_stage: str | None = None
    loses: str | None = None
    gains: str | None = None
    relationship_owner_id: int | None = None


class GroupIn(BaseModel):
    name: str = Field(max_length=200)
    size: StrictInt
    parent_id: int | None = None
    description: str | None = None


class AdkarIn(BaseModel):
    stakeholder_id: int | None = None
    group_id: int | None = None
    awareness: StrictInt
    desire: StrictInt
    knowledge: StrictInt
    ability: StrictInt
    reinforcement: StrictInt
    assessed_on: date | None = None
    notes: str | None = None


class ResistanceIn(BaseModel):
    objection: str
    channel: str = "open"
    raised_by_id: int | None = None
    group_id: int | None = None
    underlying_reason: str | None = None
    adkar_element: str | None = None
    owner_id: int | None = None
    due_on: date | None = None


class ResistancePatch(BaseModel):
    version: int
    underlying_reason: str | None = None
    adkar_element: str | None = None
    tactic: str | None = None
    owner_id: int | None = None
    due_on: date | None = None
    status: str | None = None
    resolution: str | None = None
