"""Adoption metrics beyond login counts, without a database (reference §2).

Every metric reads *activity*: per pseudonymous actor, per day (in the reporting time zone), per event, a count.
The eligible population is the intended audience when one is named (its listed members); activity of anyone
outside it is ignored. A metric that cannot be computed (nobody eligible, an empty window) is ``None``, never 0.

Definitions (sources in the reference):
- active users: share of the audience with any event in the window (Amplitude/PostHog "active").
- feature adoption: share of the audience that used the key event(s) in the window (eligible denominator).
- breadth: mean over active users of key events used / key events (Pendo's adoption component).
- depth: key events per active day, only over users with at least ``min_active_days`` (the pnp #531 guard: one
  busy day does not make a deep user).
- frequency: Pendo bands over the window, low 1–4 / medium 5–12 / high ≥ 13 active days; value = share of the
  audience at medium or high (a habit).
- stickiness: mean over the window's days of DAU / MAU, MAU being the trailing 30 days (PostHog, Pendo PES).
- time to first value: days from access (audience membership) to the first key event; median, P75, share not yet.
- task completion: completions / starts in the window.
- lifecycle (weekly, PostHog): new (first activity ever), returning (active the week before), resurrecting
  (active before, not the week before), dormant (active the week before, not this week).
- legacy ratio: share of activity still on the legacy system: legacy events / (legacy + new events).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

KINDS: dict[str, dict[str, str]] = {
    "active_users": {
        "label": "Active users of the intended audience",
        "unit": "share",
        "comparator": ">=",
        "hint": "People have not started: check awareness and access (ADKAR awareness, knowledge) and whether the "
        "old way is still open.",
    },
    "feature_adoption": {
        "label": "Key feature adoption",
        "unit": "share",
        "comparator": ">=",
        "hint": "The key task is not found or not trusted: training on that task, a champion demo, put it in the "
        "daily workflow.",
    },
    "breadth": {
        "label": "Breadth of use",
        "unit": "share",
        "comparator": ">=",
        "hint": "People use a narrow slice: the rest is unknown or not useful to them; targeted how-to messages.",
    },
    "depth": {
        "label": "Depth of use (key events per active day)",
        "unit": "per_day",
        "comparator": ">=",
        "hint": "Light use on active days: the work is still done elsewhere; look for double work and legacy steps.",
    },
    "frequency": {
        "label": "Habit (active 5 or more days in 30)",
        "unit": "share",
        "comparator": ">=",
        "hint": "Occasional use, no habit yet: reinforcement, and make the new system the only path.",
    },
    "stickiness": {
        "label": "Stickiness (DAU / MAU)",
        "unit": "share",
        "comparator": ">=",
        "hint": "Users return rarely: tie the tool to a recurring meeting, report or decision.",
    },
    "ttfv": {
        "label": "Time to first value (median days)",
        "unit": "days",
        "comparator": "<=",
        "hint": "Slow to first value: onboarding friction, access delays or missing data.",
    },
    "task_completion": {
        "label": "Task completion",
        "unit": "share",
        "comparator": ">=",
        "hint": "People start but do not finish: usability or process problems; ask through the feedback channel.",
    },
    "lifecycle": {
        "label": "Growth (new + resurrecting per dormant, last week)",
        "unit": "ratio",
        "comparator": ">=",
        "hint": "More people drift away than arrive or return: find out why through check-ins and champions.",
    },
    "legacy_ratio": {
        "label": "Share of activity still on the legacy system",
        "unit": "share",
        "comparator": "<=",
        "hint": "Work still flows through the old system: retire it on schedule and remove the double work.",
    },
}
KINDS["reported"] = {
    "label": "A figure measured outside Valuegate",
    "unit": "value",
    "comparator": ">=",
    "hint": "Ask the data owner how it was measured and what moved it.",
}
UNITS = tuple(dict.fromkeys(spec["unit"] for spec in KINDS.values()))
COMPARATORS = (">=", "<=")
TRENDS = ("up", "down", "flat")
EVENT_FREE = ("reported",)
COLLECTION_METHODS = ("event_stream", "system_log_export", "report_view_log", "survey", "manual_attestation")
FREQUENCY_BANDS = (("low", 1, 4), ("medium", 5, 12), ("high", 13, 10_000))
MAU_DAYS = 30


@dataclass(frozen=True)
class Activity:
    """One actor's count of one event on one day."""

    actor: str
    day: date
    event: str
    count: int


