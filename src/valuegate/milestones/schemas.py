"""Request and response shapes of the milestones API (Pydantic)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from valuegate.schemas import Out


class MilestoneIn(BaseModel):
    name: str
    due_on: date
    forecast_on: date | None = None


class MilestonePatch(BaseModel):
    version: int
    name: str | None = None
    due_on: date | None = None
    forecast_on: date | None = None
    done_on: date | None = None


class MilestoneOut(Out):
    id: int
    measure_id: int
    name: str
    due_on: date
    forecast_on: date | None
    done_on: date | None
    version: int
