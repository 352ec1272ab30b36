"""Use-cases of success metrics: define them on a workstream, record readings of metrics measured elsewhere, and
compute each metric's current value, target, trend and the hint a low score calls for (the adoption dashboard)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from valuegate.adoption import rules
from valuegate.adoption.models import (
    AudienceMember,
    MetricPoint,
    MetricReading,
    SuccessMetric,
    UsageActor,
    UsageDay,
)
from valuegate.adoption.rules import Activity
from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, can, load_on_node
from valuegate.auth.service import people_choices
from valuegate.change import service as change_service
from valuegate.change.models import AudienceGroup
from valuegate.change.service import workstream_node
from valuegate.context import today_of
from valuegate.db import WRITE
from valuegate.errors import InvalidInput, check_editable, check_version
from valuegate.portfolio.models import Node
from valuegate.uow import use_case

FIELDS = (
    "name",
    "kind",
    "system",
    "events",
    "start_event",
    "end_event",
    "legacy_system",
    "audience_group_id",
    "window_days",
    "min_active_days",
    "target",
    "comparator",
    "target_date",
    "collection_method",
    "data_owner_id",
    "behaviour",
)
TREND_WEEKS = 4
LIFECYCLE_WEEKS = 4


def _check(session: Session, node: Node, values: dict[str, Any], current: SuccessMetric | None) -> dict[str, Any]:
    problems: list[dict[str, str]] = []

    def bad(field: str, problem: str) -> None:
        problems.append({"field": field, "problem": problem})

    def get(field: str) -> Any:
        return values[field] if field in values else getattr(current, field, None)

    kind = get("kind")
    if kind not in rules.KINDS:
        bad("kind", f"use one of {', '.join(rules.KINDS)}")
    if "name" in values and not (values["name"] or "").strip():
        bad("name", "name the metric")
    if get("collection_method") not in rules.COLLECTION_METHODS:
        bad("collection_method", f"use one of {', '.join(rules.COLLECTION_METHODS)}")
    if get("comparator") not in (">=", "<="):
        bad("comparator", "use >= (at least the target) or <= (at most the target)")
    if "events" in values and values["events"] is not None:
        events = [e.strip() for e in values["events"].split(",") if e.strip()]
        values["events"] = ",".join(dict.fromkeys(events)) or None
    if kind in rules.KINDS and kind not in rules.EVENT_FREE:
        if not get("system"):
            bad("system", "say which system's usage events this metric reads")
        if kind in ("feature_adoption", "breadth", "depth") and not get("events"):
            bad("events", "list the key events, separated by commas")
        if kind == "task_completion" and not (get("start_event") and get("end_event")):
            bad("start_event", "a task has a start event and an end event")
        if kind == "legacy_ratio" and not get("legacy_system"):
            bad("legacy_system", "name the legacy system whose usage is compared")
        if kind == "ttfv" and not (get("events") and get("audience_group_id")):
            bad("events", "time to first value needs the value event(s) and an audience (access dates)")
    window = get("window_days")
    window = 30 if window is None else window
    if not isinstance(window, int) or not 1 <= window <= 365:
        bad("window_days", "a window of 1 to 365 days")
    min_days = get("min_active_days")
    min_days = 3 if min_days is None else min_days
    if not isinstance(min_days, int) or not 1 <= min_days <= max(window, 1):
        bad("min_active_days", "at least 1 day and no more than the window")
    target = get("target")
    if target is not None and rules.KINDS.get(kind, {}).get("unit") == "share" and not 0 <= target <= 1:
        bad("target", "a share between 0 and 1 (0.6 for 60 %)")
    group = get("audience_group_id")
    if group is not None:
        g = session.get(AudienceGroup, group)
        if g is None or g.node_id != node.id:
            bad("audience_group_id", f"there is no audience group {group} in {node.name!r}")
    owner = values.get("data_owner_id")
    if owner is not None and session.get(Person, owner) is None:
        bad("data_owner_id", f"there is no person with id {owner}")
    if problems:
        raise InvalidInput("The success metric is not valid; nothing was saved.", errors=problems)
    return values


@use_case
def define_metric(session: Session, *, actor: Actor, node_id: int, **values: Any) -> SuccessMetric:
    node = workstream_node(session, actor, node_id, "change.manage")
    values.setdefault("comparator", rules.KINDS.get(values.get("kind", ""), {}).get("comparator", ">="))
    values.setdefault("collection_method", "event_stream")
    values = _check(session, node, values, None)
    metric = SuccessMetric(node_id=node.id, **{k: v for k, v in values.items() if v is not None})
    metric.name = metric.name.strip()
    audit.record_created(session, actor_id=actor.person_id, row=metric, action="metric.define", after=values)
    return metric


@use_case
def update_metric(
    session: Session, *, actor: Actor, metric_id: int, version: int | None, changes: dict[str, Any]
) -> SuccessMetric:
    metric = _metric(session, metric_id, actor)
    node = workstream_node(session, actor, metric.node_id, "change.manage")
    check_version("The metric", metric.version, version)
    check_editable(changes, FIELDS)
    changes = _check(session, node, changes, metric)
    audit.record_changes(session, actor_id=actor.person_id, row=metric, changes=changes, action="metric.update")
    return metric


@use_case
def record_reading(
    session: Session,
    *,
    actor: Actor,
    metric_id: int,
    value: float,
    measured_on: date | None = None,
    note: str | None = None,
) -> MetricReading:
    """A value measured outside Valuegate (a survey, an attestation)."""
    metric = _metric(session, metric_id, actor)
    workstream_node(session, actor, metric.node_id, "change.manage")
    if metric.kind not in rules.EVENT_FREE:
        raise InvalidInput("This metric is computed from usage events; readings are for metrics measured elsewhere.")
    day = measured_on or today_of(session)
    if day > today_of(session):
        raise InvalidInput("A reading cannot be dated in the future.")
    reading = MetricReading(metric_id=metric.id, measured_on=day, value=value, note=note, recorded_by=actor.person_id)
    audit.record_created(
        session, actor_id=actor.person_id, row=reading, action="metric.reading", after={"value": value, "on": day}
    )
    return reading


def _metric(session: Session, metric_id: int, actor: Actor) -> SuccessMetric:
    """The success metric, not found unless the actor may see its workstream (as for no such id)."""
    return load_on_node(session, actor, SuccessMetric, metric_id, "success metric")


# --- computing --------------------------------------------------------------------------------------------------


def _group_ids(session: Session, group_id: int) -> list[int]:
    """A group and every group nested in it."""
    node_id = session.scalar(select(AudienceGroup.node_id).where(AudienceGroup.id == group_id))
    children: dict[int | None, list[int]] = defaultdict(list)
    for gid, parent in session.execute(
        select(AudienceGroup.id, AudienceGroup.parent_id).where(AudienceGroup.node_id == node_id)
    ):
        children[parent].append(gid)
    found, todo = [], [group_id]
    while todo:
        g = todo.pop()
        found.append(g)
        todo.extend(children.get(g, []))
    return found


def _audience(session: Session, group_id: int | None) -> dict[str, date] | None:
    """The audience's members and since when they have access; ``None`` for "everyone who uses the system"."""
    if group_id is None:
        return None
    access: dict[str, date] = {}
    for key, since in session.execute(
        select(AudienceMember.actor_key, AudienceMember.since).where(
            AudienceMember.group_id.in_(_group_ids(session, group_id))
        )
    ):
        access[key] = min(since, access.get(key, since))
    return access


