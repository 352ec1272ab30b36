"""The implementation-health monitor: run the detectors for an implementation (on demand or by the worker's
schedule), keep one reading per week, and show the score with its breakdown, history, trend and evidence; the
portfolio's implementations ordered by health."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from valuegate.adoption.models import SuccessMetric
from valuegate.audit import service as audit
from valuegate.auth.policy import Actor, can, visible_nodes
from valuegate.change.models import LegacyProcess
from valuegate.change.service import workstream_node
from valuegate.context import today_of
from valuegate.db import utcnow
from valuegate.errors import InvalidInput, check_editable, check_version
from valuegate.feeds.models import DataFeed
from valuegate.health import inputs, rules
from valuegate.health.models import Artefact, HealthProfile, HealthReading
from valuegate.health.thresholds import DEFAULTS, Thresholds, as_dict, resolve
from valuegate.portfolio.models import Node
from valuegate.uow import use_case

HISTORY_WEEKS = 12
TRIGGERS = ("schedule", "on_demand")
PROFILE_FIELDS = ("live_on", "maturity_level", "analyst_fte", "thresholds")


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def thresholds_of(profile: HealthProfile | None) -> Thresholds:
    return resolve(json.loads(profile.thresholds)) if profile else DEFAULTS


def profile_view(node_id: int, profile: HealthProfile | None) -> dict[str, Any]:
    overrides = json.loads(profile.thresholds) if profile else {}
    return {
        "node_id": node_id,
        "live_on": profile.live_on.isoformat() if profile and profile.live_on else None,
        "maturity_level": profile.maturity_level if profile else None,
        "analyst_fte": profile.analyst_fte if profile else None,
        "overrides": overrides,
        "thresholds": as_dict(thresholds_of(profile)),
        "defaults": as_dict(DEFAULTS),
        "version": profile.version if profile else 0,
    }


@use_case
def set_profile(
    session: Session, *, actor: Actor, node_id: int, version: int | None, changes: dict[str, Any]
) -> HealthProfile:
    """Go-live date, maturity level (1–5), analyst capacity and threshold overrides of an implementation."""
    node = workstream_node(session, actor, node_id, "change.manage")
    check_editable(changes, PROFILE_FIELDS)
    level = changes.get("maturity_level")
    if level is not None and (isinstance(level, bool) or level not in (1, 2, 3, 4, 5)):
        raise InvalidInput("The maturity level is 1 (initial) to 5 (optimising).")
    fte = changes.get("analyst_fte")
    if fte is not None and (isinstance(fte, bool) or not isinstance(fte, int | float) or not 0 < fte <= 1000):
        raise InvalidInput("The analyst capacity is a number of full-time people above 0.")
    if "thresholds" in changes:
        if not isinstance(changes["thresholds"], dict):
            raise InvalidInput("The thresholds are an object of names and values.")
        resolve(changes["thresholds"])
        changes["thresholds"] = json.dumps(changes["thresholds"], sort_keys=True)
    profile = session.get(HealthProfile, node.id)
    if profile is None:
        check_version("The health profile", 0, version)
        profile = HealthProfile(node_id=node.id, thresholds="{}")
        session.add(profile)
        session.flush()
    else:
        check_version("The health profile", profile.version, version)
    audit.record_changes(session, actor_id=actor.person_id, row=profile, changes=changes, action="health.profile")
    return profile


def detect(session: Session, node: Node, as_of: date) -> tuple[list[rules.Signal], dict[str, Any], Thresholds]:
    """Every detector for an implementation as of a day, and the composite."""
    profile = session.get(HealthProfile, node.id)
    t = thresholds_of(profile)
    _periods, unallocated = inputs.unallocated_series(session, node, as_of)
    signals = [
        rules.w1(inputs.w1(session, node, as_of, t), t),
        rules.w2(inputs.w2(session, node, as_of, t), t),
        rules.w3(inputs.w3(session, node, as_of), t),
        rules.w4(inputs.w4(session, node, as_of, profile), t),
        rules.w5(inputs.w5(session, node, as_of, profile), t),
        rules.dg(inputs.dg(session, node, as_of), unallocated, t),
    ]
    return signals, rules.composite(signals, t), t


def run(session: Session, node: Node, as_of: date, trigger: str) -> HealthReading:
    """Run the detectors and keep the outcome as this week's reading (a later run in the week replaces it)."""
    signals, score, _t = detect(session, node, as_of)
    week = monday(as_of)
    reading = session.scalars(
        select(HealthReading).where(HealthReading.node_id == node.id, HealthReading.week == week)
    ).first()
    if reading is None:
        reading = HealthReading(node_id=node.id, week=week)
        session.add(reading)
    reading.as_of = as_of
    reading.trigger = trigger
    reading.score = score["score"]
    reading.band = score["band"]
    reading.signals = json.dumps({"signals": [s.as_dict() for s in signals], "breakdown": score["breakdown"]})
    reading.summary = json.dumps(
        {
            "detectors": {s.detector: s.severity for s in signals},
            "alerts": [s.summary for s in signals if s.severity == "alert"],
        }
    )
    reading.computed_at = utcnow()
    session.flush()
    return reading


