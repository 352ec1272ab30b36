"""Adoption metrics on hand-worked examples, with the edge cases: empty windows, a single busy day, people outside
the audience, activity before the window, value before access."""

from __future__ import annotations

from datetime import date

import pytest

from valuegate.adoption import rules
from valuegate.adoption.rules import Activity

A = Activity
JUNE_30 = date(2026, 6, 30)
AUDIENCE = {"a", "b", "c", "d"}
KEY = {"open_case", "close_case", "approve"}
ROWS = [
    A("a", date(2026, 6, 1), "open_case", 2),
    A("a", date(2026, 6, 2), "open_case", 1),
    A("a", date(2026, 6, 2), "close_case", 1),
    A("a", date(2026, 6, 3), "approve", 1),
    A("b", date(2026, 6, 10), "open_case", 20),  # one busy day
    A("x", date(2026, 6, 5), "open_case", 5),  # not in the audience
    A("d", date(2026, 5, 25), "open_case", 1),  # before the window
]


def test_active_users_count_the_audience_only_in_the_window() -> None:
    got = rules.active_users(ROWS, AUDIENCE, JUNE_30, 30)
    assert got == {"value": 0.5, "active": 2, "eligible": 4}, "a and b of four; x is outside, d was active in May"
    assert rules.active_users(ROWS, None, JUNE_30, 30)["active"] == 3, "without an audience, everyone active counts"
    assert rules.active_users([], AUDIENCE, JUNE_30, 30)["value"] == 0.0
    assert rules.active_users([], set(), JUNE_30, 30)["value"] is None, "nobody eligible: no figure, not 0"


def test_feature_adoption_and_breadth() -> None:
    got = rules.feature_adoption(ROWS, AUDIENCE, JUNE_30, 30, {"approve"})
    assert got["value"] == 0.25 and got["per_event"] == {"approve": 0.25}
    b = rules.breadth(ROWS, AUDIENCE, JUNE_30, 30, KEY)
    assert b == {"value": 0.6667, "active": 2}, "a used 3 of 3, b 1 of 3: (1 + 1/3) / 2"
    assert rules.breadth([], AUDIENCE, JUNE_30, 30, KEY)["value"] is None


def test_depth_ignores_a_single_busy_day() -> None:
    got = rules.depth(ROWS, AUDIENCE, JUNE_30, 30, KEY, min_days=3)
    assert got == {"value": 1.6667, "qualified": 1, "too_few_days": 1}, "a: 5 events over 3 days; b's one day is out"
    assert rules.depth(ROWS, AUDIENCE, JUNE_30, 30, KEY, min_days=1)["value"] == pytest.approx((5 / 3 + 20) / 2, 1e-3)


def test_frequency_bands() -> None:
    got = rules.frequency(ROWS, AUDIENCE, JUNE_30, 30)
    assert got == {"value": 0.0, "bands": {"none": 2, "low": 2, "medium": 0, "high": 0}, "eligible": 4}
    habit = [A("a", date(2026, 6, d), "open_case", 1) for d in range(1, 14)] + [
        A("b", date(2026, 6, d), "open_case", 1) for d in range(1, 6)
    ]
    got = rules.frequency(habit, AUDIENCE, JUNE_30, 30)
    assert got["bands"] == {"none": 2, "low": 0, "medium": 1, "high": 1} and got["value"] == 0.5


def test_stickiness_uses_trailing_thirty_days() -> None:
    rows = [
        A("a", date(2026, 6, 1), "open", 1),
        A("a", date(2026, 6, 2), "open", 1),
        A("a", date(2026, 6, 3), "open", 1),
        A("b", date(2026, 6, 3), "open", 1),
        A("b", date(2026, 5, 20), "open", 1),  # makes b part of MAU on 1 and 2 June
    ]
    got = rules.stickiness(rows, AUDIENCE, date(2026, 6, 3), 3)
    assert got == {"value": pytest.approx(0.6667, abs=1e-4), "days": 3}, "(1/2 + 1/2 + 2/2) / 3"
    assert rules.stickiness([], AUDIENCE, date(2026, 6, 3), 3) == {"value": None, "days": 0}


def test_time_to_first_value() -> None:
    access = {
        "a": date(2026, 6, 1),
        "b": date(2026, 6, 1),
        "c": date(2026, 6, 10),
        "e": date(2026, 7, 5),  # access after the date asked about
        "f": date(2026, 6, 2),
    }
    first = {"a": date(2026, 6, 4), "b": date(2026, 6, 1), "f": date(2026, 5, 30)}  # f used the pilot before
    got = rules.time_to_first_value(first, access, JUNE_30)
    assert got == {"value": 0.0, "p75": 1.5, "reached": 3, "not_yet": 1}, "waits 0, 0, 3; c has not reached value"
    assert rules.time_to_first_value({}, {}, JUNE_30)["value"] is None


def test_task_completion() -> None:
    got = rules.task_completion(ROWS, AUDIENCE, JUNE_30, 30, "open_case", "close_case")
    assert got == {"value": 0.0435, "started": 23, "completed": 1}
    assert rules.task_completion([], AUDIENCE, JUNE_30, 30, "open_case", "close_case")["value"] is None


def test_lifecycle_by_week() -> None:
    rows = [
        A("p", date(2026, 6, 2), "e", 1),
        A("p", date(2026, 6, 10), "e", 1),
        A("p", date(2026, 6, 16), "e", 1),
        A("p", date(2026, 6, 23), "e", 1),
        A("q", date(2026, 6, 9), "e", 1),
        A("r", date(2026, 6, 24), "e", 1),
        A("s", date(2026, 6, 22), "e", 1),
    ]
    first = {"p": date(2026, 6, 2), "q": date(2026, 6, 9), "r": date(2026, 3, 1), "s": date(2026, 6, 22)}
    got = rules.lifecycle(rows, None, first, date(2026, 6, 28), weeks=3)
    assert got["periods"] == [
        {"week_ending": "2026-06-14", "new": 1, "returning": 1, "resurrecting": 0, "dormant": 0},
        {"week_ending": "2026-06-21", "new": 0, "returning": 1, "resurrecting": 0, "dormant": 1},
        {"week_ending": "2026-06-28", "new": 1, "returning": 1, "resurrecting": 1, "dormant": 0},
    ]
    assert got["value"] == 2.0


def test_legacy_ratio_meets_and_trend() -> None:
    new = [A("a", date(2026, 6, 1), "open", 30)]
    old = [A("a", date(2026, 6, 1), "status_mail", 10), A("y", date(2026, 6, 1), "status_mail", 99)]
    got = rules.legacy_ratio(new, old, AUDIENCE, JUNE_30, 30)
    assert got == {"value": 0.25, "legacy_events": 10, "new_events": 30}
    assert rules.meets(0.25, 0.1, "<=") is False and rules.meets(0.5, 0.4, ">=") is True
    assert rules.meets(None, 0.4, ">=") is None
    assert rules.trend([0.2, None, 0.3]) == "up" and rules.trend([0.3, 0.3]) == "flat" and rules.trend([0.3]) is None
