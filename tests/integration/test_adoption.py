"""Usage events and success metrics on both databases: ingestion (API rows and CSV, all or nothing), days in the
reporting time zone, pseudonymous actors, audience members, the dashboard, and Valuegate's own use."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.factory import World, build_world
from valuegate.adoption import ingest, rules
from valuegate.adoption import service as adoption
from valuegate.adoption.models import AudienceMember, SuccessMetric, UsageActor, UsageDay, UsageEvent
from valuegate.change import service as change
from valuegate.context import settings_of
from valuegate.errors import InvalidInput, NotFound, PermissionDenied, TooLarge


@pytest.fixture
def w(session) -> World:  # type: ignore[no-untyped-def]
    world = build_world(session)
    world.ids["ap"] = change.add_group(session, actor=world["pmo"], node_id=world.ids["project"], name="AP", size=4).id
    return world


def _count(w: World, table) -> int:  # type: ignore[no-untyped-def]
    return int(w.s.scalar(select(func.count()).select_from(table)) or 0)


def _event(actor: str, when: str, event: str = "open_case", system: str = "erp") -> dict[str, str]:
    return {"actor": actor, "event": event, "occurred_at": when, "system": system}


def test_events_are_pseudonymous_and_counted_per_day_in_the_reporting_zone(w: World) -> None:
    late_evening = "2026-06-14T22:30:00Z"  # already 15 June in Berlin (UTC+2 in summer)
    ingest.record_events(w.s, actor=w["pmo"], events=[_event("Ana@Example.com", late_evening)])
    w.s.info["valuegate_settings"] = dataclasses.replace(settings_of(w.s), usage_timezone="Europe/Berlin")
    ingest.record_events(w.s, actor=w["pmo"], events=[_event("ana@example.com ", late_evening)])
    days = w.s.execute(select(UsageDay.day, UsageDay.actor_key, UsageDay.count).order_by(UsageDay.day)).all()
    key = rules.pseudonym(settings_of(w.s).pseudonym_secret, "ana@example.com")
    assert [(d, k, c) for d, k, c in days] == [(date(2026, 6, 14), key, 1), (date(2026, 6, 15), key, 1)]
    assert "example" not in " ".join(
        str(v) for row in w.s.execute(select(UsageEvent)).all() for v in row[0].__dict__.values()
    )
    actor = w.s.scalars(select(UsageActor)).one()
    assert (actor.first_day, actor.last_day) == (date(2026, 6, 14), date(2026, 6, 15))
    # The same actor, day and event again adds to the day's count.
    ingest.record_events(w.s, actor=w["pmo"], events=[_event("ana@example.com", "2026-06-15T08:00:00+02:00")])
    assert w.s.scalar(select(UsageDay.count).where(UsageDay.day == date(2026, 6, 15))) == 2


def test_csv_import_with_semicolons_and_a_bom(w: World) -> None:
    data = (
        "\ufeffActor;Event;Occurred_at\nana;open_case;2026-06-01T09:00:00\nben;close_case;2026-06-02T10:00:00+01:00\n"
    )
    assert ingest.import_csv(w.s, actor=w["pmo"], data=data.encode(), system="erp") == {"stored": 2}
    assert _count(w, UsageEvent) == 2 and _count(w, UsageDay) == 2


GOOD = b"actor,event,occurred_at,system\nana,open,2026-06-01T09:00:00Z,erp\n"


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"actor,event\nana,open\n", InvalidInput, "missing: occurred_at, system"),
        (b"actor,event,occurred_at,system\n", InvalidInput, "no events"),
        (GOOD + b"ana,open,yesterday,erp\n", InvalidInput, "Some usage events"),
        (GOOD + b"ana,open,2026-06-01,erp,extra\n", InvalidInput, "more fields"),
        (GOOD + b",open,2026-06-01,erp\n", InvalidInput, "Some usage events"),
        (GOOD + b"ana,open,2030-01-01T00:00:00Z,erp\n", InvalidInput, "Some usage events"),
        (
            "actor,event,occurred_at,system\nJos\u00e9,open,2026-06-01,erp\n".encode("latin-1"),
            InvalidInput,
            "not UTF-8",
        ),
        (b"PK\x03\x04\x00\x00binary", InvalidInput, "binary"),
    ],
)
def test_bad_csv_is_refused_whole(w: World, data: bytes, error: type, words: str) -> None:
    with pytest.raises(error, match=words) as exc:
        ingest.import_csv(w.s, actor=w["pmo"], data=data)
    w.s.rollback()
    assert _count(w, UsageEvent) == 0 and _count(w, UsageDay) == 0
    if words == "Some usage events":
        assert exc.value.errors and exc.value.errors[0]["at"] == "line 3", "line 1 is the header, line 2 is good"


def test_oversized_input_is_refused(w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "MAX_CSV_BYTES", 100)
    with pytest.raises(TooLarge, match="limit"):
        ingest.import_csv(w.s, actor=w["pmo"], data=b"actor,event,occurred_at,system\n" + b"a,b,2026-06-01,erp\n" * 10)
    monkeypatch.setattr(ingest, "MAX_CSV_ROWS", 3)
    monkeypatch.setattr(ingest, "MAX_CSV_BYTES", 10_000)
    with pytest.raises(TooLarge, match="more than 3 rows"):
        ingest.import_csv(w.s, actor=w["pmo"], data=b"actor,event,occurred_at,system\n" + b"a,b,2026-06-01,erp\n" * 4)
    with pytest.raises(TooLarge):
        ingest.record_events(w.s, actor=w["pmo"], events=[_event("a", "2026-06-01")] * 10_001)
    with pytest.raises(PermissionDenied):
        ingest.record_events(w.s, actor=w["viewer"], events=[_event("a", "2026-06-01")])
    w.s.rollback()
    assert _count(w, UsageEvent) == 0


def test_members_are_hashed_and_keep_their_first_date(w: World) -> None:
    got = ingest.add_members(
        w.s, actor=w["pmo"], group_id=w.ids["ap"], identifiers=["a", "b", " b "], since=date(2026, 6, 1)
    )
    assert got == {"added": 2, "already_members": 0}
    got = ingest.add_members(w.s, actor=w["pmo"], group_id=w.ids["ap"], identifiers=["b", "c"], since=date(2026, 6, 10))
    assert got == {"added": 1, "already_members": 1}
    since = sorted(w.s.scalars(select(AudienceMember.since)).all())
    assert since == [date(2026, 6, 1), date(2026, 6, 1), date(2026, 6, 10)]
    with pytest.raises(NotFound):
        ingest.add_members(w.s, actor=w["pmo"], group_id=99_999, identifiers=["x"])
    with pytest.raises(InvalidInput):
        ingest.add_members(w.s, actor=w["pmo"], group_id=w.ids["ap"], identifiers=[" "])
    with pytest.raises(PermissionDenied):
        ingest.add_members(w.s, actor=w["viewer"], group_id=w.ids["ap"], identifiers=["z"])
    w.s.rollback()


def test_dashboard_computes_the_hand_worked_example(w: World) -> None:
    """The unit tests' example, through the database: a, b, c, d in the audience; x outside; d active in May."""
    ingest.add_members(
        w.s, actor=w["pmo"], group_id=w.ids["ap"], identifiers=["a", "b", "c", "d"], since=date(2026, 6, 1)
    )
    rows = [
        *[_event("a", "2026-06-01T09:00:00Z")] * 2,
        _event("a", "2026-06-02T09:00:00Z"),
        _event("a", "2026-06-02T10:00:00Z", "close_case"),
        _event("a", "2026-06-03T09:00:00Z", "approve"),
        *[_event("b", "2026-06-10T09:00:00Z")] * 20,
        *[_event("x", "2026-06-05T09:00:00Z")] * 5,
        _event("d", "2026-05-25T09:00:00Z"),
        *[_event("a", "2026-06-01T09:00:00Z", "status_mail", "mail")] * 10,
    ]
    ingest.record_events(w.s, actor=w["pmo"], events=rows)
    project, ap = w.ids["project"], w.ids["ap"]
    common = {"system": "erp", "audience_group_id": ap, "window_days": 30}
    for name, kind, extra in [
        ("Active", "active_users", {"target": 0.6}),
        ("Approvals", "feature_adoption", {"events": "approve", "target": 0.2}),
        ("Breadth", "breadth", {"events": "open_case, close_case,approve"}),
        ("Depth", "depth", {"events": "open_case,close_case,approve", "min_active_days": 3}),
        ("Habit", "frequency", {}),
        ("Cases closed", "task_completion", {"start_event": "open_case", "end_event": "close_case"}),
        ("First approval", "ttfv", {"events": "approve", "target": 5}),
        ("Mail still used", "legacy_ratio", {"legacy_system": "mail", "target": 0.1}),
    ]:
        adoption.define_metric(w.s, actor=w["pmo"], node_id=project, name=name, kind=kind, **common, **extra)
    board = adoption.dashboard(w.s, actor=w["viewer"], node_id=project, as_of=date(2026, 6, 30))
    by = {m["name"]: m for m in board["metrics"]}
    assert by["Active"]["value"] == 0.5 and by["Active"]["meets_target"] is False and by["Active"]["hint"]
    assert (
        by["Approvals"]["value"] == 0.25 and by["Approvals"]["meets_target"] is True and by["Approvals"]["hint"] is None
    )
    assert by["Breadth"]["value"] == 0.6667 and by["Breadth"]["events"] == ["open_case", "close_case", "approve"]
    assert by["Depth"]["value"] == 1.6667 and by["Depth"]["detail"]["too_few_days"] == 1
    assert by["Habit"]["value"] == 0.0 and by["Habit"]["detail"]["bands"]["none"] == 2
    assert by["Cases closed"]["value"] == 0.0435
    assert by["First approval"]["value"] == 2.0 and by["First approval"]["meets_target"] is True
    assert (
        by["Mail still used"]["value"] == pytest.approx(10 / 35, abs=1e-4)
        and by["Mail still used"]["comparator"] == "<="
    )
    assert [p["date"] for p in by["Active"]["points"]] == [
        "2026-06-02",
        "2026-06-09",
        "2026-06-16",
        "2026-06-23",
        "2026-06-30",
    ]
    # d (active 25 May) counts until the window leaves May; b joins on 10 June.
    assert [p["value"] for p in by["Active"]["points"]] == [0.5, 0.5, 0.75, 0.75, 0.5]
    assert by["Active"]["trend"] == "flat"
    assert board["below_target"] == 2


