"""Value series: entering plan, forecast and actual figures; the baseline; re-baselining."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.policy import Actor, check_visible, not_found_text, require, roles_on
from valuegate.context import settings_of, today_of
from valuegate.db import utcnow
from valuegate.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
    check_version,
)
from valuegate.finance import rules as fin
from valuegate.finance.models import Rebaseline, ValueFact
from valuegate.portfolio.models import Measure, Node
from valuegate.portfolio.service import get_measure
from valuegate.rollups.service import current_values, tracking, with_estimate
from valuegate.uow import use_case

FROZEN_FROM = ("decided", "implemented", "closed")


@dataclass(frozen=True)
class Entry:
    kind: str
    period: str
    amount: int | None  # None removes the figure


def parse_entries(raw: list[dict[str, Any]]) -> list[Entry]:
    """Validate a list of {kind, period, amount}; every problem is reported at once, nothing is written."""
    errors, entries, seen = [], [], set()
    for i, item in enumerate(raw):
        kind, period, amount = item.get("kind", "recurring"), item.get("period"), item.get("amount")
        where = f"entry {i + 1}"
        if kind not in fin.KINDS:
            errors.append({"at": where, "problem": f"unknown kind {kind!r}; use one of {', '.join(fin.KINDS)}"})
            continue
        try:
            fin.parse_period(str(period))
        except ValueError as exc:
            errors.append({"at": where, "problem": str(exc)})
            continue
        if amount is not None:
            try:
                fin.check_amount(amount)
                fin.check_sign(kind, "value", amount)
            except ValueError as exc:
                errors.append({"at": where, "problem": str(exc)})
                continue
        if (kind, period) in seen:
            errors.append({"at": where, "problem": f"{kind} {period} is given twice"})
            continue
        seen.add((kind, period))
        entries.append(Entry(kind, str(period), amount))
    if errors:
        raise InvalidInput("Some figures are not valid; nothing was saved.", errors=errors)
    if not entries:
        raise InvalidInput("No figures were given.")
    return entries


def _write_facts(
    session: Session,
    measure_id: int,
    series: str,
    entries: list[Entry],
    actor_id: int | None,
    now: datetime,
    source: str,
) -> list[dict[str, Any]]:
    """Close the current facts for the given keys and add the new ones. Returns the changes made."""
    current = current_values(session, [measure_id])[measure_id]
    changes = []
    for e in entries:
        old = current.get((series, e.kind), {}).get(e.period)
        if old == e.amount:
            continue
        if old is not None:
            session.execute(
                update(ValueFact)
                .where(
                    ValueFact.measure_id == measure_id,
                    ValueFact.series == series,
                    ValueFact.kind == e.kind,
                    ValueFact.period == e.period,
                    ValueFact.valid_to.is_(None),
                )
                .values(valid_to=now)
            )
        if e.amount is not None:
            session.add(
                ValueFact(
                    measure_id=measure_id,
                    series=series,
                    kind=e.kind,
                    period=e.period,
                    amount=e.amount,
                    recorded_at=now,
                    recorded_by=actor_id,
                    source=source,
                )
            )
        changes.append({"kind": e.kind, "period": e.period, "from": old, "to": e.amount})
    return changes


def set_values(
    session: Session,
    *,
    actor: Actor,
    measure_id: int,
    series: str,
    entries: list[Entry],
    values_version: int | None,
    reason: str | None = None,
    source: str = "manual",
) -> Measure:
    """Enter figures of one series. A stale ``values_version`` is refused and changes nothing."""
    return set_figures(
        session,
        actor=actor,
        measure_id=measure_id,
        by_series={series: entries},
        values_version=values_version,
        reason=reason,
        source=source,
    )


def editable_series(session: Session, actor: Actor, node: Node, measure: Measure) -> list[str]:
    """The series this person may enter on this measure now (what the value grid offers as inputs)."""
    out = []
    for series in fin.SERIES:
        try:
            _check_series(session, actor, node, measure, series)
            _check_open(node, measure, [series])
        except DomainError:
            continue
        out.append(series)
    return out


def may_enter_actuals(session: Session, roles: set[str]) -> bool:
    """Whether these roles on a measure let a person enter its actuals: its controller, or finance (the
    configured roles)."""
    return bool({"controller"} & roles or set(settings_of(session).actuals_roles) & roles)


def check_actuals_rights(session: Session, actor: Actor, node: Node) -> None:
    """Actuals are entered by the measure's controller or by finance (the configured roles)."""
    if not may_enter_actuals(session, roles_on(session, actor, node)):
        raise PermissionDenied(
            f"{actor.name} may not enter actuals on measure {node.name!r}: actuals are entered by its "
            "controller or by finance."
        )


