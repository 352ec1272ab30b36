"""Use-cases of the communication matrix: plan a message (once or on a cadence), change or cancel it, record an
occurrence as sent, and read the matrix with its checks, the calendar of occurrences and the ICS feed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, can, load_on_node
from valuegate.auth.service import people_choices
from valuegate.change import service as change_service
from valuegate.change.models import AudienceGroup
from valuegate.change.rules import ADKAR
from valuegate.change.service import workstream_node
from valuegate.comms import rules
from valuegate.comms.ics import calendar_file
from valuegate.comms.models import CommunicationItem, CommunicationSent
from valuegate.context import today_of
from valuegate.errors import Conflict, InvalidInput, check_editable, check_version
from valuegate.portfolio.models import Node
from valuegate.uow import use_case

FIELDS = (
    "audience_group_id",
    "key_message",
    "message_type",
    "adkar_target",
    "purpose",
    "channel",
    "messenger_role",
    "messenger_id",
    "author_id",
    "planned_on",
    "recurrence",
    "desired_action",
    "action_metric",
    "covers_why",
    "covers_why_now",
    "covers_risk",
    "repetition_target",
    "status",
)
CALENDAR_DAYS_MAX = 400


def _check(
    session: Session, node: Node, values: dict[str, Any], current: CommunicationItem | None = None
) -> dict[str, Any]:
    """Every problem with a matrix row at once; the values cleaned (recurrence normalised)."""
    problems: list[dict[str, str]] = []

    def bad(field: str, problem: str) -> None:
        problems.append({"field": field, "problem": problem})

    for field, allowed in (
        ("message_type", rules.MESSAGE_TYPES),
        ("channel", rules.CHANNELS),
        ("messenger_role", rules.MESSENGER_ROLES),
        ("status", rules.STATUSES),
    ):
        if field in values and values[field] not in allowed:
            bad(field, f"use one of {', '.join(allowed)}")
    if values.get("adkar_target") is not None and values["adkar_target"] not in ADKAR:
        bad("adkar_target", f"use one of {', '.join(ADKAR)}")
    if "key_message" in values and not (values["key_message"] or "").strip():
        bad("key_message", "say what the key message is")
    target = values.get("repetition_target")
    if target is not None and target not in rules.REPETITION_RANGE:
        bad("repetition_target", "key messages are repeated 5 to 7 times; pick a target in that range")
    if "audience_group_id" in values:
        group = session.get(AudienceGroup, values["audience_group_id"])
        if group is None or group.node_id != node.id:
            bad("audience_group_id", f"there is no audience group {values['audience_group_id']} in {node.name!r}")
    if "recurrence" in values:
        try:
            values["recurrence"] = rules.normalise_recurrence(values["recurrence"])
        except rules.RecurrenceError as exc:
            bad("recurrence", str(exc))
    if not problems and ("recurrence" in values or "planned_on" in values):
        start = values.get("planned_on") or (current.planned_on if current else None)
        rule = values.get("recurrence", current.recurrence if current else None)
        problem = rules.start_problem(start, rule) if start else None
        if problem:
            bad("planned_on", problem)
    for field in ("messenger_id", "author_id"):
        pid = values.get(field)
        if pid is not None and session.get(Person, pid) is None:
            bad(field, f"there is no person with id {pid}")
    if problems:
        raise InvalidInput("The communication is not valid; nothing was saved.", errors=problems)
    if "key_message" in values:
        values["key_message"] = values["key_message"].strip()
    return values


@use_case
def plan_message(session: Session, *, actor: Actor, node_id: int, **values: Any) -> CommunicationItem:
    node = workstream_node(session, actor, node_id, "change.manage")
    values = _check(session, node, {**values, "recurrence": values.get("recurrence")})
    item = CommunicationItem(node_id=node.id, **values)
    audit.record_created(session, actor_id=actor.person_id, row=item, action="communication.plan", after=values)
    return item


@use_case
def update_message(
    session: Session, *, actor: Actor, item_id: int, version: int | None, changes: dict[str, Any]
) -> CommunicationItem:
    item = _item(session, item_id, actor)
    node = workstream_node(session, actor, item.node_id, "change.manage")
    check_version("The communication", item.version, version)
    check_editable(changes, FIELDS)
    changes = _check(session, node, changes, item)
    audit.record_changes(session, actor_id=actor.person_id, row=item, changes=changes, action="communication.update")
    return item


@use_case
def record_sent(
    session: Session,
    *,
    actor: Actor,
    item_id: int,
    occurrence_on: date,
    sent_on: date | None = None,
    note: str | None = None,
) -> CommunicationSent:
    """Mark one planned occurrence as sent (on its date or later)."""
    item = _item(session, item_id, actor)
    workstream_node(session, actor, item.node_id, "change.manage")
    today = today_of(session)
    sent = sent_on or today
    if item.status == "cancelled":
        raise InvalidInput("This communication is cancelled; plan it again before recording it as sent.")
    if sent > today:
        raise InvalidInput("A communication cannot be recorded as sent in the future.")
    if rules.occurrences(item.planned_on, item.recurrence, occurrence_on, occurrence_on) != [occurrence_on]:
        raise InvalidInput(f"{occurrence_on.isoformat()} is not one of this communication's planned dates.")
    done = session.scalar(
        select(CommunicationSent.id).where(
            CommunicationSent.item_id == item.id, CommunicationSent.occurrence_on == occurrence_on
        )
    )
    if done is not None:
        raise Conflict(f"The occurrence of {occurrence_on.isoformat()} is already recorded as sent.")
    row = CommunicationSent(
        item_id=item.id, occurrence_on=occurrence_on, sent_on=sent, recorded_by=actor.person_id, note=note
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="communication.sent",
        entity_type="communication_item",
        entity_id=item.id,
        after={"occurrence_on": occurrence_on.isoformat(), "sent_on": sent.isoformat()},
    )
    return row


def _item(session: Session, item_id: int, actor: Actor) -> CommunicationItem:
    """The communication, not found unless the actor may see its workstream (as for no such id)."""
    return load_on_node(session, actor, CommunicationItem, item_id, "communication")


# --- reading ----------------------------------------------------------------------------------------------------


def _load(session: Session, node: Node) -> tuple[list[CommunicationItem], dict[int, list[date]], dict[int, str]]:
    items = list(
        session.scalars(
            select(CommunicationItem)
            .where(CommunicationItem.node_id == node.id)
            .order_by(CommunicationItem.planned_on, CommunicationItem.id)
        )
    )
    sent: dict[int, list[date]] = defaultdict(list)
    for item_id, day in session.execute(
        select(CommunicationSent.item_id, CommunicationSent.occurrence_on)
        .join(CommunicationItem, CommunicationItem.id == CommunicationSent.item_id)
        .where(CommunicationItem.node_id == node.id)
    ):
        sent[item_id].append(day)
    ids = {i for item in items for i in (item.messenger_id, item.author_id) if i is not None}
    names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())
    return items, sent, names


def _groups(session: Session, node: Node) -> dict[int, AudienceGroup]:
    return {g.id: g for g in session.scalars(select(AudienceGroup).where(AudienceGroup.node_id == node.id))}


def item_view(
    item: CommunicationItem, sent: list[date], names: dict[int, str], groups: dict[int, AudienceGroup], today: date
) -> dict[str, Any]:
    past = rules.occurrences(item.planned_on, item.recurrence, item.planned_on, today - timedelta(days=1))
    upcoming = rules.occurrences(item.planned_on, item.recurrence, today, today + timedelta(days=CALENDAR_DAYS_MAX))
    total = rules.total_occurrences(item.planned_on, item.recurrence)
    late = [] if item.status == "cancelled" else rules.overdue(past, sent, today)
    if item.status == "cancelled":
        state = "cancelled"
    elif late:
        state = "overdue"
    elif total is not None and len(sent) >= total:
        state = "done"
    else:
        state = "scheduled"
    group = groups.get(item.audience_group_id)
    return {
        "id": item.id,
        "audience_group_id": item.audience_group_id,
        "audience": group.name if group else None,
        "audience_size": group.size if group else None,
        "key_message": item.key_message,
        "message_type": item.message_type,
        "adkar_target": item.adkar_target,
        "purpose": item.purpose,
        "channel": item.channel,
        "messenger_role": item.messenger_role,
        "messenger_id": item.messenger_id,
        "messenger": names.get(item.messenger_id) if item.messenger_id else None,
        "author_id": item.author_id,
        "author": names.get(item.author_id) if item.author_id else None,
        "planned_on": item.planned_on.isoformat(),
        "recurrence": item.recurrence,
        "cadence": rules.describe(item.recurrence),
        "occurrences_total": total,
        "next_on": upcoming[0].isoformat() if upcoming and item.status != "cancelled" else None,
        "sent_count": len(sent),
        "last_sent_on": max(sent).isoformat() if sent else None,
        "overdue": [d.isoformat() for d in late],
        "state": state,
        "desired_action": item.desired_action,
        "action_metric": item.action_metric,
        "covers": {"why": item.covers_why, "why_now": item.covers_why_now, "risk": item.covers_risk},
        "sender_problem": rules.sender_problem(item.message_type, item.messenger_role),
        "repetition_target": item.repetition_target,
        "status": item.status,
        "version": item.version,
    }


def matrix(session: Session, *, actor: Actor, node_id: int) -> dict[str, Any]:
    """The matrix with its checks: overdue occurrences, sender fit, repetition per key message and audience, and
    whether the first message to each audience says why, why now and what not changing risks."""
    node = workstream_node(session, actor, node_id, "node.view")
    today = today_of(session)
    items, sent, names = _load(session, node)
    groups = _groups(session, node)
    views = [item_view(i, sent[i.id], names, groups, today) for i in items]
    repetition: dict[tuple[str, int], dict[str, Any]] = {}
    first: dict[int, dict[str, Any]] = {}
    for item, view in zip(items, views, strict=True):
        if item.status == "cancelled":
            continue
        key = (item.key_message.casefold(), item.audience_group_id)
        entry = repetition.setdefault(
            key,
            {"key_message": item.key_message, "audience": view["audience"], "sent": 0, "planned": 0, "target": 0},
        )
        entry["sent"] += len(sent[item.id])
        entry["planned"] += view["occurrences_total"] or 0
        entry["target"] = max(entry["target"], item.repetition_target)
        first.setdefault(item.audience_group_id, view)
    for entry in repetition.values():
        entry["status"] = rules.repetition_status(entry["sent"], entry["target"])
        entry["planned_enough"] = entry["planned"] >= entry["target"] or any(
            v["occurrences_total"] is None
            for v in views
            if v["key_message"].casefold() == entry["key_message"].casefold() and v["audience"] == entry["audience"]
        )
    first_messages = []
    reached: set[int] = set()
    for group in sorted(groups.values(), key=lambda g: g.name):
        # The earliest message to this audience or to one it belongs to is its first message.
        candidates = [first[g] for g in _lineage(groups, group.id) if g in first]
        if not candidates:
            continue
        view = min(candidates, key=lambda v: (v["planned_on"], v["id"]))
        reached.add(group.id)
        gaps = rules.first_message_gaps(**{f"covers_{k}": v for k, v in view["covers"].items()})
        first_messages.append(
            {"audience_group_id": group.id, "audience": group.name, "item_id": view["id"], "missing": gaps}
        )
    unreached = [
        {"audience_group_id": g.id, "audience": g.name} for g in groups.values() if g.id not in reached and g.size > 0
    ]
    return {
        "node_id": node.id,
        "items": views,
        "overdue": sum(len(v["overdue"]) for v in views),
        "sender_problems": sum(1 for v in views if v["sender_problem"] and v["status"] != "cancelled"),
        "repetition": sorted(repetition.values(), key=lambda e: (e["status"] != "short", e["key_message"])),
        "first_messages": first_messages,
        "audiences_without_messages": sorted(unreached, key=lambda g: g["audience"]),
    }


def _lineage(groups: dict[int, AudienceGroup], group_id: int) -> list[int]:
    """A group and the groups it is nested in."""
    chain: list[int] = []
    current: int | None = group_id
    while current is not None and current in groups and current not in chain:
        chain.append(current)
        current = groups[current].parent_id
    return chain


def calendar(session: Session, *, actor: Actor, node_id: int, start: date, end: date) -> list[dict[str, Any]]:
    """Every occurrence between two dates, sent or not, in date order."""
    if end < start:
        raise InvalidInput("The calendar's end comes before its start.")
    if (end - start).days > CALENDAR_DAYS_MAX:
        raise InvalidInput(f"A calendar spans at most {CALENDAR_DAYS_MAX} days.")
    node = workstream_node(session, actor, node_id, "node.view")
    today = today_of(session)
    items, sent, names = _load(session, node)
    groups = _groups(session, node)
    rows = []
    for item in items:
        if item.status == "cancelled":
            continue
        done = set(sent[item.id])
        group = groups.get(item.audience_group_id)
        for day in rules.occurrences(item.planned_on, item.recurrence, start, end):
            rows.append(
                {
                    "date": day.isoformat(),
                    "item_id": item.id,
                    "key_message": item.key_message,
                    "audience": group.name if group else None,
                    "channel": item.channel,
                    "messenger_role": item.messenger_role,
                    "messenger": names.get(item.messenger_id) if item.messenger_id else None,
                    "sent": day in done,
                    "overdue": day < today and day not in done,
                }
            )
    return sorted(rows, key=lambda r: (r["date"], r["item_id"]))


def ics_feed(session: Session, *, actor: Actor, node_id: int) -> bytes:
    """The matrix as an iCalendar file: one all-day event per item, recurring by its rule."""
    node = workstream_node(session, actor, node_id, "node.view")
    items, _sent, names = _load(session, node)
    return calendar_file(node, items, names, _groups(session, node))


def _month(text: str | None, today: date) -> date:
    if not text:
        return today.replace(day=1)
    try:
        year, month = (int(p) for p in text.split("-"))
        return date(year, month, 1)
    except ValueError as exc:
        raise InvalidInput("The month is written like 2026-06.") from exc


def _weeks(first: date) -> list[list[date]]:
    """The calendar grid of a month: whole weeks, Monday first."""
    start = first - timedelta(days=first.weekday())
    nxt = (first + timedelta(days=32)).replace(day=1)
    weeks = []
    while start < nxt:
        weeks.append([start + timedelta(days=i) for i in range(7)])
        start += timedelta(days=7)
    return weeks


@dataclass(frozen=True)
class CommunicationPage:
    """What the communication page of a program or project shows for one month, read for one person."""

    node: Node
    matrix: dict[str, Any]
    today: date
    first: date
    weeks: list[list[date]]
    by_day: dict[str, list[dict[str, Any]]]
    prev_month: str
    next_month: str
    groups: list[dict[str, Any]]
    may_manage: bool
    everyone: list[tuple[int, str]]


def communication_page(session: Session, *, actor: Actor, node_id: int, month: str | None = None) -> CommunicationPage:
    """The matrix with its checks and the month's calendar (``month`` like 2026-06; this month when not given)."""
    node = workstream_node(session, actor, node_id, "node.view")
    today = today_of(session)
    first = _month(month, today)
    weeks = _weeks(first)
    by_day: dict[str, list[dict[str, Any]]] = {}
    for o in calendar(session, actor=actor, node_id=node_id, start=weeks[0][0], end=weeks[-1][-1]):
        by_day.setdefault(o["date"], []).append(o)
    may_manage = can(session, actor, "change.manage", node)
    return CommunicationPage(
        node=node,
        matrix=matrix(session, actor=actor, node_id=node_id),
        today=today,
        first=first,
        weeks=weeks,
        by_day=by_day,
        prev_month=(first - timedelta(days=1)).replace(day=1).strftime("%Y-%m"),
        next_month=(first + timedelta(days=32)).replace(day=1).strftime("%Y-%m"),
        groups=change_service.groups(session, actor=actor, node_id=node_id),
        may_manage=may_manage,
        everyone=people_choices(session, actor=actor) if may_manage else [],
    )
