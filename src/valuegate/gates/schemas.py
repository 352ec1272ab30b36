"""Request and response shapes of the gates API (Pydantic)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from pydantic import BaseModel, Field, StrictInt

from valuegate.finance.schemas import RebaselineStatus, ValueIn
from valuegate.gates.rules import APPROVER_ROLES, CRITERIA, DIRECTIONS, REQUEST_STATUSES
from valuegate.portfolio.schemas import Stage
from valuegate.schemas import Out, Timestamp, one_of

if TYPE_CHECKING:
    Direction: TypeAlias = str
    RequestStatus: TypeAlias = str
    ApproverRole: TypeAlias = str
    Criterion: TypeAlias = str
else:
    Direction = one_of("Direction", DIRECTIONS)
    RequestStatus = one_of("GateRequestStatus", REQUEST_STATUSES)
    ApproverRole = one_of("ApproverRole", sorted(APPROVER_ROLES))
    Criterion = one_of("Criterion", sorted(CRITERIA))


class MoveRequestIn(BaseModel):
    to_stage: Stage
    reason: str | None = None


class GateDecisionIn(BaseModel):
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
    entries: list[ValueIn]


class RebaselineDecisionIn(BaseModel):
    approve: bool
    comment: str | None = None
    version: int | None = None


class StagePatch(BaseModel):
    version: int
    label: str


class GatePatch(BaseModel):
    version: int
    criteria: list[Criterion] | None = None
    approvals: list[list[ApproverRole]] | None = Field(
        default=None, description="Approval slots: each is filled by any one of its roles"
    )
    requires_reason: bool | None = None


class GateForm(BaseModel):
    """A gate as its page's form sends it: the approvers as one line ('sponsor; controller', 'lead or pmo'), read
    into GatePatch's slots by ``gates.config.approval_slots``; the criteria are the checked boxes."""

    version: int
    approvals: str
    requires_reason: bool = False


class GateRequestOut(Out):
    id: int
    measure_id: int
    from_stage: Stage
    to_stage: Stage
    direction: Direction
    status: RequestStatus
    requested_by: int
    requested_at: Timestamp
    reason: str | None
    deferred_until: date | None
    defer_count: int
    version: int


class InboxItem(GateRequestOut):
    """A pending request the caller can decide, in the role (and for whom) they would decide it."""

    measure_name: str
    as_role: ApproverRole
    on_behalf_of: int | None = Field(description="The person the caller deputises for here, if any")


class SignOffOut(Out):
    id: int
    measure_id: int
    verified_value: int
    actuals_total: int
    evidence_ref: str
    signed_at: Timestamp


class RebaselineOut(Out):
    id: int
    status: RebaselineStatus
    version: int


class RebaselineDecided(RebaselineOut):
    sponsor_approved_by: int | None
    controller_approved_by: int | None


class StageOut(Out):
    code: Stage
    label: str
    ordinal: int
    terminal: bool
    version: int


class StageRelabelled(Out):
    code: Stage
    label: str
    version: int


class GateOut(Out):
    to_stage: Stage
    criteria: list[Criterion]
    approvals: list[list[ApproverRole]]
    requires_reason: bool
    version: int


class GateConfiguration(Out):
    stages: list[StageOut]
    gates: list[GateOut]
    criteria: list[Criterion] = Field(description="Every criterion a gate can require")
    roles: list[ApproverRole] = Field(description="Every role an approval slot can name")


class UnmetOut(Out):
    criterion: Criterion
    problem: str


class NextGateOut(Out):
    to_stage: Stage | None = Field(description="null when the measure is at the end of its life")
    label: str | None
    ready: bool
    unmet: list[UnmetOut]
    approvers: list[list[ApproverRole]]
    pending_request_id: int | None
