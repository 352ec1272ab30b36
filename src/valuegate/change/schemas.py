"""Request and response shapes of the change workstream API (Pydantic)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from pydantic import BaseModel, Field, StrictInt

from valuegate.change import rules
from valuegate.schemas import Out, one_of

if TYPE_CHECKING:
    Engagement: TypeAlias = str
    Commitment: TypeAlias = str
    AdkarElement: TypeAlias = str
    ResistanceReason: TypeAlias = str
    ResistanceChannel: TypeAlias = str
    ResistanceStatus: TypeAlias = str
    Tactic: TypeAlias = str
    ChampionActivity: TypeAlias = str
    CoverageState: TypeAlias = str
    LegacyKind: TypeAlias = str
    LegacyStatus: TypeAlias = str
    LegacyFlag: TypeAlias = str
    GridQuadrant: TypeAlias = str
    Salience: TypeAlias = str
else:
    Engagement = one_of("Engagement", rules.ENGAGEMENT)
    Commitment = one_of("CommitmentStage", rules.COMMITMENT)
    AdkarElement = one_of("AdkarElement", rules.ADKAR)
    ResistanceReason = one_of("ResistanceReason", rules.RESISTANCE_REASONS)
    ResistanceChannel = one_of("ResistanceChannel", rules.RESISTANCE_CHANNELS)
    ResistanceStatus = one_of("ResistanceStatus", rules.RESISTANCE_STATUSES)
    Tactic = one_of("ResistanceTactic", rules.TACTICS)
    ChampionActivity = one_of("ChampionActivity", rules.CHAMPION_ACTIVITIES)
    CoverageState = one_of("CoverageState", rules.COVERAGE_STATES)
    LegacyKind = one_of("LegacyKind", rules.LEGACY_KINDS)
    LegacyStatus = one_of("LegacyStatus", rules.LEGACY_STATUSES)
    LegacyFlag = one_of("LegacyFlag", rules.LEGACY_FLAGS)
    GridQuadrant = one_of("GridQuadrant", rules.GRID_LABELS)
    Salience = one_of("Salience", dict.fromkeys(rules.SALIENCE.values()))


class StakeholderIn(BaseModel):
    person_id: int
    role: str | None = Field(default=None, max_length=200)
    power: StrictInt
    interest: StrictInt
    influence: StrictInt
    legitimacy: StrictInt
    urgency: StrictInt
    current_engagement: Engagement
    desired_engagement: Engagement
    commitment_stage: Commitment | None = None
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
    current_engagement: Engagement | None = None
    desired_engagement: Engagement | None = None
    commitment_stage: Commitment | None = None
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
    channel: ResistanceChannel = "open"
    raised_by_id: int | None = None
    group_id: int | None = None
    underlying_reason: ResistanceReason | None = None
    adkar_element: AdkarElement | None = None
    owner_id: int | None = None
    due_on: date | None = None


class ResistancePatch(BaseModel):
    version: int
    underlying_reason: ResistanceReason | None = None
    adkar_element: AdkarElement | None = None
    tactic: Tactic | None = None
    owner_id: int | None = None
    due_on: date | None = None
    status: ResistanceStatus | None = None
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
    kind: ChampionActivity
    happened_on: date | None = None
    attendees: StrictInt | None = None
    note: str | None = None


class LegacyIn(BaseModel):
    name: str = Field(max_length=200)
    kind: LegacyKind
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
    kind: LegacyKind | None = None
    replacement: str | None = None
    retire_by: date | None = None
    owner_id: int | None = None
    description: str | None = None
    double_work_hours: StrictInt | None = None
    people_still_using: StrictInt | None = None
    usage_system: str | None = Field(default=None, max_length=100)
    status: LegacyStatus | None = None


class StakeholderOut(Out):
    id: int
    node_id: int
    person_id: int
    name: str
    role: str | None
    power: int
    interest: int
    influence: int
    legitimacy: int
    urgency: int
    current_engagement: Engagement
    desired_engagement: Engagement
    commitment_stage: Commitment | None
    loses: str | None
    gains: str | None
    relationship_owner_id: int | None
    last_assessed_on: date
    grid: GridQuadrant = Field(description="Mendelow's power/interest grid")
    salience: Salience = Field(description="Mitchell, Agle and Wood: power, legitimacy and urgency held")
    engagement_gap: int = Field(description="Levels from current to desired engagement")
    priority: int
    stale: bool
    needs_owner: bool
    version: int


class StakeholderAssessed(Out):
    id: int
    version: int
    last_assessed_on: date


class GroupOut(Out):
    id: int
    node_id: int
    parent_id: int | None
    name: str
    size: int
    description: str | None
    version: int


class AdkarScores(Out):
    awareness: int
    desire: int
    knowledge: int
    ability: int
    reinforcement: int


class AdkarShares(Out):
    awareness: float | None
    desire: float | None
    knowledge: float | None
    ability: float | None
    reinforcement: float | None


class AdkarOut(Out):
    id: int
    stakeholder_id: int | None
    group_id: int | None
    assessed_on: date
    scores: AdkarScores
    barrier: AdkarElement | None = Field(description="The first element scoring 3 or less")
    intervention: str | None
    mean: float
    notes: str | None


class AdkarRollup(Out):
    people: int
    barriers: AdkarScores = Field(description="How many people have their barrier at each element")
    ready: int
    ready_share: float | None
    element_gap: AdkarShares = Field(description="The share scoring 3 or less per element")
    dominant_barrier: AdkarElement | None


class AdkarOverview(Out):
    people: list[AdkarOut]
    groups: list[AdkarOut]
    rollup: AdkarRollup
    assessments: int


class ResistanceOut(Out):
    id: int
    node_id: int
    objection: str
    channel: ResistanceChannel
    raised_by_id: int | None
    group_id: int | None
    stakeholder_id: int | None
    underlying_reason: ResistanceReason | None
    adkar_element: AdkarElement | None
    tactic: Tactic | None
    owner_id: int | None
    due_on: date | None
    status: ResistanceStatus
    raised_on: date
    escalated_on: date | None
    overdue: bool
    resolution: str | None
    version: int


class ChampionOut(Out):
    id: int
    person_id: int
    name: str
    group_id: int
    team: str | None
    time_percent: int
    early_access: bool
    design_involvement: str | None
    since: date
    active: bool
    activities: int
    activities_this_window: int
    last_activity_on: date | None
    dormant: bool
    version: int


class TeamCoverage(Out):
    group_id: int
    team: str
    parent_id: int | None
    champions: int
    impacted: int
    people_per_champion: float | None
    state: CoverageState
    champions_needed: int


class ChampionNetwork(Out):
    node_id: int
    ratio: int = Field(description="One champion per this many impacted people")
    window_days: int
    champions: list[ChampionOut]
    teams: list[TeamCoverage]
    uncovered: int
    dormant: int


class ChampionNamed(Out):
    id: int
    version: int
    since: date


class ChampionUpdated(Out):
    id: int
    version: int
    active: bool


class ActivityLogged(Out):
    id: int
    kind: ChampionActivity
    happened_on: date


class LegacyOut(Out):
    id: int
    name: str
    kind: LegacyKind
    description: str | None
    owner_id: int | None
    owner: str | None
    replacement: str
    retire_by: date
    status: LegacyStatus
    parallel_since: date | None
    retired_on: date | None
    double_work_hours: int | None
    people_still_using: int | None
    usage_system: str | None
    flags: list[LegacyFlag]
    version: int


class LegacyCounts(Out):
    planned: int
    parallel: int
    retired: int


class RetirementList(Out):
    node_id: int
    items: list[LegacyOut]
    counts: LegacyCounts
    double_work_hours_per_week: int
    overdue: int
    without_owner: int


class PromptOut(Out):
    template: str
    title: str
    system: str
    prompt: str


class AssistantAnswer(PromptOut):
    answer: str
