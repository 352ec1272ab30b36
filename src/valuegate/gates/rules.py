"""The stage-gate rules: default configuration as data, and the one function that checks criteria.

The same :func:`unmet_criteria` is used to refuse a gate request, to finish an approval and to tell a
person what the next gate still needs, so the page and the engine can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

STAGES: list[tuple[str, str, int, bool]] = [
    ("defined", "Defined", 0, False),
    ("identified", "Identified", 1, False),
    ("detailed", "Detailed", 2, False),
    ("decided", "Decided", 3, False),
    ("implemented", "Implemented", 4, False),
    ("closed", "Closed", 5, True),
    ("cancelled", "Cancelled", 6, True),
]
STAGE_CODES = tuple(code for code, _label, _o, _t in STAGES)
DIRECTIONS = ("forward", "back", "cancel")
REQUEST_STATUSES = ("pending", "approved", "rejected", "withdrawn")
FORWARD = [code for code, _label, _o, terminal in STAGES if not terminal] + ["closed"]
STAGE_ORDER = {code: ordinal for code, _l, ordinal, _t in STAGES}
TERMINAL = {code for code, _l, _o, terminal in STAGES if terminal}

# Entry gates: criteria codes, approval slots (each slot: any one of the roles), reason required.
DEFAULT_GATES: dict[str, tuple[list[str], list[list[str]], bool]] = {
    "identified": (
        ["roles_named", "roles_distinct", "org_unit", "annual_estimate"],
        [["lead", "pmo"]],
        False,
    ),
    "detailed": (
        ["plan_values", "one_time_costs", "milestone_due", "dependencies_declared", "services_declared"],
        [["controller"]],
        False,
    ),
    "decided": (["service_acknowledgements", "sponsor_rationale"], [["sponsor"], ["controller"]], False),
    "implemented": (["milestones_done", "upstream_complete"], [["sponsor"]], False),
    "closed": (["controller_signoff"], [["controller"]], False),
    "cancelled": ([], [["sponsor", "pmo"]], True),
}
# A move back to an earlier stage (a reopening) needs a reason and one of these.
BACK_MOVE_APPROVALS: list[list[str]] = [["sponsor", "pmo"]]
APPROVER_ROLES = {"owner", "sponsor", "controller", "lead", "pmo"}


@dataclass(frozen=True)
class MilestoneFact:
    name: str
    due_on: date
    done_on: date | None


@dataclass(frozen=True)
class MeasureFacts:
    """Everything the criteria look at, gathered in one place by the service."""

    owner_id: int | None
    sponsor_id: int | None
    controller_id: int | None
    org_unit_id: int | None
    annual_estimate: int | None
    plan_periods: int
    one_time_costs_declared: bool
    dependencies_declared: bool
    services_declared: bool
    milestones: list[MilestoneFact] = field(default_factory=list)
    unacknowledged_services: list[str] = field(default_factory=list)
    incomplete_upstreams: list[str] = field(default_factory=list)
    has_controller_signoff: bool = False


@dataclass(frozen=True)
class Unmet:
    code: str
    message: str


def _roles_named(f: MeasureFacts) -> str | None:
    missing = [
        r for r, v in (("owner", f.owner_id), ("sponsor", f.sponsor_id), ("controller", f.controller_id)) if v is None
    ]
    return f"name the {', '.join(missing)}" if missing else None


def _roles_distinct(f: MeasureFacts) -> str | None:
    if f.controller_id is not None and f.controller_id in (f.owner_id, f.sponsor_id):
        return "the controller must be a different person from the owner and the sponsor"
    return None


def _org_unit(f: MeasureFacts) -> str | None:
    return None if f.org_unit_id is not None else "assign the measure to an org unit"


def _annual_estimate(f: MeasureFacts) -> str | None:
    if f.annual_estimate is None:
        return "enter an annualised value estimate"
    return None


def _plan_values(f: MeasureFacts) -> str | None:
    return None if f.plan_periods > 0 else "enter monthly plan values for the recurring impact"


def _one_time_costs(f: MeasureFacts) -> str | None:
    return None if f.one_time_costs_declared else "enter the one-time costs (or declare that there are none)"


def _milestone_due(f: MeasureFacts) -> str | None:
    return None if f.milestones else "add at least one milestone with a due date"


def _dependencies_declared(f: MeasureFacts) -> str | None:
    return None if f.dependencies_declared else "declare the dependencies (or that there are none)"


def _services_declared(f: MeasureFacts) -> str | None:
    return None if f.services_declared else "declare the affected business services (or that there are none)"


def _service_acknowledgements(f: MeasureFacts) -> str | None:
    if f.unacknowledged_services:
        return "awaiting acknowledgement by the owner of: " + ", ".join(sorted(f.unacknowledged_services))
    return None


def _milestones_done(f: MeasureFacts) -> str | None:
    open_ = [m.name for m in f.milestones if m.done_on is None]
    if not f.milestones:
        return "add and complete the milestones"
    return "complete the milestones: " + ", ".join(open_) if open_ else None


def _upstream_complete(f: MeasureFacts) -> str | None:
    if f.incomplete_upstreams:
        return "blocking upstream not yet Implemented or Closed: " + ", ".join(f.incomplete_upstreams)
    return None


def _controller_signoff(f: MeasureFacts) -> str | None:
    return None if f.has_controller_signoff else "the controller's sign-off of the verified value with evidence"


def _checked_at_approval(_f: MeasureFacts) -> str | None:
    return None


CRITERIA: dict[str, Callable[[MeasureFacts], str | None]] = {
    "roles_named": _roles_named,
    "roles_distinct": _roles_distinct,
    "org_unit": _org_unit,
    "annual_estimate": _annual_estimate,
    "plan_values": _plan_values,
    "one_time_costs": _one_time_costs,
    "milestone_due": _milestone_due,
    "dependencies_declared": _dependencies_declared,
    "services_declared": _services_declared,
    "service_acknowledgements": _service_acknowledgements,
    "milestones_done": _milestones_done,
    "upstream_complete": _upstream_complete,
    "controller_signoff": _controller_signoff,
    # The sponsor's approval must carry a rationale; enforced on the approval itself.
    "sponsor_rationale": _checked_at_approval,
}
# What each criterion asks, in the words the gate configuration page shows.
CRITERIA_LABELS: dict[str, str] = {
    "roles_named": "Owner, sponsor and controller are named",
    "roles_distinct": "The controller is neither the owner nor the sponsor",
    "org_unit": "The measure belongs to an org unit",
    "annual_estimate": "An annualised value estimate is given",
    "plan_values": "Monthly plan values for the recurring impact",
    "one_time_costs": "One-time costs entered or declared none",
    "milestone_due": "At least one milestone with a due date",
    "dependencies_declared": "Dependencies declared (or none)",
    "services_declared": "Affected business services declared (or none)",
    "service_acknowledgements": "Owners of revenue-generating services have acknowledged",
    "milestones_done": "Every milestone is done",
    "upstream_complete": "Blocking upstream work is Implemented or Closed",
    "controller_signoff": "The controller signed off the verified value with evidence",
    "sponsor_rationale": "The sponsor's approval carries a rationale",
}
# Criteria that cannot be met before the request exists: they are checked when it completes.
CHECKED_ON_COMPLETION = {"controller_signoff", "sponsor_rationale"}


def unmet_criteria(codes: list[str], facts: MeasureFacts, *, on_completion: bool = False) -> list[Unmet]:
    result = []
    for code in codes:
        if code in CHECKED_ON_COMPLETION and not on_completion:
            continue
        check = CRITERIA.get(code)
        if check is None:
            result.append(Unmet(code, f"unknown criterion {code!r} in the gate configuration"))
            continue
        message = check(facts)
        if message:
            result.append(Unmet(code, message))
    return result


def classify_move(from_stage: str, to_stage: str) -> str | None:
    """'forward', 'back' or 'cancel' for an allowed move, ``None`` for a move the gates do not allow."""
    if from_stage in TERMINAL and from_stage != "closed":
        return None
    if to_stage == "cancelled":
        return "cancel" if from_stage != "closed" else None
    if to_stage not in STAGE_ORDER or from_stage not in STAGE_ORDER:
        return None
    if from_stage == "closed":
        return "back" if to_stage != "closed" else None
    diff = STAGE_ORDER[to_stage] - STAGE_ORDER[from_stage]
    if diff == 1:
        return "forward"
    if diff < 0:
        return "back"
    return None


def next_stage(stage: str) -> str | None:
    if stage in TERMINAL:
        return None
    idx = FORWARD.index(stage)
    return FORWARD[idx + 1] if idx + 1 < len(FORWARD) else None


def open_slots(approvals: list[list[str]], filled: set[int]) -> list[int]:
    return [i for i in range(len(approvals)) if i not in filled]


def slot_for(approvals: list[list[str]], filled: set[int], roles: set[str]) -> tuple[int, str] | None:
    """The first open slot one of ``roles`` can fill, and the role that fills it."""
    for i in open_slots(approvals, filled):
        for role in approvals[i]:
            if role in roles:
                return i, role
    return None