def test_metric_definitions_refuse_what_cannot_be_computed(w: World) -> None:
    project = w.ids["project"]
    cases = [
        ({"kind": "velocity"}, "kind"),
        ({"kind": "breadth", "system": "erp"}, "events"),
        ({"kind": "active_users"}, "system"),
        ({"kind": "task_completion", "system": "erp", "start_event": "open"}, "start_event"),
        ({"kind": "legacy_ratio", "system": "erp"}, "legacy_system"),
        ({"kind": "active_users", "system": "erp", "target": 60}, "target"),
        ({"kind": "active_users", "system": "erp", "window_days": 0}, "window_days"),
        ({"kind": "active_users", "system": "erp", "audience_group_id": 99_999}, "audience_group_id"),
        ({"kind": "active_users", "system": "erp", "collection_method": "gut_feeling"}, "collection_method"),
    ]
    for values, field in cases:
        with pytest.raises(InvalidInput) as exc:
            adoption.define_metric(w.s, actor=w["pmo"], node_id=project, name="M", **values)
        assert field in {e["field"] for e in exc.value.errors}, values
        w.s.rollback()
    assert _count(w, SuccessMetric) == 0
    survey = adoption.define_metric(
        w.s,
        actor=w["pmo"],
        node_id=project,
        name="Confidence (survey)",
        kind="reported",
        collection_method="survey",
        target=3.5,
    )
    with pytest.raises(InvalidInput, match="future"):
        adoption.record_reading(w.s, actor=w["pmo"], metric_id=survey.id, value=3.1, measured_on=TODAY + timedelta(1))
    adoption.record_reading(w.s, actor=w["pmo"], metric_id=survey.id, value=3.1, measured_on=TODAY - timedelta(14))
    adoption.record_reading(w.s, actor=w["pmo"], metric_id=survey.id, value=3.8)
    m = adoption.dashboard(w.s, actor=w["viewer"], node_id=project)["metrics"][0]
    assert m["value"] == 3.8 and m["meets_target"] is True and m["trend"] == "up"


