"""The model catalogue: what an implementation delivers (reports, dashboards, models, allocation rules, feeds),
with owner, intended audience and the decisions each serves; its use recorded as events; decisions citing it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, cast, func, insert, select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, check_visible, require
from valuegate.change.models import AudienceGroup
from valuegate.change.service import check_person, workstream_node
from valuegate.context import today_of
from valuegate.decisions.models import Decision, Meeting
from valuegate.errors import Conflict, InvalidInput, NotFound, RuleViolation, check_editable, check_version
from valuegate.feeds.models import DataFeed
from valuegate.health.models import Artefact, ArtefactUse, DecisionCitation
from valuegate.portfolio.models import Node
from valuegate.uow import use_case

KINDS = ("report", "dashboard", "model", "allocation_rule", "feed", "dataset")
LAYERS = ("cost_pools", "towers", "solutions", "consumers", "business_units")
STATUSES = ("active", "retirement_proposed", "retired")
MOVES = {
    "active": ("retirement_proposed", "retired"),
    "retirement_proposed": ("active", "retired"),
    "retired": ("active",),
}
USE_ACTIONS = ("view", "export")
EDITABLE = (
    "name",
    "kind",
    "owner_id",
    "audience_group_id",
    "audience",
    "audience_size",
    "decisions",
    "layer",
    "rationale",
    "feed_id",
    "usage_system",
    "published_on",
)
MAX_USES = 10_000  # uses recorded in one call


def _check(session: Session, node_id: int, values: dict[str, Any]) -> None:
    if "name" in values and not str(values["name"] or "").strip():
        raise InvalidInput("Name the artefact.")
    if "kind" in values and values["kind"] not in KINDS:
        raise InvalidInput(f"The kind is one of {', '.join(KINDS)}.")
    if values.get("layer") is not None and values["layer"] not in LAYERS:
        raise InvalidInput(f"The layer is one of {', '.join(LAYERS)}.")
    size = values.get("audience_size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise InvalidInput("The audience size is a number of people, at least 1.")
    group_id = values.get("audience_group_id")
    if group_id is not None:
        group = session.get(AudienceGroup, group_id)
        if group is None or group.node_id != node_id:
            raise NotFound(f"There is no audience group with id {group_id} in this workstream.")
    feed_id = values.get("feed_id")
    if feed_id is not None:
        feed = session.get(DataFeed, feed_id)
        if feed is None or feed.node_id != node_id:
            raise NotFound(f"There is no data feed with id {feed_id} in this implementation.")
    check_person(session, values.get("owner_id"), "owner")


@use_case
def register(session: Session, *, actor: Actor, node_id: int, **values: Any) -> Artefact:
    node = workstream_node(session, actor, node_id, "change.manage")
    check_editable(values, EDITABLE)
    values.setdefault("kind", "report")
    values.setdefault("published_on", today_of(session))
    _check(session, node.id, {"name": values.get("name"), **values})
    values["name"] = values["name"].strip()
    if session.scalar(select(Artefact.id).where(Artefact.node_id == node.id, Artefact.name == values["name"])):
        raise Conflict(f"{node.name!r} already has an artefact named {values['name']!r}.")
    item = Artefact(node_id=node.id, **values)
    after = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
    audit.record_created(session, actor_id=actor.person_id, row=item, action="artefact.register", after=after)
    return item


def get_artefact(session: Session, artefact_id: int, *, actor: Actor | None = None) -> Artefact:
    """The artefact; with ``actor``, one on a node the actor may not see is not found either."""
    item = session.get(Artefact, artefact_id)
    if item is None:
        raise NotFound(f"There is no artefact with id {artefact_id}.")
    if actor is not None:
        node = session.get(Node, item.node_id)
        assert node is not None
        check_visible(session, actor, node, "artefact", artefact_id)
    return item


@use_case
def update(
    session: Session, *, actor: Actor, artefact_id: int, version: int | None, changes: dict[str, Any]
) -> Artefact:
    """Change the details, or the status: active → retirement proposed → retired (or back), with a reason."""
    item = get_artefact(session, artefact_id)
    workstream_node(session, actor, item.node_id, "change.manage")
    check_version("The artefact", item.version, version)
    check_editable(changes, {*EDITABLE, "status", "status_reason"})
    _check(session, item.node_id, changes)
    status = changes.get("status")
    if status is not None and status != item.status:
        if status not in STATUSES:
            raise InvalidInput(f"The status is one of {', '.join(STATUSES)}.")
        if status not in MOVES[item.status]:
            raise RuleViolation(f"An artefact cannot go from {item.status} to {status}.")
        if status != "active" and not str(changes.get("status_reason") or "").strip():
            raise InvalidInput("Say why the artefact is proposed for retirement or retired.")
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
    audit.record_changes(session, actor_id=actor.person_id, row=item, changes=changes, action="artefact.update")
    return item


@use_case
def record_use(session: Session, *, actor: Actor, artefact_id: int, action: str = "view") -> None:
    """The signed-in person opened (or exported) an artefact today."""
    item = get_artefact(session, artefact_id)
    workstream_node(session, actor, item.node_id, "node.view")
    if action not in USE_ACTIONS:
        raise InvalidInput(f"The use is one of {', '.join(USE_ACTIONS)}.")
    session.add(ArtefactUse(artefact_id=item.id, person_id=actor.person_id, action=action, used_on=today_of(session)))


@use_case
def import_uses(session: Session, *, actor: Actor, node_id: int, uses: Sequence[dict[str, Any]]) -> int:
    """Uses recorded by the reporting tool (its view log): artefact, pseudonymous actor, day, action. All or none."""
    node = workstream_node(session, actor, node_id, "change.manage")
    if not uses:
        raise InvalidInput("Send at least one use.")
    if len(uses) > MAX_USES:
        raise InvalidInput(f"Send at most {MAX_USES:,} uses at a time.")
    known = set(session.scalars(select(Artefact.id).where(Artefact.node_id == node.id)))
    today = today_of(session)
    rows = []
    for i, use in enumerate(uses, start=1):
        where = f"Use {i}"
        if not isinstance(use, dict):
            raise InvalidInput(f"{where} is an object with artefact_id, actor, day and action.")
        artefact_id = use.get("artefact_id")
        if artefact_id not in known:
            raise NotFound(f"{where}: there is no artefact with id {artefact_id!r} in this implementation.")
        who = str(use.get("actor") or "").strip()
        if not who or len(who) > 64:
            raise InvalidInput(f"{where}: the actor is a key of 1 to 64 characters.")
        try:
            day = date.fromisoformat(str(use.get("day")))
        except ValueError as exc:
            raise InvalidInput(f"{where}: the day is a date such as 2026-05-04.") from exc
        if day > today:
            raise InvalidInput(f"{where}: {day} is in the future.")
        action = use.get("action", "view")
        if action not in USE_ACTIONS:
            raise InvalidInput(f"{where}: the action is one of {', '.join(USE_ACTIONS)}.")
        rows.append({"artefact_id": artefact_id, "actor": who, "used_on": day, "action": action})
    session.execute(insert(ArtefactUse), rows)
    audit.record(
        session,
        actor_id=actor.person_id,
        action="artefact.uses_import",
        entity_type="node",
        entity_id=node.id,
        after={"uses": len(rows)},
    )
    return len(rows)


@use_case
def cite(session: Session, *, actor: Actor, decision_id: int, artefact_ids: list[int]) -> list[int]:
    """A steering decision rests on these artefacts; returns the artefacts it now cites. Who recorded the
    decision, or who manages the meeting's scope, says so."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound(f"There is no decision with id {decision_id}.")
    if actor.person_id is None or actor.person_id != decision.recorded_by:
        meeting = session.get(Meeting, decision.meeting_id) if decision.meeting_id else None
        scope = meeting.node_id if meeting and meeting.node_id else decision.measure_id
        node = session.get(Node, scope) if scope else None
        require(session, actor, "meeting.manage", node, what="steering decisions")
    if not artefact_ids:
        raise InvalidInput("Name the artefacts the decision rests on.")
    cited = set(
        session.scalars(select(DecisionCitation.artefact_id).where(DecisionCitation.decision_id == decision.id))
    )
    for artefact_id in sorted(set(artefact_ids) - cited):
        get_artefact(session, artefact_id, actor=actor)  # a decision rests only on what its maker may see
        session.add(DecisionCitation(decision_id=decision.id, artefact_id=artefact_id))
    audit.record(
        session,
        actor_id=actor.person_id,
        action="decision.cite",
        entity_type="decision",
        entity_id=decision.id,
        after={"artefacts": sorted(set(artefact_ids) | cited)},
    )
    return sorted(set(artefact_ids) | cited)


