"""The implementation-health monitor on both databases: detectors read the records Valuegate holds (catalogue and
its use, feeds, steering decisions, legacy processes, the profile), keep a weekly reading, propose plays that become
actions; the worker's scheduled run; a healthy implementation stays green."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import TODAY
from tests.factory import World, build_world
from valuegate.change import retirement
from valuegate.change import service as change
from valuegate.context import on_day
from valuegate.decisions import service as decisions
from valuegate.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation, StaleVersion
from valuegate.feeds import service as feeds
from valuegate.gates import service as gates
from valuegate.health import catalogue, plays
from valuegate.health import service as health
from valuegate.health.models import Artefact, HealthReading
from valuegate.jobs import service as jobs

CONTRACT = [
    {"name": "CostCenter", "type": "string", "required": True, "nullable": False},
    {"name": "Account", "type": "string", "required": True, "nullable": False},
    {"name": "Amount", "type": "decimal", "required": True, "nullable": False},
]


def _gl(header: str = "CostCenter,Account,Amount", rows: int = 6) -> bytes:
    return ("\n".join([header] + [f"CC-{100 + i % 3},6{i % 4}00,{1000 + i}.00" for i in range(rows)]) + "\n").encode()


def _feed(w: World, node: str = "project") -> int:
    feed = feeds.register_feed(
        w.s,
        actor=w["pmo"],
        node_id=w.ids[node],
        name="GL actuals",
        channel="manual",
        due_business_day=5,
        contract=CONTRACT,
        owner_id=w.ids["owner"],
        key_columns=["CostCenter"],
        amount_column="Amount",
    )
    return feed.id


def _send(w: World, feed_id: int, period: str, on: date, data: bytes | None = None) -> str:
    with on_day(w.s, on):
        return feeds.submit(
            w.s, actor=w["owner"], feed_id=feed_id, period=period, filename="gl.csv", data=data or _gl()
        ).status


def _artefact(w: World, name: str, node: str = "project", **kw: object) -> int:
    values: dict[str, object] = {"kind": "report", "published_on": TODAY - timedelta(days=120)} | kw
    return catalogue.register(w.s, actor=w["pmo"], node_id=w.ids[node], name=name, **values).id


def _uses(w: World, node: str, artefact_id: int, people: int, day: date = TODAY) -> None:
    uses = [{"artefact_id": artefact_id, "actor": f"u{i}", "day": day.isoformat()} for i in range(people)]
    catalogue.import_uses(w.s, actor=w["pmo"], node_id=w.ids[node], uses=uses)


@pytest.fixture
def stalled(session) -> World:  # type: ignore[no-untyped-def]
    """An implementation hitting the wall: few readers, an owner missing deliveries, a decision deferred three
    times, legacy still running months after go-live, a four-layer model at maturity 2, a renamed column."""
    w = build_world(session)
    group = change.add_group(session, actor=w["pmo"], node_id=w.ids["project"], name="Cost-centre managers", size=50)
    w.ids["used"] = _artefact(w, "Showback report", audience_group_id=group.id, layer="consumers")
    w.ids["dead"] = _artefact(w, "Tower dashboard", kind="dashboard", audience_group_id=group.id, layer="towers")
    _artefact(w, "Pool mapping", kind="allocation_rule", layer="cost_pools", owner_id=w.ids["owner"])
    _artefact(w, "Solution split", kind="allocation_rule", layer="solutions")
    _uses(w, "project", w.ids["used"], 6)

    feed = _feed(w)
    w.ids["feed"] = feed
    assert _send(w, feed, "2026-02", date(2026, 3, 4)) == "accepted"
    assert _send(w, feed, "2026-03", date(2026, 4, 3)) == "accepted"
    assert _send(w, feed, "2026-05", date(2026, 6, 12), _gl("Cost Centre,Account,Amount")) == "rejected"

    mid = w.measure("Licence harvest")
    w.ids["measure"] = mid
    req = gates.request_move(session, actor=w["owner"], measure_id=mid, to_stage="identified")
    for i, held in enumerate((TODAY - timedelta(days=60), TODAY - timedelta(days=30), TODAY - timedelta(days=2))):
        meeting = decisions.create_meeting(
            session, actor=w["pmo"], title=f"Steering {i + 1}", held_on=held, node_id=w.ids["project"]
        )
        with on_day(session, held):
            decisions.record_decision(
                session,
                actor=w["pmo"],
                meeting_id=meeting.id,
                gate_request_id=req.id,
                outcome="defer",
                text="Not ready: the business case waits for the ledger figures",
                defer_until=held + timedelta(days=20),
            )
    retirement.register(
        session,
        actor=w["pmo"],
        node_id=w.ids["project"],
        name="Excel showback workbook",
        kind="spreadsheet",
        replacement="Showback report",
        retire_by=TODAY - timedelta(days=10),
        people_still_using=14,
    )
    health.set_profile(
        session,
        actor=w["pmo"],
        node_id=w.ids["project"],
        version=None,
        changes={"live_on": TODAY - timedelta(days=120), "maturity_level": 2, "analyst_fte": 1.5},
    )
    return w


def _signal(view: dict[str, object], detector: str) -> dict[str, object]:
    return next(s for s in view["signals"] if s["detector"] == detector)  # type: ignore[attr-defined, index]


def test_a_stalled_implementation_raises_every_detector_with_its_evidence(stalled: World) -> None:
    w = stalled
    view = health.health(w.s, actor=w["pmo"], node_id=w.ids["project"])
    severities = {s["detector"]: s["severity"] for s in view["signals"]}
    assert severities == {"W1": "alert", "W2": "alert", "W3": "alert", "W4": "alert", "W5": "alert", "DG": "alert"}
    assert view["band"] == "red" and view["score"] == pytest.approx(5 / 6)
    assert len(view["breakdown"]) == 6

    w1 = _signal(view, "W1")
    assert w1["figures"]["consumers"] == 6 and w1["figures"]["audience"] == 50
    assert [e["artefact_id"] for e in w1["evidence"] if e["kind"] == "unused_artefact"] == [w.ids["dead"]]

    w2 = _signal(view, "W2")
    owner = w2["figures"]["owners"][0]
    assert owner["owner"] == "Owner" and owner["consecutive_misses"] == 2
    assert {(e["period"], e["kind"]) for e in w2["evidence"]} == {
        ("2026-04", "feed_missing"),
        ("2026-05", "feed_rejected"),
    }

    w3 = _signal(view, "W3")
    deferred = [e for e in w3["evidence"] if e["kind"] == "deferred_decision"]
    assert deferred[0]["measure_id"] == w.ids["measure"] and "deferred 3 time(s)" in deferred[0]["text"]

    w4 = _signal(view, "W4")
    assert w4["figures"]["live_days"] == 120 and w4["figures"]["retirement_progress"] == 0
    assert "14 people still use it" in w4["evidence"][0]["text"]

    w5 = _signal(view, "W5")
    assert w5["figures"]["layers"] == 4 and w5["figures"]["maturity_level"] == 2
    assert any(e["kind"] == "undocumented_rule" and "Solution split" in e["text"] for e in w5["evidence"])

    dg = _signal(view, "DG")
    assert any(e["kind"] == "schema_renamed" and e["period"] == "2026-05" for e in dg["evidence"])


def test_plays_are_proposed_with_named_people_and_become_tracked_actions(stalled: World) -> None:
    w = stalled
    view = health.health(w.s, actor=w["pmo"], node_id=w.ids["project"])
    offered = {p["play"]: p["detectors"] for p in view["plays"]}
    assert set(offered) == {"reconnect", "viable_outcome", "assign_owners", "right_size"}, "each play offered once"
    assert offered["right_size"] == ["W1", "W5"] and offered["reconnect"][:3] == ["W1", "W2", "W3"]
    reconnect = next(p for p in view["plays"] if p["play"] == "reconnect")
    people = {p["name"]: p["why"] for p in reconnect["detail"]["people"]}
    assert "Sponsor" in people and "on time" in people["Owner"]

    action = plays.take(
        w.s, actor=w["pmo"], node_id=w.ids["project"], detector="W1", play="right_size", owner_id=w.ids["owner"]
    )
    assert action.due_on == TODAY + timedelta(days=14)
    assert w.s.get(Artefact, w.ids["dead"]).status == "retirement_proposed"  # type: ignore[union-attr]
    assert w.s.get(Artefact, w.ids["used"]).status == "active"  # type: ignore[union-attr]
    with pytest.raises(Conflict, match="already an open action"):
        plays.take(
            w.s, actor=w["pmo"], node_id=w.ids["project"], detector="W1", play="right_size", owner_id=w.ids["owner"]
        )
    with pytest.raises(RuleViolation, match="not a response to W2"):
        plays.take(
            w.s, actor=w["pmo"], node_id=w.ids["project"], detector="W2", play="right_size", owner_id=w.ids["owner"]
        )
    with pytest.raises(PermissionDenied):
        plays.take(
            w.s, actor=w["viewer"], node_id=w.ids["project"], detector="W3", play="reconnect", owner_id=w.ids["owner"]
        )
    again = health.health(w.s, actor=w["pmo"], node_id=w.ids["project"])
    assert "right_size" not in {p["play"] for p in again["plays"]}
    assert again["actions"][0]["title"].startswith("Right-size the model")

    mvo = plays.take(
        w.s, actor=w["pmo"], node_id=w.ids["project"], detector="W3", play="viable_outcome", owner_id=w.ids["sponsor"]
    )
    with pytest.raises(InvalidInput, match="at least one part"):
        plays.agree_outcome(
            w.s,
            actor=w["pmo"],
            node_id=w.ids["project"],
            good_looks_like="Showback monthly",
            parts=[],
            cadence=[{"deliverable": "Showback", "every": "month"}],
            review_on=TODAY + timedelta(days=90),
        )
    plays.agree_outcome(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        good_looks_like="Cost-centre managers read their showback each month and challenge it",
        parts=[
            {"part": "GL extract", "owner_id": w.ids["owner"]},
            {"part": "Showback review", "owner_id": w.ids["sponsor"]},
        ],
        cadence=[{"deliverable": "Showback report", "every": "month, working day 8"}],
        review_on=TODAY + timedelta(days=90),
        action_id=mvo.id,
    )
    view = health.health(w.s, actor=w["pmo"], node_id=w.ids["project"])
    assert view["outcome"]["parts"][1]["owner"] == "Sponsor"
    assert next(a for a in view["actions"] if a["id"] == mvo.id)["status"] == "done"

    with pytest.raises(InvalidInput, match="what came of"):
        plays.update_action(
            w.s, actor=w["owner"], action_id=action.id, version=action.version, status="done", outcome=" "
        )
    with pytest.raises(StaleVersion):
        plays.update_action(w.s, actor=w["owner"], action_id=action.id, version=99, status="done", outcome="Retired")
    done = plays.update_action(
        w.s, actor=w["owner"], action_id=action.id, version=action.version, status="done", outcome="Owners agreed"
    )
    assert done.closed_on == TODAY


def test_readings_are_weekly_with_history_and_trend(stalled: World) -> None:
    w = stalled
    node = w.node(w.ids["project"])
    with on_day(w.s, TODAY - timedelta(days=14)):
        earlier = health.run(w.s, node, TODAY - timedelta(days=14), "schedule")
    before = {s["detector"]: s["severity"] for s in json.loads(earlier.signals)["signals"]}
    assert before["W4"] == "ok", "two weeks ago the legacy workbook was not yet due to retire"
    _uses(w, "project", w.ids["used"], 40)  # 40 people this week (the 6 earlier readers among them)
    view = health.run_now(w.s, actor=w["owner"], node_id=w.ids["project"])
    assert [h["week"] for h in view["history"]] == ["2026-06-01", "2026-06-15"]
    assert view["trend"] == "worse" and view["history"][0]["score"] < view["score"]
    w1 = _signal(view, "W1")
    assert w1["figures"]["consumers"] == 40 and w1["severity"] == "watch", "80% read it; one dashboard is dead"
    health.run_now(w.s, actor=w["owner"], node_id=w.ids["project"])
    assert len(w.s.scalars(select(HealthReading)).all()) == 2, "a second run in the week replaces the reading"


def test_the_worker_runs_the_detectors_on_schedule(db, stalled: World, settings) -> None:  # type: ignore[no-untyped-def]
    w = stalled
    w.s.commit()
    assert jobs.schedule_daily(w.s, TODAY) is True
    w.s.commit()
    jobs.process_pending(db, settings, today=TODAY)
    assert jobs.pending_count(w.s) == {"pending": 0, "failed": 0}
    w.s.expire_all()
    reading = w.s.scalars(select(HealthReading).where(HealthReading.node_id == w.ids["project"])).one()
    assert reading.trigger == "schedule" and reading.band == "red" and reading.week == date(2026, 6, 15)
    listed = health.portfolio(w.s, actor=w["pmo"])
    assert listed[0]["node_id"] == w.ids["project"] and listed[0]["detectors"]["W3"] == "alert"
    assert health.portfolio(w.s, actor=w["outsider"]) == []


def test_a_healthy_implementation_stays_green(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    group = change.add_group(session, actor=w["pmo"], node_id=w.ids["project"], name="Finance leads", size=20)
    used = _artefact(w, "Showback report", audience_group_id=group.id, layer="consumers", owner_id=w.ids["owner"])
    _uses(w, "project", used, 15)
    _uses(w, "project", used, 15, TODAY - timedelta(days=7))
    feed = _feed(w)
    for period, on in (("2026-03", date(2026, 4, 3)), ("2026-04", date(2026, 5, 6)), ("2026-05", date(2026, 6, 4))):
        assert _send(w, feed, period, on) == "accepted"
    health.set_profile(
        session,
        actor=w["pmo"],
        node_id=w.ids["project"],
        version=None,
        changes={"live_on": TODAY - timedelta(days=30), "maturity_level": 3},
    )
    view = health.health(session, actor=w["pmo"], node_id=w.ids["project"])
    severities = {s["detector"]: s["severity"] for s in view["signals"]}
    assert severities == {"W1": "ok", "W2": "ok", "W3": "not_measured", "W4": "ok", "W5": "ok", "DG": "ok"}
    assert view["band"] == "green" and view["score"] == pytest.approx(1 / 6)
    assert view["plays"] == []


def test_profile_thresholds_are_configuration_checked_and_audited(stalled: World) -> None:
    w = stalled
    node = w.ids["project"]
    profile = health.profile_view(node, None)
    assert profile["thresholds"]["w1_coverage_ok"] == 0.4
    current = health.health(w.s, actor=w["pmo"], node_id=node)["profile"]["version"]
    with pytest.raises(InvalidInput, match="Unknown threshold"):
        health.set_profile(w.s, actor=w["pmo"], node_id=node, version=current, changes={"thresholds": {"nope": 1}})
    with pytest.raises(InvalidInput, match="maturity level"):
        health.set_profile(w.s, actor=w["pmo"], node_id=node, version=current, changes={"maturity_level": 7})
    with pytest.raises(InvalidInput, match="cannot be changed here"):
        health.set_profile(w.s, actor=w["pmo"], node_id=node, version=current, changes={"score": 0})
    with pytest.raises(PermissionDenied):
        health.set_profile(w.s, actor=w["viewer"], node_id=node, version=current, changes={"maturity_level": 3})
    health.set_profile(
        w.s,
        actor=w["pmo"],
        node_id=node,
        version=current,
        changes={"thresholds": {"w3_max_deferrals": 5, "w3_deferral_alert": 1.0}},
    )
    view = health.run_now(w.s, actor=w["pmo"], node_id=node)
    assert view["profile"]["overrides"] == {"w3_deferral_alert": 1.0, "w3_max_deferrals": 5}
    assert _signal(view, "W3")["severity"] == "watch", "three deferrals no longer alert at a limit of five"


def test_catalogue_refuses_bad_input_and_records_citations(stalled: World) -> None:
    w = stalled
    node = w.ids["project"]
    with pytest.raises(Conflict):
        _artefact(w, "Showback report")
    with pytest.raises(InvalidInput, match="kind is one of"):
        _artefact(w, "Cube", kind="cube")
    with pytest.raises(InvalidInput, match="future"):
        catalogue.import_uses(
            w.s, actor=w["pmo"], node_id=node, uses=[{"artefact_id": w.ids["used"], "actor": "x", "day": "2027-01-01"}]
        )
    with pytest.raises(InvalidInput, match="Use 2: the actor"):
        catalogue.import_uses(
            w.s,
            actor=w["pmo"],
            node_id=node,
            uses=[
                {"artefact_id": w.ids["used"], "actor": "a", "day": "2026-06-01"},
                {"artefact_id": w.ids["used"], "actor": "", "day": "2026-06-01"},
            ],
        )
    listed = {a["name"]: a for a in catalogue.catalogue(w.s, actor=w["viewer"], node_id=node)}
    assert listed["Showback report"]["uses_30d"] == 6 and listed["Showback report"]["users_30d"] == 6
    assert listed["Tower dashboard"]["last_used_on"] is None
    with pytest.raises(InvalidInput, match="Say why"):
        catalogue.update(w.s, actor=w["pmo"], artefact_id=w.ids["dead"], version=1, changes={"status": "retired"})
    meeting = decisions.create_meeting(w.s, actor=w["pmo"], title="Steering 4", held_on=TODAY, node_id=node)
    d = decisions.record_decision(
        w.s, actor=w["pmo"], meeting_id=meeting.id, gate_request_id=None, outcome="note", text="Showback reviewed"
    )
    assert catalogue.cite(w.s, actor=w["pmo"], decision_id=d.id, artefact_ids=[w.ids["used"]]) == [w.ids["used"]]
    with pytest.raises(PermissionDenied):
        catalogue.cite(w.s, actor=w["viewer"], decision_id=d.id, artefact_ids=[w.ids["used"]])
    catalogue.record_use(w.s, actor=w["viewer"], artefact_id=w.ids["dead"])
    listed = {a["name"]: a for a in catalogue.catalogue(w.s, actor=w["viewer"], node_id=node)}
    assert listed["Tower dashboard"]["last_used_on"] == TODAY.isoformat()


def test_an_announced_schema_change_is_governance_not_drift(session) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    feed = _feed(w)
    assert _send(w, feed, "2026-03", date(2026, 4, 3)) == "accepted"
    assert _send(w, feed, "2026-04", date(2026, 5, 6)) == "accepted"
    with pytest.raises(InvalidInput, match="Say what changes"):
        feeds.announce_change(session, actor=w["owner"], feed_id=feed, period="2026-05", note=" ")
    with pytest.raises(PermissionDenied, match="Only the feed's owner"):
        feeds.announce_change(session, actor=w["viewer"], feed_id=feed, period="2026-05", note="Renamed")
    with pytest.raises(Conflict, match="already arrived"):
        feeds.announce_change(session, actor=w["owner"], feed_id=feed, period="2026-04", note="Renamed")
    feeds.announce_change(
        session, actor=w["owner"], feed_id=feed, period="2026-05", note="CostCenter becomes Cost Centre (new ERP)"
    )
    with on_day(session, date(2026, 6, 4)):
        s = feeds.submit(
            session,
            actor=w["owner"],
            feed_id=feed,
            period="2026-05",
            filename="gl.csv",
            data=_gl("Cost Centre,Account,Amount"),
        )
    assert json.loads(s.report)["change_notice"] == "CostCenter becomes Cost Centre (new ERP)"
    view = health.health(session, actor=w["pmo"], node_id=w.ids["project"])
    dg = _signal(view, "DG")
    assert dg["figures"]["schema_changes"] == 0 and not any(e["kind"].startswith("schema_") for e in dg["evidence"])
