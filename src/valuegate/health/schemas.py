"""Request shapes of the health monitor (Pydantic), read by its API and by the health page's forms alike."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field, StrictInt


class ProfileIn(BaseModel):
    version: int | None = None
    live_on: date | None = None
    maturity_level: StrictInt | None = None
    analyst_fte: float | None = None
    thresholds: dict[str, Any] | None = None


class ArtefactIn(BaseModel):
    name: str = Field(max_length=200)
    kind: str = "report"
    owner_id: int | None = None
    audience_group_id: int | None = None
    audience: str | None = Field(default=None, max_length=300)
    audience_size: StrictInt | None = None
    decisions: str | None = Field(default=None, max_length=4000)
    layer: str | None = None
    rationale: str | None = Field(default=None, max_length=4000)
    feed_id: int | None = None
    usage_system: str | None = Field(default=None, max_length=100)
    published_on: date | None = None


class ArtefactPatch(BaseModel):
    version: int | None = None
    changes: dict[str, Any]


class UseIn(BaseModel):
    action: str = "view"


class UsesIn(BaseModel):
    uses: list[Any]


class CiteIn(BaseModel):
    artefact_ids: list[StrictInt]


class PlayIn(BaseModel):
    detector: str
    play: str
    owner_id: StrictInt
    due_on: date | None = None


class ActionPatch(BaseModel):
    version: int | None = None
    status: str
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
