"""The implementation-wall detectors W1–W5 and the data-governance detector, and the composite score, without a
database (reference §5, §6). Each detector reads the records the service gathers and returns a signal: ok, watch or
alert, the figures behind it and the evidence rows a lead can act on. A detector with nothing to read says so
(``not_measured``) instead of calling an implementation healthy; such detectors stay out of the score.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from valuegate.health.thresholds import DETECTOR_NAMES, DETECTORS, Thresholds

SEVERITIES = ("ok", "watch", "alert")
SIGNAL_SEVERITIES = (*SEVERITIES, "not_measured")  # a detector without data says so rather than "ok"
BANDS = ("green", "amber", "red", "unknown")  # unknown: no detector had anything to read
TRENDS = ("better", "worse", "steady")
VALUE = {"ok": 1 / 6, "watch": 3 / 6, "alert": 5 / 6}  # Micro Focus PPM health policy


@dataclass
class Signal:
    detector: str
    severity: str  # ok, watch, alert or not_measured
    summary: str
    figures: dict[str, Any] = field(default_factory=dict)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "detector": self.detector,
            "name": DETECTOR_NAMES[self.detector],
            "severity": self.severity,
            "summary": self.summary,
            "figures": self.figures,
            "evidence": self.evidence,
            "reasons": self.reasons,
        }


def _worst(levels: Sequence[str]) -> str:
    return max(levels, key=SEVERITIES.index, default="ok")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def working_days(start: date, end: date) -> int:
    """Monday-to-Friday days after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    weeks, extra = divmod((end - start).days, 7)
    count = weeks * 5
    day = start + timedelta(days=weeks * 7)
    for _ in range(extra):
        day += timedelta(days=1)
        count += day.weekday() < 5
    return count


