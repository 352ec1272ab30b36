"""What an anonymous feedback report may show, without a database (reference §3).

- A group's scores show only when at least ``k`` people answered (default 5, never below 3); counts below that
  read "below threshold", not the number.
- Differencing: a visible group nested in another visible group must differ from it by 0 or at least ``k``
  people, else subtracting one from the other exposes the few in between; the smaller group is suppressed. The
  same holds for a parent and the sum of its visible children (complementary suppression).
- Homogeneity: a distribution where everyone gave the same answer is hidden (l-diversity, l = 2).
- Comments need ``k_comments`` respondents and run through the same differencing; they are shuffled and dated
  with the window's end, never their own time.
- Windows are fixed (ISO weeks or calendar months): no arbitrary date filter can slice a group thinner.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from valuegate.change.rules import ADKAR, SCORE_RANGE

T = TypeVar("T")
MIN_K = 3
DEFAULT_K = 5
WINDOWS = ("week", "month")
CHANNELS = ("open", "anonymous")  # named feedback, and the anonymous pulse's comments
HIDDEN_BECAUSE = ("below_threshold", "differencing", "complementary")
DISTRIBUTION_HIDDEN_BECAUSE = ("homogeneous", "below_threshold")
ROOT = 0  # the whole audience of the workstream: every response, with or without a group


@dataclass(frozen=True)
class GroupCount:
    """Respondents in a group, its own and those of every group nested in it, and its parent (ROOT at the top)."""

    respondents: int
    parent: int | None


def window_of(day: date, window: str = "week") -> tuple[date, date]:
    """The fixed window (first and last day) a day falls in."""
    if window == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if window == "month":
        start = day.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)
    raise ValueError(f"window is one of {', '.join(WINDOWS)}")


def check_pulse(scores: Mapping[str, int | None]) -> dict[str, int]:
    """A pulse answers one to five ADKAR elements, each 1–5; raise ValueError naming what is wrong."""
    unknown = [k for k in scores if k not in ADKAR]
    if unknown:
        raise ValueError(f"unknown ADKAR element(s): {', '.join(unknown)}")
    given = {k: v for k, v in scores.items() if v is not None}
    bad = [
        f"{k}={v!r}" for k, v in given.items() if isinstance(v, bool) or not isinstance(v, int) or v not in SCORE_RANGE
    ]
    if bad:
        raise ValueError(f"pulse scores run from 1 to 5: {', '.join(bad)}")
    return given


def suppressed(groups: Mapping[int, GroupCount], k: int) -> dict[int, str]:
    """The groups whose figures must not be shown, each with the reason (``below_threshold``, ``differencing``
    or ``complementary``). Every visible group is checked against every visible group it is nested in, at any
    depth, and against the disjoint visible groups directly beneath it; repeats until stable, since suppressing
    one group can expose another."""
    if k < MIN_K:
        raise ValueError(f"the minimum group size is at least {MIN_K}")
    hidden: dict[int, str] = {g: "below_threshold" for g, c in groups.items() if c.respondents < k}

    def ancestors(g: int) -> list[int]:
        chain, seen = [], {g}
        parent = groups[g].parent
        while parent is not None and parent in groups and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = groups[parent].parent
        return chain

    lineage = {g: ancestors(g) for g in groups}
    changed = True
    while changed:
        changed = False
        for g in sorted(groups, key=lambda g: -groups[g].respondents):  # outer groups first
            if g in hidden:
                continue
            for a in lineage[g]:
                if a not in hidden and 0 < groups[a].respondents - groups[g].respondents < k:
                    hidden[g] = "differencing"
                    changed = True
                    break
        for a in groups:
            if a in hidden:
                continue
            # the visible groups under a with no visible group between them and a: disjoint slices of a
            frontier = [
                g
                for g in groups
                if g not in hidden and a in lineage[g] and all(b in hidden for b in lineage[g][: lineage[g].index(a)])
            ]
            rest = groups[a].respondents - sum(groups[g].respondents for g in frontier)
            if frontier and 0 < rest < k:
                smallest = min(frontier, key=lambda g: (groups[g].respondents, g))
                hidden[smallest] = "complementary"
                changed = True
    return hidden


def homogeneous(answers: Iterable[int]) -> bool:
    return len(set(answers)) < 2


def element_summary(answers: Sequence[int], show_distribution: bool) -> dict[str, object]:
    """Mean, count and (when allowed and not homogeneous) the distribution of one element's answers."""
    if not answers:
        return {"answers": 0, "mean": None, "distribution": None, "distribution_hidden": None}
    hide = "homogeneous" if homogeneous(answers) else (None if show_distribution else "below_threshold")
    return {
        "answers": len(answers),
        "mean": round(sum(answers) / len(answers), 2),
        "distribution": None if hide else {s: answers.count(s) for s in SCORE_RANGE},
        "distribution_hidden": hide,
    }


def shuffled(items: Sequence[T]) -> list[T]:
    """Comments in an order unrelated to when they arrived."""
    out = list(items)
    secrets.SystemRandom().shuffle(out)
    return out


def median_days(pairs: Iterable[tuple[date, date | None]]) -> float | None:
    """The median number of days from the first date to the second, over pairs where the second is set."""
    days = sorted((b - a).days for a, b in pairs if b is not None)
    if not days:
        return None
    mid = len(days) // 2
    return float(days[mid]) if len(days) % 2 else (days[mid - 1] + days[mid]) / 2
