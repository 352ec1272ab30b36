"""Use-cases of the champion network: name champions in impacted teams, log what they do, and read coverage per
team against the configured ratio with dormant champions flagged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, can, load_on_node
from valuegate.auth.service import people_choices
from valuegate.change import retirement, rules
from valuegate.change import service as change_service
from valuegate.change.models import AudienceGroup, Champion, ChampionActivity
from valuegate.change.service import check_person, workstream_node
from valuegate.context import settings_of, today_of
from valuegate.errors import Conflict, InvalidInput, NotFound, check_editable, check_version
from valuegate.portfolio.models import Node
from valuegate.uow import use_case


def _group_in(session: Session, group_id: int, node_id: int) -> AudienceGroup:
    group = session.get(AudienceGroup, group_id)
    if group is None or group.node_id != node_id:
        raise NotFound(f"There is no audience group {group_id} here.")
    return group


def _check_time(time_percent: Any) -> None:
    if isinstance(time_percent, bool) or not isinstance(time_percent, int) or not 0 <= time_percent <= 100:
        raise InvalidInput("Time allocation is a share of working time, 0 to 100 percent (10–20 is usual).")


@use_case
def name_champion(
    session: Session,
    *,
    actor: Actor,
    node_id: int,
    person_id: int,
    group_id: int,
    time_percent: int,
    early_access: bool = False,
    design_involvement: str | None = None,
    nominated_by_id: int | None = None,
    since: date | None = None,
) -> Champion:
    node = workstream_node(session, actor, node_id, "change.manage")
    check_person(session, person_id, "champion")
    check_person(session, nominated_by_id, "nominated by")
    _group_in(session, group_id, node.id)
    _check_time(time_percent)
    today = today_of(session)
    if since is not None and since > today:
        raise InvalidInput("A champion cannot start in the future; name them when they start.")
    if session.scalar(select(Champion.id).where(Champion.node_id == node.id, Champion.person_id == person_id)):
        raise Conflict("This person is already a champion here.")
    champion = Champion(
        node_id=node.id,
        person_id=person_id,
        group_id=group_id,
        time_percent=time_percent,
        early_access=early_access,
        design_involvement=design_involvement,
        nominated_by_id=nominated_by_id,
        since=since or today,
    )
    after = {"person_id": person_id, "group_id": group_id, "time_percent": time_percent}
    audit.record_created(session, actor_id=actor.person_id, row=champion, action="champion.name", after=after)
    return champion


@use_case
def update_champion(
    session: Session, *, actor: Actor, champion_id: int, version: int | None, changes: dict[str, Any]
) -> Champion:
    champion = load_on_node(session, actor, Champion, champion_id, "champion")
    workstream_node(session, actor, champion.node_id, "change.manage")
    check_version("The champion", champion.version, version)
    check_editable(changes, {"group_id", "time_percent", "early_access", "design_involvement", "active"})
    if "time_percent" in changes:
        _check_time(changes["time_percent"])
    if "group_id" in changes:
        _group_in(session, changes["group_id"], champion.node_id)
    audit.record_changes(session, actor_id=actor.person_id, row=champion, changes=changes, action="champion.update")
    return champion


@use_case
def log_activity(
    session: Session,
    *,
    actor: Actor,
    champion_id: int,
    kind: str,
    happened_on: date | None = None,
    attendees: int | None = None,
    note: str | None = None,
) -> ChampionActivity:
    """A champion (or the change team for them) records a session run, feedback gathered, office hours…"""
    champion = load_on_node(session, actor, Champion, champion_id, "champion", person_attr="person_id")
    if actor.person_id != champion.person_id:
        workstream_node(session, actor, champion.node_id, "change.manage")
    if kind not in rules.CHAMPION_ACTIVITIES:
        raise InvalidInput(f"Unknown activity {kind!r}; use one of {', '.join(rules.CHAMPION_ACTIVITIES)}.")
    day = happened_on or today_of(session)
    if day > today_of(session):
        raise InvalidInput("Log an activity once it has happened, not in advance.")
    if attendees is not None and attendees < 0:
        raise InvalidInput("Attendees is a number of people, 0 or more.")
    row = ChampionActivity(
        champion_id=champion.id, kind=kind, happened_on=day, attendees=attendees, note=note, recorded_by=actor.person_id
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="champion.activity",
        entity_type="champion",
        entity_id=champion.id,
        after={"kind": kind, "happened_on": day.isoformat(), "attendees": attendees},
    )
    return row


def network(session: Session, *, actor: Actor, node_id: int) -> dict[str, Any]:
    """The champions with their activity, and coverage per audience group (a group counts the champions of the
    groups nested in it) against one champion per ``champion_ratio`` impacted people."""
    node = workstream_node(session, actor, node_id, "node.view")
    today = today_of(session)
    ratio = settings_of(session).champion_ratio
    window = rules.CHAMPION_WINDOW_DAYS
    rows = session.execute(
        select(Champion, Person.name).join(Person, Person.id == Champion.person_id).where(Champion.node_id == node.id)
    ).all()
    activity = {
        cid: (last, n)
        for cid, last, n in session.execute(
            select(ChampionActivity.champion_id, func.max(ChampionActivity.happened_on), func.count())
            .join(Champion, Champion.id == ChampionActivity.champion_id)
            .where(Champion.node_id == node.id)
            .group_by(ChampionActivity.champion_id)
        )
    }
    recent = dict(
        session.execute(
            select(ChampionActivity.champion_id, func.count())
            .join(Champion, Champion.id == ChampionActivity.champion_id)
            .where(
                Champion.node_id == node.id, ChampionActivity.happened_on > date.fromordinal(today.toordinal() - window)
            )
            .group_by(ChampionActivity.champion_id)
        ).all()
    )
    groups = {g.id: g for g in session.scalars(select(AudienceGroup).where(AudienceGroup.node_id == node.id))}
    champions = []
    per_group: dict[int, int] = defaultdict(int)
    for c, name in rows:
        last, total = activity.get(c.id, (None, 0))
        if c.active:
            per_group[c.group_id] += 1
        champions.append(
            {
                "id": c.id,
                "person_id": c.person_id,
                "name": name,
                "group_id": c.group_id,
                "team": groups[c.group_id].name if c.group_id in groups else None,
                "time_percent": c.time_percent,
                "early_access": c.early_access,
                "design_involvement": c.design_involvement,
                "since": c.since.isoformat(),
                "active": c.active,
                "activities": total,
                "activities_this_window": recent.get(c.id, 0),
                "last_activity_on": last.isoformat() if last else None,
                "dormant": c.active and rules.is_dormant(last, c.since, today, window),
                "version": c.version,
            }
        )

    def counted(group_id: int) -> int:
        return per_group.get(group_id, 0) + sum(counted(g.id) for g in groups.values() if g.parent_id == group_id)

    teams = [
        {"group_id": g.id, "team": g.name, "parent_id": g.parent_id, **rules.coverage(counted(g.id), g.size, ratio)}
        for g in sorted(groups.values(), key=lambda g: g.name)
    ]
    return {
        "node_id": node.id,
        "ratio": ratio,
        "window_days": window,
        "champions": sorted(champions, key=lambda c: (not c["dormant"], c["team"] or "", c["name"])),
        "teams": teams,
        "uncovered": sum(1 for t in teams if t["state"] in ("none", "thin")),
        "dormant": sum(1 for c in champions if c["dormant"]),
    }


@dataclass(frozen=True)
class NetworkPage:
    """What the champions and legacy page of a program or project shows, read for one person."""

    node: Node
    network: dict[str, Any]
    legacy: dict[str, Any]
    groups: list[dict[str, Any]]
    may_manage: bool
    everyone: list[tuple[int, str]]


def network_page(session: Session, *, actor: Actor, node_id: int) -> NetworkPage:
    node = workstream_node(session, actor, node_id, "node.view")
    may_manage = can(session, actor, "change.manage", node)
    return NetworkPage(
        node=node,
        network=network(session, actor=actor, node_id=node_id),
        legacy=retirement.retirement_list(session, actor=actor, node_id=node_id),
        groups=change_service.groups(session, actor=actor, node_id=node_id),
        may_manage=may_manage,
        everyone=people_choices(session, actor=actor) if may_manage else [],
    )