def _check_series(session: Session, actor: Actor, node: Node, measure: Measure, series: str) -> None:
    if series not in fin.SERIES:
        raise InvalidInput(f"Unknown series {series!r}; use one of {', '.join(fin.SERIES)}.")
    if series == "actual":
        check_actuals_rights(session, actor, node)
    else:
        require(session, actor, f"values.{series}", node)


def _check_open(node: Node, measure: Measure, series: Iterable[str]) -> None:
    if node.archived_at is not None or measure.stage in ("closed", "cancelled"):
        raise RuleViolation(
            f"Measure {node.name!r} is {'archived' if node.archived_at else measure.stage}; its figures are final."
        )
    if "plan" in series and measure.stage in FROZEN_FROM:
        raise RuleViolation(
            "The plan is frozen as the baseline since the measure was Decided; request a re-baseline "
            "(approved by the sponsor and the controller) to change it."
        )


@use_case
def set_figures(
    session: Session,
    *,
    actor: Actor,
    measure_id: int,
    by_series: dict[str, list[Entry]],
    values_version: int | None,
    reason: str | None = None,
    source: str = "manual",
) -> Measure:
    """Enter figures of one or more series in one change: all are written or none.

    A stale ``values_version`` is refused and changes nothing; so is a series the person may not enter.
    """
    node, measure = get_measure(session, measure_id, actor=actor)
    for series in by_series:
        if series not in fin.SERIES:
            raise InvalidInput(f"Unknown series {series!r}; use one of {', '.join(fin.SERIES)}.")
    for series in by_series:
        _check_series(session, actor, node, measure, series)
    check_version("The figures of this measure", measure.values_version, values_version)
    _check_open(node, measure, by_series)
    settings = settings_of(session)
    now = utcnow()
    changed: dict[str, list[dict[str, Any]]] = {}
    with tracking(session, settings, [measure_id], today_of(session)):
        for series, entries in by_series.items():
            changes = _write_facts(session, measure_id, series, entries, actor.person_id, now, source)
            if changes:
                changed[series] = changes
        if not changed:
            raise Conflict("Nothing changed: these figures are already recorded.")
        measure.values_version += 1
        measure.last_update_at = now
        if any(e.kind == "one_time_cost" for e in by_series.get("plan", [])):
            measure.one_time_costs_declared = True
    for series, changes in changed.items():
        audit.record(
            session,
            actor_id=actor.person_id,
            action=f"values.{series}",
            entity_type="measure",
            entity_id=measure_id,
            measure_id=measure_id,
            after={"series": series, "changes": changes},
            reason=reason,
        )
    return measure


def freeze_baseline(session: Session, measure_id: int, actor_id: int | None, now: datetime) -> list[dict[str, Any]]:
    """Copy the current plan into the baseline (called inside the Decided transition)."""
    values = current_values(session, [measure_id])[measure_id]
    entries = []
    for kind in fin.KINDS:
        plan = values.get(("plan", kind), {})
        base = values.get(("baseline", kind), {})
        entries += [Entry(kind, p, a) for p, a in plan.items()]
        entries += [Entry(kind, p, None) for p in base if p not in plan]
    return _write_facts(session, measure_id, "baseline", entries, actor_id, now, "baseline")


