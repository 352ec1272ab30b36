"""Ledger actuals into the value series: mapping rules (with owner and rationale) send an accepted ledger file's
amounts to measures as proposed actuals; the measure's controller (or finance) confirms them, corrects them with a
reason, or dismisses them. What no rule takes stays visible as unallocated, by key, on the submission's report."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, addressed_as, load_on_node
from valuegate.change.service import check_person, workstream_node
from valuegate.db import utcnow
from valuegate.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    RuleViolation,
    check_editable,
    check_version,
)
from valuegate.feeds import mapping
from valuegate.feeds.models import DataFeed, FeedSubmission, MappingRule, ProposedActual
from valuegate.feeds.reading import Sheet
from valuegate.finance import rules as fin
from valuegate.finance import service as finance
from valuegate.finance.models import ValueFact
from valuegate.portfolio.models import Node
from valuegate.portfolio.service import get_measure
from valuegate.uow import use_case

RULE_EDITABLE = ("share", "kind", "negate", "owner_id", "rationale", "status")
DECISIONS = ("confirm", "correct", "dismiss")
RULE_STATUSES = ("active", "retired")
PROPOSAL_STATUSES = ("proposed", "confirmed", "corrected", "dismissed", "superseded")


def _feed(session: Session, feed_id: int, actor: Actor) -> DataFeed:
    """The feed, not found unless the actor may see its workstream (the same answer as for no such id)."""
    return load_on_node(session, actor, DataFeed, feed_id, "data feed")


def _active_rules(session: Session, feed_id: int) -> list[MappingRule]:
    return list(
        session.scalars(
            select(MappingRule)
            .where(MappingRule.feed_id == feed_id, MappingRule.status == "active")
            .order_by(MappingRule.id)
        )
    )


def _as_mapping(rules: list[MappingRule]) -> list[mapping.Rule]:
    return [
        mapping.Rule(
            r.id, mapping.canonical(json.loads(r.match)), r.measure_id, Decimal(str(r.share)), r.kind, r.negate
        )
        for r in rules
    ]


def _check_rule(values: dict[str, Any]) -> None:
    share = values.get("share")
    if share is not None and (isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1):
        raise InvalidInput("The share is above 0 and at most 1 (1 sends the whole amount).")
    if "kind" in values and values["kind"] not in fin.KINDS:
        raise InvalidInput(f"The kind is one of {', '.join(fin.KINDS)}.")
    if "status" in values and values["status"] not in RULE_STATUSES:
        raise InvalidInput("The status is active or retired.")


@use_case
def add_rule(
    session: Session,
    *,
    actor: Actor,
    feed_id: int,
    match: dict[str, str],
    measure_id: int,
    share: float = 1.0,
    kind: str = "one_time_cost",
    negate: bool = False,
    owner_id: int | None = None,
    rationale: str | None = None,
) -> MappingRule:
    feed = _feed(session, feed_id, actor)
    node = workstream_node(session, actor, feed.node_id, "change.manage")
    if not feed.amount_column:
        raise RuleViolation(f"{feed.name!r} has no amount column, so nothing can be mapped from it.")
    if not isinstance(match, dict) or not match:
        raise InvalidInput("Match at least one column, e.g. {'CostCenter': 'CC-410'}.")
    contract = json.loads(feed.contract)
    known = {c["name"] for c in contract} if isinstance(contract, list) else None
    for column, value in match.items():
        if known is not None and column not in known:
            raise InvalidInput(f"Column {column!r} is not in the feed's contract ({', '.join(sorted(known))}).")
        if not isinstance(value, str) or not value.strip() or value.strip() == "*":
            raise InvalidInput(f"Give {column} a value (a trailing * matches a prefix).")
    _check_rule({"share": share, "kind": kind})
    target = session.get(Node, measure_id)
    if target is None or target.kind != "measure" or not target.path.startswith(node.path):
        raise NotFound(f"There is no measure with id {measure_id} in {node.name!r}.")
    check_person(session, owner_id, "owner")
    rules = _active_rules(session, feed.id)
    candidate = mapping.Rule(0, mapping.canonical(match), measure_id, Decimal(str(share)), kind, negate)
    if any(r.match == candidate.match and r.measure_id == measure_id and r.kind == kind for r in _as_mapping(rules)):
        raise Conflict("A rule with this match already sends amounts to this measure's figure.")
    over = mapping.check_shares([*_as_mapping(rules), candidate])
    if over:
        raise RuleViolation(f"The shares of the rules matching {over[0]} would add up to more than the whole amount.")
    rule = MappingRule(
        feed_id=feed.id,
        match=json.dumps(dict(candidate.match)),
        measure_id=measure_id,
        share=float(share),
        kind=kind,
        negate=negate,
        owner_id=owner_id,
        rationale=(rationale or "").strip() or None,
        created_by=actor.person_id,
    )
    after = {
        "match": dict(candidate.match),
        "measure_id": measure_id,
        "share": share,
        "kind": kind,
        "owner_id": owner_id,
    }
    audit.record_created(session, actor_id=actor.person_id, row=rule, action="mapping.add", after=after)
    return rule


@use_case
def update_rule(
    session: Session, *, actor: Actor, rule_id: int, version: int | None, changes: dict[str, Any]
) -> MappingRule:
    """Change a rule's share, figure, owner or rationale, or retire it. The match is fixed: retire the rule and
    add another, so the trail shows which rule produced which proposal."""
    rule = session.get(MappingRule, rule_id)
    if rule is None:
        raise NotFound(f"There is no mapping rule with id {rule_id}.")
    with addressed_as("mapping rule", rule_id):
        feed = _feed(session, rule.feed_id, actor)
    workstream_node(session, actor, feed.node_id, "change.manage")
    check_version("The mapping rule", rule.version, version)
    check_editable(changes, RULE_EDITABLE)
    _check_rule(changes)
    check_person(session, changes.get("owner_id"), "owner")
    if "share" in changes and rule.status == "active":
        others = [r for r in _as_mapping(_active_rules(session, feed.id)) if r.id != rule.id]
        mine = mapping.Rule(
            rule.id, mapping.canonical(json.loads(rule.match)), rule.measure_id, Decimal(str(changes["share"]))
        )
        over = mapping.check_shares([*others, mine])
        if over:
            raise RuleViolation(
                f"The shares of the rules matching {over[0]} would add up to more than the whole amount."
            )
    audit.record_changes(session, actor_id=actor.person_id, row=rule, changes=changes, action="mapping.update")
    return rule


def rule_view(r: MappingRule, measure: str | None, owner: str | None, allocated: str | None) -> dict[str, Any]:
    return {
        "id": r.id,
        "feed_id": r.feed_id,
        "match": json.loads(r.match),
        "measure_id": r.measure_id,
        "measure": measure,
        "kind": r.kind,
        "negate": r.negate,
        "share": r.share,
        "owner_id": r.owner_id,
        "owner": owner,
        "rationale": r.rationale,
        "status": r.status,
        "last_allocated": allocated,
        "version": r.version,
    }


def rules_of(session: Session, *, actor: Actor, feed_id: int) -> dict[str, Any]:
    """The feed's rules, what each allocated in the latest accepted file, and that file's unallocated amounts."""
    feed = _feed(session, feed_id, actor)
    workstream_node(session, actor, feed.node_id, "node.view")
    return ledger_rules(session, [feed.id])[feed.id]


def ledger_rules(session: Session, feed_ids: list[int]) -> dict[int, dict[str, Any]]:
    """``rules_of`` for several feeds at once (a fixed number of queries, whatever their number)."""
    latest: dict[int, tuple[int, str]] = {}
    for row in session.execute(
        select(FeedSubmission.id, FeedSubmission.feed_id, FeedSubmission.period)
        .where(FeedSubmission.feed_id.in_(feed_ids), FeedSubmission.status == "accepted")
        .order_by(FeedSubmission.period.desc(), FeedSubmission.id.desc())
    ):
        latest.setdefault(row.feed_id, (row.id, row.period))
    reports = (
        dict(
            session.execute(
                select(FeedSubmission.id, FeedSubmission.report).where(
                    FeedSubmission.id.in_([sub for sub, _p in latest.values()])
                )
            ).all()
        )
        if latest
        else {}
    )
    owner = Person.__table__.alias("owner")
    rows = session.execute(
        select(MappingRule, Node.name, owner.c.name)
        .join(Node, Node.id == MappingRule.measure_id)
        .outerjoin(owner, owner.c.id == MappingRule.owner_id)
        .where(MappingRule.feed_id.in_(feed_ids))
        .order_by(MappingRule.status, MappingRule.id)
    ).all()
    out = {}
    for fid in feed_ids:
        sub_id: int | None = latest[fid][0] if fid in latest else None
        period: str | None = latest[fid][1] if fid in latest else None
        allocation = (json.loads(reports[sub_id]).get("allocation") or {}) if sub_id is not None else {}
        by_rule = allocation.get("rules", {})
        out[fid] = {
            "feed_id": fid,
            "period": period,
            "submission_id": sub_id,
            "rules": [rule_view(r, m, o, by_rule.get(str(r.id))) for r, m, o in rows if r.feed_id == fid],
            "allocation": {k: v for k, v in allocation.items() if k not in ("rules", "targets")},
        }
    return out


def allocate_submission(
    session: Session, feed: DataFeed, submission: FeedSubmission, sheet: Sheet
) -> dict[str, Any] | None:
    """Apply the feed's active rules to an accepted file and propose the actuals; earlier open proposals for the
    same period are superseded. None when the feed has no rules."""
    rules = _active_rules(session, feed.id)
    if not rules or not feed.amount_column:
        return None
    allocation = mapping.allocate(sheet.columns, feed.amount_column, _as_mapping(rules))
    submission.unallocated_share = allocation["unallocated_share"]
    for old in session.scalars(
        select(ProposedActual)
        .join(FeedSubmission, FeedSubmission.id == ProposedActual.submission_id)
        .where(
            FeedSubmission.feed_id == feed.id,
            ProposedActual.period == submission.period,
            ProposedActual.status == "proposed",
        )
    ):
        old.status = "superseded"
    for t in allocation["targets"]:
        session.add(
            ProposedActual(
                submission_id=submission.id,
                measure_id=t["measure_id"],
                kind=t["kind"],
                period=submission.period,
                amount=t["amount"],
                rows=t["rows"],
                rule_ids=json.dumps(t["rule_ids"]),
            )
        )
    return allocation


def proposal_view(p: ProposedActual, measure: str, booked_now: int | None) -> dict[str, Any]:
    return {
        "id": p.id,
        "submission_id": p.submission_id,
        "measure_id": p.measure_id,
        "measure": measure,
        "kind": p.kind,
        "period": p.period,
        "amount": p.amount,
        "rows": p.rows,
        "rule_ids": json.loads(p.rule_ids),
        "status": p.status,
        "booked_amount": p.booked_amount,
        "actual_now": _major(booked_now),
        "note": p.note,
        "version": p.version,
    }


def _minor(amount: str) -> int:
    """A decimal amount in major units ('1500.40') as the whole minor units (cents) figures are kept in."""
    return int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _major(minor: int | None) -> str | None:
    return None if minor is None else str((Decimal(minor) / 100).quantize(Decimal("0.01")))


def proposals(session: Session, *, actor: Actor, node_id: int, status: str = "proposed") -> list[dict[str, Any]]:
    """Proposed actuals for the measures of an implementation, with the actual currently recorded beside each."""
    node = workstream_node(session, actor, node_id, "node.view")
    rows = session.execute(
        select(ProposedActual, Node.name)
        .join(Node, Node.id == ProposedActual.measure_id)
        .where(Node.path.startswith(node.path), ProposedActual.status == status)
        .order_by(ProposedActual.period.desc(), Node.name, ProposedActual.kind)
    ).all()
    current: dict[tuple[int, str, str], int] = {}
    if rows:
        for mid, kind, period, amount in session.execute(
            select(ValueFact.measure_id, ValueFact.kind, ValueFact.period, ValueFact.amount).where(
                ValueFact.series == "actual",
                ValueFact.valid_to.is_(None),
                ValueFact.measure_id.in_({p.measure_id for p, _n in rows}),
            )
        ):
            current[(mid, kind, period)] = amount
    return [proposal_view(p, name, current.get((p.measure_id, p.kind, p.period))) for p, name in rows]


@use_case
def decide(
    session: Session,
    *,
    actor: Actor,
    proposal_id: int,
    version: int | None,
    decision: str,
    amount: str | int | None = None,
    note: str | None = None,
) -> ProposedActual:
    """Confirm (book the ledger figure as the actual), correct (book another figure, saying why) or dismiss
    (saying why). Only who may enter the measure's actuals decides: its controller, or finance."""
    p = load_on_node(session, actor, ProposedActual, proposal_id, "proposed actual", node_attr="measure_id")
    if decision not in DECISIONS:
        raise InvalidInput(f"The decision is one of {', '.join(DECISIONS)}.")
    node, measure = get_measure(session, p.measure_id)
    finance.check_actuals_rights(session, actor, node)
    check_version("The proposed actual", p.version, version)
    if p.status != "proposed":
        raise Conflict(f"This proposal is already {p.status}.")
    if decision != "confirm" and not (note or "").strip():
        raise InvalidInput("Say why the ledger figure is corrected or dismissed.")
    booked: int | None = None
    if decision == "confirm":
        booked = _minor(p.amount)
    elif decision == "correct":
        try:
            booked = _minor(str(amount).replace(",", "").strip())
        except (InvalidOperation, ValueError):
            raise InvalidInput(f"The corrected amount is a number (got {amount!r}).") from None
        if booked == _minor(p.amount):
            raise InvalidInput("The corrected amount is the ledger figure; confirm it instead.")
    if booked is not None:
        try:
            fin.check_sign(p.kind, "actual", booked)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        feed_name = session.scalar(
            select(DataFeed.name)
            .join(FeedSubmission, FeedSubmission.feed_id == DataFeed.id)
            .where(FeedSubmission.id == p.submission_id)
        )
        reason = f"{feed_name} {p.period} (proposal {p.id})" + (f": {note.strip()}" if note and note.strip() else "")
        current = session.scalar(
            select(ValueFact.amount).where(
                ValueFact.measure_id == measure.node_id,
                ValueFact.series == "actual",
                ValueFact.kind == p.kind,
                ValueFact.period == p.period,
                ValueFact.valid_to.is_(None),
            )
        )
        if current != booked:  # when the actual already holds the figure, the decision records where it came from
            finance.set_figures(
                session,
                actor=actor,
                measure_id=measure.node_id,
                by_series={"actual": [finance.Entry(p.kind, p.period, booked)]},
                values_version=None,
                reason=reason,
                source="ledger",
            )
    changes = {
        "status": {"confirm": "confirmed", "correct": "corrected", "dismiss": "dismissed"}[decision],
        "booked_amount": _major(booked),
        "note": (note or "").strip() or None,
        "decided_by": actor.person_id,
        "decided_at": utcnow(),
    }
    audit.record_changes(session, actor_id=actor.person_id, row=p, changes=changes, action=f"actuals.{decision}")
    return p
