"""Plays: the fitting response to each alert, proposed from the evidence with the named people and artefacts, and
taken up as tracked actions. Reconnect people to the purpose (a conversation plan), agree the minimum viable
outcome, assign data owners, right-size the model (what nothing uses, proposed for retirement)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, load_on_node
from valuegate.change.models import LegacyProcess, Stakeholder
from valuegate.change.service import check_person, workstream_node
from valuegate.context import today_of
from valuegate.errors import Conflict, InvalidInput, NotFound, RuleViolation, check_version
from valuegate.feeds.models import DataFeed
from valuegate.health.models import Artefact, HealthAction, HealthReading, ViableOutcome
from valuegate.health.thresholds import DETECTORS
from valuegate.portfolio.models import Node
from valuegate.uow import use_case

PLAYS = {
    "reconnect": "Reconnect people to the purpose",
    "viable_outcome": "Agree the minimum viable outcome",
    "assign_owners": "Assign data owners",
    "right_size": "Right-size the model",
}
FITS = {
    "W1": ("reconnect", "viable_outcome", "right_size"),
    "W2": ("reconnect", "assign_owners"),
    "W3": ("reconnect", "viable_outcome"),
    "W4": ("viable_outcome", "reconnect"),
    "W5": ("right_size", "viable_outcome"),
    "DG": ("assign_owners", "reconnect"),
}
ACTION_STATUSES = ("open", "done", "dropped")
ENGAGEMENT = ("unaware", "resistant", "neutral", "supportive", "leading")
DEFAULT_DAYS = 14


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())


def _people(session: Session, node: Node, signals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Who to talk to and why, for the reconnect play: the sponsor, powerful stakeholders short of the engagement
    needed, and the people the evidence names (late data owners, owners of unread artefacts and running legacy)."""
    people: dict[int, dict[str, Any]] = {}

    def add(pid: int | None, why: str, cover: str) -> None:
        if pid is None:
            return
        slot = people.setdefault(pid, {"person_id": pid, "why": [], "cover": []})
        if why not in slot["why"]:
            slot["why"].append(why)
        if cover and cover not in slot["cover"]:
            slot["cover"].append(cover)

    purpose = (
        f"Why it matters now: {node.description.strip()}"
        if node.description and node.description.strip()
        else f"Why {node.name} matters now and which decisions it should change"
    )
    add(node.sponsor_id, "sponsor: carries the purpose", purpose)
    for s in session.scalars(select(Stakeholder).where(Stakeholder.node_id == node.id)):
        gap = ENGAGEMENT.index(s.desired_engagement) - ENGAGEMENT.index(s.current_engagement)
        if gap > 0 and s.power >= 3:
            add(
                s.person_id,
                f"{s.current_engagement}, needed {s.desired_engagement}",
                "; ".join(
                    x
                    for x in (
                        f"what they gain: {s.gains}" if s.gains else "",
                        f"what they lose: {s.loses}" if s.loses else "",
                    )
                    if x
                ),
            )
    evidence = [e for signal in signals for e in signal.get("evidence", [])]
    for signal in signals:
        for owner in (signal.get("figures") or {}).get("owners", []):
            if owner.get("on_time_rate", 1) < 1 and owner.get("owner_id"):
                add(
                    owner["owner_id"],
                    f"data owner of {', '.join(owner['feeds'])}: {owner['on_time']} of {owner['expected']} on time",
                    "What their data makes possible, which decisions wait for it, what would make delivery easier",
                )
    for feed in session.scalars(select(DataFeed).where(DataFeed.node_id == node.id)):
        if any(e.get("feed_id") == feed.id for e in evidence):
            add(feed.owner_id, f"owner of {feed.name}", "The findings in the latest file and the contract")
    for a in session.scalars(select(Artefact).where(Artefact.node_id == node.id, Artefact.status == "active")):
        if any(e.get("artefact_id") == a.id for e in evidence):
            add(a.owner_id, f"owner of {a.name}, which nobody opens", f"Which decision {a.name} should serve")
    if any(e.get("kind") == "legacy_running" for e in evidence):
        for item in session.scalars(select(LegacyProcess).where(LegacyProcess.node_id == node.id)):
            if item.status == "parallel":
                add(item.owner_id, f"owner of {item.name}, still running", "What stops the retirement")
    names = _names(session, set(people))
    return [
        {**p, "name": names.get(p["person_id"], "?"), "why": "; ".join(p["why"])}
        for p in people.values()
        if p["person_id"] in names
    ]