@use_case
def run_now(session: Session, *, actor: Actor, node_id: int) -> dict[str, Any]:
    node = workstream_node(session, actor, node_id, "node.view")
    run(session, node, today_of(session), "on_demand")
    audit.record(
        session, actor_id=actor.person_id, action="health.run", entity_type="node", entity_id=node.id, after={}
    )
    return health(session, actor=actor, node_id=node.id)


def monitored(session: Session) -> list[int]:
    """Implementations the scheduled run covers: those with a catalogue, feeds, legacy processes, success
    metrics or a health profile."""
    q = union(
        select(Artefact.node_id),
        select(DataFeed.node_id),
        select(LegacyProcess.node_id),
        select(SuccessMetric.node_id),
        select(HealthProfile.node_id),
    )
    return sorted(session.scalars(select(q.subquery().c[0])))


def run_scheduled(session: Session, day: date) -> int:
    """The worker's pass: every monitored implementation's reading for this week."""
    ids = monitored(session)
    for node_id in ids:
        node = session.get(Node, node_id)
        if node is not None and node.archived_at is None:
            run(session, node, day, "schedule")
    audit.record(
        session,
        actor_id=None,
        action="health.schedule",
        entity_type="node",
        entity_id=None,
        after={"day": day.isoformat(), "implementations": len(ids)},
    )
    return len(ids)


def reading_view(r: HealthReading) -> dict[str, Any]:
    body = json.loads(r.signals)
    return {
        "week": r.week.isoformat(),
        "as_of": r.as_of.isoformat(),
        "computed_at": r.computed_at.isoformat(),
        "trigger": r.trigger,
        "score": r.score,
        "band": r.band,
        "signals": body["signals"],
        "breakdown": body["breakdown"],
    }


def band_counts(session: Session, *, actor: Actor) -> dict[str, int]:
    """How many monitored implementations the actor may see are in each band (their latest reading)."""
    latest = (
        select(HealthReading.node_id, func.max(HealthReading.week).label("week"))
        .group_by(HealthReading.node_id)
        .subquery()
    )
    q = (
        select(HealthReading.band, func.count())
        .join(latest, (latest.c.node_id == HealthReading.node_id) & (latest.c.week == HealthReading.week))
        .join(Node, Node.id == HealthReading.node_id)
        .where(Node.archived_at.is_(None))
        .group_by(HealthReading.band)
    )
    where = visible_nodes(actor)
    if where is not None:
        q = q.where(where)
    found = dict(session.execute(q).all())
    return {band: int(found.get(band, 0)) for band in ("red", "amber", "green", "unknown")}


@use_case
def health(session: Session, *, actor: Actor, node_id: int) -> dict[str, Any]:
    """The latest reading with its signals, the weekly history and trend, and the profile. When nothing has run
    yet this week, the detectors run now (and the reading is kept)."""
    from valuegate.health import plays

    node = workstream_node(session, actor, node_id, "node.view")
    today = today_of(session)
    history = list(
        session.scalars(
            select(HealthReading)
            .where(
                HealthReading.node_id == node.id, HealthReading.week > monday(today) - timedelta(weeks=HISTORY_WEEKS)
            )
            .order_by(HealthReading.week)
        )
    )
    if not history or history[-1].week != monday(today):
        history.append(run(session, node, today, "on_demand"))
    latest = reading_view(history[-1])
    profile = session.get(HealthProfile, node.id)
    return {
        "node": {"id": node.id, "name": node.name, "kind": node.kind},
        **latest,
        "history": [{"week": r.week.isoformat(), "score": r.score, "band": r.band} for r in history],
        "trend": rules.trend([r.score for r in history]),
        "profile": profile_view(node.id, profile),
        "plays": plays.proposed(session, node, latest["signals"]),
        "actions": plays.actions(session, node.id),
        "outcome": plays.current_outcome(session, node.id),
    }