PER_DAY_KINDS = ("active_users", "frequency", "stickiness", "lifecycle", "legacy_ratio")


def _activity(
    session: Session,
    system: str,
    start: date,
    end: date,
    eligible: set[str] | None,
    events: set[str] | None,
    *,
    per_day: bool,
) -> list[Activity]:
    """Activity rows read for one metric: only its events, and summed per actor and day when the metric does not
    look at which event it was (so the database does the reducing, not Python)."""
    where = [UsageDay.system == system, UsageDay.day >= start, UsageDay.day <= end]
    if events:
        where.append(UsageDay.event.in_(sorted(events)))
    if per_day:
        q = (
            select(UsageDay.actor_key, UsageDay.day, func.sum(UsageDay.count))
            .where(*where)
            .group_by(UsageDay.actor_key, UsageDay.day)
        )
        rows = session.execute(q)
        return [Activity(a, d, "*", int(c)) for a, d, c in rows if eligible is None or a in eligible]
    q2 = select(UsageDay.actor_key, UsageDay.day, UsageDay.event, UsageDay.count).where(*where)
    return [Activity(a, d, e, c) for a, d, e, c in session.execute(q2) if eligible is None or a in eligible]


def _events_read(metric: SuccessMetric) -> set[str] | None:
    if metric.kind == "task_completion":
        return {metric.start_event or "", metric.end_event or ""}
    if metric.kind in ("frequency", "stickiness", "lifecycle", "legacy_ratio"):
        return None
    return set(metric.events.split(",")) if metric.events else None


