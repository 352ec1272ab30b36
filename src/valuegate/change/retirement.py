"""Operational integration: the legacy processes, reports and workflows the new system replaces, with owner,
replacement, retire-by date and status; the double work of running both is made visible."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, load_on_node
from valuegate.change import rules
from valuegate.change.models import LegacyProcess
from valuegate.change.service import check_person, workstream_node
from valuegate.context import today_of
from valuegate.errors import Conflict, InvalidInput, RuleViolation, check_editable, check_version
from valuegate.uow import use_case

EDITABLE = (
    "name",
    "kind",
    "description",
    "owner_id",
    "replacement",
    "retire_by",
    "double_work_hours",
    "people_still_using",
    "usage_system",
)


def _check(values: dict[str, Any]) -> None:
    problems = []
    if "name" in values and not (values["name"] or "").strip():
        problems.append({"field": "name", "problem": "name the process, report or workflow"})
    if "kind" in values and values["kind"] not in rules.LEGACY_KINDS:
        problems.append({"field": "kind", "problem": f"use one of {', '.join(rules.LEGACY_KINDS)}"})
    if "replacement" in values and not (values["replacement"] or "").strip():
        problems.append({"field": "replacement", "problem": "say what replaces it in the new system"})
    for field in ("double_work_hours", "people_still_using"):
        value = values.get(field)
        if value is not None and value < 0:
            problems.append({"field": field, "problem": "a number, 0 or more"})
    if problems:
        raise InvalidInput("The legacy item is not valid; nothing was saved.", errors=problems)


@use_case
def register(
    session: Session,
    *,
    actor: Actor,
    node_id: int,
    name: str,
    kind: str,
    replacement: str,
    retire_by: date,
    owner_id: int | None = None,
    description: str | None = None,
    double_work_hours: int | None = None,
    people_still_using: int | None = None,
    usage_system: str | None = None,
) -> LegacyProcess:
    node = workstream_node(session, actor, node_id, "change.manage")
    values = {
        "name": name,
        "kind": kind,
        "replacement": replacement,
        "retire_by": retire_by,
        "owner_id": owner_id,
        "description": description,
        "double_work_hours": double_work_hours,
        "people_still_using": people_still_using,
        "usage_system": usage_system,
    }
    _check(values)
    check_person(session, owner_id, "owner")
    values["name"] = name.strip()
    if session.scalar(select(LegacyProcess.id).where(LegacyProcess.node_id == node.id, LegacyProcess.name == name)):
        raise Conflict(f"{name.strip()!r} is already on the retirement list here.")
    item = LegacyProcess(node_id=node.id, status="planned", **values)
    audit.record_created(session, actor_id=actor.person_id, row=item, action="legacy.register", after=values)
    return item


@use_case
def update(
    session: Session, *, actor: Actor, item_id: int, version: int | None, changes: dict[str, Any]
) -> LegacyProcess:
    """Change the details, or move the status: planned → parallel (both run) → retired; back when a retirement is
    undone. Retiring needs no one still using it."""
    item = load_on_node(session, actor, LegacyProcess, item_id, "legacy item")
    workstream_node(session, actor, item.node_id, "change.manage")
    check_version("The legacy item", item.version, version)
    check_editable(changes, {*EDITABLE, "status"})
    _check(changes)
    check_person(session, changes.get("owner_id"), "owner")
    today = today_of(session)
    status = changes.get("status")
    if status is not None and status != item.status:
        if status not in rules.LEGACY_STATUSES:
            raise InvalidInput(f"Use one of {', '.join(rules.LEGACY_STATUSES)} as the status.")
        if status not in rules.LEGACY_MOVES[item.status]:
            raise RuleViolation(f"A legacy item cannot go from {item.status} to {status}.")
        still = changes.get("people_still_using", item.people_still_using) or 0
        if status == "retired" and still > 0:
            raise RuleViolation(f"{still} people still use {item.name!r}; move them first, then retire it.")
        if status == "parallel":
            changes["parallel_since"] = today
        changes["retired_on"] = today if status == "retired" else None
    audit.record_changes(session, actor_id=actor.person_id, row=item, changes=changes, action="legacy.update")
    return item


def view(item: LegacyProcess, owner: str | None, today: date) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "kind": item.kind,
        "description": item.description,
        "owner_id": item.owner_id,
        "owner": owner,
        "replacement": item.replacement,
        "retire_by": item.retire_by.isoformat(),
        "status": item.status,
        "parallel_since": item.parallel_since.isoformat() if item.parallel_since else None,
        "retired_on": item.retired_on.isoformat() if item.retired_on else None,
        "double_work_hours": item.double_work_hours,
        "people_still_using": item.people_still_using,
        "usage_system": item.usage_system,
        "flags": rules.legacy_flags(item.status, item.retire_by, today, item.parallel_since, item.double_work_hours),
        "version": item.version,
    }


def retirement_list(session: Session, *, actor: Actor, node_id: int) -> dict[str, Any]:
    node = workstream_node(session, actor, node_id, "node.view")
    today = today_of(session)
    rows = session.execute(
        select(LegacyProcess, Person.name)
        .outerjoin(Person, Person.id == LegacyProcess.owner_id)
        .where(LegacyProcess.node_id == node.id)
        .order_by(LegacyProcess.retire_by, LegacyProcess.name)
    ).all()
    items = [view(item, owner, today) for item, owner in rows]
    parallel = [i for i in items if i["status"] == "parallel"]
    return {
        "node_id": node.id,
        "items": items,
        "counts": {s: sum(1 for i in items if i["status"] == s) for s in rules.LEGACY_STATUSES},
        "double_work_hours_per_week": sum(i["double_work_hours"] or 0 for i in parallel),
        "overdue": sum(1 for i in items if "retirement_overdue" in i["flags"]),
        "without_owner": sum(1 for i in items if i["owner_id"] is None and i["status"] != "retired"),
    }