def citable(session: Session, node: Node | None, limit: int = 200) -> list[tuple[int, str]]:
    """Active artefacts a decision in this scope can rest on (the whole portfolio's when no scope)."""
    q = select(Artefact.id, Artefact.name, Node.name).join(Node, Node.id == Artefact.node_id)
    q = q.where(Artefact.status == "active", Artefact.kind.in_(("report", "dashboard", "model", "dataset")))
    if node is not None:
        q = q.where(Node.path.startswith(node.path))
    rows = session.execute(q.order_by(Node.name, Artefact.name).limit(limit)).all()
    return [(i, f"{name} ({where})") for i, name, where in rows]


def citations(session: Session, decision_ids: list[int]) -> dict[int, list[str]]:
    """The artefacts each decision rests on, by name."""
    out: dict[int, list[str]] = {}
    if decision_ids:
        for decision_id, name in session.execute(
            select(DecisionCitation.decision_id, Artefact.name)
            .join(Artefact, Artefact.id == DecisionCitation.artefact_id)
            .where(DecisionCitation.decision_id.in_(decision_ids))
            .order_by(Artefact.name)
        ):
            out.setdefault(decision_id, []).append(name)
    return out


def view(item: Artefact, owner: str | None, uses_30d: int, users_30d: int, last_used: date | None) -> dict[str, Any]:
    return {
        "id": item.id,
        "node_id": item.node_id,
        "name": item.name,
        "kind": item.kind,
        "owner_id": item.owner_id,
        "owner": owner,
        "audience_group_id": item.audience_group_id,
        "audience": item.audience,
        "audience_size": item.audience_size,
        "decisions": item.decisions,
        "layer": item.layer,
        "rationale": item.rationale,
        "feed_id": item.feed_id,
        "usage_system": item.usage_system,
        "published_on": item.published_on.isoformat(),
        "status": item.status,
        "status_reason": item.status_reason,
        "uses_30d": uses_30d,
        "users_30d": users_30d,
        "last_used_on": last_used.isoformat() if last_used else None,
        "version": item.version,
    }


def catalogue(session: Session, *, actor: Actor, node_id: int) -> list[dict[str, Any]]:
    node = workstream_node(session, actor, node_id, "node.view")
    since = today_of(session) - timedelta(days=30)
    who = func.coalesce(cast(ArtefactUse.person_id, String), ArtefactUse.actor)
    uses = {
        artefact_id: (n, users, last)
        for artefact_id, n, users, last in session.execute(
            select(
                ArtefactUse.artefact_id,
                func.count().filter(ArtefactUse.used_on > since),
                func.count(func.distinct(who)).filter(ArtefactUse.used_on > since),
                func.max(ArtefactUse.used_on),
            )
            .join(Artefact, Artefact.id == ArtefactUse.artefact_id)
            .where(Artefact.node_id == node.id)
            .group_by(ArtefactUse.artefact_id)
        )
    }
    rows = session.execute(
        select(Artefact, Person.name)
        .outerjoin(Person, Person.id == Artefact.owner_id)
        .where(Artefact.node_id == node.id)
        .order_by(Artefact.kind, Artefact.name)
    ).all()
    return [view(a, owner, *uses.get(a.id, (0, 0, None))) for a, owner in rows]
