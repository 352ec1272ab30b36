"""Request shapes of the data feeds (Pydantic), read by their API and by the feed calendar's forms alike."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, StrictInt


class FeedIn(BaseModel):
    name: str = Field(max_length=200)
    channel: str
    due_business_day: StrictInt
    contract: Any
    owner_id: int | None = None
    description: str | None = None
    key_columns: list[str] | None = None
    reference: dict[str, list[str]] | None = None
    amount_column: str | None = Field(default=None, max_length=100)
    tag_column: str | None = Field(default=None, max_length=100)
    required_tags: list[str] | None = None


class FeedPatch(BaseModel):
    version: int | None = None
    changes: dict[str, Any]


class NoticeIn(BaseModel):
    period: str
    note: str = Field(max_length=2000)


class RuleIn(BaseModel):
    match: dict[str, str]
    measure_id: StrictInt
    share: float = 1.0
    kind: str = "one_time_cost"
    negate: bool = False
    owner_id: int | None = None
    rationale: str | None = Field(default=None, max_length=4000)


class RulePatch(BaseModel):
    version: int | None = None
    changes: dict[str, Any]


class DecisionIn(BaseModel):
    version: int | None = None
    decision: str
    amount: str | int | None = None
    note: str | None = Field(default=None, max_length=2000)


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