def _detail(session: Session, node: Node, play: str, signals: list[dict[str, Any]]) -> dict[str, Any]:
    """What a play proposes, from the evidence of the detectors it answers."""
    evidence = [e for signal in signals for e in signal.get("evidence", [])]
    if play == "reconnect":
        return {
            "people": _people(session, node, signals),
            "steps": [
                "Meet each person one to one within two weeks; start from the purpose, not the tool.",
                "Show the evidence below and ask what would make the work worth their time.",
                "Agree one next step each, with a date, and record it here.",
            ],
        }
    if play == "viable_outcome":
        parts = [
            {"part": f"{a.name} ({a.kind})", "owner_id": a.owner_id}
            for a in session.scalars(select(Artefact).where(Artefact.node_id == node.id, Artefact.status == "active"))
        ] + [
            {"part": f"{f.name} feed, due working day {f.due_business_day}", "owner_id": f.owner_id}
            for f in session.scalars(select(DataFeed).where(DataFeed.node_id == node.id))
        ]
        return {
            "suggested_parts": parts,
            "steps": [
                "Write what good looks like now — the few decisions the model must serve this quarter.",
                "Name who owns each part of the process.",
                "Set a cadence of deliverables the organisation can keep, and a review date.",
            ],
        }
    if play == "assign_owners":
        feeds = list(session.scalars(select(DataFeed).where(DataFeed.node_id == node.id)))
        catalogued = list(
            session.scalars(select(Artefact).where(Artefact.node_id == node.id, Artefact.status == "active"))
        )
        owners = {f.owner_id for f in feeds} | {a.owner_id for a in catalogued}
        active = set(session.scalars(select(Person.id).where(Person.id.in_(owners - {None}), Person.active.is_(True))))
        items: list[dict[str, Any]] = [
            {"kind": "feed", "id": f.id, "name": f.name} for f in feeds if f.owner_id not in active
        ] + [{"kind": "artefact", "id": a.id, "name": a.name} for a in catalogued if a.owner_id not in active]
        return {"items": items, "steps": ["Name an active owner for each item; the owner is asked, not told."]}
    unused = {e.get("artefact_id") for e in evidence if e.get("kind") == "unused_artefact"}
    artefacts = [
        {
            "id": a.id,
            "name": a.name,
            "kind": a.kind,
            "reason": "not opened in 60 days" if a.id in unused else "undocumented",
        }
        for a in session.scalars(select(Artefact).where(Artefact.node_id == node.id, Artefact.status == "active"))
        if a.id in unused or (a.kind == "allocation_rule" and not ((a.rationale or "").strip() and a.owner_id))
    ]
    rules_ = [e for e in evidence if e.get("kind") in ("unused_rule", "undocumented_rule")]
    return {
        "artefacts": artefacts,
        "rules": rules_,
        "steps": ["Taking this play proposes the artefacts for retirement; their owners confirm or keep them."],
    }