def slope(values: Sequence[float]) -> float:
    """Least-squares slope per period; 0 for fewer than two values."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, statistics.fmean(values)
    den = sum((i - mean_x) ** 2 for i in range(n))
    return sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values)) / den


def rising(values: Sequence[float], periods: int) -> bool:
    """True when each of the last ``periods`` values is above the one before it."""
    tail = list(values)[-(periods + 1) :]
    return len(tail) == periods + 1 and all(b > a for a, b in itertools.pairwise(tail))


# -- W1: model built but not used ------------------------------------------------------------------------------


@dataclass
class Artefact:
    id: int
    name: str
    kind: str
    published_on: date
    last_used_on: date | None
    uses_60d: int = 0


@dataclass
class W1Input:
    as_of: date
    artefacts: list[Artefact]
    audience: int  # people the artefacts are meant for
    consumers: int  # distinct people who opened one this week
    views_week: int
    views_prev_week: int
    # per month (oldest first), decisions taken and those citing an artefact: [(month, taken, citing)]
    decisions: list[tuple[str, int, int]] = field(default_factory=list)
    uncited: list[dict[str, Any]] = field(default_factory=list)  # recent decisions citing nothing


def w1(x: W1Input, t: Thresholds) -> Signal:
    if not x.artefacts:
        return Signal("W1", "not_measured", "No reports, dashboards or models are catalogued for this implementation.")
    coverage = min(1.0, x.consumers / x.audience) if x.audience else None
    dead = [
        a
        for a in x.artefacts
        if a.published_on <= x.as_of - timedelta(days=t.w1_dead_days)
        and (a.last_used_on is None or a.last_used_on <= x.as_of - timedelta(days=t.w1_dead_days))
    ]
    wow = x.views_week / x.views_prev_week - 1 if x.views_prev_week else None
    rates = [(m, taken, citing, citing / taken) for m, taken, citing in x.decisions if taken]
    low_months = [r for r in rates[-2:] if r[3] < t.w1_citation_min]
    reasons: list[str] = []
    levels = ["ok"]
    if coverage is not None:
        if coverage < t.w1_coverage_alert:
            levels.append("alert")
            reasons.append(
                f"{x.consumers} of {x.audience} intended users opened an artefact this week ({_pct(coverage)}, "
                f"alert below {_pct(t.w1_coverage_alert)})."
            )
        elif coverage < t.w1_coverage_ok:
            levels.append("watch")
            reasons.append(f"{_pct(coverage)} of the intended audience opened an artefact this week.")
    if len(rates) >= 2 and len(low_months) == 2:
        levels.append("alert")
        reasons.append(
            "Decisions cite the model in fewer than "
            f"{_pct(t.w1_citation_min)} of cases two months running: "
            + ", ".join(f"{m} {c} of {n}" for m, n, c, _r in low_months)
            + "."
        )
    elif low_months and low_months[-1] == rates[-1]:
        levels.append("watch")
        reasons.append(f"Last month {rates[-1][2]} of {rates[-1][1]} decisions cited the model.")
    if wow is not None and wow < t.w1_wow_drop:
        levels.append("watch")
        reasons.append(f"Views fell {_pct(-wow)} week on week ({x.views_prev_week} → {x.views_week}).")
    if dead:
        levels.append("watch")
        reasons.append(f"{len(dead)} of {len(x.artefacts)} artefacts were not opened in {t.w1_dead_days} days.")
    severity = _worst(levels)
    evidence = [
        {
            "kind": "unused_artefact",
            "artefact_id": a.id,
            "text": f"{a.name} ({a.kind}) — "
            + (f"last opened {a.last_used_on.isoformat()}" if a.last_used_on else "never opened"),
        }
        for a in dead
    ] + [{"kind": "uncited_decision", **d} for d in x.uncited]
    return Signal(
        "W1",
        severity,
        reasons[0] if reasons else f"{_pct(coverage)} of the intended audience used the model this week.",
        {
            "consumers": x.consumers,
            "audience": x.audience,
            "consumer_coverage": coverage,
            "dead_artefacts": len(dead),
            "artefacts": len(x.artefacts),
            "views_week": x.views_week,
            "views_prev_week": x.views_prev_week,
            "wow_change": wow,
            "decision_citation": [{"month": m, "decisions": n, "citing": c, "rate": r} for m, n, c, r in rates],
        },
        evidence,
        reasons,
    )


# -- W2: data owners disengaging -------------------------------------------------------------------------------


@dataclass
class Expected:
    """One submission a feed owed for a period whose due date has passed."""

    feed_id: int
    feed: str
    owner_id: int | None
    owner: str | None
    owner_active: bool
    period: str
    due_on: date
    received_on: date | None  # the accepted submission's day
    first_pass: bool
    tries: int


def w2(expected: list[Expected], t: Thresholds) -> Signal:
    if not expected:
        return Signal("W2", "not_measured", "No data feed has been due yet.")
    by_owner: dict[int | None, list[Expected]] = {}
    for e in sorted(expected, key=lambda e: (e.period, e.feed)):
        by_owner.setdefault(e.owner_id, []).append(e)
    levels, reasons, rows, evidence = ["ok"], [], [], []
    for owner_id, items in by_owner.items():
        name = items[0].owner or "nobody"
        on_time = [e for e in items if e.received_on is not None and e.received_on <= e.due_on]
        rate = len(on_time) / len(items)
        late_days = [max(0, (e.received_on - e.due_on).days) for e in items if e.received_on is not None]
        per_period: dict[str, bool] = {}
        for e in items:
            per_period[e.period] = per_period.get(e.period, True) and e in on_time
        streak = 0
        for period in sorted(per_period, reverse=True):
            if per_period[period]:
                break
            streak += 1
        passes = [e for e in items if e.tries]
        yield_ = sum(e.first_pass for e in passes) / len(passes) if passes else None
        lateness = [
            statistics.median(
                [max(0, ((e.received_on or e.due_on) - e.due_on).days) for e in items if e.period == p] or [0]
            )
            for p in sorted(per_period)
        ]
        vacated = owner_id is None or not items[0].owner_active
        row: dict[str, Any] = {
            "owner_id": owner_id,
            "owner": name,
            "feeds": sorted({e.feed for e in items}),
            "expected": len(items),
            "on_time": len(on_time),
            "on_time_rate": rate,
            "median_late_days": statistics.median(late_days) if late_days else None,
            "consecutive_misses": streak,
            "first_pass_yield": yield_,
            "vacated": vacated,
        }
        rows.append(row)
        if vacated:
            levels.append("alert")
            reasons.append(
                f"{', '.join(row['feeds'])} {'has no owner' if owner_id is None else f'belongs to {name}, who left'}."
            )
        if rate < t.w2_on_time_alert or streak >= t.w2_consecutive_misses:
            levels.append("alert")
            reasons.append(
                f"{name}: {len(on_time)} of {len(items)} submissions on time and passing"
                + (f", {streak} missed or late in a row" if streak >= t.w2_consecutive_misses else "")
                + "."
            )
        elif rate < t.w2_on_time_ok or rising(lateness, 3):
            levels.append("watch")
            reasons.append(f"{name}: {_pct(rate)} on time" + (", lateness rising" if rising(lateness, 3) else "") + ".")
        for e in items:
            if e in on_time:
                continue
            state = (
                "missing" if e.received_on is None and not e.tries else "rejected" if e.received_on is None else "late"
            )
            evidence.append(
                {
                    "kind": f"feed_{state}",
                    "feed_id": e.feed_id,
                    "period": e.period,
                    "owner": name,
                    "text": f"{e.feed} {e.period}: {state}"
                    + (f" ({(e.received_on - e.due_on).days} days after {e.due_on})" if e.received_on else "")
                    + (f", due {e.due_on}" if e.received_on is None else ""),
                }
            )
    total = len(expected)
    on_time_all = sum(r["on_time"] for r in rows)
    severity = _worst(levels)
    return Signal(
        "W2",
        severity,
        reasons[0] if reasons else f"{on_time_all} of {total} submissions arrived on time and passed.",
        {"expected": total, "on_time": on_time_all, "on_time_rate": on_time_all / total, "owners": rows},
        evidence,
        reasons,
    )


# -- W3: steering group deferring decisions --------------------------------------------------------------------


@dataclass
class MeetingTally:
    meeting_id: int
    title: str
    held_on: date
    tabled: int
    deferred: int
    sponsor_present: bool | None = None  # None when the implementation has no sponsor or no attendance list


@dataclass
class PendingRequest:
    request_id: int
    measure_id: int
    measure: str
    to_stage: str
    raised_on: date
    defer_count: int


@dataclass
class W3Input:
    as_of: date
    meetings: list[MeetingTally]  # oldest first
    pending: list[PendingRequest]
    lead_times: dict[str, list[int]]  # working days raised → decided, per gate (decided in the last 6 months)


def w3(x: W3Input, t: Thresholds) -> Signal:
    tabled = [m for m in x.meetings if m.tabled]
    if not tabled and not x.pending and not x.lead_times and not x.meetings:
        return Signal("W3", "not_measured", "No steering decisions or gate requests yet.")
    levels, reasons, evidence = ["ok"], [], []
    rates = [(m, m.deferred / m.tabled) for m in tabled]
    last_two = rates[-2:]
    if len(last_two) == 2 and all(r > t.w3_deferral_alert for _m, r in last_two):
        levels.append("alert")
        reasons.append(
            "The last two meetings deferred most items: "
            + ", ".join(f"{m.title} {m.deferred} of {m.tabled}" for m, _r in last_two)
            + "."
        )
    elif (rates and rates[-1][1] > t.w3_deferral_alert) or (rates and rates[-1][1] >= t.w3_deferral_watch):
        levels.append("watch")
        m = rates[-1][0]
        reasons.append(f"{m.title} deferred {m.deferred} of {m.tabled} items.")
    stuck = [p for p in x.pending if p.defer_count >= t.w3_max_deferrals]
    if stuck:
        levels.append("alert")
        reasons.append(f"{len(stuck)} decision(s) deferred {t.w3_max_deferrals} times or more.")
    ages = {p.request_id: working_days(p.raised_on, x.as_of) for p in x.pending}
    for p in sorted(x.pending, key=lambda p: (-p.defer_count, p.raised_on)):
        if p.defer_count >= 2 or ages[p.request_id] > 2 * t.w3_sla_days:
            evidence.append(
                {
                    "kind": "deferred_decision",
                    "measure_id": p.measure_id,
                    "request_id": p.request_id,
                    "text": f"{p.measure} → {p.to_stage}: deferred {p.defer_count} time(s), open "
                    f"{ages[p.request_id]} working days",
                }
            )
    mean_lead = {gate: statistics.fmean(days) for gate, days in x.lead_times.items() if days}
    slow = {gate: days for gate, days in mean_lead.items() if days > 2 * t.w3_sla_days}
    if slow:
        levels.append("alert")
        reasons.append(
            "Decisions take more than twice the "
            f"{t.w3_sla_days}-day target: "
            + ", ".join(f"{gate} {days:.0f} days" for gate, days in sorted(slow.items()))
            + "."
        )
    recent = [m for m in x.meetings[-3:] if m.sponsor_present is not None]
    attendance = sum(1 for m in recent if m.sponsor_present) / len(recent) if recent else None
    if attendance is not None and len(recent) >= 2 and attendance < 0.5:
        levels.append("watch")
        reasons.append(
            f"The sponsor attended {sum(1 for m in recent if m.sponsor_present)} of the last {len(recent)} meetings."
        )
    oldest = max(ages.values(), default=0)
    for m, r in rates[-3:]:
        evidence.append(
            {
                "kind": "meeting",
                "meeting_id": m.meeting_id,
                "text": f"{m.title} ({m.held_on}): {m.deferred} of {m.tabled} items deferred ({_pct(r)})",
            }
        )
    return Signal(
        "W3",
        _worst(levels),
        reasons[0] if reasons else "Steering decisions are taken when tabled.",
        {
            "deferral_rates": [
                {"meeting_id": m.meeting_id, "held_on": m.held_on.isoformat(), "rate": r} for m, r in rates[-6:]
            ],
            "pending": len(x.pending),
            "deferred_3_times": len(stuck),
            "oldest_open_days": oldest,
            "decision_lead_time": mean_lead,
            "sla_days": t.w3_sla_days,
            "sponsor_attendance": attendance,
        },
        evidence,
        reasons,
    )


# -- W4: tool live but organisationally irrelevant --------------------------------------------------------------


@dataclass
class Legacy:
    id: int
    name: str
    status: str  # planned, parallel, retired
    retire_by: date
    people_still_using: int | None = None


@dataclass
class KeyMetric:
    id: int
    name: str
    kind: str
    value: float | None
    target: float | None
    meets_target: bool | None


@dataclass
class W4Input:
    as_of: date
    live_on: date | None
    legacy: list[Legacy]
    metrics: list[KeyMetric]
    legacy_views: int = 0  # views of legacy reports in the last 30 days (usage events of their systems)
    new_views: int = 0  # views of the implementation's artefacts in the last 30 days


def w4(x: W4Input, t: Thresholds) -> Signal:
    if x.live_on is None:
        return Signal("W4", "not_measured", "The go-live date is not set, so relevance after go-live is not judged.")
    live_days = (x.as_of - x.live_on).days
    due = [item for item in x.legacy if item.retire_by <= x.as_of]
    retired = [item for item in due if item.status == "retired"]
    progress = len(retired) / len(due) if due else None
    parallel = x.legacy_views / x.new_views if x.new_views else (float("inf") if x.legacy_views else None)
    measured = [m for m in x.metrics if m.meets_target is not None]
    all_below = bool(measured) and not any(m.meets_target for m in measured)
    levels, reasons = ["ok"], []
    if live_days > t.w4_live_days:
        if progress is not None and progress < t.w4_retirement_min:
            levels.append("alert")
            reasons.append(f"{len(retired)} of {len(due)} legacy processes due for retirement are retired.")
        if parallel is not None and parallel > t.w4_parallel_max:
            levels.append("alert")
            reasons.append(f"Legacy reports are opened more than the new ones ({x.legacy_views} vs {x.new_views}).")
        if all_below:
            levels.append("alert")
            reasons.append(
                f"All {len(measured)} success metrics are below their targets {live_days} days after go-live."
            )
    if len(levels) == 1:
        below = [m for m in measured if not m.meets_target]
        overdue = [item for item in due if item.status != "retired"]
        if below or overdue:
            levels.append("watch")
            reasons.append(
                f"{len(below)} success metric(s) below target, "
                f"{len(overdue)} legacy item(s) past their retirement date."
            )
    evidence = [
        {
            "kind": "legacy_running",
            "legacy_id": item.id,
            "text": f"{item.name}: {item.status}, due to retire {item.retire_by}"
            + (f", {item.people_still_using} people still use it" if item.people_still_using else ""),
        }
        for item in due
        if item.status != "retired"
    ] + [
        {
            "kind": "metric_below",
            "metric_id": m.id,
            "text": f"{m.name}: {m.value if m.value is not None else '–'} against a target of {m.target}",
        }
        for m in measured
        if not m.meets_target
    ]
    return Signal(
        "W4",
        _worst(levels),
        reasons[0] if reasons else f"Live {live_days} days; legacy retirement and success metrics on track.",
        {
            "live_days": live_days,
            "retirement_progress": progress,
            "legacy_due": len(due),
            "legacy_retired": len(retired),
            "parallel_run_ratio": None if parallel == float("inf") else parallel,
            "legacy_views": x.legacy_views,
            "new_views": x.new_views,
            "metrics_measured": len(measured),
            "metrics_met": sum(1 for m in measured if m.meets_target),
        },
        evidence,
        reasons,
    )


# -- W5: model too complex for the organisation's maturity --------------------------------------------------------


@dataclass
class Rule:
    id: int
    name: str
    source: str  # artefact (an allocation rule in the catalogue) or mapping (a ledger mapping rule)
    has_owner: bool
    has_rationale: bool
    used: bool = True


@dataclass
class W5Input:
    maturity_level: int | None
    analyst_fte: float | None
    rules: list[Rule]
    layers: int  # distinct layers modelled (cost pools, towers, solutions, consumers…)
    models: list[str]  # catalogued models covering this implementation's scope
    unallocated: list[float]  # unallocated share per period, oldest first
    rules_count_history: list[int]  # rules in force per period, same periods


def w5(x: W5Input, t: Thresholds) -> Signal:
    if not x.rules and x.layers == 0 and not x.models:
        return Signal("W5", "not_measured", "No model objects or allocation rules are catalogued.")
    levels, reasons = ["ok"], []
    level = x.maturity_level
    limit = t.rules_max(level) if level else None
    if (
        level is not None
        and level <= 2
        and (x.layers >= t.w5_layers_max or (limit is not None and len(x.rules) > limit))
    ):
        levels.append("alert")
        reasons.append(
            f"At maturity level {level} the model has {x.layers} layers and {len(x.rules)} rules "
            f"(level {level} carries about {limit:.0f} rules and fewer than {t.w5_layers_max} layers)."
        )
    elif level is not None and limit is not None and len(x.rules) > limit:
        levels.append("watch")
        reasons.append(f"{len(x.rules)} rules exceed the {limit:.0f} a level-{level} organisation maintains.")
    window = x.rules_count_history[-(t.w5_rising_periods + 1) :]
    if rising(x.unallocated, t.w5_rising_periods) and len(window) > 1 and window[-1] > window[0]:
        levels.append("alert")
        reasons.append("Unallocated cost keeps rising while rules are added: the model is growing past its data.")
    if len(x.models) > 1:
        levels.append("alert")
        reasons.append(f"{len(x.models)} separate models cover the same scope: {', '.join(x.models)}.")
    undocumented = [r for r in x.rules if not (r.has_owner and r.has_rationale)]
    share = len(undocumented) / len(x.rules) if x.rules else 0.0
    if share > t.dg_undocumented_watch:
        levels.append("watch")
        reasons.append(f"{len(undocumented)} of {len(x.rules)} rules have no owner or no rationale.")
    if level is None:
        reasons.append("Set the maturity level to judge the model's size against it.")
    evidence = [
        {
            "kind": "undocumented_rule",
            "source": r.source,
            "rule_id": r.id,
            "text": f"{r.name}: "
            + ", ".join(w for w, ok in (("no owner", r.has_owner), ("no rationale", r.has_rationale)) if not ok),
        }
        for r in undocumented
    ] + [
        {"kind": "unused_rule", "source": r.source, "rule_id": r.id, "text": f"{r.name}: allocates nothing"}
        for r in x.rules
        if not r.used
    ]
    return Signal(
        "W5",
        _worst(levels),
        reasons[0] if reasons else f"{len(x.rules)} rules over {x.layers} layers suit maturity level {level}.",
        {
            "maturity_level": level,
            "rules": len(x.rules),
            "rules_max": limit if limit != float("inf") else None,
            "layers": x.layers,
            "models": len(x.models),
            "rules_per_analyst": len(x.rules) / x.analyst_fte if x.analyst_fte else None,
            "undocumented_share": share,
            "unallocated_trend": x.unallocated,
        },
        evidence,
        reasons,
    )


# -- DG: data governance of the feeds ---------------------------------------------------------------------------


@dataclass
class FeedState:
    feed_id: int
    feed: str
    system_channel: bool
    period: str | None  # the latest submission's period
    findings: list[dict[str, Any]]  # the latest submission's findings
    manual_amount: float = 0.0  # recent periods: amount that arrived by manual upload
    total_amount: float = 0.0
    owner_id: int | None = None
    mapping_editors: int | None = None  # distinct people who changed its mapping rules in 6 months
    announced: bool = False  # the owner announced the latest change before sending it


DRIFT = {"schema_renamed", "schema_removed", "schema_retyped", "schema_added", "schema_reordered"}


def dg(feeds: list[FeedState], unallocated: list[float], t: Thresholds) -> Signal:
    submitted = [f for f in feeds if f.period]
    if not submitted:
        return Signal("DG", "not_measured", "No feed has sent a file yet.")
    levels, reasons, evidence = ["ok"], [], []
    drifted = 0
    for f in submitted:
        for finding in f.findings:
            check = finding.get("check", "")
            hit = None
            if check in DRIFT and not f.announced:
                hit = "alert" if finding.get("severity") == "error" else "watch"
                drifted += 1
            elif check in ("new_keys", "key_variant", "tag_key_variant", "tag_format"):
                hit = "watch"
            elif check == "tag_coverage":
                hit = "alert"
            elif check in ("rows_anomaly", "amount_anomaly"):
                hit = "watch"
            if hit:
                levels.append(hit)
                evidence.append(
                    {
                        "kind": check,
                        "feed_id": f.feed_id,
                        "period": f.period,
                        "severity": hit,
                        "text": f"{f.feed} {f.period}: {finding.get('message')}",
                    }
                )
        manual = f.manual_amount / f.total_amount if f.total_amount else 0.0
        if f.system_channel and f.manual_amount > 0:
            levels.append("alert")
            reasons.append(f"{f.feed} is contracted system-to-system but {_pct(manual)} of its amount came by upload.")
            evidence.append(
                {"kind": "manual_share", "feed_id": f.feed_id, "text": f"{f.feed}: {_pct(manual)} by manual upload"}
            )
        if f.owner_id is None:
            levels.append("alert")
            reasons.append(f"{f.feed} has no data owner.")
            evidence.append({"kind": "no_owner", "feed_id": f.feed_id, "text": f"{f.feed}: no data owner"})
        if f.mapping_editors == 1:
            levels.append("watch")
            evidence.append(
                {"kind": "bus_factor", "feed_id": f.feed_id, "text": f"{f.feed}: one person maintains its mappings"}
            )
    if drifted:
        reasons.insert(0, f"{drifted} unannounced schema change(s) in the latest files.")
    if len(unallocated) >= 2 and unallocated[-1] > unallocated[-2]:
        levels.append("watch")
        reasons.append(f"Unallocated amounts rose from {_pct(unallocated[-2])} to {_pct(unallocated[-1])}.")
    if not reasons and len(levels) > 1:
        reasons.append(f"{len(evidence)} data-quality finding(s) in the latest files.")
    return Signal(
        "DG",
        _worst(levels),
        reasons[0] if reasons else f"The latest files of {len(submitted)} feed(s) are clean.",
        {
            "feeds": len(feeds),
            "submitted": len(submitted),
            "schema_changes": drifted,
            "findings": len(evidence),
            "unallocated": unallocated,
        },
        evidence,
        reasons,
    )


# -- the composite ------------------------------------------------------------------------------------------------


def composite(signals: list[Signal], t: Thresholds) -> dict[str, Any]:
    """IH = Σ w·v / Σ w over the measured detectors (v = 1/6 ok, 3/6 watch, 5/6 alert); below 1/3 green, below
    2/3 amber, else red. The breakdown says what each detector contributed."""
    measured = [s for s in signals if s.severity in VALUE and t.weight(s.detector) > 0]
    total_weight = sum(t.weight(s.detector) for s in measured)
    breakdown = [
        {
            "detector": s.detector,
            "name": DETECTOR_NAMES[s.detector],
            "severity": s.severity,
            "weight": t.weight(s.detector),
            "value": VALUE.get(s.severity),
            "share": t.weight(s.detector) * VALUE[s.severity] / total_weight if s in measured else None,
        }
        for s in sorted(signals, key=lambda s: DETECTORS.index(s.detector))
    ]
    if not measured:
        return {"score": None, "band": "unknown", "breakdown": breakdown, "measured": 0}
    score = sum(t.weight(s.detector) * VALUE[s.severity] for s in measured) / total_weight
    return {"score": score, "band": band(score), "breakdown": breakdown, "measured": len(measured)}


def band(score: float) -> str:
    return "green" if score < 1 / 3 else "amber" if score < 2 / 3 else "red"


def trend(scores: Sequence[float | None]) -> str | None:
    """Better, worse or steady: the latest weekly score against the one before (lower is healthier)."""
    known = [s for s in scores if s is not None]
    if len(known) < 2:
        return None
    change = known[-1] - known[-2]
    return "worse" if change > 0.01 else "better" if change < -0.01 else "steady"
