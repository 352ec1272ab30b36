"""The change-management rules, without a database: ADKAR barrier points, stakeholder grids, resistance tactics.

Sources and the rules marked as proposed are in ``shared/reference/change-adoption-health.md`` (§1): Prosci's ADKAR
(scores 1–5; the barrier point is the *first* element scoring 3 or less; do not average), Mendelow's power/interest
grid, Mitchell–Agle–Wood salience, the PMBOK engagement levels and Conner's commitment curve.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date

ADKAR = ("awareness", "desire", "knowledge", "ability", "reinforcement")
BARRIER_AT_MOST = 3
SCORE_RANGE = range(1, 6)

# What to do about a barrier (Prosci's ADKAR semantics, reference §1.1).
INTERVENTIONS: dict[str, str] = {
    "awareness": "Sponsor and senior-leader messages on the business reasons: why, why now, the risk of not changing",
    "desire": "People-manager conversations on what is in it for them; resistance tactics",
    "knowledge": "Training on how to change: the new process, the new tool",
    "ability": "Coaching and practice; remove the barriers that stop people applying what they learnt",
    "reinforcement": "Recognition, accountability and feedback on measured results",
}

ENGAGEMENT = ("unaware", "resistant", "neutral", "supportive", "leading")
COMMITMENT = (
    "contact",
    "awareness",
    "understanding",
    "positive_perception",
    "installation",
    "adoption",
    "institutionalisation",
    "internalisation",
)
GRID = {
    (True, True): "manage_closely",
    (True, False): "keep_satisfied",
    (False, True): "keep_informed",
    (False, False): "monitor",
}
GRID_LABELS = {
    "manage_closely": "Key player: manage closely",
    "keep_satisfied": "Keep satisfied",
    "keep_informed": "Keep informed",
    "monitor": "Monitor",
}
SALIENCE = {
    (False, False, False): "non_stakeholder",
    (True, False, False): "dormant",
    (False, True, False): "discretionary",
    (False, False, True): "demanding",
    (True, True, False): "dominant",
    (True, False, True): "dangerous",
    (False, True, True): "dependent",
    (True, True, True): "definitive",
}
ATTRIBUTE_RANGE = range(1, 6)  # power, interest, influence, legitimacy and urgency are rated 1–5
HIGH_AT_LEAST = 3  # on that scale, 3 or more counts as "high" for the grid and salience
STALE_AFTER_DAYS = 30

RESISTANCE_REASONS = (
    "lack_of_awareness",
    "fear_of_the_unknown",
    "job_security",
    "lack_of_sponsorship",
    "loss_of_control",
    "lack_of_time",
    "comfort_with_status_quo",
    "no_wiifm",
    "not_involved_in_design",
    "job_role_change",
    "other",
)
# Prosci's ten tactics for managers (reference §1.5), and the ADKAR elements each one can move.
TACTICS: dict[str, tuple[str, ...]] = {
    "listen_and_understand": ADKAR,
    "focus_on_what_not_how": ("desire", "ability"),
    "remove_barriers": ("ability", "knowledge"),
    "simple_clear_choices": ("desire",),
    "create_hope": ("desire", "awareness"),
    "show_real_benefits": ("awareness", "desire"),
    "personal_appeal": ("desire",),
    "convert_strongest_dissenters": ("desire", "reinforcement"),
    "demonstrate_consequences": ("desire", "reinforcement"),
    "provide_incentives": ("desire", "reinforcement"),
    "training": ("knowledge",),
    "coaching": ("ability",),
    "recognition": ("reinforcement",),
}
RESISTANCE_STATUSES = ("open", "mitigating", "resolved", "accepted")
# Where an objection came from; "engagement_drop" is raised by Valuegate itself, never by a person.
RESISTANCE_CHANNELS = ("open", "manager", "champion", "anonymous", "engagement_drop")


def check_scores(scores: Mapping[str, int]) -> None:
    """Every ADKAR element scored 1–5; raise ValueError naming what is wrong."""
    missing = [e for e in ADKAR if e not in scores]
    if missing:
        raise ValueError(f"score every ADKAR element; missing: {', '.join(missing)}")
    unknown = [k for k in scores if k not in ADKAR]
    if unknown:
        raise ValueError(f"unknown ADKAR element(s): {', '.join(unknown)}")
    bad = [f"{e}={scores[e]!r}" for e in ADKAR if isinstance(scores[e], bool) or scores[e] not in SCORE_RANGE]
    if bad:
        raise ValueError(f"ADKAR scores run from 1 to 5: {', '.join(bad)}")


def barrier_point(scores: Mapping[str, int]) -> str | None:
    """The first element scoring 3 or less (Prosci); None when every element is above 3."""
    return next((e for e in ADKAR if scores[e] <= BARRIER_AT_MOST), None)


def intervention(barrier: str | None) -> str | None:
    return INTERVENTIONS.get(barrier) if barrier else None


def group_rollup(latest: Iterable[Mapping[str, int]]) -> dict[str, object]:
    """Over the latest assessment of each person in a group: the barrier distribution, the share ready (no
    barrier), the share scoring 3 or less per element, and the dominant barrier."""
    rows = list(latest)
    barriers = Counter(barrier_point(s) for s in rows)
    n = len(rows)
    blocked = Counter({b: c for b, c in barriers.items() if b is not None})
    return {
        "people": n,
        "barriers": {e: barriers.get(e, 0) for e in ADKAR},
        "ready": barriers.get(None, 0),
        "ready_share": (barriers.get(None, 0) / n) if n else None,
        "element_gap": {e: (sum(1 for s in rows if s[e] <= BARRIER_AT_MOST) / n) if n else None for e in ADKAR},
        "dominant_barrier": blocked.most_common(1)[0][0] if blocked else None,
    }


def check_attribute(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in ATTRIBUTE_RANGE:
        raise ValueError(f"{name} is rated from 1 to 5 (got {value!r})")
    return value


def grid_quadrant(power: int, interest: int) -> str:
    """Mendelow's power/interest grid."""
    return GRID[(power >= HIGH_AT_LEAST, interest >= HIGH_AT_LEAST)]