def measure_values(session: Session, measure_id: int, *, as_of: datetime | None = None) -> dict[str, Any]:
    """The figures of a measure by series and kind, with totals and run-rates (optionally as known then)."""
    if as_of is None:
        values = current_values(session, [measure_id])[measure_id]
    else:
        values = {}
        rows = session.execute(
            select(ValueFact.series, ValueFact.kind, ValueFact.period, ValueFact.amount).where(
                ValueFact.measure_id == measure_id,
                ValueFact.recorded_at <= as_of,
                or_(ValueFact.valid_to.is_(None), ValueFact.valid_to > as_of),
            )
        )
        for series, kind, period, amount in rows:
            values.setdefault((series, kind), {})[period] = amount
    full = with_estimate(values)
    out: dict[str, Any] = {}
    for (series, kind), by_period in sorted(full.items()):
        out.setdefault(series, {})[kind] = {
            "periods": dict(sorted(by_period.items())),
            "total": sum(by_period.values()),
            "run_rate": fin.run_rate(by_period, kind),
        }
    return out


def value_history(session: Session, measure_id: int) -> list[dict[str, Any]]:
    rows = session.scalars(select(ValueFact).where(ValueFact.measure_id == measure_id).order_by(ValueFact.id))
    return [
        {
            "series": f.series,
            "kind": f.kind,
            "period": f.period,
            "amount": f.amount,
            "recorded_at": f.recorded_at.isoformat(),
            "recorded_by": f.recorded_by,
            "valid_to": f.valid_to.isoformat() if f.valid_to else None,
            "source": f.source,
        }
        for f in rows
    ]


@use_case
def request_rebaseline(
    session: Session, *, actor: Actor, measure_id: int, reason: str, entries: list[Entry]
) -> Rebaseline:
    node, measure = get_measure(session, measure_id, actor=actor)
    require(session, actor, "values.plan", node)
    if measure.stage not in ("decided", "implemented"):
        raise RuleViolation("Only a Decided or Implemented measure has a baseline to change; edit the plan directly.")
    if not reason or not reason.strip():
        raise InvalidInput("A re-baseline needs a reason.")
    pending = session.scalar(
        select(Rebaseline.id).where(Rebaseline.measure_id == measure_id, Rebaseline.status == "pending")
    )
    if pending:
        raise Conflict(f"Re-baseline request {pending} is still pending for this measure.")
    rb = Rebaseline(
        measure_id=measure_id,
        requested_by=actor.person_id,
        reason=reason.strip(),
        proposed=[{"kind": e.kind, "period": e.period, "amount": e.amount} for e in entries],
    )
    session.add(rb)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="rebaseline.request",
        entity_type="rebaseline",
        entity_id=rb.id,
        measure_id=measure_id,
        after={"proposed": rb.proposed},
        reason=rb.reason,
    )
    return rb


