"""The change-management rules against the reference's test vectors (shared/reference/change-adoption-health.md)."""

from __future__ import annotations

from datetime import date

import pytest

from valuegate.change import rules

A = dict(zip(rules.ADKAR, (4, 2, 5, 5, 1), strict=True))


def scores(*values: int) -> dict[str, int]:
    return dict(zip(rules.ADKAR, values, strict=True))


def test_barrier_point_is_the_first_element_at_three_or_less() -> None:
    assert rules.barrier_point(A) == "desire"
    assert rules.barrier_point(scores(3, 1, 5, 5, 5)) == "awareness", "Prosci's example: awareness 3 comes first"
    assert rules.barrier_point(scores(4, 4, 4, 4, 4)) is None
    assert rules.barrier_point(scores(5, 5, 5, 5, 3)) == "reinforcement"
    assert rules.intervention("knowledge") is not None and rules.intervention(None) is None


@pytest.mark.parametrize(
    ("given", "words"),
    [
        ({**A, "awareness": 0}, "1 to 5"),
        ({**A, "desire": 6}, "1 to 5"),
        ({**A, "desire": True}, "1 to 5"),
        ({k: v for k, v in A.items() if k != "ability"}, "missing: ability"),
        ({**A, "joy": 3}, "unknown ADKAR"),
    ],
)
def test_bad_scores_are_named(given, words: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=words):
        rules.check_scores(given)


def test_group_rollup() -> None:
    group = [scores(4, 2, 5, 5, 5), scores(4, 4, 4, 4, 4), scores(2, 5, 5, 5, 5), scores(5, 3, 1, 1, 1)]
    r = rules.group_rollup(group)
    assert r["people"] == 4 and r["ready"] == 1 and r["ready_share"] == 0.25
    assert r["barriers"] == {"awareness": 1, "desire": 2, "knowledge": 0, "ability": 0, "reinforcement": 0}
    assert r["dominant_barrier"] == "desire"
    assert r["element_gap"]["knowledge"] == 0.25
    empty = rules.group_rollup([])
    assert empty["people"] == 0 and empty["ready_share"] is None and empty["dominant_barrier"] is None


def test_grid_salience_gap_and_priority() -> None:
    assert rules.grid_quadrant(5, 5) == "manage_closely"
    assert rules.grid_quadrant(5, 1) == "keep_satisfied"
    assert rules.grid_quadrant(2, 4) == "keep_informed"
    assert rules.grid_quadrant(1, 1) == "monitor"
    assert rules.salience(5, 5, 5) == "definitive"
    assert rules.salience(5, 1, 4) == "dangerous"
    assert rules.salience(1, 1, 1) == "non_stakeholder"
    assert rules.engagement_gap("resistant", "supportive") == 2
    assert rules.engagement_gap("leading", "neutral") == -2
    assert rules.priority(5, 4, 2) == 50 and rules.priority(5, 4, -1) == 0
    assert rules.engagement_dropped("supportive", "neutral") and not rules.engagement_dropped("neutral", "leading")


def test_staleness() -> None:
    today = date(2026, 6, 30)
    assert rules.is_stale(None, today)
    assert rules.is_stale(date(2026, 5, 30), today)
    assert not rules.is_stale(date(2026, 5, 31), today)


def test_tactics_must_fit_the_element() -> None:
    assert rules.tactic_problem("training", "knowledge") is None
    problem = rules.tactic_problem("training", "awareness")
    assert problem is not None and "not on awareness" in problem and "show real benefits" in problem
    assert "unknown tactic" in (rules.tactic_problem("magic", "desire") or "")
    assert "unknown ADKAR" in (rules.tactic_problem("training", "joy") or "")
    for element in rules.ADKAR:
        assert any(element in fits for fits in rules.TACTICS.values()), f"some tactic fits {element}"
