"""Reading what filter forms send: empty means "not chosen", anything else must make sense."""

from __future__ import annotations

from valuegate.errors import InvalidInput
from valuegate.finance import rules as fin
from valuegate.gates.rules import STAGE_ORDER
from valuegate.milestones.rules import IMPL_STATUSES

# The implementation statuses a person filters by: the stored ones and the derived "at risk (upstream)".
IMPL_ROWS = [*IMPL_STATUSES, "at_risk_upstream"]


def optional_id(value: str, name: str) -> int | None:
    """An id from a filter form: empty means "not chosen"."""
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise InvalidInput(f"{name} must be a number.")
    return int(value)


def check_status_filters(stage: str | None, impl_status: str | None, value_status: str | None) -> None:
    """Stage, implementation status and value status as chosen in a filter form (empty: any)."""
    if stage and stage not in STAGE_ORDER:
        raise InvalidInput(f"Unknown stage {stage!r}.")
    if impl_status and impl_status not in IMPL_ROWS:
        raise InvalidInput(f"Unknown implementation status {impl_status!r}.")
    if value_status and value_status not in fin.VALUE_RAG:
        raise InvalidInput(f"Unknown value status {value_status!r}.")
