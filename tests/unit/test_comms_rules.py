"""The communication matrix's rules: cadences as RRULEs, occurrences, sender fit, first-message content."""

from __future__ import annotations

from datetime import date

import pytest

from valuegate.comms import rules


@pytest.mark.parametrize(
    ("given", "rule"),
    [
        (None, None),
        ("", None),
        ("once", None),
        ("weekly", "FREQ=WEEKLY"),
        ("Fortnightly", "FREQ=WEEKLY;INTERVAL=2"),
        ("monthly", "FREQ=MONTHLY"),
        ("RRULE:FREQ=MONTHLY;BYMONTHDAY=5;COUNT=6", "FREQ=MONTHLY;BYMONTHDAY=5;COUNT=6"),
        ("freq=weekly;byday=mo,th", "FREQ=WEEKLY;BYDAY=MO,TH"),
    ],
)
def test_cadences_become_rrules(given: str | None, rule: str | None) -> None:
    assert rules.normalise_recurrence(given) == rule


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ("every other tuesday", "is not a recurrence rule"),
        ("FREQ=SOMETIMES", "is not a recurrence rule"),
        ("FREQ=WEEKLY;BYDAY=XX", "is not a recurrence rule"),
        ("FREQ=HOURLY", "at most daily"),
        ("FREQ=MINUTELY;COUNT=3", "at most daily"),
        ("FREQ=WEEKLY;COUNT=0", "never produces a date"),
        ("DTSTART:20260101\nRRULE:FREQ=WEEKLY", "without DTSTART"),
        ("FREQ=WEEKLY;" + "BYDAY=MO;" * 40, "at most 300"),
    ],
)
def test_malformed_rules_are_refused_in_words(given: str, words: str) -> None:
    with pytest.raises(rules.RecurrenceError, match=words):
        rules.normalise_recurrence(given)


def test_occurrences_follow_the_rule_from_the_planned_date() -> None:
    fortnightly = rules.normalise_recurrence("fortnightly")
    days = rules.occurrences(date(2026, 6, 1), fortnightly, date(2026, 6, 10), date(2026, 7, 31))
    assert days == [date(2026, 6, 15), date(2026, 6, 29), date(2026, 7, 13), date(2026, 7, 27)]
    assert rules.occurrences(date(2026, 6, 1), None, date(2026, 6, 1), date(2026, 6, 1)) == [date(2026, 6, 1)]
    assert rules.occurrences(date(2026, 6, 1), None, date(2026, 6, 2), date(2026, 6, 30)) == []
    monthly_5th = "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3"
    assert rules.occurrences(date(2026, 1, 31), monthly_5th, date(2026, 1, 1), date(2026, 12, 31)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ], "the last day of each month, three times"
    assert rules.total_occurrences(date(2026, 1, 31), monthly_5th) == 3
    assert rules.total_occurrences(date(2026, 1, 31), "FREQ=WEEKLY") is None
    assert rules.total_occurrences(date(2026, 1, 31), None) == 1


def test_sender_fit_follows_prosci() -> None:
    assert rules.sender_problem("business_reason", "sponsor") is None
    assert rules.sender_problem("business_reason", "senior_leader") is None
    assert "sponsor or senior leader" in (rules.sender_problem("business_reason", "project_team") or "")
    assert "people manager" in (rules.sender_problem("personal_impact", "sponsor") or "")
    assert rules.sender_problem("how_to", "champion") is None


def test_first_message_and_overdue() -> None:
    assert rules.first_message_gaps(True, True, True) == []
    assert rules.first_message_gaps(True, False, False) == ["why now", "the risk of not changing"]
    planned = [date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15)]
    assert rules.overdue(planned, [date(2026, 6, 1)], date(2026, 6, 15)) == [date(2026, 6, 8)]


def test_the_planned_date_must_be_the_cadences_first_date() -> None:
    assert rules.start_problem(date(2026, 6, 1), "FREQ=WEEKLY;BYDAY=MO") is None
    assert rules.start_problem(date(2026, 6, 1), None) is None
    problem = rules.start_problem(date(2026, 6, 1), "FREQ=MONTHLY;BYMONTHDAY=-1")
    assert problem is not None and "2026-06-30" in problem


def test_cadences_in_words() -> None:
    assert rules.describe(None) == "once"
    assert rules.describe("FREQ=WEEKLY") == "weekly"
    assert rules.describe("FREQ=WEEKLY;INTERVAL=2;COUNT=6") == "every 2 weeks, 6 times"
    assert rules.describe("FREQ=WEEKLY;BYDAY=MO,TH") == "every week on Monday, Thursday"
    assert rules.describe("FREQ=MONTHLY;UNTIL=20261231") == "every month, until 2026-12-31"
    assert rules.describe("FREQ=MONTHLY;BYMONTHDAY=-1") == "FREQ=MONTHLY;BYMONTHDAY=-1"
