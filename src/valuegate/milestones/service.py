"""Milestones: add, update, complete, remove; each change re-derives the implementation status."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.policy import Actor, load_on_node, require
from valuegate.context import settings_of, today_of
from valuegate.db import utcnow
from valuegate.errors import InvalidInput, RuleViolation, check_version
from valuegate.milestones.models import Milestone
from valuegate.portfolio.service import get_measure
from valuegate.rollups.service import tracking
from valuegate.uow import use_case


def milestone_view(m: Milestone) -> dict[str, Any]:
    return {
        "id": m.id,
        "measure_id": m.measure_id,
        "name": m.name,
        "due_on": m.due_on.isoformat(),
        "forecast_on": m.forecast_on.isoformat() if m.forecast_on else None,
        "done_on": m.done_on.isoformat() if m.done_on else None,
        "version": m.version,
    }


def _editable(session: Session, actor: Actor, measure_id: int) -> None:
    node, measure = get_measure(session, measure_id, actor=actor)
    require(session, actor, "milestone.edit", node)
    if measure.stage in ("closed", "cancelled") or node.archived_at is not None:
        raise RuleViolation(f"Measure {node.name!r} is {measure.stage}; its milestones are final.")


@use_case
def add_milestone(
    session: Session,
    *,
    actor: Actor,
    measure_id: int,
    name: str,
    due_on: date,
    forecast_on: date | None = None,
) -> Milestone:
    _editable(session, actor, measure_id)
    if not name.strip():
        raise InvalidInput("A milestone needs a name.")
    with tracking(session, settings_of(session), [measure_id], today_of(session)):
        m = Milestone(measure_id=measure_id, name=name.strip(), due_on=due_on, forecast_on=forecast_on)
        session.add(m)
        _touch(session, measure_id)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="milestone.create",
        entity_type="milestone",
        entity_id=m.id,
        measure_id=measure_id,
        after=milestone_view(m),
    )
    return m


def _touch(session: Session, measure_id: int) -> None:
    _node, measure = get_measure(session, measure_id)
    measure.last_update_at = utcnow()


@use_case
def update_milestone(
    session: Session, *, actor: Actor, milestone_id: int, version: int | None, changes: dict[str, Any]
) -> Milestone:
    m = load_on_node(session, actor, Milestone, milestone_id, "milestone", node_attr="measure_id")
    _editable(session, actor, m.measure_id)
    check_version("The milestone", m.version, version)
    unknown = set(changes) - {"name", "due_on", "forecast_on", "done_on"}
    if unknown:
        raise InvalidInput(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    if "name" in changes and not (changes["name"] or "").strip():
        raise InvalidInput("A milestone needs a name.")
    if changes.get("done_on") and changes["done_on"] > today_of(session):
        raise InvalidInput("A milestone cannot be done in the future.")
    before = milestone_view(m)
    with tracking(session, settings_of(session), [m.measure_id], today_of(session)):
        for key, value in changes.items():
            setattr(m, key, value)
        _touch(session, m.measure_id)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="milestone.update",
        entity_type="milestone",
        entity_id=m.id,
        measure_id=m.measure_id,
        before=before,
        after=milestone_view(m),
    )
    return m


@use_case
def delete_milestone(session: Session, *, actor: Actor, milestone_id: int, version: int | None) -> None:
    m = load_on_node(session, actor, Milestone, milestone_id, "milestone", node_attr="measure_id")
    _editable(session, actor, m.measure_id)
    check_version("The milestone", m.version, version)
    before = milestone_view(m)
    with tracking(session, settings_of(session), [m.measure_id], today_of(session)):
        session.delete(m)
        _touch(session, before["measure_id"])
    audit.record(
        session,
        actor_id=actor.person_id,
        action="milestone.delete",
        entity_type="milestone",
        entity_id=milestone_id,
        measure_id=before["measure_id"],
        before=before,
    )


def milestones_of(session: Session, *, actor: Actor, measure_id: int) -> list[Milestone]:
    """A measure's milestones by due date, for those who may see the measure."""
    get_measure(session, measure_id, actor=actor)
    q = select(Milestone).where(Milestone.measure_id == measure_id).order_by(Milestone.due_on)
    return list(session.scalars(q))