def test_valuegate_records_its_own_use_but_never_the_anonymous_channel(w: World, db) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from tests.factory import PASSWORD
    from valuegate.app import create_app
    from valuegate.config import load_settings

    app = create_app(dataclasses.replace(load_settings(db.url), record_own_use=True), db=db, today=TODAY)
    w.s.commit()
    with TestClient(app) as client:  # the context runs the lifespan: the writer stops and flushes at the end
        token = client.post("/api/auth/token", json={"login": "viewer", "password": PASSWORD}).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        project = w.ids["project"]
        assert client.get(f"/api/nodes/{project}/stakeholders", headers=headers).status_code == 200
        assert client.get(f"/api/nodes/{project}/stakeholders", headers=headers).status_code == 200
        assert client.get("/api/nodes/999999/stakeholders", headers=headers).status_code == 404
        r = client.post(f"/api/nodes/{project}/feedback/anonymous", json={"desire": 3}, headers=headers)
        assert r.status_code == 201
    w.s.expire_all()
    rows = w.s.execute(
        select(UsageDay.event, UsageDay.count, UsageDay.actor_key).where(UsageDay.system == "valuegate")
    ).all()
    assert [(e, c) for e, c, _k in rows] == [("GET /api/nodes/{node_id}/stakeholders", 2)], (
        "no failed call, no feedback"
    )
    assert rows[0][2] == rules.pseudonym(settings_of(w.s).pseudonym_secret, "viewer")


