"""The detectors' thresholds and weights: configuration per implementation, defaulting to the reference's values
(``reference/change-adoption-health.md`` §6). An implementation overrides only what it names; every override is
checked against the range that keeps its detector meaningful."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from valuegate.errors import InvalidInput

DETECTORS = ("W1", "W2", "W3", "W4", "W5", "DG")
DETECTOR_NAMES = {
    "W1": "Model built but not used",
    "W2": "Data owners disengaging",
    "W3": "Steering group deferring decisions",
    "W4": "Tool live but organisationally irrelevant",
    "W5": "Model too complex for the organisation's maturity",
    "DG": "Data governance of the feeds",
}


@dataclass(frozen=True)
class Thresholds:
    # W1: share of the intended audience that opened an artefact this week
    w1_coverage_ok: float = 0.40
    w1_coverage_alert: float = 0.20
    w1_dead_days: int = 60  # an artefact nobody opened for this long is "dead"
    w1_citation_min: float = 0.25  # share of decisions citing the model, per month, two months running
    w1_wow_drop: float = -0.20  # week-on-week change in views that is a risk indicator
    # W2: data owners
    w2_months: int = 3
    w2_on_time_ok: float = 0.90
    w2_on_time_alert: float = 0.75
    w2_consecutive_misses: int = 2
    # W3: decisions
    w3_deferral_watch: float = 0.25
    w3_deferral_alert: float = 0.50
    w3_max_deferrals: int = 3
    w3_sla_days: int = 10  # working days from a gate request to its decision
    # W4: relevance after go-live
    w4_live_days: int = 90
    w4_retirement_min: float = 0.50
    w4_parallel_max: float = 1.0
    # W5: complexity for maturity; allocation rules a maturity level carries (level 5: no limit)
    w5_rules_level1: int = 50
    w5_rules_level2: int = 150
    w5_rules_level3: int = 400
    w5_rules_level4: int = 1000
    w5_layers_max: int = 4  # layers modelled that are too many at maturity 2 or below
    w5_rising_periods: int = 3
    # DG: data governance
    dg_tag_drop: float = 0.05
    dg_new_key_share: float = 0.05
    dg_undocumented_watch: float = 0.20
    # weights of the composite score
    weight_w1: float = 1.0
    weight_w2: float = 1.0
    weight_w3: float = 1.0
    weight_w4: float = 1.0
    weight_w5: float = 1.0
    weight_dg: float = 1.0

    def weight(self, detector: str) -> float:
        return float(getattr(self, f"weight_{detector.lower()}"))

    def rules_max(self, level: int) -> float:
        return float(getattr(self, f"w5_rules_level{level}")) if level <= 4 else float("inf")


DEFAULTS = Thresholds()
_SHARES = {f.name for f in fields(Thresholds) if f.type == "float" and not f.name.startswith("weight_")} - {
    "w1_wow_drop",
    "w4_parallel_max",
}


def _check_one(name: str, value: Any) -> float | int:
    kind = {f.name: f.type for f in fields(Thresholds)}.get(name)
    if kind is None:
        known = ", ".join(f.name for f in fields(Thresholds))
        raise InvalidInput(f"Unknown threshold {name!r}; the thresholds are {known}.")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"Threshold {name} is a number (got {value!r}).")
    if kind == "int":
        if int(value) != value or value < 1:
            raise InvalidInput(f"Threshold {name} is a whole number of at least 1 (got {value}).")
        return int(value)
    if name in _SHARES and not 0 <= value <= 1:
        raise InvalidInput(f"Threshold {name} is a share between 0 and 1 (got {value}).")
    if name == "w1_wow_drop" and not -1 <= value <= 0:
        raise InvalidInput(f"Threshold {name} is a fall between -1 and 0 (got {value}).")
    if (name.startswith("weight_") or name == "w4_parallel_max") and not 0 <= value <= 100:
        raise InvalidInput(f"Threshold {name} is between 0 and 100 (got {value}).")
    return float(value)


def resolve(overrides: Mapping[str, Any] | None) -> Thresholds:
    """The defaults with an implementation's overrides applied, each checked; pairs that must be ordered are."""
    checked: dict[str, Any] = {name: _check_one(name, value) for name, value in (overrides or {}).items()}
    t = replace(DEFAULTS, **checked)
    for low, high in (
        ("w1_coverage_alert", "w1_coverage_ok"),
        ("w2_on_time_alert", "w2_on_time_ok"),
        ("w3_deferral_watch", "w3_deferral_alert"),
    ):
        if getattr(t, low) > getattr(t, high):
            raise InvalidInput(f"Threshold {low} ({getattr(t, low)}) cannot be above {high} ({getattr(t, high)}).")
    levels = [t.w5_rules_level1, t.w5_rules_level2, t.w5_rules_level3, t.w5_rules_level4]
    if levels != sorted(levels):
        raise InvalidInput("The allocation rules a maturity level carries cannot fall as maturity rises.")
    if sum(t.weight(d) for d in DETECTORS) <= 0:
        raise InvalidInput("At least one detector needs a weight above 0.")
    return t


def as_dict(t: Thresholds) -> dict[str, float | int]:
    return asdict(t)
