"""Implementation status from milestones. No database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

IMPL_STATUSES = ("not_started", "on_track", "at_risk", "late", "done")
# Shown when a measure's own milestones are fine but a blocking upstream is late.
AT_RISK_UPSTREAM = "at_risk_upstream"


@dataclass(frozen=True)
class MilestoneState:
    due_on: date
    forecast_on: date | None
    done_on: date | None


def implementation_status(milestones: Iterable[MilestoneState], today: date, *, started: bool) -> str:
    """not_started, on_track, at_risk (forecast beyond due), late (past due, open) or done."""
    items = list(milestones)
    if not items:
        return "not_started"
    open_ = [m for m in items if m.done_on is None]
    if not open_:
        return "done"
    if any(m.due_on < today for m in open_):
        return "late"
    if any(m.forecast_on is not None and m.forecast_on > m.due_on for m in open_):
        return "at_risk"
    if not started and len(open_) == len(items):
        return "not_started"
    return "on_track"


def effective_status(own: str, upstream_late: bool) -> str:
    if upstream_late and own in ("not_started", "on_track"):
        return AT_RISK_UPSTREAM
    return own
