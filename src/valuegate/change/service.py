"""Use-cases of the change workstream on a program or project: stakeholders by name and their analysis, audience
groups, ADKAR assessments and the resistance register. Policy is checked, rules applied, every change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, can, load_on_node, require
from valuegate.auth.service import people_choices
from valuegate.change import rules
from valuegate.change.models import AdkarAssessment, AudienceGroup, ResistanceItem, Stakeholder
from valuegate.context import today_of
from valuegate.errors import Conflict, InvalidInput, NotFound, RuleViolation, check_editable, check_version
from valuegate.portfolio.models import Node
from valuegate.portfolio.service import get_node
from valuegate.uow import use_case

ATTRIBUTES = ("power", "interest", "influence", "legitimacy", "urgency")
CHANNELS = rules.RESISTANCE_CHANNELS
ESCALATE_AFTER_DAYS = 28  # two fortnightly cadence windows


def workstream_node(session: Session, actor: Actor, node_id: int, action: str) -> Node:
    """The program or project whose workstream the actor works on: permission first, then the kind."""
    node = get_node(session, node_id, actor=actor)
    require(session, actor, action, node)
    if node.kind not in ("program", "project"):
        raise InvalidInput("The change workstream belongs to a program or a project.")
    return node


def check_person(session: Session, person_id: int | None, what: str) -> None:
    if person_id is not None and session.get(Person, person_id) is None:
        raise NotFound(f"There is no person with id {person_id} ({what}).")


def _check_profile(values: dict[str, Any]) -> None:
    problems = []
    for name in ATTRIBUTES:
        if name in values:
            try:
                rules.check_attribute(name, values[name])
            except ValueError as exc:
                problems.append({"field": name, "problem": str(exc)})
    for name in ("current_engagement", "desired_engagement"):
        if name in values and values[name] not in rules.ENGAGEMENT:
            problems.append({"field": name, "problem": f"use one of {', '.join(rules.ENGAGEMENT)}"})
    stage = values.get("commitment_stage")
    if stage is not None and stage not in rules.COMMITMENT:
        problems.append({"field": "commitment_stage", "problem": f"use one of {', '.join(rules.COMMITMENT)}"})
    if problems:
        raise InvalidInput("The stakeholder profile is not valid; nothing was saved.", errors=problems)


def stakeholder_view(s: Stakeholder, name: str, today: date) -> dict[str, Any]:
    gap = rules.engagement_gap(s.current_engagement, s.desired_engagement)
    return {
        "id": s.id,
        "node_id": s.node_id,
        "person_id": s.person_id,
        "name": name,
        "role": s.role,
        **{a: getattr(s, a) for a in ATTRIBUTES},
        "current_engagement": s.current_engagement,
        "desired_engagement": s.desired_engagement,
        "commitment_stage": s.commitment_stage,
        "loses": s.loses,
        "gains": s.gains,
        "relationship_owner_id": s.relationship_owner_id,
        "last_assessed_on": s.last_assessed_on.isoformat(),
        "grid": rules.grid_quadrant(s.power, s.interest),
        "salience": rules.salience(s.power, s.legitimacy, s.urgency),
        "engagement_gap": gap,
        "priority": rules.priority(s.power, s.urgency, gap),
        "stale": rules.is_stale(s.last_assessed_on, today),
        "needs_owner": rules.grid_quadrant(s.power, s.interest) == "manage_closely" and not s.relationship_owner_id,
        "version": s.version,
    }


@use_case
def add_stakeholder(session: Session, *, actor: Actor, node_id: int, person_id: int, **profile: Any) -> Stakeholder:
    node = workstream_node(session, actor, node_id, "change.manage")
    check_person(session, person_id, "stakeholder")
    check_person(session, profile.get("relationship_owner_id"), "relationship owner")
    _check_profile(profile)
    if session.scalar(select(Stakeholder.id).where(Stakeholder.node_id == node.id, Stakeholder.person_id == person_id)):
        raise Conflict("This person is already a stakeholder here; update their assessment instead.")
    s = Stakeholder(node_id=node.id, person_id=person_id, last_assessed_on=today_of(session), **profile)
    session.add(s)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="stakeholder.create",
        entity_type="stakeholder",
        entity_id=s.id,
        after={"node_id": node.id, "person_id": person_id, **profile},
    )
    return s


@use_case
def assess_stakeholder(
    session: Session, *, actor: Actor, stakeholder_id: int, version: int | None, changes: dict[str, Any]
) -> Stakeholder:
    """A new assessment of a stakeholder. A fall in engagement raises a resistance item for the owner."""
    s = load_on_node(session, actor, Stakeholder, stakeholder_id, "stakeholder")
    node = workstream_node(session, actor, s.node_id, "change.manage")
    check_version("The stakeholder", s.version, version)
    allowed = {*ATTRIBUTES, "role", "current_engagement", "desired_engagement", "commitment_stage", "loses", "gains"}
    allowed.add("relationship_owner_id")
    check_editable(changes, allowed)
    _check_profile(changes)
    check_person(session, changes.get("relationship_owner_id"), "relationship owner")
    before = {k: getattr(s, k) for k in changes}
    dropped = "current_engagement" in changes and rules.engagement_dropped(
        s.current_engagement, changes["current_engagement"]
    )
    for key, value in changes.items():
        setattr(s, key, value)
    s.last_assessed_on = today_of(session)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="stakeholder.assess",
        entity_type="stakeholder",
        entity_id=s.id,
        before=before,
        after=changes,
    )
    if dropped:
        name = session.scalar(select(Person.name).where(Person.id == s.person_id))
        _raise(
            session,
            actor,
            node,
            objection=f"{name}'s engagement fell from {before['current_engagement']} to {s.current_engagement}.",
            channel="engagement_drop",
            raised_by_id=None,
            stakeholder_id=s.id,
            owner_id=s.relationship_owner_id,
        )
    return s


@dataclass(frozen=True)
class WorkstreamPage:
    """What the change workstream page of a program or project shows, read for one person."""

    node: Node
    people: list[dict[str, Any]]
    grid: dict[str, list[dict[str, Any]]]
    adkar: dict[str, Any]
    register: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    may_manage: bool
    everyone: list[tuple[int, str]]


def workstream_page(session: Session, *, actor: Actor, node_id: int) -> WorkstreamPage:
    node = workstream_node(session, actor, node_id, "node.view")
    people = stakeholders(session, actor=actor, node_id=node_id)
    grid: dict[str, list[dict[str, Any]]] = {q: [] for q in rules.GRID.values()}
    for p in people:
        grid[p["grid"]].append(p)
    may_manage = can(session, actor, "change.manage", node)
    return WorkstreamPage(
        node=node,
        people=people,
        grid=grid,
        adkar=adkar_overview(session, actor=actor, node_id=node_id),
        register=resistance_register(session, actor=actor, node_id=node_id),
        groups=groups(session, actor=actor, node_id=node_id),
        may_manage=may_manage,
        everyone=people_choices(session, actor=actor) if may_manage else [],
    )


def stakeholders(session: Session, *, actor: Actor, node_id: int) -> list[dict[str, Any]]:
    """The stakeholders of a program or project, the largest engagement work first."""
    node = workstream_node(session, actor, node_id, "node.view")
    today = today_of(session)
    rows = session.execute(
        select(Stakeholder, Person.name)
        .join(Person, Person.id == Stakeholder.person_id)
        .where(Stakeholder.node_id == node.id)
    ).all()
    views = [stakeholder_view(s, name, today) for s, name in rows]
    return sorted(views, key=lambda v: (-v["priority"], -v["engagement_gap"], v["name"]))


# --- audience groups --------------------------------------------------------------------------------------------


def group_view(g: AudienceGroup) -> dict[str, Any]:
    return {
        "id": g.id,
        "node_id": g.node_id,
        "parent_id": g.parent_id,
        "name": g.name,
        "size": g.size,
        "description": g.description,
        "version": g.version,
    }


@use_case
def add_group(
    session: Session,
    *,
    actor: Actor,
    node_id: int,
    name: str,
    size: int,
    parent_id: int | None = None,
    description: str | None = None,
) -> AudienceGroup:
    node = workstream_node(session, actor, node_id, "change.manage")
    if not name.strip():
        raise InvalidInput("An audience group needs a name.")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise InvalidInput("The size of an audience group is a whole number of people, 0 or more.")
    if parent_id is not None:
        parent = session.get(AudienceGroup, parent_id)
        if parent is None or parent.node_id != node.id:
            raise NotFound(f"There is no audience group {parent_id} in {node.name!r}.")
    if session.scalar(
        select(AudienceGroup.id).where(AudienceGroup.node_id == node.id, AudienceGroup.name == name.strip())
    ):
        raise Conflict(f"{node.name!r} already has an audience group named {name.strip()!r}.")
    g = AudienceGroup(node_id=node.id, name=name.strip(), size=size, parent_id=parent_id, description=description)
    session.add(g)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="audience.create",
        entity_type="audience_group",
        entity_id=g.id,
        after=group_view(g),
    )
    return g


def groups(session: Session, *, actor: Actor, node_id: int) -> list[dict[str, Any]]:
    node = workstream_node(session, actor, node_id, "node.view")
    q = select(AudienceGroup).where(AudienceGroup.node_id == node.id).order_by(AudienceGroup.name)
    return [group_view(g) for g in session.scalars(q)]


# --- ADKAR ------------------------------------------------------------------------------------------------------


@use_case
def assess_adkar(
    session: Session,
    *,
    actor: Actor,
    node_id: int,
    scores: dict[str, int],
    stakeholder_id: int | None = None,
    group_id: int | None = None,
    assessed_on: date | None = None,
    notes: str | None = None,
) -> AdkarAssessment:
    node = workstream_node(session, actor, node_id, "change.manage")
    if (stakeholder_id is None) == (group_id is None):
        raise InvalidInput("Assess either a stakeholder or an audience group.")
    try:
        rules.check_scores(scores)
    except ValueError as exc:
        raise InvalidInput(f"The ADKAR scores are not valid: {exc}.") from exc
    subject: Stakeholder | AudienceGroup | None = (
        session.get(Stakeholder, stakeholder_id) if stakeholder_id is not None else session.get(AudienceGroup, group_id)
    )
    if subject is None or subject.node_id != node.id:
        raise NotFound(f"There is no such {'stakeholder' if stakeholder_id else 'audience group'} in {node.name!r}.")
    day = assessed_on or today_of(session)
    if day > today_of(session):
        raise InvalidInput("An assessment cannot be dated in the future.")
    a = AdkarAssessment(
        node_id=node.id,
        stakeholder_id=stakeholder_id,
        group_id=group_id,
        assessed_on=day,
        assessed_by=actor.person_id,
        notes=notes,
        **{e: scores[e] for e in rules.ADKAR},
    )
    session.add(a)
    session.flush()
    barrier = rules.barrier_point(scores)
    audit.record(
        session,
        actor_id=actor.person_id,
        action="adkar.assess",
        entity_type="adkar_assessment",
        entity_id=a.id,
        after={"stakeholder_id": stakeholder_id, "group_id": group_id, "scores": scores, "barrier": barrier},
    )
    return a


def adkar_view(a: AdkarAssessment) -> dict[str, Any]:
    scores = {e: getattr(a, e) for e in rules.ADKAR}
    barrier = rules.barrier_point(scores)
    return {
        "id": a.id,
        "stakeholder_id": a.stakeholder_id,
        "group_id": a.group_id,
        "assessed_on": a.assessed_on.isoformat(),
        "scores": scores,
        "barrier": barrier,
        "intervention": rules.intervention(barrier),
        "mean": round(sum(scores.values()) / len(scores), 2),
        "notes": a.notes,
    }


def adkar_overview(session: Session, *, actor: Actor, node_id: int) -> dict[str, Any]:
    """The latest assessment per stakeholder and per group, and the roll-up over the stakeholders' latest."""
    node = workstream_node(session, actor, node_id, "node.view")
    rows = list(
        session.scalars(
            select(AdkarAssessment)
            .where(AdkarAssessment.node_id == node.id)
            .order_by(AdkarAssessment.assessed_on, AdkarAssessment.id)
        )
    )
    latest_people: dict[int, AdkarAssessment] = {}
    latest_groups: dict[int, AdkarAssessment] = {}
    for a in rows:  # in date order: the last one wins
        if a.stakeholder_id is not None:
            latest_people[a.stakeholder_id] = a
        elif a.group_id is not None:
            latest_groups[a.group_id] = a
    people = [adkar_view(a) for a in latest_people.values()]
    return {
        "people": people,
        "groups": [adkar_view(a) for a in latest_groups.values()],
        "rollup": rules.group_rollup(p["scores"] for p in people),
        "assessments": len(rows),
    }


