"""Request and response shapes of the data feeds API (Pydantic); the feed calendar's forms are read by them too."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import BaseModel, Field, StrictInt

from valuegate.feeds import actuals, service
from valuegate.finance.schemas import ValueKind
from valuegate.schemas import Out, Period, Timestamp, one_of

if TYPE_CHECKING:
    FeedChannel: TypeAlias = str
    SubmissionChannel: TypeAlias = str
    SubmissionStatus: TypeAlias = str
    CalendarState: TypeAlias = str
    RuleStatus: TypeAlias = str
    ProposalStatus: TypeAlias = str
    ProposalDecision: TypeAlias = str
else:
    FeedChannel = one_of("FeedChannel", service.CHANNELS)
    SubmissionChannel = one_of("SubmissionChannel", service.SUBMISSION_CHANNELS)
    SubmissionStatus = one_of("SubmissionStatus", service.SUBMISSION_STATUSES)
    CalendarState = one_of("FeedCalendarState", service.CALENDAR_STATES)
    RuleStatus = one_of("MappingRuleStatus", actuals.RULE_STATUSES)
    ProposalStatus = one_of("ProposalStatus", actuals.PROPOSAL_STATUSES)
    ProposalDecision = one_of("ProposalDecision", actuals.DECISIONS)

# An amount in major units as exact decimal text, e.g. 25400.00.
Decimal2 = str


class FeedIn(BaseModel):
    name: str = Field(max_length=200)
    channel: FeedChannel
    due_business_day: StrictInt
    contract: Any = Field(description="The columns the file must have, or the name of a contract template")
    owner_id: int | None = None
    description: str | None = None
    key_columns: list[str] | None = None
    reference: dict[str, list[str]] | None = None
    amount_column: str | None = Field(default=None, max_length=100)
    tag_column: str | None = Field(default=None, max_length=100)
    required_tags: list[str] | None = None


class FeedPatch(BaseModel):
    version: int | None = None
    changes: dict[str, Any] = Field(description="owner_id, channel, due_business_day or description")


class NoticeIn(BaseModel):
    period: str
    note: str = Field(max_length=2000)


class RuleIn(BaseModel):
    match: dict[str, str]
    measure_id: StrictInt
    share: float = 1.0
    kind: ValueKind = "one_time_cost"
    negate: bool = False
    owner_id: int | None = None
    rationale: str | None = Field(default=None, max_length=4000)


class RulePatch(BaseModel):
    version: int | None = None
    changes: dict[str, Any] = Field(description="share, kind, negate, owner_id, rationale or status")


class ProposalDecisionIn(BaseModel):
    version: int | None = None
    decision: ProposalDecision
    amount: str | int | None = None
    note: str | None = Field(default=None, max_length=2000)


class FeedRegistered(Out):
    id: int
    name: str


class FeedUpdated(Out):
    id: int
    owner_id: int | None
    version: int


class CalendarEntry(Out):
    feed_id: int
    feed: str
    owner_id: int | None
    period: Period
    due_on: date
    state: CalendarState
    submissions: int
    first_pass: bool = Field(description="The first file of the period was accepted")
    accepted_id: int | None


class SubmissionOut(Out):
    id: int
    feed_id: int
    period: Period
    received_at: Timestamp
    channel: SubmissionChannel
    filename: str
    size: int
    sha256: str
    status: SubmissionStatus
    fingerprint: str | None
    rows: int | None
    amount_total: Decimal2 | None
    report: dict[str, Any] = Field(
        description="The quality report of the file as it was made then: findings by dimension, columns, format, "
        "lateness and (for a ledger feed) the allocation"
    )


class NoticeOut(Out):
    id: int
    feed_id: int
    period: Period
    note: str


class RuleOut(Out):
    id: int
    feed_id: int
    match: dict[str, str] = Field(description="Column to value; * matches any text")
    measure_id: int
    measure: str
    kind: ValueKind
    negate: bool
    share: float
    owner_id: int | None
    owner: str | None
    rationale: str | None
    status: RuleStatus
    last_allocated: Decimal2 | None = Field(description="What the rule sent in the latest accepted file")
    version: int


class FeedRules(Out):
    feed_id: int
    period: Period | None = Field(description="The period of the latest accepted file")
    submission_id: int | None
    rules: list[RuleOut]
    allocation: dict[str, Any] = Field(
        description="The allocation of that file as its report recorded it (totals, unallocated amounts by key); "
        "empty without an accepted file"
    )


class RuleUpdated(Out):
    id: int
    status: RuleStatus
    version: int


class ProposalOut(Out):
    id: int
    submission_id: int
    measure_id: int
    measure: str
    kind: ValueKind
    period: Period
    amount: Decimal2
    rows: int
    rule_ids: list[int]
    status: ProposalStatus
    booked_amount: Decimal2 | None
    actual_now: Decimal2 | None = Field(description="The actual already booked for that month and kind")
    note: str | None
    version: int


class ProposalDecided(Out):
    id: int
    status: ProposalStatus
    booked_amount: Decimal2 | None
    version: int


# --- What the feed calendar's forms send where the API's body has another shape. --------------------------------


class FeedOwnerIn(BaseModel):
    """Handing a feed over to another owner (or to nobody), as the calendar's owner form does."""

    version: int | None = None
    owner_id: int | None = None


class RuleFormIn(RuleIn):
    """A mapping rule as the calendar's form sends it: the match as one field per column (``match_<column>``), the
    share in percent."""

    match: dict[str, str] = {}
    share: float = 100.0
