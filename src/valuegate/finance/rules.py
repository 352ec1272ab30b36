"""Value rules: periods, series, estimate, run-rate, fiscal years and value status. No database."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SERIES = ("plan", "forecast", "actual")
STORED_SERIES = (*SERIES, "baseline")
ROLLUP_SERIES = (*STORED_SERIES, "estimate")
KINDS = ("recurring", "one_time_cost", "one_time_benefit")
KIND_LABELS = {
    "recurring": "Recurring impact (EBITDA)",
    "one_time_cost": "One-time cost",
    "one_time_benefit": "One-time benefit",
}
VALUE_RAG = ("none", "green", "amber", "red")
REBASELINE_STATUSES = ("pending", "approved", "rejected")
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_AMOUNT = 10**15  # a thousand billion in major units: anything larger is a typing error


def parse_period(text: str) -> tuple[int, int]:
    m = _PERIOD.match(text)
    if not m:
        raise ValueError(f"period {text!r} is not a month in the form YYYY-MM")
    year, month = int(m.group(1)), int(m.group(2))
    if not 2000 <= year <= 2100:
        raise ValueError(f"period {text!r} is outside the years 2000 to 2100")
    return year, month


def is_period(text: str) -> bool:
    try:
        parse_period(text)
    except ValueError:
        return False
    return True


def period_of(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def add_months(period: str, months: int) -> str:
    year, month = parse_period(period)
    idx = year * 12 + (month - 1) + months
    return period_of(idx // 12, idx % 12 + 1)


def fiscal_year(period: str, start_month: int) -> int:
    """The fiscal year a month falls in, named by the calendar year in which it ends."""
    year, month = parse_period(period)
    if start_month == 1:
        return year
    return year + 1 if month >= start_month else year


def fiscal_year_periods(fy: int, start_month: int) -> list[str]:
    first = period_of(fy if start_month == 1 else fy - 1, start_month)
    return [add_months(first, i) for i in range(12)]


def estimate(by_series: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    """Per period: the actual if there is one, else the forecast, else the plan."""
    periods = set().union(*(by_series.get(s, {}).keys() for s in SERIES))
    out = {}
    for p in periods:
        for s in ("actual", "forecast", "plan"):
            if p in by_series.get(s, {}):
                out[p] = by_series[s][p]
                break
    return out


def run_rate(values: Mapping[str, int], kind: str) -> int:
    """Annualised recurring impact: twelve times the latest month that has a figure."""
    if kind != "recurring" or not values:
        return 0
    return 12 * values[max(values)]


def total(values: Iterable[int]) -> int:
    return sum(values)


@dataclass(frozen=True)
class Thresholds:
    green_percent: int = 100
    amber_percent: int = 80


def value_rag(estimate_total: int, baseline_total: int | None, t: Thresholds) -> str:
    """Compare the estimate with the baseline: green, amber, red; 'none' without a baseline."""
    if not baseline_total:
        return "none"
    # Integer arithmetic: no rounding surprises at the thresholds.
    if baseline_total > 0:
        if estimate_total * 100 >= baseline_total * t.green_percent:
            return "green"
        if estimate_total * 100 >= baseline_total * t.amber_percent:
            return "amber"
        return "red"
    # A negative baseline (a cost measure): less negative is better.
    if estimate_total * 100 >= baseline_total * (200 - t.green_percent):
        return "green"
    if estimate_total * 100 >= baseline_total * (200 - t.amber_percent):
        return "amber"
    return "red"


def check_amount(amount: object) -> int:
    """Money is whole minor units (cents). Refuse anything else with a reason a person understands."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"amount {amount!r} must be a whole number of minor units (e.g. cents)")
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(f"amount {amount} is implausibly large")
    return amount


def check_sign(kind: str, series: str, amount: int) -> None:
    if kind in ("one_time_cost", "one_time_benefit") and amount < 0:
        label = KIND_LABELS[kind].lower()
        raise ValueError(f"{label} is entered as a positive amount (got {amount} for {series})")
