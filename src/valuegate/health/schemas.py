"""Request and response shapes of the health monitor API (Pydantic); the health page's forms are read by them too."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import BaseModel, Field, StrictInt

from valuegate.health import catalogue, plays, rules
from valuegate.health.thresholds import DETECTORS
from valuegate.portfolio.schemas import NodeKind
from valuegate.schemas import Out, Timestamp, one_of

if TYPE_CHECKING:
    Detector: TypeAlias = str
    Severity: TypeAlias = str
    Band: TypeAlias = str
    HealthTrend: TypeAlias = str
    Play: TypeAlias = str
    ActionStatus: TypeAlias = str
    ArtefactKind: TypeAlias = str
    Layer: TypeAlias = str
    ArtefactStatus: TypeAlias = str
    UseAction: TypeAlias = str
else:
    Detector = one_of("Detector", DETECTORS)
    Severity = one_of("Severity", rules.SIGNAL_SEVERITIES)
    Band = one_of("HealthBand", rules.BANDS)
    HealthTrend = one_of("HealthTrend", rules.TRENDS)
    Play = one_of("Play", plays.PLAYS)
    ActionStatus = one_of("ActionStatus", plays.ACTION_STATUSES)
    ArtefactKind = one_of("ArtefactKind", catalogue.KINDS)
    Layer = one_of("ModelLayer", catalogue.LAYERS)
    ArtefactStatus = one_of("ArtefactStatus", catalogue.STATUSES)
    UseAction = one_of("UseAction", catalogue.USE_ACTIONS)

# The detectors' thresholds and weights by name (whole numbers where they count days or items).
Thresholds = dict[str, int | float]


class ProfileIn(BaseModel):
    version: int | None = None
    live_on: date | None = None
    maturity_level: StrictInt | None = None
    analyst_fte: float | None = None
    thresholds: dict[str, Any] | None = Field(default=None, description="Threshold name to its value (or null)")


class ArtefactIn(BaseModel):
    name: str = Field(max_length=200)
    kind: ArtefactKind = "report"
    owner_id: int | None = None
    audience_group_id: int | None = None
    audience: str | None = Field(default=None, max_length=300)
    audience_size: StrictInt | None = None
    decisions: str | None = Field(default=None, max_length=4000)
    layer: Layer | None = None
    rationale: str | None = Field(default=None, max_length=4000)
    feed_id: int | None = None
    usage_system: str | None = Field(default=None, max_length=100)
    published_on: date | None = None


class ArtefactPatch(BaseModel):
    version: int | None = None
    changes: dict[str, Any] = Field(description="Fields of the artefact to change, or its status")


class UseIn(BaseModel):
    action: UseAction = "view"


class UsesIn(BaseModel):
    uses: list[Any] = Field(description="Each {artefact_id, actor, on, action} from the reporting tool's view log")


class CiteIn(BaseModel):
    artefact_ids: list[StrictInt]


class PlayIn(BaseModel):
    detector: Detector
    play: Play
    owner_id: StrictInt
    due_on: date | None = None


class ActionPatch(BaseModel):
    version: int | None = None
    status: ActionStatus
    outcome: str | None = Field(default=None, max_length=4000)


class Part(BaseModel):
    part: str = Field(max_length=300)
    owner_id: StrictInt


class Deliverable(BaseModel):
    deliverable: str = Field(max_length=300)
    every: str = Field(max_length=100)


class OutcomeIn(BaseModel):
    good_looks_like: str = Field(max_length=4000)
    parts: list[Part]
    cadence: list[Deliverable]
    review_on: date
    action_id: int | None = None


class NodeRef(Out):
    id: int
    name: str
    kind: NodeKind


class SignalOut(Out):
    detector: Detector
    name: str
    severity: Severity
    summary: str
    figures: dict[str, Any] = Field(description="What the detector counted; the figures depend on the detector")
    evidence: list[dict[str, Any]] = Field(
        description="Each finding behind the signal: its kind, a text, and the ids of what it is about"
    )
    reasons: list[str]


class Contribution(Out):
    detector: Detector
    name: str
    severity: Severity
    weight: float
    value: float | None
    share: float | None = Field(description="The detector's part of the score; null when it measured nothing")


class WeekScore(Out):
    week: date
    score: float | None
    band: Band


class ProfileOut(Out):
    node_id: int
    live_on: date | None
    maturity_level: int | None
    analyst_fte: float | None
    overrides: Thresholds
    thresholds: Thresholds = Field(description="What the detectors use: the defaults with the overrides")
    defaults: Thresholds
    version: int


class ProposedPlay(Out):
    play: Play
    title: str
    detector: Detector
    detectors: list[Detector]
    severity: Severity
    detail: dict[str, Any] = Field(description="Who to talk to, what to cover and the steps; depends on the play")


class ActionOut(Out):
    id: int
    node_id: int
    detector: Detector
    play: Play
    title: str
    detail: dict[str, Any] = Field(description="The play's detail as it was when the action was taken")
    owner_id: int
    owner: str | None
    due_on: date
    status: ActionStatus
    outcome: str | None
    closed_on: date | None
    version: int


class PartOut(Out):
    part: str
    owner_id: int
    owner: str | None


class DeliverableOut(Out):
    deliverable: str
    every: str


class OutcomeOut(Out):
    id: int
    good_looks_like: str
    parts: list[PartOut]
    cadence: list[DeliverableOut]
    review_on: date
    agreed_at: Timestamp
    action_id: int | None


class Health(Out):
    """An implementation's latest weekly reading, its history, its profile and what to do about it."""

    node: NodeRef
    week: date
    as_of: date
    computed_at: Timestamp
    trigger: str = Field(description="schedule or on_demand")
    score: float | None = Field(description="0 (healthy) to 1; null when no detector had anything to read")
    band: Band
    signals: list[SignalOut]
    breakdown: list[Contribution]
    history: list[WeekScore]
    trend: HealthTrend | None
    profile: ProfileOut
    plays: list[ProposedPlay]
    actions: list[ActionOut]
    outcome: OutcomeOut | None


