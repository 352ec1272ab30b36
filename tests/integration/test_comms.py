"""The communication matrix on both databases: planning on a cadence, checks (overdue, sender fit, repetition,
first message), the calendar, and an ICS file that a standard calendar library reads and expands correctly."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.factory import World, build_world
from valuegate.auth import service as people
from valuegate.auth.policy import SYSTEM
from valuegate.change import service as change
from valuegate.comms import service as comms
from valuegate.comms.models import CommunicationItem, CommunicationSent
from valuegate.errors import Conflict, InvalidInput, PermissionDenied


@pytest.fixture
def w(session) -> World:  # type: ignore[no-untyped-def]
    world = build_world(session)
    world.ids["ap"] = change.add_group(session, actor=world["pmo"], node_id=world.ids["project"], name="AP", size=40).id
    world.ids["ar"] = change.add_group(session, actor=world["pmo"], node_id=world.ids["project"], name="AR", size=25).id
    world.ids["Maria"] = people.create_person(session, actor=SYSTEM, name="Maria Manager").id
    return world


def _plan(w: World, **over):  # type: ignore[no-untyped-def]
    values = {
        "audience_group_id": w.ids["ap"],
        "key_message": "Why we change",
        "message_type": "business_reason",
        "channel": "town_hall",
        "messenger_role": "sponsor",
        "planned_on": TODAY - timedelta(days=14),
        "recurrence": "weekly",
        "covers_why": True,
        "covers_why_now": True,
        "covers_risk": True,
    }
    return comms.plan_message(w.s, actor=w["pmo"], node_id=w.ids["project"], **{**values, **over})


def _count(w: World, table) -> int:  # type: ignore[no-untyped-def]
    return int(w.s.scalar(select(func.count()).select_from(table)) or 0)


def test_matrix_checks_overdue_sender_repetition_and_first_message(w: World) -> None:
    weekly = _plan(w, recurrence="FREQ=WEEKLY;COUNT=6")  # 1, 8, 15, 22, 29 June, 6 July
    for day in (TODAY - timedelta(days=14), TODAY - timedelta(days=7)):
        comms.record_sent(w.s, actor=w["pmo"], item_id=weekly.id, occurrence_on=day)
    _plan(
        w,
        audience_group_id=w.ids["ar"],
        key_message="What changes for you",
        message_type="personal_impact",
        messenger_role="sponsor",
        channel="email",
        planned_on=TODAY + timedelta(days=3),
        recurrence=None,
        covers_why_now=False,
        covers_risk=False,
    )
    m = comms.matrix(w.s, actor=w["viewer"], node_id=w.ids["project"])
    first, second = m["items"]
    assert first["sent_count"] == 2 and first["occurrences_total"] == 6 and first["next_on"] == str(TODAY)
    assert first["state"] == "scheduled" and first["overdue"] == []
    assert second["state"] == "scheduled" and "people manager" in second["sender_problem"]
    assert m["sender_problems"] == 1
    rep = {r["key_message"]: r for r in m["repetition"]}
    assert rep["Why we change"] == {
        "key_message": "Why we change",
        "audience": "AP",
        "sent": 2,
        "planned": 6,
        "target": 5,
        "status": "short",
        "planned_enough": True,
    }
    assert rep["What changes for you"]["planned_enough"] is False, "one planned sending cannot reach 5"
    firsts = {f["audience"]: f["missing"] for f in m["first_messages"]}
    assert firsts == {"AP": [], "AR": ["why now", "the risk of not changing"]}

    # A week passes without sending: the 15 June occurrence is overdue.
    w.s.info["valuegate_today"] = TODAY + timedelta(days=1)
    m = comms.matrix(w.s, actor=w["viewer"], node_id=w.ids["project"])
    assert m["items"][0]["overdue"] == [str(TODAY)] and m["items"][0]["state"] == "overdue" and m["overdue"] == 1


def test_calendar_lists_occurrences_sent_and_overdue(w: World) -> None:
    item = _plan(w, recurrence="fortnightly")
    comms.record_sent(w.s, actor=w["pmo"], item_id=item.id, occurrence_on=TODAY - timedelta(days=14))
    rows = comms.calendar(
        w.s, actor=w["viewer"], node_id=w.ids["project"], start=date(2026, 6, 1), end=date(2026, 7, 31)
    )
    assert [(r["date"], r["sent"], r["overdue"]) for r in rows] == [
        ("2026-06-01", True, False),
        ("2026-06-15", False, False),
        ("2026-06-29", False, False),
        ("2026-07-13", False, False),
        ("2026-07-27", False, False),
    ]
    with pytest.raises(InvalidInput, match="at most 400 days"):
        comms.calendar(w.s, actor=w["viewer"], node_id=w.ids["project"], start=date(2026, 1, 1), end=date(2027, 6, 1))


def test_ics_parses_and_expands_like_the_calendar(w: World) -> None:
    _plan(w, recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=4")
    _plan(w, key_message="Go-live day", recurrence=None, planned_on=date(2026, 7, 1), audience_group_id=w.ids["ar"])
    _plan(
        w,
        key_message="Monthly progress",
        message_type="progress",
        recurrence="FREQ=MONTHLY;BYMONTHDAY=-1",
        planned_on=date(2026, 5, 31),
    )
    cancelled = _plan(w, key_message="Dropped", recurrence="daily")
    comms.update_message(
        w.s, actor=w["pmo"], item_id=cancelled.id, version=cancelled.version, changes={"status": "cancelled"}
    )

    cal = icalendar.Calendar.from_ical(comms.ics_feed(w.s, actor=w["viewer"], node_id=w.ids["project"]))
    events = [e for e in cal.walk("VEVENT")]
    assert len(events) == 4 and cal["PRODID"].startswith("-//Valuegate")
    assert len({str(e["UID"]) for e in events}) == 4
    live = [e for e in events if str(e["STATUS"]) != "CANCELLED"]
    expanded = recurring_ical_events.of(cal).between(date(2026, 5, 1), date(2026, 9, 1))
    got = sorted(
        (str(e["SUMMARY"]).split(" → ")[0], e["DTSTART"].dt) for e in expanded if str(e["STATUS"]) != "CANCELLED"
    )
    want = sorted(
        (r["key_message"], date.fromisoformat(r["date"]))
        for r in comms.calendar(
            w.s, actor=w["viewer"], node_id=w.ids["project"], start=date(2026, 5, 1), end=date(2026, 8, 31)
        )
    )
    assert got == want and len(live) == 3
    assert ("Why we change", date(2026, 6, 22)) in got and ("Monthly progress", date(2026, 7, 31)) in got
    assert ("Go-live day", date(2026, 7, 1)) in got


def test_bad_input_changes_nothing(w: World) -> None:
    item = _plan(w)
    before = (_count(w, CommunicationItem), _count(w, CommunicationSent))
    bad = [
        ({"recurrence": "every second tuesday"}, "recurrence"),
        ({"recurrence": "FREQ=HOURLY"}, "recurrence"),
        ({"message_type": "gossip"}, "message_type"),
        ({"channel": "pigeon"}, "channel"),
        ({"audience_group_id": 999_999}, "audience_group_id"),
        ({"messenger_id": 999_999}, "messenger_id"),
        ({"repetition_target": 12}, "repetition_target"),
        ({"key_message": "  "}, "key_message"),
        ({"recurrence": "FREQ=MONTHLY;BYMONTHDAY=-1"}, "planned_on"),
    ]
    for over, field in bad:
        with pytest.raises(InvalidInput) as exc:
            _plan(w, **over)
        assert field in {e["field"] for e in exc.value.errors}
        w.s.rollback()
    with pytest.raises(InvalidInput, match="not one of this communication's planned dates"):
        comms.record_sent(w.s, actor=w["pmo"], item_id=item.id, occurrence_on=TODAY - timedelta(days=13))
    with pytest.raises(InvalidInput, match="in the future"):
        comms.record_sent(w.s, actor=w["pmo"], item_id=item.id, occurrence_on=TODAY, sent_on=TODAY + timedelta(days=1))
    comms.record_sent(w.s, actor=w["pmo"], item_id=item.id, occurrence_on=TODAY)
    with pytest.raises(Conflict):
        comms.record_sent(w.s, actor=w["pmo"], item_id=item.id, occurrence_on=TODAY)
    w.s.rollback()
    with pytest.raises(PermissionDenied):
        _plan(w, key_message="From a reader")  # pmo plans; a viewer may not
        comms.plan_message(w.s, actor=w["viewer"], node_id=w.ids["project"], audience_group_id=w.ids["ap"])
    w.s.rollback()
    assert (_count(w, CommunicationItem), _count(w, CommunicationSent)) == (before[0] + 1, before[1] + 1)
