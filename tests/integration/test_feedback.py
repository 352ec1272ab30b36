"""Feedback loops on both databases: named check-ins, the open channel, "you said, we did", and the anonymous
channel — what it stores (and does not), what the logs and the audit trail see, and what its reports may show."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, text

from tests.conftest import TODAY
from tests.factory import PASSWORD, World, build_world
from valuegate.app import create_app
from valuegate.audit.models import AuditEvent
from valuegate.auth.models import Person
from valuegate.change import service as change
from valuegate.config import load_settings
from valuegate.errors import InvalidInput, NotFound, PermissionDenied, RuleViolation
from valuegate.feedback import service as feedback
from valuegate.feedback.models import AnonymousResponse, CheckIn, FeedbackItem

NO_SCORES = {"awareness": None, "desire": None, "knowledge": None, "ability": None, "reinforcement": None}


@pytest.fixture
def w(session) -> World:  # type: ignore[no-untyped-def]
    world = build_world(session)
    project = world.ids["project"]
    world.ids["finance"] = change.add_group(session, actor=world["pmo"], node_id=project, name="Finance", size=60).id
    world.ids["ap"] = change.add_group(
        session, actor=world["pmo"], node_id=project, name="AP", size=25, parent_id=world.ids["finance"]
    ).id
    world.ids["sales"] = change.add_group(session, actor=world["pmo"], node_id=project, name="Sales", size=40).id
    return world


def _anon(w: World, group: str | None, n: int, **scores: int) -> None:
    for i in range(n):
        feedback.submit_anonymous(
            w.s,
            node_id=w.ids["project"],
            group_id=w.ids[group] if group else None,
            scores={**NO_SCORES, **scores},
            comment=f"comment {group} {i}",
        )


def _count(w: World, table) -> int:  # type: ignore[no-untyped-def]
    return int(w.s.scalar(select(func.count()).select_from(table)) or 0)


def test_the_anonymous_table_has_no_column_that_could_name_or_date_a_person(w: World) -> None:
    columns = {c["name"] for c in inspect(w.s.get_bind()).get_columns("anonymous_response")}
    assert columns == {
        "id",
        "node_id",
        "group_id",
        "window_start",
        "window_end",
        *NO_SCORES,
        "comment",
        "acknowledged_on",
        "closed_on",
        "you_said",
        "we_did",
        "version",
    }
    if w.s.get_bind().dialect.name == "sqlite":
        with pytest.raises(Exception, match="rowid"):
            w.s.execute(text("SELECT rowid FROM anonymous_response"))
        w.s.rollback()


def test_an_anonymous_submission_leaves_no_trace_of_who_sent_it(w: World, db, caplog) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(create_app(load_settings(db.url), db=db, today=TODAY))
    token = client.post("/api/auth/token", json={"login": "viewer", "password": PASSWORD}).json()["token"]
    viewer = w.s.get(Person, w.ids["viewer"])
    assert viewer is not None
    w.s.commit()
    events_before = _count(w, AuditEvent)
    w.s.commit()  # leave no transaction open: the app writes next
    caplog.set_level(logging.DEBUG)
    r = client.post(
        f"/api/nodes/{w.ids['project']}/feedback/anonymous",
        json={
            "desire": 2,
            "ability": 4,
            "comment": "Nobody asked us. Call me on +44 20 7946 0958 or a.b@example.com",
            "group_id": w.ids["ap"],
        },
        headers={
            "Authorization": f"Bearer {token}",
            "User-Agent": "Mozilla/5.0 (Distinctive Agent 1.2.3)",
            "X-Forwarded-For": "203.0.113.77",
        },
    )
    assert r.status_code == 201, r.text
    assert r.json() == {"received": True, "window": "2026-06-15/2026-06-21"}
    w.s.expire_all()
    assert _count(w, AuditEvent) == events_before, "no audit event: its time and order would date the response"
    row = w.s.scalars(select(AnonymousResponse)).one()
    stored = " ".join(str(getattr(row, c.key)) for c in inspect(AnonymousResponse).mapper.column_attrs)
    for trace in (viewer.name, viewer.login, "203.0.113.77", "Distinctive", "example.com", "7946"):
        assert trace not in stored
    assert row.comment == "Nobody asked us. Call me on [phone number removed] or [e-mail removed]"
    assert len(row.id) == 36 and row.id.count("-") == 4
    # Everything the server side logged (the test client's own httpx line describes its request, not the server's).
    logged = "\n".join(f"{rec.name} {rec.getMessage()}" for rec in caplog.records if not rec.name.startswith("httpx"))
    for trace in (viewer.login or "", "203.0.113.77", "Distinctive", "feedback/anonymous"):
        assert trace not in logged


def test_the_report_applies_thresholds_and_differencing(w: World) -> None:
    _anon(w, "ap", 9, desire=2)  # AP: 9
    _anon(w, "finance", 3, desire=4)  # Finance: 12 (AP's 9 and 3 of its own)
    _anon(w, "sales", 6, desire=5)  # Sales: 6
    report = feedback.anonymous_report(w.s, actor=w["viewer"], node_id=w.ids["project"], window_start=TODAY)
    by = {g["group"]: g for g in report["groups"]}
    assert by["Everyone"]["respondents"] == 18 and by["Sales"]["respondents"] == 6
    assert by["Finance"]["respondents"] == 12 and by["Finance"]["elements"]["desire"]["mean"] == 2.5
    assert by["AP"]["hidden_because"] == "differencing", "12 − 9 = 3 would expose Finance's own three"
    assert by["AP"]["respondents"] is None and "elements" not in by["AP"] and "comments" not in by["AP"]
    assert report["window"] == {"start": "2026-06-15", "end": "2026-06-21", "kind": "week"}

    # Two fewer in Sales: Sales is below the threshold, and Everyone − Finance = 4 would expose it, so Finance
    # goes too; AP stays, since Everyone − AP = 7 mixes Finance's own three with Sales' four.
    w.s.info["valuegate_today"] = TODAY + timedelta(days=7)
    _anon(w, "ap", 9, desire=2)
    _anon(w, "finance", 3, desire=4)
    _anon(w, "sales", 4, desire=5)
    report = feedback.anonymous_report(
        w.s, actor=w["viewer"], node_id=w.ids["project"], window_start=TODAY + timedelta(days=7)
    )
    by = {g["group"]: g for g in report["groups"]}
    assert by["Sales"]["hidden_because"] == "below_threshold" and by["Sales"]["respondents"] is None
    assert by["Finance"]["hidden_because"] == "differencing" and by["AP"]["respondents"] == 9
    assert by["Everyone"]["respondents"] == 16
    assert [x["start"] for x in feedback.windows(w.s, actor=w["viewer"], node_id=w.ids["project"])] == [
        "2026-06-22",
        "2026-06-15",
    ]


def test_homogeneous_group_shows_its_mean_but_not_its_spread(w: World) -> None:
    _anon(w, "sales", 5, desire=1)
    _anon(w, "finance", 6, desire=3, ability=4)
    report = feedback.anonymous_report(w.s, actor=w["viewer"], node_id=w.ids["project"], window_start=TODAY)
    sales = next(g for g in report["groups"] if g["group"] == "Sales")
    assert sales["respondents"] == 5 and sales["elements"]["desire"]["mean"] == 1.0
    assert sales["elements"]["desire"]["distribution"] is None
    assert sales["elements"]["desire"]["distribution_hidden"] == "homogeneous"
    everyone = report["groups"][0]
    assert everyone["elements"]["desire"]["distribution"] == {1: 5, 2: 0, 3: 6, 4: 0, 5: 0}
    assert sorted(sales["comments"]) == [f"comment sales {i}" for i in range(5)]


def test_comments_wait_for_their_own_threshold(w: World) -> None:
    import dataclasses

    from valuegate.context import settings_of

    w.s.info["valuegate_settings"] = dataclasses.replace(settings_of(w.s), anonymity_min_comments=8)
    _anon(w, "sales", 6, desire=3)
    _anon(w, "finance", 5, desire=4)
    report = feedback.anonymous_report(w.s, actor=w["viewer"], node_id=w.ids["project"], window_start=TODAY)
    by = {g["group"]: g for g in report["groups"]}
    assert by["Sales"]["shown"] and by["Sales"]["comments_hidden_because"] == "below_threshold"
    assert len(by["Everyone"]["comments"]) == 11
    queue = feedback.feedback_queue(w.s, actor=w["pmo"], node_id=w.ids["project"])
    assert {i["from"] for i in queue["items"]} == {"Anonymous, Everyone"} and queue["anonymous_waiting"] == 0


def test_check_ins_are_named_and_one_per_week(w: World) -> None:
    project = w.ids["project"]
    feedback.check_in(
        w.s,
        actor=w["viewer"],
        node_id=project,
        scores={**NO_SCORES, "knowledge": 2},
        blocker="No training date yet",
        group_id=w.ids["sales"],
    )
    feedback.check_in(
        w.s,
        actor=w["viewer"],
        node_id=project,
        scores={**NO_SCORES, "knowledge": 3},
        blocker="Training booked, no sandbox",
        group_id=w.ids["sales"],
    )
    feedback.check_in(w.s, actor=w["owner"], node_id=project, scores={**NO_SCORES, "ability": 4})
    assert _count(w, CheckIn) == 2
    report = feedback.checkin_report(w.s, actor=w["pmo"], node_id=project, week_start=TODAY + timedelta(days=3))
    sales = next(g for g in report["groups"] if g["group"] == "Sales")
    assert sales["check_ins"] == 1 and sales["response_rate"] == 0.025 and sales["means"]["knowledge"] == 3.0
    assert report["blockers"] == [{"person": "Viewer", "group": "Sales", "blocker": "Training booked, no sandbox"}]
    with pytest.raises(PermissionDenied):
        feedback.checkin_report(w.s, actor=w["viewer"], node_id=project, week_start=TODAY)


def test_you_said_we_did(w: World) -> None:
    project = w.ids["project"]
    item = feedback.raise_feedback(
        w.s, actor=w["viewer"], node_id=project, text="The new form asks for the cost centre twice"
    )
    _anon(w, "sales", 5, desire=2)
    w.s.info["valuegate_today"] = TODAY + timedelta(days=2)
    item = feedback.respond(
        w.s, actor=w["pmo"], channel="open", item_id=str(item.id), version=item.version, acknowledge=True
    )
    with pytest.raises(RuleViolation, match="both are published"):
        feedback.respond(w.s, actor=w["pmo"], channel="open", item_id=str(item.id), version=item.version, close=True)
    w.s.rollback()
    w.s.info["valuegate_today"] = TODAY + timedelta(days=6)
    feedback.respond(
        w.s,
        actor=w["pmo"],
        channel="open",
        item_id=str(item.id),
        version=item.version,
        you_said="The form asked for the cost centre twice",
        we_did="It asks once since release 1.3",
        close=True,
    )
    queue = feedback.feedback_queue(w.s, actor=w["pmo"], node_id=project)
    assert [i["channel"] for i in queue["items"]] == ["anonymous"] * 5
    anon = queue["items"][0]
    feedback.respond(
        w.s,
        actor=w["pmo"],
        channel="anonymous",
        item_id=anon["id"],
        version=anon["version"],
        you_said="Sales asked why",
        we_did="Town hall on 1 July",
        close=True,
    )
    summary = feedback.you_said_we_did(w.s, actor=w["viewer"], node_id=project)
    assert summary["raised"] == 6 and summary["closed_with_response"] == 2 and summary["closure_ratio"] == 0.333
    assert summary["median_days_to_close"] == 6.0, "both closed 6 days after 15 June (the window start)"
    assert summary["median_days_to_acknowledge"] == 4.0, "2 days (open) and 6 days (anonymous)"
    assert {p["we_did"] for p in summary["published"]} == {"It asks once since release 1.3", "Town hall on 1 July"}
    event = w.s.scalars(select(AuditEvent).where(AuditEvent.action == "feedback.respond")).all()[-1]
    assert event.actor_id == w.ids["pmo"] and event.entity_id is None


def test_bad_feedback_changes_nothing(w: World) -> None:
    project = w.ids["project"]
    before = (_count(w, AnonymousResponse), _count(w, CheckIn), _count(w, FeedbackItem), _count(w, AuditEvent))
    cases = [
        (lambda: feedback.submit_anonymous(w.s, node_id=project, scores={**NO_SCORES, "desire": 6}), InvalidInput),
        (lambda: feedback.submit_anonymous(w.s, node_id=project, scores={**NO_SCORES, "desire": 0}), InvalidInput),
        (lambda: feedback.submit_anonymous(w.s, node_id=project, scores=NO_SCORES, comment="  "), InvalidInput),
        (lambda: feedback.submit_anonymous(w.s, node_id=project, scores=NO_SCORES, comment="x" * 5000), InvalidInput),
        (
            lambda: feedback.submit_anonymous(w.s, node_id=project, scores=NO_SCORES, comment="hi", group_id=99_999),
            NotFound,
        ),
        (lambda: feedback.submit_anonymous(w.s, node_id=99_999, scores=NO_SCORES, comment="hi"), NotFound),
        (lambda: feedback.check_in(w.s, actor=w["viewer"], node_id=project, scores=NO_SCORES), InvalidInput),
        (lambda: feedback.check_in(w.s, actor=w["viewer"], node_id=project, scores={"mood": 3}), InvalidInput),
        (lambda: feedback.raise_feedback(w.s, actor=w["viewer"], node_id=project, text=" "), InvalidInput),
        (lambda: feedback.respond(w.s, actor=w["pmo"], channel="secret", item_id="1", version=1), InvalidInput),
        (lambda: feedback.respond(w.s, actor=w["pmo"], channel="anonymous", item_id="nope", version=1), NotFound),
    ]
    for call, error in cases:
        with pytest.raises(error):
            call()
        w.s.rollback()
    after = (_count(w, AnonymousResponse), _count(w, CheckIn), _count(w, FeedbackItem), _count(w, AuditEvent))
    assert after == before