class PortfolioHealth(Out):
    node_id: int
    name: str
    kind: NodeKind
    week: date
    score: float | None
    band: Band
    trend: HealthTrend | None
    detectors: dict[Detector, Severity]
    alerts: list[str]


class ArtefactOut(Out):
    id: int
    node_id: int
    name: str
    kind: ArtefactKind
    owner_id: int | None
    owner: str | None
    audience_group_id: int | None
    audience: str | None
    audience_size: int | None
    decisions: str | None
    layer: Layer | None
    rationale: str | None
    feed_id: int | None
    usage_system: str | None
    published_on: date
    status: ArtefactStatus
    status_reason: str | None
    uses_30d: int
    users_30d: int
    last_used_on: date | None
    version: int


class ArtefactRegistered(Out):
    id: int
    name: str
    version: int


class ArtefactUpdated(Out):
    id: int
    status: ArtefactStatus
    version: int


class UsesRecorded(Out):
    recorded: int


class Citations(Out):
    decision_id: int
    artefact_ids: list[int]


# --- What the health page's forms send where the API's body has another shape. ---------------------------------


class RunIn(BaseModel):
    """Running the detectors now takes nothing but the asking."""


class ArtefactCareIn(BaseModel):
    """An artefact's owner and status as its row on the health page changes them (the API takes any changes)."""

    version: int | None = None
    owner_id: int | None = None
    status: str | None = None
    status_reason: str | None = Field(default=None, max_length=4000)


class OutcomeHeadIn(BaseModel):
    """The outcome form's single fields; its parts and cadence come as numbered rows (``OutcomeIn`` takes lists)."""

    good_looks_like: str = Field(max_length=4000)
    review_on: date
    action_id: int | None = None