def salience(power: int, legitimacy: int, urgency: int) -> str:
    """Mitchell, Agle and Wood: which of power, legitimacy and urgency a stakeholder holds."""
    return SALIENCE[(power >= HIGH_AT_LEAST, legitimacy >= HIGH_AT_LEAST, urgency >= HIGH_AT_LEAST)]


def engagement_gap(current: str, desired: str) -> int:
    """Levels between where a stakeholder is and where they need to be; more than 0 needs work."""
    return ENGAGEMENT.index(desired) - ENGAGEMENT.index(current)


def priority(power: int, urgency: int, gap: int) -> int:
    """For ranking the engagement work: power × the positive gap × (1 + urgency)."""
    return power * max(gap, 0) * (1 + urgency)


def is_stale(last_assessed: date | None, today: date, days: int = STALE_AFTER_DAYS) -> bool:
    return last_assessed is None or (today - last_assessed).days > days


def engagement_dropped(before: str, after: str) -> bool:
    """A fall of one level or more between assessments raises a resistance item."""
    return ENGAGEMENT.index(after) < ENGAGEMENT.index(before)


def tactic_problem(tactic: str, element: str) -> str | None:
    """Why a mitigation tactic does not fit the ADKAR element the resistance evidences, or None when it fits."""
    if tactic not in TACTICS:
        return f"unknown tactic {tactic!r}; use one of {', '.join(TACTICS)}"
    if element not in ADKAR:
        return f"unknown ADKAR element {element!r}"
    if element in TACTICS[tactic]:
        return None
    fits = [t for t, elements in TACTICS.items() if element in elements]
    return (
        f"{tactic.replace('_', ' ')} works on {', '.join(TACTICS[tactic])}, not on {element}: "
        f"while {element} is the barrier, try {', '.join(t.replace('_', ' ') for t in fits)}"
    )


# --- champions (reference §1.7) ---------------------------------------------------------------------------------

CHAMPION_RATIO = 50  # at least one champion per this many impacted people; sources range from 1:10 to 1:50
CHAMPION_WINDOW_DAYS = 14  # one cadence window
DORMANT_AFTER_WINDOWS = 2
CHAMPION_ACTIVITIES = ("session", "feedback", "office_hours", "demo", "coaching")
COVERAGE_STATES = ("nobody_impacted", "none", "thin", "covered")


def coverage(champions: int, impacted: int, ratio: int = CHAMPION_RATIO) -> dict[str, object]:
    """Champions against impacted people in a team: the ratio 1:n and whether it meets 1:``ratio``."""
    people_per_champion = (impacted / champions) if champions else None
    if impacted == 0:
        state = "nobody_impacted"
    elif champions == 0:
        state = "none"
    elif people_per_champion is not None and people_per_champion > ratio:
        state = "thin"
    else:
        state = "covered"
    needed = max(0, -(-impacted // ratio) - champions) if impacted else 0
    return {
        "champions": champions,
        "impacted": impacted,
        "people_per_champion": people_per_champion,
        "state": state,
        "champions_needed": needed,
    }


def is_dormant(
    last_activity: date | None,
    since: date,
    today: date,
    window_days: int = CHAMPION_WINDOW_DAYS,
    windows: int = DORMANT_AFTER_WINDOWS,
) -> bool:
    """Dormant: no activity in the last ``windows`` cadence windows (a champion named less long ago is not)."""
    span = window_days * windows
    if (today - since).days < span:
        return False
    return last_activity is None or (today - last_activity).days >= span


# --- operational integration: legacy retirement -----------------------------------------------------------------

LEGACY_KINDS = ("process", "report", "workflow", "spreadsheet", "tool", "email_routine")
LEGACY_STATUSES = ("planned", "parallel", "retired")
LEGACY_FLAGS = ("retirement_overdue", "double_work", "long_parallel_run")
LEGACY_MOVES = {"planned": ("parallel", "retired"), "parallel": ("retired", "planned"), "retired": ("parallel",)}


def legacy_flags(
    status: str, retire_by: date, today: date, parallel_since: date | None, double_work_hours: int | None
) -> list[str]:
    """What needs attention on a legacy item: retirement overdue, double work, a long parallel run."""
    flags = []
    if status != "retired" and retire_by < today:
        flags.append("retirement_overdue")
    if status == "parallel" and double_work_hours:
        flags.append("double_work")
    if status == "parallel" and parallel_since is not None and (today - parallel_since).days > 90:
        flags.append("long_parallel_run")
    return flags