def proposed(session: Session, node: Node, signals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plays that answer the current alerts and watches, each once with the detectors it answers (alerts
    first) and its detail drawn from their evidence, unless it is already an open action."""
    taken = set(
        session.scalars(select(HealthAction.play).where(HealthAction.node_id == node.id, HealthAction.status == "open"))
    )
    raised = sorted(
        (s for s in signals if s["severity"] in ("alert", "watch")),
        key=lambda s: (s["severity"] != "alert", DETECTORS.index(s["detector"])),
    )
    by_play: dict[str, list[dict[str, Any]]] = {}
    for signal in raised:
        for play in FITS[signal["detector"]]:
            by_play.setdefault(play, []).append(signal)
    out = []
    for play, answered in by_play.items():
        if play in taken:
            continue
        detail = _detail(session, node, play, answered)
        if play == "assign_owners" and not detail["items"]:
            continue
        if play == "right_size" and not (detail["artefacts"] or detail["rules"]):
            continue
        out.append(
            {
                "play": play,
                "title": PLAYS[play],
                "detector": answered[0]["detector"],
                "detectors": [s["detector"] for s in answered],
                "severity": answered[0]["severity"],
                "detail": detail,
            }
        )
    return sorted(out, key=lambda p: (p["severity"] != "alert", list(PLAYS).index(p["play"])))


def action_view(a: HealthAction, owner: str | None) -> dict[str, Any]:
    return {
        "id": a.id,
        "node_id": a.node_id,
        "detector": a.detector,
        "play": a.play,
        "title": a.title,
        "detail": json.loads(a.detail),
        "owner_id": a.owner_id,
        "owner": owner,
        "due_on": a.due_on.isoformat(),
        "status": a.status,
        "outcome": a.outcome,
        "closed_on": a.closed_on.isoformat() if a.closed_on else None,
        "version": a.version,
    }


def actions(session: Session, node_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(HealthAction, Person.name)
        .join(Person, Person.id == HealthAction.owner_id)
        .where(HealthAction.node_id == node_id)
        .order_by(HealthAction.status != "open", HealthAction.due_on, HealthAction.id)
    ).all()
    return [action_view(a, name) for a, name in rows]


@use_case
def take(
    session: Session,
    *,
    actor: Actor,
    node_id: int,
    detector: str,
    play: str,
    owner_id: int,
    due_on: date | None = None,
) -> HealthAction:
    """Take up a proposed play as an action; the right-size play proposes its artefacts for retirement."""
    node = workstream_node(session, actor, node_id, "change.manage")
    if play not in PLAYS:
        raise InvalidInput(f"The play is one of {', '.join(PLAYS)}.")
    if detector not in FITS:
        raise InvalidInput(f"The detector is one of {', '.join(FITS)}.")
    if play not in FITS[detector]:
        raise RuleViolation(f"{PLAYS[play]} is not a response to {detector}; it takes {', '.join(FITS[detector])}.")
    check_person(session, owner_id, "owner")
    today = today_of(session)
    due = due_on or today + timedelta(days=DEFAULT_DAYS)
    if due < today:
        raise InvalidInput(f"The due date {due} is in the past.")
    if session.scalar(
        select(HealthAction.id).where(
            HealthAction.node_id == node.id, HealthAction.play == play, HealthAction.status == "open"
        )
    ):
        raise Conflict(f"{PLAYS[play]} is already an open action.")
    reading = session.scalars(
        select(HealthReading).where(HealthReading.node_id == node.id).order_by(HealthReading.week.desc()).limit(1)
    ).first()
    signals = json.loads(reading.signals)["signals"] if reading else []
    signal = next((s for s in signals if s["detector"] == detector), None)
    if signal is None or signal["severity"] not in ("alert", "watch"):
        raise RuleViolation(f"{detector} raises nothing for {node.name!r} now; run the detectors again first.")
    answered = [signal] + [
        s
        for s in signals
        if s["detector"] != detector and s["severity"] in ("alert", "watch") and play in FITS[s["detector"]]
    ]
    detail = _detail(session, node, play, answered)
    detail["detectors"] = [s["detector"] for s in answered]
    detail["evidence"] = signal["evidence"][:20]
    detail["summary"] = signal["summary"]
    action = HealthAction(
        node_id=node.id,
        detector=detector,
        play=play,
        title=f"{PLAYS[play]} ({detector}: {signal['summary'][:200]})",
        detail=json.dumps(detail, default=str),
        owner_id=owner_id,
        due_on=due,
        created_by=actor.person_id,
    )
    after = {"detector": detector, "play": play, "owner_id": owner_id, "due_on": due.isoformat()}
    audit.record_created(session, actor_id=actor.person_id, row=action, action="health.play", after=after)
    if play == "right_size":
        for item in detail["artefacts"]:
            artefact = session.get(Artefact, item["id"])
            if artefact is not None and artefact.status == "active":
                audit.record_changes(
                    session,
                    actor_id=actor.person_id,
                    row=artefact,
                    changes={"status": "retirement_proposed", "status_reason": f"Right-size play: {item['reason']}"},
                    action="artefact.update",
                )
    return action


@use_case
def update_action(
    session: Session, *, actor: Actor, action_id: int, version: int | None, status: str, outcome: str | None
) -> HealthAction:
    action = load_on_node(session, actor, HealthAction, action_id, "health action", person_attr="owner_id")
    if actor.person_id != action.owner_id:
        workstream_node(session, actor, action.node_id, "change.manage")
    check_version("The action", action.version, version)
    if status not in ACTION_STATUSES:
        raise InvalidInput(f"The status is one of {', '.join(ACTION_STATUSES)}.")
    if status != "open" and not (outcome or "").strip():
        raise InvalidInput("Say what came of the action before closing it.")
    changes: dict[str, Any] = {
        "status": status,
        "outcome": (outcome or "").strip() or action.outcome,
        "closed_on": today_of(session) if status != "open" else None,
    }
    audit.record_changes(session, actor_id=actor.person_id, row=action, changes=changes, action="health.action")
    return action


def outcome_view(o: ViableOutcome, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": o.id,
        "good_looks_like": o.good_looks_like,
        "parts": [{**p, "owner": names.get(p["owner_id"])} for p in json.loads(o.parts)],
        "cadence": json.loads(o.cadence),
        "review_on": o.review_on.isoformat(),
        "agreed_at": o.agreed_at.isoformat(),
        "action_id": o.action_id,
    }


def current_outcome(session: Session, node_id: int) -> dict[str, Any] | None:
    o = session.scalars(
        select(ViableOutcome).where(ViableOutcome.node_id == node_id).order_by(ViableOutcome.id.desc()).limit(1)
    ).first()
    if o is None:
        return None
    return outcome_view(o, _names(session, {p["owner_id"] for p in json.loads(o.parts)}))


@use_case
def agree_outcome(
    session: Session,
    *,
    actor: Actor,
    node_id: int,
    good_looks_like: str,
    parts: list[dict[str, Any]],
    cadence: list[dict[str, Any]],
    review_on: date,
    action_id: int | None = None,
) -> ViableOutcome:
    """Keep the minimum viable outcome as a governance artefact; it replaces the one before (which stays)."""
    node = workstream_node(session, actor, node_id, "change.manage")
    if not good_looks_like.strip():
        raise InvalidInput("Say what good looks like now.")
    clean_parts = []
    for i, p in enumerate(parts or [], start=1):
        if not isinstance(p, dict) or not str(p.get("part") or "").strip() or not isinstance(p.get("owner_id"), int):
            raise InvalidInput(f"Part {i} needs what it is and its owner.")
        check_person(session, p["owner_id"], f"owner of part {i}")
        clean_parts.append({"part": str(p["part"]).strip(), "owner_id": p["owner_id"]})
    if not clean_parts:
        raise InvalidInput("Name at least one part of the process and who owns it.")
    clean_cadence = []
    for i, c in enumerate(cadence or [], start=1):
        if (
            not isinstance(c, dict)
            or not str(c.get("deliverable") or "").strip()
            or not str(c.get("every") or "").strip()
        ):
            raise InvalidInput(f"Deliverable {i} needs what it is and how often.")
        clean_cadence.append({"deliverable": str(c["deliverable"]).strip(), "every": str(c["every"]).strip()})
    if not clean_cadence:
        raise InvalidInput("Set at least one deliverable and its cadence.")
    today = today_of(session)
    if not today < review_on <= today + timedelta(days=366):
        raise InvalidInput("The review date is within the coming year.")
    action = session.get(HealthAction, action_id) if action_id is not None else None
    if action_id is not None and (action is None or action.node_id != node.id):
        raise NotFound(f"There is no health action with id {action_id} here.")
    outcome = ViableOutcome(
        node_id=node.id,
        good_looks_like=good_looks_like.strip(),
        parts=json.dumps(clean_parts),
        cadence=json.dumps(clean_cadence),
        review_on=review_on,
        agreed_by=actor.person_id,
        action_id=action_id,
    )
    after = {"parts": clean_parts, "cadence": clean_cadence, "review_on": review_on.isoformat()}
    audit.record_created(session, actor_id=actor.person_id, row=outcome, action="health.outcome", after=after)
    if action is not None and action.status == "open":
        audit.record_changes(
            session,
            actor_id=actor.person_id,
            row=action,
            changes={"status": "done", "outcome": "Minimum viable outcome agreed.", "closed_on": today},
            action="health.action",
        )
    return outcome