# --- resistance register ----------------------------------------------------------------------------------------


def resistance_view(r: ResistanceItem, today: date) -> dict[str, Any]:
    return {
        "id": r.id,
        "node_id": r.node_id,
        "objection": r.objection,
        "channel": r.channel,
        "raised_by_id": r.raised_by_id,
        "group_id": r.group_id,
        "stakeholder_id": r.stakeholder_id,
        "underlying_reason": r.underlying_reason,
        "adkar_element": r.adkar_element,
        "tactic": r.tactic,
        "owner_id": r.owner_id,
        "due_on": r.due_on.isoformat() if r.due_on else None,
        "status": r.status,
        "raised_on": r.raised_on.isoformat(),
        "escalated_on": r.escalated_on.isoformat() if r.escalated_on else None,
        "overdue": bool(r.due_on and r.due_on < today and r.status in ("open", "mitigating")),
        "resolution": r.resolution,
        "version": r.version,
    }


def _raise(session: Session, actor: Actor, node: Node, **fields: Any) -> ResistanceItem:
    item = ResistanceItem(node_id=node.id, raised_on=today_of(session), status="open", **fields)
    session.add(item)
    session.flush()
    after = {k: v for k, v in fields.items() if k != "raised_by_id" or fields.get("channel") != "anonymous"}
    audit.record(
        session,
        actor_id=None if fields.get("channel") == "anonymous" else actor.person_id,
        action="resistance.raise",
        entity_type="resistance_item",
        entity_id=item.id,
        after={k: v.isoformat() if isinstance(v, date) else v for k, v in after.items()},
    )
    return item


