"""Privacy rules of anonymous feedback, on the reference's test vectors and a few more (reference §3)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuegate.feedback.privacy import DropAnonymousRequests
from valuegate.feedback.rules import ROOT, GroupCount, element_summary, median_days, suppressed, window_of

G = GroupCount


def test_a_team_of_six_with_four_answers_is_hidden_at_five() -> None:
    assert suppressed({ROOT: G(4, None), 1: G(4, ROOT)}, 5) == {ROOT: "below_threshold", 1: "below_threshold"}


def test_a_subteam_close_to_its_department_is_suppressed() -> None:
    # Department D: 12 responses; its sub-team S: 9. D minus S would expose 3 people, so S goes.
    groups = {ROOT: G(40, None), 10: G(12, ROOT), 11: G(9, 10), 20: G(28, ROOT)}
    assert suppressed(groups, 5) == {11: "differencing"}


def test_differencing_reaches_across_a_suppressed_level() -> None:
    # 20 → 16 (hidden: differs from 20 by 4) → 15: 20 − 15 = 5 is fine, so 15 stays; at k=6 it goes.
    groups = {ROOT: G(20, None), 1: G(16, ROOT), 2: G(15, 1)}
    assert suppressed(groups, 5) == {1: "differencing"}
    assert suppressed(groups, 6) == {1: "differencing", 2: "differencing"}


def test_the_remainder_beside_visible_children_must_clear_the_threshold() -> None:
    # 20 = 10 + 8 + 2: the 2 are hidden, but 20 − 10 − 8 would expose them; the smaller child goes as well.
    groups = {ROOT: G(20, None), 1: G(10, ROOT), 2: G(8, ROOT), 3: G(2, ROOT)}
    assert suppressed(groups, 5) == {3: "below_threshold", 2: "complementary"}


def test_identical_groups_do_not_expose_anyone() -> None:
    assert suppressed({ROOT: G(12, None), 1: G(12, ROOT)}, 5) == {}


def test_the_threshold_never_goes_below_three() -> None:
    with pytest.raises(ValueError, match="at least 3"):
        suppressed({ROOT: G(3, None)}, 2)


@given(
    st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=6),
    st.integers(min_value=3, max_value=7),
)
def test_no_visible_pair_of_nested_groups_differs_by_fewer_than_k(leaves: list[int], k: int) -> None:
    """Property: after suppression, every visible group nested in a visible group differs from it by 0 or >= k,
    and no visible group has fewer than k respondents."""
    groups: dict[int, GroupCount] = {ROOT: G(sum(leaves), None)}
    # two middle groups, each holding half of the leaves
    half = len(leaves) // 2
    groups[100] = G(sum(leaves[:half]), ROOT)
    groups[200] = G(sum(leaves[half:]), ROOT)
    for i, n in enumerate(leaves):
        groups[i + 1] = G(n, 100 if i < half else 200)
    hidden = suppressed(groups, k)
    visible = {g for g in groups if g not in hidden}
    for g in visible:
        assert groups[g].respondents >= k
        parent = groups[g].parent
        while parent is not None:
            if parent in visible:
                gap = groups[parent].respondents - groups[g].respondents
                assert gap == 0 or gap >= k
            parent = groups[parent].parent


def test_homogeneous_answers_hide_the_distribution_but_not_the_mean() -> None:
    same = element_summary([1, 1, 1, 1, 1], True)
    assert same["mean"] == 1.0 and same["distribution"] is None and same["distribution_hidden"] == "homogeneous"
    mixed = element_summary([1, 2, 2, 4, 5], True)
    assert mixed["distribution"] == {1: 1, 2: 2, 3: 0, 4: 1, 5: 1} and mixed["mean"] == 2.8
    assert element_summary([], True)["mean"] is None


def test_windows_are_fixed() -> None:
    assert window_of(date(2026, 6, 17), "week") == (date(2026, 6, 15), date(2026, 6, 21))
    assert window_of(date(2026, 2, 10), "month") == (date(2026, 2, 1), date(2026, 2, 28))
    assert window_of(date(2026, 12, 31), "month") == (date(2026, 12, 1), date(2026, 12, 31))


def test_median_days() -> None:
    d = date(2026, 6, 1)
    assert median_days([(d, date(2026, 6, 3)), (d, date(2026, 6, 7)), (d, None)]) == 4.0
    assert median_days([(d, None)]) is None


def test_request_lines_of_the_anonymous_channel_never_reach_a_log() -> None:
    import logging

    guard = DropAnonymousRequests()
    fmt = '%s - "%s %s HTTP/%s" %d'
    anonymous = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        fmt,
        ("10.1.2.3:5555", "POST", "/api/nodes/3/feedback/anonymous", "1.1", 201),
        None,
    )
    other = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, fmt, ("10.1.2.3:5555", "GET", "/api/nodes/3", "1.1", 200), None
    )
    assert not guard.filter(anonymous) and guard.filter(other)
