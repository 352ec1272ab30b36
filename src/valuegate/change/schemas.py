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


class ChampionIn(BaseModel):
    person_id: int
    group_id: int
    time_percent: StrictInt
    early_access: bool = False
    design_involvement: str | None = None
    nominated_by_id: int | None = None
    since: date | None = None


class ChampionPatch(BaseModel):
    version: int
    group_id: int | None = None
    time_percent: StrictInt | None = None
    early_access: bool | None = None
    design_involvement: str | None = None
    active: bool | None = None


class ActivityIn(BaseModel):
    kind: str
    happened_on: date | None = None
    attendees: StrictInt | None = None
    note: str | None = None


class LegacyIn(BaseModel):
    name: str = Field(max_length=200)
    kind: str
    replacement: str
    retire_by: date
    owner_id: int | None = None
    description: str | None = None
    double_work_hours: StrictInt | None = None
    people_still_using: StrictInt | None = None
    usage_system: str | None = Field(default=None, max_length=100)


class LegacyPatch(BaseModel):
    version: int
    name: str | None = Field(default=None, max_length=200)
    kind: str | None = None
    replacement: str | None = None
    retire_by: date | None = None
    owner_id: int | None = None
    description: str | None = None
    double_work_hours: StrictInt | None = None
    people_still_using: StrictInt | None = None
    usage_system: str | None = Field(default=None, max_length=100)
    status: str | None = None
