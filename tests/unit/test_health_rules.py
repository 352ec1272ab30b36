"""The detectors on constructed histories that should and should not trigger them, with the evidence they return;
the thresholds as configuration; the composite score (reference §5, §6)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from valuegate.errors import InvalidInput
from valuegate.health import rules
from valuegate.health.thresholds import DEFAULTS, resolve

AS_OF = date(2026, 6, 15)


def _artefacts(n: int, used: int = 0) -> list[rules.Artefact]:
    old = AS_OF - timedelta(days=200)
    return [
        rules.Artefact(
            i, f"Report {i}", "report", old, AS_OF - timedelta(days=3) if i < used else None, 5 if i < used else 0
        )
        for i in range(n)
    ]


def _w1(**kw: object) -> rules.W1Input:
    base = dict(
        as_of=AS_OF,
        artefacts=_artefacts(4, used=4),
        audience=50,
        consumers=30,
        views_week=100,
        views_prev_week=100,
        decisions=[("2026-05", 8, 6), ("2026-06", 4, 3)],
    )
    base.update(kw)
    return rules.W1Input(**base)  # type: ignore[arg-type]


# -- W1 -----------------------------------------------------------------------------------------------------------


def test_w1_reference_case_six_viewers_of_fifty_is_an_alert() -> None:
    s = rules.w1(_w1(consumers=6), DEFAULTS)
    assert s.severity == "alert"
    assert s.figures["consumer_coverage"] == pytest.approx(0.12)
    assert "6 of 50" in s.summary


def test_w1_no_decision_cites_the_model_for_two_months_is_an_alert_even_with_many_viewers() -> None:
    uncited = [{"decision_id": 7, "text": "2026-06-02: Approve Decided for the cloud move"}]
    s = rules.w1(_w1(consumers=45, decisions=[("2026-05", 5, 0), ("2026-06", 3, 0)], uncited=uncited), DEFAULTS)
    assert s.severity == "alert"
    assert any("two months running" in r for r in s.reasons)
    assert {"kind": "uncited_decision", **uncited[0]} in s.evidence


def test_w1_healthy_use_stays_ok() -> None:
    s = rules.w1(_w1(), DEFAULTS)
    assert s.severity == "ok" and s.evidence == []


def test_w1_watch_on_a_weekly_drop_and_names_dead_artefacts() -> None:
    s = rules.w1(_w1(views_week=70, artefacts=_artefacts(4, used=2)), DEFAULTS)
    assert s.severity == "watch"
    dead = [e for e in s.evidence if e["kind"] == "unused_artefact"]
    assert [e["artefact_id"] for e in dead] == [2, 3]
    assert "never opened" in dead[0]["text"]
    assert s.figures["wow_change"] == pytest.approx(-0.3)


def test_w1_without_a_catalogue_is_not_measured() -> None:
    assert rules.w1(_w1(artefacts=[]), DEFAULTS).severity == "not_measured"


def test_w1_thresholds_are_configuration() -> None:
    strict = resolve({"w1_coverage_alert": 0.7, "w1_coverage_ok": 0.9})
    assert rules.w1(_w1(), strict).severity == "alert"


# -- W2 -----------------------------------------------------------------------------------------------------------


def _expected(owner: str, pattern: str, *, active: bool = True, owner_id: int | None = 1) -> list[rules.Expected]:
    """One feed over consecutive months: o on time, l late, m missing, r rejected and never fixed."""
    out = []
    for i, mark in enumerate(pattern):
        period = f"2026-{i + 1:02d}"
        due = date(2026, i + 2, 7)
        received = {"o": due - timedelta(days=1), "l": due + timedelta(days=4), "m": None, "r": None}[mark]
        out.append(
            rules.Expected(
                10, "GL actuals", owner_id, owner, active, period, due, received, mark == "o", 0 if mark == "m" else 1
            )
        )
    return out


def test_w2_two_misses_in_a_row_is_an_alert_with_the_periods() -> None:
    s = rules.w2(_expected("Dana", "omm"), DEFAULTS)
    assert s.severity == "alert"
    assert s.figures["owners"][0]["consecutive_misses"] == 2
    assert [e["period"] for e in s.evidence] == ["2026-02", "2026-03"]
    assert all(e["kind"] == "feed_missing" for e in s.evidence)


def test_w2_on_time_owner_is_ok() -> None:
    s = rules.w2(_expected("Dana", "ooo"), DEFAULTS)
    assert s.severity == "ok" and s.figures["on_time_rate"] == 1


def test_w2_one_late_of_six_is_watch_not_alert() -> None:
    s = rules.w2(_expected("Dana", "oooloo"), DEFAULTS)
    assert s.severity == "watch"
    assert s.evidence[0]["kind"] == "feed_late"


def test_w2_an_owner_who_left_is_an_alert() -> None:
    s = rules.w2(_expected("Dana", "ooo", active=False), DEFAULTS)
    assert s.severity == "alert" and "who left" in s.summary
    s = rules.w2(_expected("nobody", "ooo", owner_id=None), DEFAULTS)
    assert "has no owner" in s.summary


def test_w2_nothing_due_is_not_measured() -> None:
    assert rules.w2([], DEFAULTS).severity == "not_measured"


# -- W3 -----------------------------------------------------------------------------------------------------------


def _meeting(i: int, tabled: int, deferred: int) -> rules.MeetingTally:
    return rules.MeetingTally(i, f"Steering {i}", AS_OF - timedelta(days=30 * (4 - i)), tabled, deferred)


def test_w3_two_meetings_deferring_most_items_is_an_alert() -> None:
    x = rules.W3Input(AS_OF, [_meeting(1, 4, 0), _meeting(2, 4, 3), _meeting(3, 5, 3)], [], {})
    s = rules.w3(x, DEFAULTS)
    assert s.severity == "alert"
    assert [e["meeting_id"] for e in s.evidence if e["kind"] == "meeting"] == [1, 2, 3]


def test_w3_a_decision_deferred_three_times_is_an_alert_naming_it() -> None:
    pending = [rules.PendingRequest(5, 42, "Licence harvest", "decided", AS_OF - timedelta(days=70), 3)]
    s = rules.w3(rules.W3Input(AS_OF, [_meeting(1, 4, 0)], pending, {}), DEFAULTS)
    assert s.severity == "alert"
    assert s.evidence[0]["measure_id"] == 42 and "deferred 3 time(s)" in s.evidence[0]["text"]


def test_w3_slow_decisions_against_the_sla() -> None:
    s = rules.w3(rules.W3Input(AS_OF, [], [], {"detailed → decided": [25, 30]}), DEFAULTS)
    assert s.severity == "alert" and "27.5" not in s.summary and "28 days" in s.summary
    assert rules.w3(rules.W3Input(AS_OF, [], [], {"detailed → decided": [5, 8]}), DEFAULTS).severity == "ok"


def test_w3_one_deferral_in_four_is_watch_and_a_decisive_board_is_ok() -> None:
    assert rules.w3(rules.W3Input(AS_OF, [_meeting(1, 4, 1)], [], {}), DEFAULTS).severity == "watch"
    assert rules.w3(rules.W3Input(AS_OF, [_meeting(1, 4, 0), _meeting(2, 5, 0)], [], {}), DEFAULTS).severity == "ok"


# -- W4 -----------------------------------------------------------------------------------------------------------


def _w4(live_days: int, legacy: list[rules.Legacy], met: list[bool | None], legacy_views: int = 0) -> rules.W4Input:
    metrics = [rules.KeyMetric(i, f"Metric {i}", "active_users", 0.1, 0.5, m) for i, m in enumerate(met)]
    return rules.W4Input(AS_OF, AS_OF - timedelta(days=live_days), legacy, metrics, legacy_views, 100)


OVERDUE = [
    rules.Legacy(1, "Excel showback", "parallel", AS_OF - timedelta(days=20), 12),
    rules.Legacy(2, "Access cost DB", "planned", AS_OF - timedelta(days=5)),
    rules.Legacy(3, "Old cube", "retired", AS_OF - timedelta(days=40)),
]


def test_w4_live_for_months_with_legacy_still_running_is_an_alert_with_the_items() -> None:
    s = rules.w4(_w4(120, OVERDUE, [True]), DEFAULTS)
    assert s.severity == "alert"
    assert s.figures["retirement_progress"] == pytest.approx(1 / 3)
    assert [e["legacy_id"] for e in s.evidence if e["kind"] == "legacy_running"] == [1, 2]
    assert "12 people still use it" in s.evidence[0]["text"]


def test_w4_parallel_reports_opened_more_than_the_new_ones() -> None:
    s = rules.w4(_w4(120, [], [True], legacy_views=250), DEFAULTS)
    assert s.severity == "alert" and s.figures["parallel_run_ratio"] == 2.5


def test_w4_all_success_metrics_below_target_after_go_live() -> None:
    assert rules.w4(_w4(120, [], [False, False]), DEFAULTS).severity == "alert"
    assert rules.w4(_w4(120, [], [False, True]), DEFAULTS).severity == "watch"


def test_w4_the_first_ninety_days_are_at_most_watch() -> None:
    assert rules.w4(_w4(30, OVERDUE, [False]), DEFAULTS).severity == "watch"
    assert rules.w4(_w4(30, [], [True]), DEFAULTS).severity == "ok"


def test_w4_without_a_go_live_date_is_not_measured() -> None:
    x = _w4(120, OVERDUE, [False])
    x.live_on = None
    assert rules.w4(x, DEFAULTS).severity == "not_measured"


# -- W5 -----------------------------------------------------------------------------------------------------------


def _rules(n: int, documented: bool = True) -> list[rules.Rule]:
    return [rules.Rule(i, f"Rule {i}", "artefact", documented, documented) for i in range(n)]


def test_w5_a_four_layer_model_at_maturity_two_is_an_alert() -> None:
    s = rules.w5(rules.W5Input(2, 1.0, _rules(20), 4, ["TBM model"], [], []), DEFAULTS)
    assert s.severity == "alert" and "maturity level 2" in s.summary


def test_w5_too_many_rules_for_level_one() -> None:
    assert rules.w5(rules.W5Input(1, 1.0, _rules(51), 2, [], [], []), DEFAULTS).severity == "alert"
    assert rules.w5(rules.W5Input(1, 1.0, _rules(50), 2, [], [], []), DEFAULTS).severity == "ok"


def test_w5_rising_fallout_while_rules_grow() -> None:
    x = rules.W5Input(4, 2.0, _rules(30), 3, ["TBM model"], [0.02, 0.03, 0.05, 0.08], [20, 24, 27, 30])
    s = rules.w5(x, DEFAULTS)
    assert s.severity == "alert" and "Unallocated cost keeps rising" in " ".join(s.reasons)
    x.rules_count_history = [30, 30, 30, 30]
    assert rules.w5(x, DEFAULTS).severity == "ok"


def test_w5_parallel_models_and_undocumented_rules() -> None:
    s = rules.w5(rules.W5Input(4, 2.0, _rules(5), 3, ["Finance model", "IT model"], [], []), DEFAULTS)
    assert s.severity == "alert"
    s = rules.w5(rules.W5Input(4, 2.0, _rules(3) + _rules(2, documented=False), 3, [], [], []), DEFAULTS)
    assert s.severity == "watch"
    assert [e["kind"] for e in s.evidence] == ["undocumented_rule", "undocumented_rule"]


# -- DG -----------------------------------------------------------------------------------------------------------


def _feed(findings: list[dict[str, str]], **kw: object) -> rules.FeedState:
    base = dict(feed_id=1, feed="GL actuals", system_channel=False, period="2026-05", findings=findings, owner_id=3)
    base.update(kw)
    return rules.FeedState(**base)  # type: ignore[arg-type]


def test_dg_an_unannounced_renamed_column_is_an_alert_naming_the_feed() -> None:
    finding = {"check": "schema_renamed", "severity": "error", "message": "Column 'CostCenter' seems renamed to 'CC'."}
    s = rules.dg([_feed([finding])], [], DEFAULTS)
    assert s.severity == "alert"
    assert s.evidence[0]["feed_id"] == 1 and "renamed" in s.evidence[0]["text"]


def test_dg_tag_coverage_drop_and_manual_uploads_on_a_system_feed() -> None:
    drop = {"check": "tag_coverage", "severity": "warning", "message": "Tag coverage fell from 95% to 80%."}
    assert rules.dg([_feed([drop])], [], DEFAULTS).severity == "alert"
    s = rules.dg([_feed([], system_channel=True, manual_amount=50.0, total_amount=200.0)], [], DEFAULTS)
    assert s.severity == "alert" and "25%" in s.summary


def test_dg_clean_files_are_ok_and_new_keys_are_watch() -> None:
    assert rules.dg([_feed([])], [0.02, 0.02], DEFAULTS).severity == "ok"
    new = {"check": "new_keys", "severity": "warning", "message": "1 CostCenter value(s) not seen before: CC-999."}
    assert rules.dg([_feed([new])], [], DEFAULTS).severity == "watch"
    assert rules.dg([_feed([])], [0.02, 0.04], DEFAULTS).severity == "watch"
    assert rules.dg([_feed([], period=None)], [], DEFAULTS).severity == "not_measured"


def test_dg_a_feed_without_owner_or_with_one_maintainer() -> None:
    assert rules.dg([_feed([], owner_id=None)], [], DEFAULTS).severity == "alert"
    assert rules.dg([_feed([], mapping_editors=1)], [], DEFAULTS).severity == "watch"


# -- the composite --------------------------------------------------------------------------------------------------


def _signal(detector: str, severity: str) -> rules.Signal:
    return rules.Signal(detector, severity, "")


def test_composite_reproduces_the_micro_focus_worked_example() -> None:
    t = resolve({"weight_w1": 4, "weight_w2": 5, "weight_w3": 6})
    out = rules.composite([_signal("W1", "alert"), _signal("W2", "alert"), _signal("W3", "ok")], t)
    assert out["score"] == pytest.approx(0.567, abs=0.001)
    assert out["band"] == "amber"
    shares = {b["detector"]: b["share"] for b in out["breakdown"]}
    assert shares["W2"] == pytest.approx(5 * 5 / 6 / 15)


def test_composite_bands_and_not_measured_detectors_stay_out() -> None:
    signals = [_signal(d, "ok") for d in ("W1", "W2", "W3")] + [_signal("W4", "not_measured")]
    out = rules.composite(signals, DEFAULTS)
    assert out["band"] == "green" and out["measured"] == 3
    assert next(b for b in out["breakdown"] if b["detector"] == "W4")["share"] is None
    assert rules.composite([_signal("W1", "alert")], DEFAULTS)["band"] == "red"
    assert rules.composite([_signal("W1", "not_measured")], DEFAULTS)["band"] == "unknown"


def test_trend_compares_the_last_two_weeks() -> None:
    assert rules.trend([0.5, 0.3]) == "better"
    assert rules.trend([0.3, 0.5]) == "worse"
    assert rules.trend([0.3, None, 0.305]) == "steady"
    assert rules.trend([0.3]) is None


# -- thresholds -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"w1_coverage_okay": 0.5}, "Unknown threshold 'w1_coverage_okay'"),
        ({"w1_coverage_ok": 1.5}, "share between 0 and 1"),
        ({"w1_coverage_ok": "high"}, "is a number"),
        ({"w2_months": 2.5}, "whole number"),
        ({"w1_coverage_alert": 0.5, "w1_coverage_ok": 0.3}, "cannot be above"),
        ({"w5_rules_level2": 10}, "cannot fall as maturity rises"),
        ({f"weight_{d}": 0 for d in ("w1", "w2", "w3", "w4", "w5", "dg")}, "weight above 0"),
    ],
)
def test_bad_thresholds_are_refused(overrides: dict[str, object], words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        resolve(overrides)


def test_defaults_are_the_references() -> None:
    assert (DEFAULTS.w1_coverage_ok, DEFAULTS.w1_coverage_alert) == (0.40, 0.20)
    assert (DEFAULTS.w2_on_time_ok, DEFAULTS.w2_on_time_alert, DEFAULTS.w2_consecutive_misses) == (0.90, 0.75, 2)
    assert (DEFAULTS.w3_deferral_alert, DEFAULTS.w3_max_deferrals) == (0.50, 3)
    assert (DEFAULTS.w4_live_days, DEFAULTS.w4_retirement_min) == (90, 0.50)
    assert [DEFAULTS.rules_max(level) for level in (1, 2, 3, 4)] == [50, 150, 400, 1000]
    assert DEFAULTS.rules_max(5) == float("inf")


def test_working_days_skip_weekends() -> None:
    assert rules.working_days(date(2026, 6, 12), date(2026, 6, 15)) == 1  # Friday → Monday
    assert rules.working_days(date(2026, 6, 1), date(2026, 6, 15)) == 10


def test_w3_a_sponsor_missing_from_steering_is_watch() -> None:
    meetings = [_meeting(i, 3, 0) for i in (1, 2, 3)]
    for m, here in zip(meetings, (True, False, False), strict=True):
        m.sponsor_present = here
    s = rules.w3(rules.W3Input(AS_OF, meetings, [], {}), DEFAULTS)
    assert s.severity == "watch" and "sponsor attended 1 of the last 3" in s.summary
    assert s.figures["sponsor_attendance"] == pytest.approx(1 / 3)
    for m in meetings:
        m.sponsor_present = True
    assert rules.w3(rules.W3Input(AS_OF, meetings, [], {}), DEFAULTS).severity == "ok"