def portfolio(session: Session, *, actor: Actor, limit: int = 500, offset: int = 0) -> list[dict[str, Any]]:
    """Monitored implementations the actor may see, with their latest reading: red first, then by score."""
    latest = (
        select(HealthReading.node_id, func.max(HealthReading.week).label("week"))
        .group_by(HealthReading.node_id)
        .subquery()
    )
    q = (
        select(
            Node.id,
            Node.name,
            Node.kind,
            HealthReading.week,
            HealthReading.score,
            HealthReading.band,
            HealthReading.summary,
        )
        .join(latest, latest.c.node_id == Node.id)
        .join(HealthReading, (HealthReading.node_id == latest.c.node_id) & (HealthReading.week == latest.c.week))
        .where(Node.archived_at.is_(None))
        .order_by(HealthReading.score.desc().nulls_last(), Node.name, Node.id)
        .limit(limit)
        .offset(offset)
    )
    where = visible_nodes(actor)
    if where is not None:
        q = q.where(where)
    rows = session.execute(q).all()
    recent: dict[int, list[float | None]] = {}
    if rows:
        oldest = min(r.week for r in rows) - timedelta(weeks=2)
        for node_id, score in session.execute(
            select(HealthReading.node_id, HealthReading.score)
            .where(HealthReading.node_id.in_([r.id for r in rows]), HealthReading.week >= oldest)
            .order_by(HealthReading.week)
        ):
            recent.setdefault(node_id, []).append(score)
    out = []
    for r in rows:
        summary = json.loads(r.summary or "{}")
        out.append(
            {
                "node_id": r.id,
                "name": r.name,
                "kind": r.kind,
                "week": r.week.isoformat(),
                "score": r.score,
                "band": r.band,
                "trend": rules.trend(recent.get(r.id, [])),
                "detectors": summary.get("detectors", {}),
                "alerts": summary.get("alerts", []),
            }
        )
    return out


SMALL_ORGANISATION = 150


def involved_people(session: Session, *, actor: Actor, node: Node) -> list[tuple[int, str]]:
    """Whom the forms offer as owners: everyone in a small organisation; in a large one the people already
    involved in this implementation (its roles, stakeholders, champions, data and artefact owners, legacy owners,
    those granted access) and the signed-in person — a list of thousands helps nobody choose."""
    from valuegate.auth.models import NodeGrant
    from valuegate.auth.service import people_choices
    from valuegate.change.models import Champion, Stakeholder

    everyone = people_choices(session, actor=actor)
    if len(everyone) <= SMALL_ORGANISATION:
        return everyone
    ids = {node.owner_id, node.sponsor_id, node.controller_id, actor.person_id}
    for q in (
        select(Stakeholder.person_id).where(Stakeholder.node_id == node.id),
        select(Champion.person_id).where(Champion.node_id == node.id),
        select(DataFeed.owner_id).where(DataFeed.node_id == node.id),
        select(Artefact.owner_id).where(Artefact.node_id == node.id),
        select(LegacyProcess.owner_id).where(LegacyProcess.node_id == node.id),
        select(NodeGrant.person_id).where(NodeGrant.node_id == node.id),
    ):
        ids |= set(session.scalars(q))
    return [(i, n) for i, n in everyone if i in ids]


@dataclass(frozen=True)
class HealthPage:
    """What an implementation's health page shows one person: the health view, the model catalogue, the audience
    groups and people its forms offer, and whether the person may manage it."""

    node: Node
    health: dict[str, Any]
    catalogue: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    everyone: list[tuple[int, str]]
    may_manage: bool


def health_page(session: Session, *, actor: Actor, node_id: int) -> HealthPage:
    from valuegate.change import service as change
    from valuegate.health import catalogue

    view = health(session, actor=actor, node_id=node_id)
    node = workstream_node(session, actor, node_id, "node.view")
    return HealthPage(
        node=node,
        health=view,
        catalogue=catalogue.catalogue(session, actor=actor, node_id=node_id),
        groups=change.groups(session, actor=actor, node_id=node_id),
        everyone=involved_people(session, actor=actor, node=node),
        may_manage=can(session, actor, "change.manage", node),
    )