def _compute(
    metric: SuccessMetric,
    as_of: date,
    rows: list[Activity],
    access: dict[str, date] | None,
    first_seen: dict[str, date],
    legacy: list[Activity],
) -> dict[str, Any]:
    eligible = set(access) if access is not None else None
    days = metric.window_days
    events = set(metric.events.split(",")) if metric.events else set()
    kind = metric.kind
    if kind == "active_users":
        return rules.active_users(rows, eligible, as_of, days)
    if kind == "feature_adoption":
        return rules.feature_adoption(rows, eligible, as_of, days, events)
    if kind == "breadth":
        return rules.breadth(rows, eligible, as_of, days, events)
    if kind == "depth":
        return rules.depth(rows, eligible, as_of, days, events, metric.min_active_days)
    if kind == "frequency":
        return rules.frequency(rows, eligible, as_of, days)
    if kind == "stickiness":
        return rules.stickiness(rows, eligible, as_of, days)
    if kind == "task_completion":
        return rules.task_completion(rows, eligible, as_of, days, metric.start_event or "", metric.end_event or "")
    if kind == "ttfv":
        first: dict[str, date] = {}
        for r in rows:
            if r.day <= as_of and (r.actor not in first or r.day < first[r.actor]):
                first[r.actor] = r.day
        return rules.time_to_first_value(first, access or {}, as_of)
    if kind == "lifecycle":
        return rules.lifecycle(rows, eligible, first_seen, as_of, LIFECYCLE_WEEKS)
    if kind == "legacy_ratio":
        return rules.legacy_ratio(rows, legacy, eligible, as_of, days)
    raise InvalidInput(f"Unknown metric kind {kind!r}.")


def _first_seen(session: Session, system: str) -> dict[str, date]:
    """When each actor was first seen in a system (over all time, not just the rows read)."""
    q = select(UsageActor.actor_key, UsageActor.first_day).where(UsageActor.system == system)
    return {key: day for key, day in session.execute(q)}


def _computed_points(
    session: Session, metric: SuccessMetric, days: list[date]
) -> dict[date, tuple[float | None, dict[str, Any]]]:
    """Compute a metric on several dates from one read of its activity."""
    access = _audience(session, metric.audience_group_id)
    eligible = set(access) if access is not None else None
    first_day = min(days)
    earliest = first_day - timedelta(days=max(metric.window_days, 7 * (LIFECYCLE_WEEKS + 1)) + 30)
    if metric.kind == "ttfv":
        earliest = min(access.values(), default=earliest) if access else date(1970, 1, 1)
    end = max(days)
    rows = _activity(
        session,
        metric.system or "",
        earliest,
        end,
        eligible,
        _events_read(metric),
        per_day=metric.kind in PER_DAY_KINDS,
    )
    first_seen = _first_seen(session, metric.system or "") if metric.kind == "lifecycle" else {}
    legacy = (
        _activity(session, metric.legacy_system or "", earliest, end, eligible, None, per_day=True)
        if metric.kind == "legacy_ratio"
        else []
    )
    out: dict[date, tuple[float | None, dict[str, Any]]] = {}
    for day in days:
        result = _compute(
            metric, day, [r for r in rows if r.day <= day], access, first_seen, [r for r in legacy if r.day <= day]
        )
        value = result.pop("value")
        out[day] = (value, result)
    return out


def _trend_days(as_of: date) -> list[date]:
    return [as_of - timedelta(days=7 * back) for back in range(TREND_WEEKS, -1, -1)]


def _kept(session: Session, metric_ids: list[int], days: list[date]) -> dict[int, dict[date, MetricPoint]]:
    """Kept values of several metrics on the given dates, in one read."""
    kept: dict[int, dict[date, MetricPoint]] = defaultdict(dict)
    if metric_ids:
        q = select(MetricPoint).where(MetricPoint.metric_id.in_(metric_ids), MetricPoint.on_date.in_(days))
        for p in session.scalars(q):
            kept[p.metric_id][p.on_date] = p
    return kept


def _points(
    session: Session, metric: SuccessMetric, as_of: date, kept: dict[date, MetricPoint] | None = None
) -> tuple[list[tuple[date, float | None]], dict[str, Any]]:
    """The metric at the end of each of the last weeks and on ``as_of``: kept values where there are, the rest
    computed from one read (and kept, in a write session: the worker's daily pass keeps them for the pages)."""
    days = _trend_days(as_of)
    if kept is None:
        kept = _kept(session, [metric.id], days)[metric.id]
    missing = [d for d in days if d not in kept]
    fresh = _computed_points(session, metric, missing) if missing else {}
    for day, (value, detail) in fresh.items() if session.info.get(WRITE) else ():
        session.add(
            MetricPoint(
                metric_id=metric.id,
                on_date=day,
                system=metric.system or "",
                value=value,
                detail=json.dumps(detail, default=str),
            )
        )
    values = {d: (p.value, json.loads(p.detail)) for d, p in kept.items()} | fresh
    return [(d, values[d][0]) for d in days], values[as_of][1]


