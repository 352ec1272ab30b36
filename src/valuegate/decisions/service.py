"""Steering meetings: attendees, an agenda from pending requests, decisions that settle them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, can, require, visible_nodes
from valuegate.auth.service import people_choices
from valuegate.decisions.models import Decision, Meeting, MeetingAttendee
from valuegate.decisions.rules import OUTCOMES
from valuegate.errors import InvalidInput, NotFound
from valuegate.gates import service as gates
from valuegate.gates.models import GateRequest
from valuegate.portfolio.models import Node
from valuegate.portfolio.service import get_node
from valuegate.uow import use_case


def meeting_view(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.id,
        "title": m.title,
        "node_id": m.node_id,
        "held_on": m.held_on.isoformat(),
        "chair_id": m.chair_id,
        "notes": m.notes,
        "version": m.version,
    }


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    m = session.get(Meeting, meeting_id)
    if m is None:
        raise NotFound(f"There is no meeting with id {meeting_id}.")
    return m


@use_case
def create_meeting(
    session: Session,
    *,
    actor: Actor,
    title: str,
    held_on: date,
    node_id: int | None = None,
    chair_id: int | None = None,
    attendee_ids: list[int] | None = None,
) -> Meeting:
    node = get_node(session, node_id, actor=actor) if node_id is not None else None
    require(session, actor, "meeting.manage", node, what="steering meetings")
    if not title.strip():
        raise InvalidInput("A meeting needs a title.")
    m = Meeting(title=title.strip(), held_on=held_on, node_id=node_id, chair_id=chair_id, created_by=actor.person_id)
    session.add(m)
    session.flush()
    from valuegate.auth.service import get_person

    for pid in sorted(set(attendee_ids or [])):
        get_person(session, pid)
        session.add(MeetingAttendee(meeting_id=m.id, person_id=pid))
    audit.record(
        session,
        actor_id=actor.person_id,
        action="meeting.create",
        entity_type="meeting",
        entity_id=m.id,
        after={**meeting_view(m), "attendees": sorted(set(attendee_ids or []))},
    )
    return m


def agenda(session: Session, meeting: Meeting) -> list[dict[str, Any]]:
    """Pending gate requests in the meeting's scope: the agenda builds itself."""
    q = (
        select(GateRequest, Node.name)
        .join(Node, Node.id == GateRequest.measure_id)
        .where(GateRequest.status == "pending")
    )
    if meeting.node_id is not None:
        scope = session.get(Node, meeting.node_id)
        assert scope is not None
        q = q.where(Node.path.startswith(scope.path))
    return [{**gates.request_view(r), "measure_name": name} for r, name in session.execute(q.order_by(GateRequest.id))]


@use_case
def record_decision(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    gate_request_id: int | None,
    outcome: str,
    text: str,
    defer_until: date | None = None,
) -> Decision:
    """Record a decision in a meeting; for a gate request, the approver's answer is given through the engine."""
    meeting = get_meeting(session, meeting_id)
    if outcome not in OUTCOMES:
        raise InvalidInput(f"Unknown outcome {outcome!r}; use one of {', '.join(OUTCOMES)}.")
    if not text or not text.strip():
        raise InvalidInput("A decision needs its wording.")
    measure_id = None
    if gate_request_id is None or outcome == "note":
        # A note is the meeting's own record: for who runs the meeting, whether or not it names a gate request.
        # (An answer to a gate request is checked by the gate engine: it is for the request's approvers.)
        require(
            session,
            actor,
            "meeting.manage",
            session.get(Node, meeting.node_id) if meeting.node_id else None,
            what="steering meetings",
        )
    if gate_request_id is not None:
        req = gates.get_request(session, gate_request_id, actor=actor)
        measure_id = req.measure_id
        if outcome == "approve":
            gates.approve(session, actor=actor, request_id=req.id, comment=text, meeting_id=meeting.id)
        elif outcome == "reject":
            gates.reject(session, actor=actor, request_id=req.id, comment=text, meeting_id=meeting.id)
        elif outcome == "defer":
            if defer_until is None:
                raise InvalidInput("A deferral needs a new date.")
            gates.defer(session, actor=actor, request_id=req.id, until=defer_until, reason=text, meeting_id=meeting.id)
    elif outcome != "note":
        raise InvalidInput("Without a gate request, a decision can only be noted.")
    d = Decision(
        meeting_id=meeting.id,
        gate_request_id=gate_request_id,
        measure_id=measure_id,
        outcome=outcome,
        text=text.strip(),
        recorded_by=actor.person_id,
    )
    session.add(d)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="decision.record",
        entity_type="decision",
        entity_id=d.id,
        measure_id=measure_id,
        after={
            "meeting_id": meeting.id,
            "gate_request_id": gate_request_id,
            "outcome": outcome,
            "text": d.text,
        },
    )
    return d