def test_metric_values_are_kept_and_dropped_when_late_events_arrive(w: World) -> None:
    from valuegate.adoption.models import MetricPoint

    ingest.add_members(w.s, actor=w["pmo"], group_id=w.ids["ap"], identifiers=["a", "b"], since=date(2026, 6, 1))
    ingest.record_events(w.s, actor=w["pmo"], events=[_event("a", "2026-06-10T09:00:00Z")])
    metric = adoption.define_metric(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        name="Active",
        kind="active_users",
        system="erp",
        audience_group_id=w.ids["ap"],
    )
    assert adoption.refresh_points(w.s, TODAY) == 1
    w.s.commit()
    assert _count(w, MetricPoint) == 5
    assert adoption.dashboard(w.s, actor=w["viewer"], node_id=w.ids["project"])["metrics"][0]["value"] == 0.5
    # b turns out to have used the system on 12 June: the kept values from that day on are dropped and recomputed.
    ingest.record_events(w.s, actor=w["pmo"], events=[_event("b", "2026-06-12T09:00:00Z")])
    kept = sorted(w.s.scalars(select(MetricPoint.on_date).where(MetricPoint.metric_id == metric.id)).all())
    assert kept == [date(2026, 5, 18), date(2026, 5, 25), date(2026, 6, 1), date(2026, 6, 8)]
    assert adoption.dashboard(w.s, actor=w["viewer"], node_id=w.ids["project"])["metrics"][0]["value"] == 1.0