@use_case
def decide_rebaseline(
    session: Session,
    *,
    actor: Actor,
    rebaseline_id: int,
    approve: bool,
    comment: str | None = None,
    version: int | None = None,
) -> Rebaseline:
    """The sponsor and the controller each approve; the new plan and baseline apply once both have."""
    rb = session.get(Rebaseline, rebaseline_id)
    if rb is None:
        raise NotFound(not_found_text("re-baseline request", rebaseline_id))
    node = session.get(Node, rb.measure_id)
    assert node is not None
    check_visible(session, actor, node, "re-baseline request", rebaseline_id)
    check_version("The re-baseline request", rb.version, version)
    if rb.status != "pending":
        raise Conflict(f"This re-baseline request is already {rb.status}.")
    if actor.person_id == rb.requested_by:
        raise PermissionDenied("You requested this re-baseline; someone else must approve it.")
    as_sponsor = actor.person_id == node.sponsor_id
    as_controller = actor.person_id == node.controller_id
    if not (as_sponsor or as_controller):
        raise PermissionDenied("Only the measure's sponsor and controller decide on a re-baseline.")
    if not approve:
        if not comment or not comment.strip():
            raise InvalidInput("A rejection needs a comment.")
        rb.status, rb.decided_at, rb.comment = "rejected", utcnow(), comment
        audit.record(
            session,
            actor_id=actor.person_id,
            action="rebaseline.reject",
            entity_type="rebaseline",
            entity_id=rb.id,
            measure_id=rb.measure_id,
            reason=comment,
        )
        return rb
    if as_sponsor:
        rb.sponsor_approved_by = actor.person_id
    if as_controller:
        rb.controller_approved_by = actor.person_id
    audit.record(
        session,
        actor_id=actor.person_id,
        action="rebaseline.approve",
        entity_type="rebaseline",
        entity_id=rb.id,
        measure_id=rb.measure_id,
        reason=comment,
        after={"as": "sponsor" if as_sponsor else "controller"},
    )
    if rb.sponsor_approved_by and rb.controller_approved_by:
        now = utcnow()
        entries = [Entry(e["kind"], e["period"], e["amount"]) for e in rb.proposed]
        measure = session.get(Measure, rb.measure_id)
        assert measure is not None
        with tracking(session, settings_of(session), [rb.measure_id], today_of(session)):
            plan_changes = _write_facts(session, rb.measure_id, "plan", entries, actor.person_id, now, "rebaseline")
            base_changes = _write_facts(session, rb.measure_id, "baseline", entries, actor.person_id, now, "rebaseline")
            measure.values_version += 1
        rb.status, rb.decided_at = "approved", now
        audit.record(
            session,
            actor_id=actor.person_id,
            action="rebaseline.apply",
            entity_type="measure",
            entity_id=rb.measure_id,
            measure_id=rb.measure_id,
            after={"plan": plan_changes, "baseline": base_changes},
            reason=rb.reason,
        )
    return rb


def actual_periods(session: Session, measure_id: int) -> int:
    return len(
        list(
            session.scalars(
                select(ValueFact.id).where(
                    and_(
                        ValueFact.measure_id == measure_id,
                        ValueFact.series == "actual",
                        ValueFact.valid_to.is_(None),
                    )
                )
            )
        )
    )


@dataclass(frozen=True)
class GridView:
    """What the value grid of a measure shows one person: the measure, its figures, the series they may enter
    now, today, and who last saved figures (``last_change``, read when asked: after a collision)."""

    node: Node
    measure: Measure
    values: dict[str, Any]
    editable: list[str]
    today: Any
    last_change: str | None


def grid_view(session: Session, *, actor: Actor, measure_id: int, with_last_change: bool = False) -> GridView:
    node, measure = get_measure(session, measure_id)
    require(session, actor, "node.view", node)
    return GridView(
        node=node,
        measure=measure,
        values=measure_values(session, measure_id),
        editable=editable_series(session, actor, node, measure),
        today=today_of(session),
        last_change=last_values_change(session, measure_id) if with_last_change else None,
    )


def last_values_change(session: Session, measure_id: int) -> str | None:
    """Who last saved figures on the measure, and when (UTC)."""
    from valuegate.audit.models import AuditEvent
    from valuegate.auth.models import Person

    row = session.execute(
        select(Person.name, AuditEvent.occurred_at)
        .join(Person, Person.id == AuditEvent.actor_id, isouter=True)
        .where(AuditEvent.measure_id == measure_id, AuditEvent.action.like("values.%"))
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    name, at = row
    return f"{name or 'the system'} at {at:%H:%M} UTC"


def values_of(session: Session, *, actor: Actor, measure_id: int, as_of: datetime | None = None) -> dict[str, Any]:
    """A measure's figures by series (as known at ``as_of``), for those who may see the measure."""
    _node, measure = get_measure(session, measure_id, actor=actor)
    if as_of is not None and as_of.tzinfo is None:
        raise InvalidInput("as_of needs a time zone, e.g. 2026-01-31T00:00:00Z.")
    return {
        "measure_id": measure_id,
        "values_version": measure.values_version,
        "as_of": as_of.isoformat() if as_of else None,
        "series": measure_values(session, measure_id, as_of=as_of),
    }


def history_of(session: Session, *, actor: Actor, measure_id: int) -> list[dict[str, Any]]:
    """Every change to a measure's figures, for those who may see the measure."""
    get_measure(session, measure_id, actor=actor)
    return value_history(session, measure_id)