def minutes(session: Session, *, actor: Actor, meeting_id: int) -> dict[str, Any]:
    """The minutes, for whoever may see the meeting's part of the portfolio, its chair and its attendees."""
    m = get_meeting(session, meeting_id)
    attendees = list(session.scalars(select(MeetingAttendee.person_id).where(MeetingAttendee.meeting_id == m.id)))
    if actor.person_id not in (m.chair_id, m.created_by, *attendees):
        require(
            session,
            actor,
            "node.view",
            session.get(Node, m.node_id) if m.node_id else None,
            what=f"the minutes of {m.title!r}",
        )
    decisions = [
        {
            "id": d.id,
            "gate_request_id": d.gate_request_id,
            "measure_id": d.measure_id,
            "outcome": d.outcome,
            "text": d.text,
            "recorded_by": d.recorded_by,
            "recorded_at": d.recorded_at.isoformat(),
        }
        for d in session.scalars(select(Decision).where(Decision.meeting_id == m.id).order_by(Decision.id))
    ]
    return {**meeting_view(m), "attendees": attendees, "decisions": decisions, "agenda": agenda(session, m)}


def list_meetings(session: Session, *, actor: Actor, limit: int = 100) -> list[dict[str, Any]]:
    """Meetings a person may open (newest first): all for global readers, else those they chair, called,
    attend or whose part of the portfolio they may see. One query."""
    q = select(Meeting, Node.name).outerjoin(Node, Node.id == Meeting.node_id)
    restrict = visible_nodes(actor)
    if restrict is not None:
        me = actor.person_id
        attends = select(MeetingAttendee.meeting_id).where(MeetingAttendee.person_id == me)
        q = q.where(or_(Meeting.chair_id == me, Meeting.created_by == me, Meeting.id.in_(attends), restrict))
    rows = session.execute(q.order_by(Meeting.held_on.desc(), Meeting.id.desc()).limit(limit))
    return [{**meeting_view(m), "scope": scope} for m, scope in rows]


@dataclass(frozen=True)
class MeetingsPage:
    """What the steering meetings page shows one person: the meetings they may open, and whether they may call
    one (with the people to choose from)."""

    meetings: list[dict[str, Any]]
    may_call: bool
    people: list[tuple[int, str]]


def meetings_page(session: Session, *, actor: Actor) -> MeetingsPage:
    may_call = can(session, actor, "meeting.manage")
    return MeetingsPage(
        meetings=list_meetings(session, actor=actor),
        may_call=may_call,
        people=people_choices(session, actor=actor) if may_call else [],
    )


@dataclass(frozen=True)
class MeetingPage:
    """What a meeting's page shows one person: its record, the agenda with the business cases and the role the
    person decides each item with, the names it mentions, and whether they may add to the minutes."""

    record: dict[str, Any]
    scope: Node | None
    agenda: list[dict[str, Any]]
    cases: dict[int, dict[str, Any]]
    decidable: dict[int, dict[str, Any]]
    names: dict[int, str]
    measure_names: dict[int, str]
    present: dict[int, bool]
    may_note: bool
    artefacts: list[tuple[int, str]]
    cited: dict[int, list[str]]


def meeting_page(session: Session, *, actor: Actor, meeting_id: int, inbox: list[dict[str, Any]]) -> MeetingPage:
    """``inbox``: the person's decision inbox (what they may decide, and as whom)."""
    from valuegate.health import catalogue

    record = minutes(session, actor=actor, meeting_id=meeting_id)
    agenda = record["agenda"]
    mine = {i["id"]: i for i in inbox}
    for item in agenda:  # the role this person decides with, where they decide (what approving takes depends on it)
        item["as_role"] = mine[item["id"]]["as_role"] if item["id"] in mine else None
    ids = {record["chair_id"], *record["attendees"]} | {d["recorded_by"] for d in record["decisions"]}
    ids |= {i["requested_by"] for i in agenda}
    names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_([i for i in ids if i]))).all())
    measures = [d["measure_id"] for d in record["decisions"] if d["measure_id"]]
    measure_names = dict(session.execute(select(Node.id, Node.name).where(Node.id.in_(measures))).all())
    scope = session.get(Node, record["node_id"]) if record["node_id"] else None
    present = dict(
        session.execute(
            select(MeetingAttendee.person_id, MeetingAttendee.present).where(MeetingAttendee.meeting_id == meeting_id)
        ).all()
    )
    return MeetingPage(
        record=record,
        scope=scope,
        agenda=agenda,
        cases=gates.business_cases(session, agenda),
        decidable=mine,
        names=names,
        measure_names=measure_names,
        present=present,
        may_note=can(session, actor, "meeting.manage", scope),
        artefacts=catalogue.citable(session, scope),
        cited=catalogue.citations(session, [d["id"] for d in record["decisions"]]),
    )
