"""Request and response shapes of the feedback API (Pydantic)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from valuegate.feedback import rules
from valuegate.schemas import Out, one_of

if TYPE_CHECKING:
    FeedbackChannel: TypeAlias = str
    FeedbackWindow: TypeAlias = str
    HiddenBecause: TypeAlias = str
    DistributionHiddenBecause: TypeAlias = str
else:
    FeedbackChannel = one_of("FeedbackChannel", rules.CHANNELS)
    FeedbackWindow = one_of("FeedbackWindow", rules.WINDOWS)
    HiddenBecause = one_of("HiddenBecause", rules.HIDDEN_BECAUSE)
    DistributionHiddenBecause = one_of("DistributionHiddenBecause", rules.DISTRIBUTION_HIDDEN_BECAUSE)


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


class CheckInRecorded(Out):
    id: int
    week_start: date


class AdkarMeans(Out):
    awareness: float | None
    desire: float | None
    knowledge: float | None
    ability: float | None
    reinforcement: float | None


class CheckInGroup(Out):
    group_id: int | None
    group: str
    check_ins: int
    response_rate: float | None
    means: AdkarMeans


class Blocker(Out):
    person: str
    group: str | None
    blocker: str


class CheckInReport(Out):
    node_id: int
    week_start: date
    groups: list[CheckInGroup]
    blockers: list[Blocker]


class FeedbackRaised(Out):
    id: int
    raised_on: date


class AnonymousReceived(Out):
    received: bool
    window: str = Field(description="The window it was filed under, first/last day, e.g. 2026-06-15/2026-06-21")


class Window(Out):
    start: date
    end: date


class ReportWindow(Window):
    kind: FeedbackWindow


class ElementSummary(Out):
    answers: int
    mean: float | None
    distribution: dict[int, int] | None = Field(description="Answers per score 1-5, when it may be shown")
    distribution_hidden: DistributionHiddenBecause | None


class ElementSummaries(Out):
    awareness: ElementSummary
    desire: ElementSummary
    knowledge: ElementSummary
    ability: ElementSummary
    reinforcement: ElementSummary


class ReportGroup(Out):
    """One audience group (or everyone). Scores are present only when shown; comments only when they clear their
    own threshold, else the reason they are hidden."""

    group_id: int | None
    group: str
    parent_id: int | None
    size: int
    shown: bool
    hidden_because: HiddenBecause | None
    respondents: int | None
    response_rate: float | None = None
    elements: ElementSummaries | None = None
    comments: list[str] | None = None
    comments_hidden_because: HiddenBecause | None = None


class AnonymousReport(Out):
    node_id: int
    window: ReportWindow
    min_group: int
    min_comments: int
    groups: list[ReportGroup]


class QueueItem(Out):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    channel: FeedbackChannel
    id: str
    from_: str = Field(alias="from", description="The author, or 'Anonymous, <group>'")
    text: str
    raised: date
    acknowledged_on: date | None
    you_said: str | None
    we_did: str | None
    version: int


class FeedbackQueue(Out):
    node_id: int
    items: list[QueueItem]
    anonymous_waiting: int = Field(description="Anonymous comments waiting for their window to clear the threshold")


class Published(Out):
    you_said: str
    we_did: str
    closed_on: date


class YouSaidWeDid(Out):
    node_id: int
    raised: int
    closed_with_response: int
    closure_ratio: float | None
    median_days_to_acknowledge: float | None
    median_days_to_close: float | None
    published: list[Published]


class Responded(Out):
    id: str
    version: int
    acknowledged_on: date | None
    closed_on: date | None