def pseudonym(secret: str, identifier: str) -> str:
    """The key an identifier (login, e-mail, employee number) is stored under: the same in every source."""
    return hmac.new(secret.encode(), identifier.strip().casefold().encode(), hashlib.sha256).hexdigest()[:32]


def window(as_of: date, days: int) -> tuple[date, date]:
    return as_of - timedelta(days=days - 1), as_of


def _in(rows: Iterable[Activity], start: date, end: date, eligible: set[str] | None) -> list[Activity]:
    return [r for r in rows if start <= r.day <= end and (eligible is None or r.actor in eligible)]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def active_users(
    rows: Iterable[Activity], eligible: set[str] | None, as_of: date, days: int, events: set[str] | None = None
) -> dict[str, object]:
    """Share of the audience active in the window (any event, or one of ``events``)."""
    start, end = window(as_of, days)
    active = {r.actor for r in _in(rows, start, end, eligible) if events is None or r.event in events}
    whole = len(eligible) if eligible is not None else len(active)
    return {"value": _share(len(active), whole), "active": len(active), "eligible": whole}


def feature_adoption(
    rows: Iterable[Activity], eligible: set[str] | None, as_of: date, days: int, events: set[str]
) -> dict[str, object]:
    rows = _in(rows, *window(as_of, days), eligible)
    result = active_users(rows, eligible, as_of, days, events)
    whole = result["eligible"]
    assert isinstance(whole, int)
    per_event = {e: _share(len({r.actor for r in rows if r.event == e}), whole) for e in sorted(events)}
    return {**result, "per_event": per_event}


def breadth(
    rows: Iterable[Activity], eligible: set[str] | None, as_of: date, days: int, events: set[str]
) -> dict[str, object]:
    used: dict[str, set[str]] = defaultdict(set)
    for r in _in(rows, *window(as_of, days), eligible):
        if r.event in events:
            used[r.actor].add(r.event)
    if not used or not events:
        return {"value": None, "active": len(used)}
    return {"value": round(sum(len(e) for e in used.values()) / len(used) / len(events), 4), "active": len(used)}


def depth(
    rows: Iterable[Activity], eligible: set[str] | None, as_of: date, days: int, events: set[str], min_days: int
) -> dict[str, object]:
    counts: dict[str, int] = defaultdict(int)
    active_days: dict[str, set[date]] = defaultdict(set)
    for r in _in(rows, *window(as_of, days), eligible):
        if r.event in events:
            counts[r.actor] += r.count
            active_days[r.actor].add(r.day)
    qualified = [a for a, d in active_days.items() if len(d) >= min_days]
    if not qualified:
        return {"value": None, "qualified": 0, "too_few_days": len(active_days)}
    value = sum(counts[a] / len(active_days[a]) for a in qualified) / len(qualified)
    return {"value": round(value, 4), "qualified": len(qualified), "too_few_days": len(active_days) - len(qualified)}


def frequency(rows: Iterable[Activity], eligible: set[str] | None, as_of: date, days: int) -> dict[str, object]:
    active_days: dict[str, set[date]] = defaultdict(set)
    for r in _in(rows, *window(as_of, days), eligible):
        active_days[r.actor].add(r.day)
    bands = {name: 0 for name, _lo, _hi in FREQUENCY_BANDS}
    for d in active_days.values():
        n = len(d)
        for name, lo, hi in FREQUENCY_BANDS:
            if lo <= n <= hi:
                bands[name] += 1
    whole = len(eligible) if eligible is not None else len(active_days)
    bands_all: dict[str, int] = {"none": whole - len(active_days), **bands}
    return {"value": _share(bands["medium"] + bands["high"], whole), "bands": bands_all, "eligible": whole}


def stickiness(rows: Iterable[Activity], eligible: set[str] | None, as_of: date, days: int) -> dict[str, object]:
    """Mean over the window's days of DAU(d) / MAU(d); days with nobody active in the trailing 30 are skipped."""
    start, end = window(as_of, days)
    daily: dict[date, set[str]] = defaultdict(set)
    for r in _in(rows, start - timedelta(days=MAU_DAYS - 1), end, eligible):
        daily[r.day].add(r.actor)
    ratios = []
    day = start
    while day <= end:
        mau: set[str] = set()
        for back in range(MAU_DAYS):
            mau |= daily.get(day - timedelta(days=back), set())
        if mau:
            ratios.append(len(daily.get(day, set())) / len(mau))
        day += timedelta(days=1)
    return {"value": round(sum(ratios) / len(ratios), 4) if ratios else None, "days": len(ratios)}