def _check_item(fields: dict[str, Any]) -> None:
    reason, element, tactic = fields.get("underlying_reason"), fields.get("adkar_element"), fields.get("tactic")
    if reason is not None and reason not in rules.RESISTANCE_REASONS:
        raise InvalidInput(f"Unknown reason {reason!r}; use one of {', '.join(rules.RESISTANCE_REASONS)}.")
    if element is not None and element not in rules.ADKAR:
        raise InvalidInput(f"Unknown ADKAR element {element!r}; use one of {', '.join(rules.ADKAR)}.")
    if tactic is not None:
        if element is None:
            raise RuleViolation("Name the ADKAR element the objection shows before choosing a tactic.")
        problem = rules.tactic_problem(tactic, element)
        if problem:
            raise RuleViolation(problem[0].upper() + problem[1:] + ".")


@use_case
def raise_resistance(
    session: Session,
    *,
    actor: Actor,
    node_id: int,
    objection: str,
    channel: str = "open",
    raised_by_id: int | None = None,
    group_id: int | None = None,
    underlying_reason: str | None = None,
    adkar_element: str | None = None,
    owner_id: int | None = None,
    due_on: date | None = None,
) -> ResistanceItem:
    node = workstream_node(session, actor, node_id, "change.manage")
    if not objection or not objection.strip():
        raise InvalidInput("Write down the objection.")
    if channel not in CHANNELS or channel == "engagement_drop":
        raise InvalidInput(f"Unknown channel {channel!r}; use open, manager, champion or anonymous.")
    if channel == "anonymous" and raised_by_id is not None:
        raise InvalidInput("An objection from the anonymous channel never names who raised it.")
    check_person(session, raised_by_id, "raised by")
    check_person(session, owner_id, "owner")
    _check_item({"underlying_reason": underlying_reason, "adkar_element": adkar_element})
    if group_id is not None:
        group = session.get(AudienceGroup, group_id)
        if group is None or group.node_id != node.id:
            raise NotFound(f"There is no audience group {group_id} in {node.name!r}.")
    item = _raise(
        session,
        actor,
        node,
        objection=objection.strip(),
        channel=channel,
        raised_by_id=raised_by_id,
        group_id=group_id,
        underlying_reason=underlying_reason,
        adkar_element=adkar_element,
        owner_id=owner_id,
        due_on=due_on,
    )
    return item


