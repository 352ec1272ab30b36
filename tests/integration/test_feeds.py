"""Data feeds on both databases: register with a contract and a due rule, submit files period by period (drift
measured against the last accepted one), the calendar of due, on time, late, rejected and missing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.factory import World, build_world
from valuegate.context import on_day
from valuegate.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from valuegate.feeds import service as feeds
from valuegate.feeds.models import DataFeed, FeedSubmission

CONTRACT = [
    {"name": "Period", "type": "date", "required": True, "nullable": False},
    {"name": "CostCenter", "type": "string", "required": True, "nullable": False},
    {"name": "Account", "type": "string", "required": True, "nullable": False},
    {"name": "Amount", "type": "decimal", "required": True, "nullable": False},
]


def _file(period: str, rows: int = 6, header: str = "Period,CostCenter,Account,Amount", extra: str = "") -> bytes:
    lines = [header] + [f"{period}-28,CC-{100 * (1 + i % 3)},6{i % 4}00,{1000 + i}.00" for i in range(rows)]
    return ("\n".join(lines) + "\n" + extra).encode()


@pytest.fixture
def w(session) -> World:  # type: ignore[no-untyped-def]
    world = build_world(session)
    feed = feeds.register_feed(
        session,
        actor=world["pmo"],
        node_id=world.ids["project"],
        name="GL actuals",
        channel="system",
        due_business_day=5,
        contract=CONTRACT,
        owner_id=world.ids["owner"],
        key_columns=["CostCenter"],
        amount_column="Amount",
    )
    world.ids["feed"] = feed.id
    return world


def test_due_dates_are_working_days_of_the_next_month() -> None:
    assert feeds.due_date("2026-05", 5) == date(2026, 6, 5)
    assert feeds.due_date("2026-02", 1) == date(2026, 3, 2), "1 March 2026 is a Sunday"
    assert feeds.due_date("2026-12", 3) == date(2027, 1, 5)


def test_periods_submitted_and_drift_against_the_last_accepted(w: World) -> None:
    feed = w.ids["feed"]
    for period, day in (("2026-02", date(2026, 3, 4)), ("2026-03", date(2026, 4, 3)), ("2026-04", date(2026, 5, 6))):
        with on_day(w.s, day):
            s = feeds.submit(w.s, actor=w["owner"], feed_id=feed, period=period, filename="gl.csv", data=_file(period))
            assert s.status == "accepted", s.report
    renamed = feeds.submit(
        w.s,
        actor=w["owner"],
        feed_id=feed,
        period="2026-05",
        filename="gl.csv",
        data=_file("2026-05", header="Period,Cost Centre,Account,Amount"),
    )
    report = json.loads(renamed.report)
    assert renamed.status == "rejected" and report["late_days"] == 10 and report["due_on"] == "2026-06-05"
    assert any(f["check"] == "schema_renamed" for f in report["findings"])
    fixed = feeds.submit(
        w.s,
        actor=w["owner"],
        feed_id=feed,
        period="2026-05",
        filename="gl.csv",
        data=_file("2026-05", rows=12, extra="2026-05-28,CC-999,6100,5.00\n"),
    )
    report = json.loads(fixed.report)
    checks_seen = {f["check"] for f in report["findings"]}
    assert fixed.status == "accepted" and {"rows_anomaly", "new_keys"} <= checks_seen
    unreadable = feeds.submit(
        w.s, actor=w["owner"], feed_id=feed, period="2026-05", filename="gl.xlsx", data=b"\x89PNG\r\n\x1a\n\x00\x00"
    )
    assert unreadable.status == "rejected" and unreadable.rows is None and unreadable.schema is None
    assert "not a spreadsheet" in json.loads(unreadable.report)["findings"][0]["message"]

    states = {
        (r["period"], r["state"], r["first_pass"])
        for r in feeds.calendar(w.s, actor=w["viewer"], node_id=w.ids["project"])
    }
    assert {("2026-02", "on_time", True), ("2026-03", "on_time", True), ("2026-04", "on_time", True)} <= states
    assert ("2026-05", "late", False) in states and ("2026-01", "missing", False) in states


def test_bad_feed_input_changes_nothing(w: World) -> None:
    project, feed = w.ids["project"], w.ids["feed"]
    before = (
        w.s.scalar(select(func.count()).select_from(DataFeed)),
        w.s.scalar(select(func.count()).select_from(FeedSubmission)),
    )
    cases = [
        (
            lambda: feeds.register_feed(
                w.s,
                actor=w["pmo"],
                node_id=project,
                name="GL actuals",
                channel="system",
                due_business_day=5,
                contract=CONTRACT,
            ),
            Conflict,
        ),
        (
            lambda: feeds.register_feed(
                w.s, actor=w["pmo"], node_id=project, name="X", channel="fax", due_business_day=5, contract=CONTRACT
            ),
            InvalidInput,
        ),
        (
            lambda: feeds.register_feed(
                w.s, actor=w["pmo"], node_id=project, name="X", channel="manual", due_business_day=31, contract=CONTRACT
            ),
            InvalidInput,
        ),
        (
            lambda: feeds.register_feed(
                w.s,
                actor=w["pmo"],
                node_id=project,
                name="X",
                channel="manual",
                due_business_day=5,
                contract=[{"name": "A", "type": "money"}],
            ),
            InvalidInput,
        ),
        (
            lambda: feeds.register_feed(
                w.s,
                actor=w["pmo"],
                node_id=project,
                name="X",
                channel="manual",
                due_business_day=5,
                contract=CONTRACT,
                key_columns=["Region"],
            ),
            InvalidInput,
        ),
        (
            lambda: feeds.register_feed(
                w.s,
                actor=w["viewer"],
                node_id=project,
                name="X",
                channel="manual",
                due_business_day=5,
                contract="focus",
            ),
            PermissionDenied,
        ),
        (
            lambda: feeds.submit(
                w.s, actor=w["owner"], feed_id=feed, period="May 2026", filename="gl.csv", data=_file("2026-05")
            ),
            InvalidInput,
        ),
        (
            lambda: feeds.submit(
                w.s, actor=w["owner"], feed_id=987654, period="2026-05", filename="gl.csv", data=_file("2026-05")
            ),
            NotFound,
        ),
        (
            lambda: feeds.submit(
                w.s, actor=w["viewer"], feed_id=feed, period="2026-05", filename="gl.csv", data=_file("2026-05")
            ),
            PermissionDenied,
        ),
    ]
    for call, error in cases:
        with pytest.raises(error):
            call()
        w.s.rollback()
    after = (
        w.s.scalar(select(func.count()).select_from(DataFeed)),
        w.s.scalar(select(func.count()).select_from(FeedSubmission)),
    )
    assert after == before
    assert date(2026, 6, 15) == TODAY


def test_uploads_over_the_limit_are_refused_with_413(w: World, db, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from tests.factory import PASSWORD
    from valuegate.adoption import ingest
    from valuegate.app import create_app
    from valuegate.config import load_settings
    from valuegate.feeds import reading

    w.s.commit()
    client = TestClient(create_app(load_settings(db.url), db=db, today=TODAY))
    token = client.post("/api/auth/token", json={"login": "owner", "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    monkeypatch.setattr(ingest, "MAX_CSV_BYTES", 100)
    before = w.s.scalar(select(func.count()).select_from(FeedSubmission))
    w.s.commit()
    r = client.post(
        f"/api/feeds/{w.ids['feed']}/submissions",
        params={"period": "2026-05"},
        content=_file("2026-05"),
        headers=headers,
    )
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    r = client.post(
        "/api/usage/events.csv", params={"system": "erp"}, content=b"actor,event,occurred_at\n" * 10, headers=headers
    )
    assert r.status_code == 413
    # Sent in chunks without a declared length: refused once what has arrived passes the limit.
    r = client.post(
        f"/api/feeds/{w.ids['feed']}/submissions",
        params={"period": "2026-05"},
        content=iter([b"x" * 60, b"x" * 60, b"x" * 60]),
        headers=headers,
    )
    assert r.status_code == 413 and "larger than the limit" in r.json()["detail"]
    assert w.s.scalar(select(func.count()).select_from(FeedSubmission)) == before
    w.s.commit()
    r = client.post(
        f"/api/feeds/{w.ids['feed']}/submissions", params={"period": "2026-05"}, content=b"x" * 50, headers=headers
    )
    assert r.status_code == 201 and r.json()["status"] == "rejected"
