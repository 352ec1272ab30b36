"""Request shapes of the gates API (Pydantic); responses are plain dicts built by the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, StrictInt


class MoveRequestIn(BaseModel):
    to_stage: str
    reason: str | None = None


class DecisionIn(BaseModel):
    version: int | None = None
    comment: str | None = None


class DeferIn(BaseModel):
    version: int | None = None
    until: date
    reason: str


class SignOffIn(BaseModel):
    verified_value: StrictInt
    evidence_ref: str
    confirm_actuals: bool
    comment: str | None = None
    values_version: int | None = None


class RebaselineIn(BaseModel):
    reason: str
    entries: list[dict[str, Any]]


class RebaselineDecisionIn(BaseModel):
    approve: bool
    comment: str | None = None
    version: int | None = None


class StagePatch(BaseModel):
    version: int
    label: str


class GatePatch(BaseModel):
    version: int
    criteria: list[str] | None = None
    approvals: list[list[str]] | None = None
    requires_reason: bool | None = None


class GateForm(BaseModel):
    """A gate as its page's form sends it: the approvers as one line ('sponsor; controller', 'lead or pmo'), read
    into GatePatch's slots by ``gates.config.approval_slots``; the criteria are the checked boxes."""

    version: int
    approvals: str
    requires_reason: bool = False