@use_case
def update_resistance(
    session: Session, *, actor: Actor, item_id: int, version: int | None, changes: dict[str, Any]
) -> ResistanceItem:
    """Work an item: reason and ADKAR element before mitigating; a tactic must fit the element; resolving or
    accepting needs a note of what happened."""
    item = load_on_node(session, actor, ResistanceItem, item_id, "resistance item")
    workstream_node(session, actor, item.node_id, "change.manage")
    check_version("The resistance item", item.version, version)
    allowed = {"underlying_reason", "adkar_element", "tactic", "owner_id", "due_on", "status", "resolution"}
    check_editable(changes, allowed)
    merged = {k: changes.get(k, getattr(item, k)) for k in allowed}
    _check_item(merged)
    check_person(session, changes.get("owner_id"), "owner")
    status = merged["status"]
    if status not in rules.RESISTANCE_STATUSES:
        raise InvalidInput(f"Unknown status {status!r}; use one of {', '.join(rules.RESISTANCE_STATUSES)}.")
    if status != "open" and not (merged["underlying_reason"] and merged["adkar_element"]):
        raise RuleViolation("Record the underlying reason and the ADKAR element before working the objection.")
    if status == "mitigating" and not merged["tactic"]:
        raise RuleViolation("Choose the mitigation tactic to work the objection.")
    if status in ("resolved", "accepted") and not (merged["resolution"] or "").strip():
        raise InvalidInput("Say how the objection was resolved or why it is accepted.")
    before = {k: getattr(item, k) for k in changes}
    for key, value in changes.items():
        setattr(item, key, value)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="resistance.update",
        entity_type="resistance_item",
        entity_id=item.id,
        before={k: v.isoformat() if isinstance(v, date) else v for k, v in before.items()},
        after={k: v.isoformat() if isinstance(v, date) else v for k, v in changes.items()},
    )
    return item


def resistance_register(session: Session, *, actor: Actor, node_id: int) -> list[dict[str, Any]]:
    node = workstream_node(session, actor, node_id, "node.view")
    today = today_of(session)
    q = select(ResistanceItem).where(ResistanceItem.node_id == node.id).order_by(ResistanceItem.id)
    return [resistance_view(r, today) for r in session.scalars(q)]


def escalate_stale_resistance(session: Session, today: date, days: int = ESCALATE_AFTER_DAYS) -> int:
    """Items open (or mitigating) for longer than ``days`` go to the sponsor of their program or project."""
    cutoff = today - timedelta(days=days)
    items = list(
        session.scalars(
            select(ResistanceItem).where(
                ResistanceItem.status.in_(("open", "mitigating")),
                ResistanceItem.escalated_on.is_(None),
                ResistanceItem.raised_on < cutoff,
            )
        )
    )
    for item in items:
        item.escalated_on = today
        sponsor = session.scalar(select(Node.sponsor_id).where(Node.id == item.node_id))
        audit.record(
            session,
            actor_id=None,
            action="resistance.escalate",
            entity_type="resistance_item",
            entity_id=item.id,
            after={"to_sponsor_id": sponsor, "open_since": item.raised_on.isoformat()},
        )
    return len(items)