def evaluate(
    session: Session,
    metric: SuccessMetric,
    as_of: date,
    *,
    kept: dict[date, MetricPoint] | None = None,
    readings: list[tuple[date, float]] | None = None,
) -> dict[str, Any]:
    """The metric now and at the end of each of the previous weeks, with target, status and hint."""
    spec = rules.KINDS[metric.kind]
    points: list[tuple[date, float | None]] = []
    detail: dict[str, Any] = {}
    if metric.kind in rules.EVENT_FREE:
        if readings is None:
            readings = _readings(session, [metric.id], as_of)[metric.id]
        points = [(d, v) for d, v in readings[-(TREND_WEEKS + 1) :]]
        detail = {"readings": len(readings)}
    else:
        points, detail = _points(session, metric, as_of, kept)
    value = points[-1][1] if points else None
    met = rules.meets(value, metric.target, metric.comparator)
    return {
        "id": metric.id,
        "name": metric.name,
        "kind": metric.kind,
        "label": spec["label"],
        "unit": spec["unit"],
        "system": metric.system,
        "events": metric.events.split(",") if metric.events else [],
        "audience_group_id": metric.audience_group_id,
        "window_days": metric.window_days,
        "value": value,
        "target": metric.target,
        "comparator": metric.comparator,
        "target_date": metric.target_date.isoformat() if metric.target_date else None,
        "meets_target": met,
        "trend": rules.trend([v for _d, v in points]),
        "points": [{"date": d.isoformat(), "value": v} for d, v in points],
        "hint": spec["hint"] if met is False else None,
        "collection_method": metric.collection_method,
        "weak_evidence": metric.collection_method == "manual_attestation",
        "behaviour": metric.behaviour,
        "detail": detail,
        "version": metric.version,
    }


def _readings(session: Session, metric_ids: list[int], as_of: date) -> dict[int, list[tuple[date, float]]]:
    found: dict[int, list[tuple[date, float]]] = defaultdict(list)
    if metric_ids:
        q = (
            select(MetricReading.metric_id, MetricReading.measured_on, MetricReading.value)
            .where(MetricReading.metric_id.in_(metric_ids), MetricReading.measured_on <= as_of)
            .order_by(MetricReading.measured_on, MetricReading.id)
        )
        for metric_id, day, value in session.execute(q):
            found[metric_id].append((day, value))
    return found


def refresh_points(session: Session, day: date) -> int:
    """The daily pass: compute and keep every event-based metric's points up to ``day`` (what the pages read)."""
    metrics = list(session.scalars(select(SuccessMetric).where(SuccessMetric.kind.not_in(rules.EVENT_FREE))))
    for metric in metrics:
        _points(session, metric, day)
    return len(metrics)


def dashboard(session: Session, *, actor: Actor, node_id: int, as_of: date | None = None) -> dict[str, Any]:
    """Every success metric of a workstream, evaluated."""
    node = workstream_node(session, actor, node_id, "node.view")
    day = as_of or today_of(session)
    metrics = list(
        session.scalars(select(SuccessMetric).where(SuccessMetric.node_id == node.id).order_by(SuccessMetric.id))
    )
    ids = [m.id for m in metrics]
    kept = _kept(session, ids, _trend_days(day))
    readings = _readings(session, ids, day)
    views = [evaluate(session, m, day, kept=kept[m.id], readings=readings[m.id]) for m in metrics]
    return {
        "node_id": node.id,
        "as_of": day.isoformat(),
        "metrics": views,
        "below_target": sum(1 for v in views if v["meets_target"] is False),
        "no_data": sum(1 for v in views if v["value"] is None),
    }


@dataclass(frozen=True)
class AdoptionPage:
    """What the adoption dashboard of a program or project shows, read for one person."""

    node: Node
    board: dict[str, Any]
    groups: list[dict[str, Any]]
    may_manage: bool
    everyone: list[tuple[int, str]]


def adoption_page(session: Session, *, actor: Actor, node_id: int) -> AdoptionPage:
    node = workstream_node(session, actor, node_id, "node.view")
    may_manage = can(session, actor, "change.manage", node)
    return AdoptionPage(
        node=node,
        board=dashboard(session, actor=actor, node_id=node_id),
        groups=change_service.groups(session, actor=actor, node_id=node_id),
        may_manage=may_manage,
        everyone=people_choices(session, actor=actor) if may_manage else [],
    )
