"""Champions with coverage against the configured ratio and dormancy, and the legacy retirement list with double
work, on both databases."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import TODAY
from tests.factory import World, build_world
from valuegate.auth import service as people
from valuegate.auth.policy import SYSTEM
from valuegate.change import champions, retirement
from valuegate.change import service as change
from valuegate.change.models import Champion, ChampionActivity, LegacyProcess
from valuegate.context import settings_of
from valuegate.errors import Conflict, InvalidInput, NotFound, RuleViolation


@pytest.fixture
def w(session) -> World:  # type: ignore[no-untyped-def]
    world = build_world(session)
    project = world.ids["project"]
    finance = change.add_group(session, actor=world["pmo"], node_id=project, name="Finance", size=120).id
    world.ids["finance"] = finance
    for name, size in (("AP", 60), ("AR", 50)):
        world.ids[name] = change.add_group(
            session, actor=world["pmo"], node_id=project, name=name, size=size, parent_id=finance
        ).id
    world.ids["Sales"] = change.add_group(session, actor=world["pmo"], node_id=project, name="Sales", size=30).id
    for name in ("Ana", "Ben", "Cy"):
        world.ids[name] = people.create_person(session, actor=SYSTEM, name=name).id
    return world


def _name(w: World, who: str, team: str, since_days: int = 60) -> Champion:
    return champions.name_champion(
        w.s,
        actor=w["pmo"],
        node_id=w.ids["project"],
        person_id=w.ids[who],
        group_id=w.ids[team],
        time_percent=15,
        since=TODAY - timedelta(days=since_days),
    )


def test_coverage_per_team_counts_nested_teams_against_the_ratio(w: World) -> None:
    ana = _name(w, "Ana", "AP")
    _name(w, "Ben", "AR")
    net = champions.network(w.s, actor=w["viewer"], node_id=w.ids["project"])
    teams = {t["team"]: t for t in net["teams"]}
    assert teams["AP"]["state"] == "thin" and teams["AP"]["people_per_champion"] == 60, "1:60 is worse than 1:50"
    assert teams["AP"]["champions_needed"] == 1
    assert teams["AR"]["state"] == "covered" and teams["AR"]["people_per_champion"] == 50
    assert teams["Finance"]["champions"] == 2 and teams["Finance"]["state"] == "thin", "120 / 2 = 60"
    assert teams["Sales"]["state"] == "none" and teams["Sales"]["champions_needed"] == 1
    assert net["uncovered"] == 3

    # The ratio is configuration: at 1:60 AP is covered.
    w.s.info["valuegate_settings"] = dataclasses.replace(settings_of(w.s), champion_ratio=60)
    teams = {t["team"]: t for t in champions.network(w.s, actor=w["viewer"], node_id=w.ids["project"])["teams"]}
    assert teams["AP"]["state"] == "covered"

    # Stepping down removes a champion from coverage.
    champions.update_champion(w.s, actor=w["pmo"], champion_id=ana.id, version=ana.version, changes={"active": False})
    teams = {t["team"]: t for t in champions.network(w.s, actor=w["viewer"], node_id=w.ids["project"])["teams"]}
    assert teams["AP"]["state"] == "none"


def test_a_champion_without_activity_for_two_windows_is_dormant(w: World) -> None:
    ana = _name(w, "Ana", "AP")
    ben = _name(w, "Ben", "AR")
    _name(w, "Cy", "Sales", since_days=10)  # new: not dormant yet
    champions.log_activity(
        w.s, actor=w["pmo"], champion_id=ana.id, kind="session", attendees=14, happened_on=TODAY - timedelta(days=3)
    )
    champions.log_activity(
        w.s, actor=w["pmo"], champion_id=ben.id, kind="feedback", happened_on=TODAY - timedelta(days=28)
    )
    net = champions.network(w.s, actor=w["viewer"], node_id=w.ids["project"])
    by = {c["name"]: c for c in net["champions"]}
    assert not by["Ana"]["dormant"] and by["Ana"]["activities_this_window"] == 1
    assert by["Ben"]["dormant"], "28 days = two fortnightly windows without activity"
    assert not by["Cy"]["dormant"]
    assert net["dormant"] == 1 and net["champions"][0]["name"] == "Ben", "dormant champions first"


def test_champion_bad_input_changes_nothing(w: World) -> None:
    _name(w, "Ana", "AP")
    before = (
        w.s.scalar(select(func.count()).select_from(Champion)),
        w.s.scalar(select(func.count()).select_from(ChampionActivity)),
    )
    project = w.ids["project"]
    cases = [
        ({"person_id": 999_999, "group_id": w.ids["AP"], "time_percent": 10}, NotFound),
        ({"person_id": w.ids["Ben"], "group_id": 999_999, "time_percent": 10}, NotFound),
        ({"person_id": w.ids["Ben"], "group_id": w.ids["AP"], "time_percent": 140}, InvalidInput),
        ({"person_id": w.ids["Ana"], "group_id": w.ids["AP"], "time_percent": 10}, Conflict),
        (
            {"person_id": w.ids["Ben"], "group_id": w.ids["AP"], "time_percent": 10, "since": TODAY + timedelta(1)},
            InvalidInput,
        ),
    ]
    for kwargs, error in cases:
        with pytest.raises(error):
            champions.name_champion(w.s, actor=w["pmo"], node_id=project, **kwargs)
        w.s.rollback()
    champion_id = w.s.scalar(select(Champion.id))
    for kwargs in (
        {"kind": "party"},
        {"kind": "session", "happened_on": TODAY + timedelta(days=1)},
        {"kind": "session", "attendees": -3},
    ):
        with pytest.raises(InvalidInput):
            champions.log_activity(w.s, actor=w["pmo"], champion_id=champion_id, **kwargs)
        w.s.rollback()
    after = (
        w.s.scalar(select(func.count()).select_from(Champion)),
        w.s.scalar(select(func.count()).select_from(ChampionActivity)),
    )
    assert after == before


def test_legacy_retirement_moves_and_double_work(w: World) -> None:
    project = w.ids["project"]
    mail = retirement.register(
        w.s,
        actor=w["pmo"],
        node_id=project,
        name="Status updates by e-mail",
        kind="email_routine",
        replacement="Measure updates in Valuegate",
        retire_by=TODAY + timedelta(days=30),
        owner_id=w.ids["owner"],
        people_still_using=12,
    )
    sheet = retirement.register(
        w.s,
        actor=w["pmo"],
        node_id=project,
        name="Benefits spreadsheet",
        kind="spreadsheet",
        replacement="Value grid",
        retire_by=TODAY - timedelta(days=5),
    )
    mail = retirement.update(
        w.s,
        actor=w["pmo"],
        item_id=mail.id,
        version=mail.version,
        changes={"status": "parallel", "double_work_hours": 6},
    )
    assert mail.parallel_since == TODAY
    with pytest.raises(RuleViolation, match="12 people still use"):
        retirement.update(w.s, actor=w["pmo"], item_id=mail.id, version=mail.version, changes={"status": "retired"})
    w.s.rollback()
    listing = retirement.retirement_list(w.s, actor=w["viewer"], node_id=project)
    by = {i["name"]: i for i in listing["items"]}
    assert by["Status updates by e-mail"]["flags"] == ["double_work"]
    assert by["Benefits spreadsheet"]["flags"] == ["retirement_overdue"]
    assert listing["double_work_hours_per_week"] == 6 and listing["overdue"] == 1 and listing["without_owner"] == 1
    assert listing["counts"] == {"planned": 1, "parallel": 1, "retired": 0}

    mail = retirement.update(
        w.s,
        actor=w["pmo"],
        item_id=mail.id,
        version=mail.version,
        changes={"people_still_using": 0, "status": "retired"},
    )
    assert mail.retired_on == TODAY
    with pytest.raises(RuleViolation, match="from retired to planned"):
        retirement.update(w.s, actor=w["pmo"], item_id=mail.id, version=mail.version, changes={"status": "planned"})
    w.s.rollback()
    count = w.s.scalar(select(func.count()).select_from(LegacyProcess))
    for kwargs in (
        {"name": "Benefits spreadsheet", "kind": "spreadsheet", "replacement": "x"},
        {"name": "Fax", "kind": "carrier_pigeon", "replacement": "x"},
        {"name": "Fax", "kind": "process", "replacement": " "},
        {"name": "Fax", "kind": "process", "replacement": "x", "double_work_hours": -1},
    ):
        with pytest.raises((InvalidInput, Conflict)):
            retirement.register(w.s, actor=w["pmo"], node_id=project, retire_by=TODAY, **kwargs)
        w.s.rollback()
    assert w.s.scalar(select(func.count()).select_from(LegacyProcess)) == count
    assert sheet.status == "planned"