def _percentile(sorted_values: list[int], q: float) -> float:
    """Linear interpolation between closest ranks (the common definition, as numpy's default)."""
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def time_to_first_value(first_value: Mapping[str, date], access: Mapping[str, date], as_of: date) -> dict[str, object]:
    """Days from access to the first value event, over the audience members who had access by ``as_of``."""
    granted = {a: d for a, d in access.items() if d <= as_of}
    waits = sorted(
        max(0, (first_value[a] - d).days) for a, d in granted.items() if a in first_value and first_value[a] <= as_of
    )
    if not waits:
        return {"value": None, "p75": None, "reached": 0, "not_yet": len(granted)}
    return {
        "value": _percentile(waits, 0.5),
        "p75": _percentile(waits, 0.75),
        "reached": len(waits),
        "not_yet": len(granted) - len(waits),
    }


def task_completion(
    rows: Iterable[Activity], eligible: set[str] | None, as_of: date, days: int, start_event: str, end_event: str
) -> dict[str, object]:
    started = finished = 0
    for r in _in(rows, *window(as_of, days), eligible):
        if r.event == start_event:
            started += r.count
        elif r.event == end_event:
            finished += r.count
    value = min(1.0, finished / started) if started else None
    return {"value": round(value, 4) if value is not None else None, "started": started, "completed": finished}


def lifecycle(
    rows: Iterable[Activity], eligible: set[str] | None, first_seen: Mapping[str, date], as_of: date, weeks: int = 4
) -> dict[str, object]:
    """Weekly lifecycle (weeks end on ``as_of``) and the growth ratio of the last week."""

    def week_of(day: date) -> int:
        return (as_of - day).days // 7  # 0 = the last 7 days

    active: dict[int, set[str]] = defaultdict(set)
    for r in rows:
        if r.day <= as_of and (eligible is None or r.actor in eligible):
            active[week_of(r.day)].add(r.actor)
    periods: list[dict[str, int]] = []
    ends: list[str] = []
    for w in range(weeks - 1, -1, -1):
        now, before = active.get(w, set()), active.get(w + 1, set())
        new = {a for a in now if a in first_seen and week_of(first_seen[a]) == w}
        returning = (now & before) - new
        resurrecting = now - before - new  # active now, not the week before, and seen before that
        dormant = before - now
        ends.append((as_of - timedelta(days=7 * w)).isoformat())
        periods.append(
            {
                "new": len(new),
                "returning": len(returning),
                "resurrecting": len(resurrecting),
                "dormant": len(dormant),
            }
        )
    last = periods[-1]
    growth = (last["new"] + last["resurrecting"]) / last["dormant"] if last["dormant"] else None
    if growth is None and (last["new"] or last["resurrecting"]):
        growth = float(last["new"] + last["resurrecting"])
    return {
        "value": round(growth, 4) if growth is not None else None,
        "periods": [{"week_ending": end, **p} for end, p in zip(ends, periods, strict=True)],
    }


def legacy_ratio(
    rows: Iterable[Activity], legacy_rows: Iterable[Activity], eligible: set[str] | None, as_of: date, days: int
) -> dict[str, object]:
    start, end = window(as_of, days)
    new = sum(r.count for r in _in(rows, start, end, eligible))
    old = sum(r.count for r in _in(legacy_rows, start, end, eligible))
    return {"value": _share(old, old + new), "legacy_events": old, "new_events": new}


def meets(value: float | None, target: float | None, comparator: str) -> bool | None:
    if value is None or target is None:
        return None
    return value >= target if comparator == ">=" else value <= target


def trend(points: list[float | None]) -> str | None:
    """Direction over the points (oldest first): up, down or flat (within 2 % of the first known value)."""
    known = [p for p in points if p is not None]
    if len(known) < 2:
        return None
    first, last = known[0], known[-1]
    if abs(last - first) <= 0.02 * max(abs(first), 1e-9):
        return "flat"
    return "up" if last > first else "down"
