"""The gate engine: requests, approvals, deferrals, withdrawals, controller sign-off and what is still needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, RoleIndex, active_delegators, not_found_text, require, roles_on
from valuegate.auth.rules import allowed
from valuegate.context import settings_of, today_of
from valuegate.db import chunks, utcnow
from valuegate.dependencies.models import BusinessService, Dependency, ServiceImpact
from valuegate.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation, check_version
from valuegate.finance import rules as fin
from valuegate.finance.models import SignOff, ValueFact
from valuegate.finance.service import freeze_baseline
from valuegate.gates import rules
from valuegate.gates.models import GateAction, GateDef, GateRequest, StageChange, StageDef
from valuegate.milestones.models import Milestone
from valuegate.portfolio.models import Measure, Node
from valuegate.portfolio.service import get_measure
from valuegate.rollups.models import MeasureTotal
from valuegate.rollups.service import current_values, tracking
from valuegate.uow import use_case


@use_case
def install_defaults(session: Session) -> None:
    """Seed the default stages and gates (idempotent); a deployment may then relabel and tune them."""
    if session.scalar(select(func.count()).select_from(StageDef)):
        return
    for code, label, ordinal, terminal in rules.STAGES:
        session.add(StageDef(code=code, label=label, ordinal=ordinal, terminal=terminal))
    session.flush()
    for to_stage, (criteria, approvals, reason) in rules.DEFAULT_GATES.items():
        session.add(GateDef(to_stage=to_stage, criteria=criteria, approvals=approvals, requires_reason=reason))
    session.flush()


def stage_labels(session: Session) -> dict[str, str]:
    return dict(session.execute(select(StageDef.code, StageDef.label)).all())


def gate_for(session: Session, to_stage: str, direction: str) -> tuple[list[str], list[list[str]], bool]:
    if direction == "back":
        return [], [list(s) for s in rules.BACK_MOVE_APPROVALS], True
    gate = session.get(GateDef, to_stage)
    if gate is None:
        raise RuleViolation(f"No gate is configured for entering {to_stage!r}.")
    return list(gate.criteria), [list(s) for s in gate.approvals], gate.requires_reason


def measure_facts(session: Session, node: Node, measure: Measure) -> rules.MeasureFacts:
    mid = node.id
    values = current_values(session, [mid])[mid]
    milestones = [
        rules.MilestoneFact(m.name, m.due_on, m.done_on)
        for m in session.scalars(select(Milestone).where(Milestone.measure_id == mid).order_by(Milestone.due_on))
    ]
    unack = list(
        session.scalars(
            select(BusinessService.name)
            .join(ServiceImpact, ServiceImpact.service_id == BusinessService.id)
            .where(
                ServiceImpact.measure_id == mid,
                BusinessService.revenue_generating,
                ServiceImpact.acknowledged_at.is_(None),
            )
        )
    )
    incomplete = _incomplete_upstreams(session, mid)
    signed = (
        session.scalar(select(SignOff.id).where(SignOff.measure_id == mid, SignOff.controller_id == node.controller_id))
        is not None
    )
    return rules.MeasureFacts(
        owner_id=node.owner_id,
        sponsor_id=node.sponsor_id,
        controller_id=node.controller_id,
        org_unit_id=node.org_unit_id,
        annual_estimate=measure.annual_estimate,
        plan_periods=len(values.get(("plan", "recurring"), {})),
        one_time_costs_declared=measure.one_time_costs_declared,
        dependencies_declared=measure.dependencies_declared,
        services_declared=measure.services_declared,
        milestones=milestones,
        unacknowledged_services=unack,
        incomplete_upstreams=incomplete,
        has_controller_signoff=signed,
    )


def _incomplete_upstreams(session: Session, measure_id: int) -> list[str]:
    """Blocking upstreams (measures, or projects with any measure) not yet Implemented or Closed."""
    node = session.get(Node, measure_id)
    assert node is not None
    targets = [int(i) for i in node.path.strip("/").split("/")]  # a dependency on its project counts too
    ups = session.execute(
        select(Node.kind, Node.name, Node.path, Measure.stage)
        .join(Dependency, Dependency.upstream_id == Node.id)
        .outerjoin(Measure, Measure.node_id == Node.id)
        .where(Dependency.downstream_id.in_(targets), Dependency.blocking)
    ).all()
    done = {"implemented", "closed"}
    out = []
    for kind, name, path, stage in ups:
        if kind == "measure":
            if stage not in done and stage != "cancelled":
                out.append(f"{name} ({stage})")
        else:  # a whole project or program upstream: rare, one count each
            open_count = session.scalar(
                select(func.count())
                .select_from(Measure)
                .join(Node, Node.id == Measure.node_id)
                .where(Node.path.startswith(path), Measure.stage.not_in([*done, "cancelled"]))
            )
            if open_count:
                out.append(f"{kind} {name} ({open_count} measures not yet implemented)")
    return out


@dataclass(frozen=True)
class NextGate:
    to_stage: str | None
    label: str | None
    unmet: list[rules.Unmet]
    approvers: list[list[str]]
    pending_request_id: int | None
    requires_reason: bool = False


def next_gate(session: Session, *, actor: Actor, measure_id: int) -> NextGate:
    """What the next gate still needs: the same criteria the engine enforces."""
    node, measure = get_measure(session, measure_id, actor=actor)
    require(session, actor, "node.view", node)
    target = rules.next_stage(measure.stage)
    pending = _pending(session, measure_id)
    if target is None:
        return NextGate(None, None, [], [], pending.id if pending else None)
    criteria, approvals, needs_reason = gate_for(session, target, "forward")
    facts = measure_facts(session, node, measure)
    unmet = rules.unmet_criteria(criteria, facts, on_completion=target == "closed")
    label = stage_labels(session).get(target)
    return NextGate(target, label, unmet, approvals, pending.id if pending else None, needs_reason)


def sign_off_needs(session: Session, node: Node, measure: Measure) -> list[rules.Unmet]:
    """What stands in the way of the controller's sign-off now: the state :func:`sign_off` checks (what the
    controller types is checked when they send it). Empty when the controller can sign off."""
    needs = []
    if node.controller_id is None:
        needs.append(rules.Unmet("roles_named", "name the measure's controller"))
    elif node.controller_id in (node.owner_id, node.sponsor_id):
        needs.append(
            rules.Unmet("roles_distinct", "the controller must be a different person from the owner and the sponsor")
        )
    if measure.stage != "implemented":
        stage = stage_labels(session).get(measure.stage, measure.stage)
        needs.append(rules.Unmet("stage", f"the measure must be Implemented first (it is {stage})"))
    if not _recurring_actuals(session, node.id):
        needs.append(rules.Unmet("actuals", "recurring actuals to confirm"))
    req = _pending(session, node.id)
    if req is not None and req.to_stage != "closed":
        needs.append(rules.Unmet("open_request", f"gate request {req.id} (to {req.to_stage}) is open; settle it first"))
    return needs


def _recurring_actuals(session: Session, measure_id: int) -> list[int]:
    return list(
        session.scalars(
            select(ValueFact.amount).where(
                ValueFact.measure_id == measure_id,
                ValueFact.series == "actual",
                ValueFact.kind == "recurring",
                ValueFact.valid_to.is_(None),
            )
        )
    )


def _pending(session: Session, measure_id: int) -> GateRequest | None:
    return session.scalar(
        select(GateRequest).where(GateRequest.measure_id == measure_id, GateRequest.status == "pending")
    )


def request_view(r: GateRequest) -> dict[str, Any]:
    return {
        "id": r.id,
        "measure_id": r.measure_id,
        "from_stage": r.from_stage,
        "to_stage": r.to_stage,
        "direction": r.direction,
        "status": r.status,
        "requested_by": r.requested_by,
        "requested_at": r.requested_at.isoformat(),
        "reason": r.reason,
        "deferred_until": r.deferred_until.isoformat() if r.deferred_until else None,
        "defer_count": r.defer_count,
        "version": r.version,
    }


@use_case
def request_move(
    session: Session,
    *,
    actor: Actor,
    measure_id: int,
    to_stage: str,
    reason: str | None = None,
    version: int | None = None,
) -> GateRequest:
    """Ask to move a measure to ``to_stage``. Refused when the move is not allowed or criteria are unmet."""
    node, measure = get_measure(session, measure_id, actor=actor)
    require(session, actor, "gate.request", node)
    if version is not None:
        check_version("The measure", node.version, version)
    if node.archived_at is not None:
        raise RuleViolation(f"Measure {node.name!r} is archived.")
    if to_stage not in rules.STAGE_ORDER:
        raise InvalidInput(f"Unknown stage {to_stage!r}; use one of {', '.join(rules.STAGE_ORDER)}.")
    direction = rules.classify_move(measure.stage, to_stage)
    if direction is None:
        labels = stage_labels(session)
        nxt = rules.next_stage(measure.stage)
        hint = f" The next stage is {labels.get(nxt, nxt)}." if nxt else ""
        raise RuleViolation(
            f"A measure in {labels.get(measure.stage, measure.stage)} cannot move to "
            f"{labels.get(to_stage, to_stage)}.{hint}"
        )
    pending = _pending(session, measure_id)
    if pending is not None:
        raise Conflict(
            f"Gate request {pending.id} (to {pending.to_stage}) is still open for this measure; "
            "withdraw it or wait for its decision."
        )
    criteria, _approvals, needs_reason = gate_for(session, to_stage, direction)
    if (needs_reason or direction == "back") and not (reason and reason.strip()):
        raise InvalidInput(
            "This move needs a reason." if direction != "back" else "Moving back to an earlier stage needs a reason."
        )
    if direction == "forward":
        unmet = rules.unmet_criteria(criteria, measure_facts(session, node, measure))
        if unmet:
            raise RuleViolation(
                f"Measure {node.name!r} cannot enter {stage_labels(session).get(to_stage, to_stage)} yet: "
                + "; ".join(u.message for u in unmet)
                + ".",
                errors=[{"criterion": u.code, "problem": u.message} for u in unmet],
            )
    req = GateRequest(
        measure_id=measure_id,
        from_stage=measure.stage,
        to_stage=to_stage,
        direction=direction,
        requested_by=actor.person_id,
        reason=reason,
    )
    session.add(req)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="gate.request",
        entity_type="gate_request",
        entity_id=req.id,
        measure_id=measure_id,
        after=request_view(req),
        reason=reason,
    )
    return req


def get_request(session: Session, request_id: int, *, actor: Actor | None = None) -> GateRequest:
    """The gate request; with ``actor``, not found unless the actor (or someone they deputise for) may see its
    measure — checked before anything about the request (its version, its status) is revealed."""
    req = session.get(GateRequest, request_id)
    if req is None:
        raise NotFound(not_found_text("gate request", request_id))
    if actor is not None:
        node = session.get(Node, req.measure_id)
        assert node is not None
        if not any(allowed("node.view", roles) for roles, _ in acting_roles(session, actor, node, today_of(session))):
            raise NotFound(not_found_text("gate request", request_id))
    return req


def _filled_slots(session: Session, req: GateRequest) -> dict[int, int]:
    return {
        a.slot: a.actor_id
        for a in session.scalars(
            select(GateAction).where(GateAction.request_id == req.id, GateAction.decision == "approve")
        )
        if a.slot is not None
    }


def acting_roles(session: Session, actor: Actor, node: Node, on: date) -> list[tuple[set[str], int | None]]:
    """The role sets the actor may approve with: their own, then each delegator's (for deputies)."""
    out: list[tuple[set[str], int | None]] = [(roles_on(session, actor, node), None)]
    if actor.person_id is None:
        return out
    for delegator_id in active_delegators(session, actor.person_id, on):
        p = session.get(Person, delegator_id)
        if p is not None and p.active:
            out.append((roles_on(session, Actor(p.id, p.name, p.global_role), node), p.id))
    return out


def _approval_slot(
    session: Session, actor: Actor, node: Node, req: GateRequest, approvals: list[list[str]]
) -> tuple[int, str, int | None]:
    if node.owner_id is not None and actor.person_id == node.owner_id:
        raise PermissionDenied("You own this measure; its gates are decided by others (segregation of duties).")
    filled = _filled_slots(session, req)
    people_already = set(filled.values())
    for roles, on_behalf in acting_roles(session, actor, node, today_of(session)):
        hit = rules.slot_for(approvals, set(filled), roles & rules.APPROVER_ROLES)
        if hit is None or (on_behalf is not None and on_behalf == node.owner_id):
            continue
        person = on_behalf or actor.person_id
        if person in people_already:
            raise PermissionDenied("You have already approved this request; another approver must fill the next slot.")
        if person == req.requested_by:
            raise PermissionDenied("You requested this move; someone else must approve it (no self-approval).")
        return hit[0], hit[1], on_behalf
    wanted = " and ".join("/".join(approvals[i]) for i in rules.open_slots(approvals, set(filled)))
    raise PermissionDenied(f"{actor.name} is not an approver of this request; it awaits: {wanted or 'nobody'}.")


@use_case
def approve(
    session: Session,
    *,
    actor: Actor,
    request_id: int,
    comment: str | None = None,
    version: int | None = None,
    meeting_id: int | None = None,
) -> GateRequest:
    req = get_request(session, request_id, actor=actor)
    check_version("The gate request", req.version, version)
    if req.status != "pending":
        raise Conflict(f"This request is already {req.status}.")
    if req.to_stage == "closed":
        raise RuleViolation(
            "Closing is done by the controller's sign-off (verified value and evidence), not by a plain approval."
        )
    node, measure = get_measure(session, req.measure_id)
    criteria, approvals, _ = gate_for(session, req.to_stage, req.direction)
    slot, role, on_behalf = _approval_slot(session, actor, node, req, approvals)
    if "sponsor_rationale" in criteria and role == "sponsor" and not (comment and comment.strip()):
        raise InvalidInput("The sponsor's decision needs a rationale (comment).")
    session.add(
        GateAction(
            request_id=req.id,
            slot=slot,
            role=role,
            decision="approve",
            actor_id=actor.person_id,
            on_behalf_of_id=on_behalf,
            comment=comment,
            meeting_id=meeting_id,
        )
    )
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="gate.approve",
        entity_type="gate_request",
        entity_id=req.id,
        measure_id=req.measure_id,
        reason=comment,
        after={"slot": slot, "role": role, "on_behalf_of": on_behalf},
    )
    if len(_filled_slots(session, req)) == len(approvals):
        _complete(session, actor, req, node, measure, criteria)
    return req


def _complete(
    session: Session, actor: Actor, req: GateRequest, node: Node, measure: Measure, criteria: list[str]
) -> None:
    if req.direction == "forward":
        unmet = rules.unmet_criteria(criteria, measure_facts(session, node, measure), on_completion=True)
        unmet = [u for u in unmet if u.code != "sponsor_rationale"]
        if unmet:
            raise RuleViolation(
                "The entry criteria are no longer met; the approval was not recorded.",
                errors=[{"criterion": u.code, "problem": u.message} for u in unmet],
            )
    now = utcnow()
    with tracking(session, settings_of(session), [measure.node_id], today_of(session)):
        before = measure.stage
        measure.stage = req.to_stage
        measure.stage_entered_at = now
        if req.direction == "back":
            measure.reopen_count += 1
            if before == "closed":
                measure.value_verified = False
        if req.to_stage == "decided":
            changes = freeze_baseline(session, measure.node_id, actor.person_id, now)
            measure.values_version += 1
            audit.record(
                session,
                actor_id=actor.person_id,
                action="values.baseline_frozen",
                entity_type="measure",
                entity_id=measure.node_id,
                measure_id=measure.node_id,
                after={"changes": changes},
            )
        session.add(
            StageChange(
                measure_id=measure.node_id,
                from_stage=before,
                to_stage=req.to_stage,
                at=now,
                request_id=req.id,
            )
        )
    req.status, req.decided_at = "approved", now
    audit.record(
        session,
        actor_id=actor.person_id,
        action="measure.stage",
        entity_type="measure",
        entity_id=measure.node_id,
        measure_id=measure.node_id,
        before={"stage": req.from_stage},
        after={"stage": req.to_stage},
        reason=req.reason,
    )


@use_case
def reject(
    session: Session,
    *,
    actor: Actor,
    request_id: int,
    comment: str,
    version: int | None = None,
    meeting_id: int | None = None,
) -> GateRequest:
    req = get_request(session, request_id, actor=actor)
    check_version("The gate request", req.version, version)
    if req.status != "pending":
        raise Conflict(f"This request is already {req.status}.")
    if not comment or not comment.strip():
        raise InvalidInput("A rejection needs a comment that says why.")
    node, _m = get_measure(session, req.measure_id)
    _c, approvals, _ = gate_for(session, req.to_stage, req.direction)
    slot, role, on_behalf = _approval_slot(session, actor, node, req, approvals)
    session.add(
        GateAction(
            request_id=req.id,
            slot=slot,
            role=role,
            decision="reject",
            actor_id=actor.person_id,
            on_behalf_of_id=on_behalf,
            comment=comment,
            meeting_id=meeting_id,
        )
    )
    req.status, req.decided_at = "rejected", utcnow()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="gate.reject",
        entity_type="gate_request",
        entity_id=req.id,
        measure_id=req.measure_id,
        reason=comment,
        after={"role": role, "on_behalf_of": on_behalf},
    )
    return req


@use_case
def defer(
    session: Session,
    *,
    actor: Actor,
    request_id: int,
    until: date,
    reason: str,
    version: int | None = None,
    meeting_id: int | None = None,
) -> GateRequest:
    req = get_request(session, request_id, actor=actor)
    check_version("The gate request", req.version, version)
    if req.status != "pending":
        raise Conflict(f"This request is already {req.status}.")
    if not reason or not reason.strip():
        raise InvalidInput("A deferral needs a reason.")
    if until <= today_of(session):
        raise InvalidInput("A deferral needs a new date in the future.")
    node, measure = get_measure(session, req.measure_id)
    _c, approvals, _ = gate_for(session, req.to_stage, req.direction)
    slot, role, on_behalf = _approval_slot(session, actor, node, req, approvals)
    session.add(
        GateAction(
            request_id=req.id,
            slot=None,
            role=role,
            decision="defer",
            actor_id=actor.person_id,
            on_behalf_of_id=on_behalf,
            comment=reason,
            defer_until=until,
            meeting_id=meeting_id,
        )
    )
    req.deferred_until = until
    req.defer_count += 1
    measure.deferral_count += 1
    audit.record(
        session,
        actor_id=actor.person_id,
        action="gate.defer",
        entity_type="gate_request",
        entity_id=req.id,
        measure_id=req.measure_id,
        reason=reason,
        after={"deferred_until": until.isoformat(), "defer_count": req.defer_count, "role": role},
    )
    return req


@use_case
def withdraw(
    session: Session, *, actor: Actor, request_id: int, reason: str | None = None, version: int | None = None
) -> GateRequest:
    req = get_request(session, request_id, actor=actor)
    check_version("The gate request", req.version, version)
    if req.status != "pending":
        raise Conflict(f"This request is already {req.status}.")
    node, _m = get_measure(session, req.measure_id)
    if actor.person_id not in (req.requested_by, node.owner_id):
        require(session, actor, "gate.request", node)
        if "pmo" not in roles_on(session, actor, node):
            raise PermissionDenied("Only the person who asked, the owner or the PMO can withdraw a request.")
    req.status, req.decided_at = "withdrawn", utcnow()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="gate.withdraw",
        entity_type="gate_request",
        entity_id=req.id,
        measure_id=req.measure_id,
        reason=reason,
    )
    return req


@use_case
def sign_off(
    session: Session,
    *,
    actor: Actor,
    measure_id: int,
    verified_value: int,
    evidence_ref: str,
    confirm_actuals: bool,
    comment: str | None = None,
    version: int | None = None,
) -> SignOff:
    """Controller-backed closure: the one path to Closed."""
    node, measure = get_measure(session, measure_id, actor=actor)
    if actor.person_id is None or actor.person_id != node.controller_id:
        raise PermissionDenied(
            f"Only the controller of measure {node.name!r} can sign off its value"
            + (f" ({actor.name} is not)." if actor.person_id else ".")
        )
    if node.controller_id in (node.owner_id, node.sponsor_id):
        raise RuleViolation("The controller is also the owner or sponsor; fix the roles before signing off.")
    if measure.stage != "implemented":
        raise RuleViolation(f"Only an Implemented measure can be signed off and closed (this one is {measure.stage}).")
    if version is not None:
        check_version("The figures of this measure", measure.values_version, version)
    if not confirm_actuals:
        raise InvalidInput("Confirm the actuals to sign off.")
    try:
        fin.check_amount(verified_value)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    if not evidence_ref or not evidence_ref.strip():
        raise InvalidInput("A sign-off needs an evidence reference (ledger document, file).")
    actuals = _recurring_actuals(session, measure_id)
    if not actuals:
        raise RuleViolation("There are no recurring actuals to confirm; enter or import them first.")
    req = _pending(session, measure_id)
    if req is not None and req.to_stage != "closed":
        raise Conflict(f"Gate request {req.id} (to {req.to_stage}) is open; settle it first.")
    now = utcnow()
    if req is None:
        req = GateRequest(
            measure_id=measure_id,
            from_stage=measure.stage,
            to_stage="closed",
            direction="forward",
            requested_by=actor.person_id,
            reason="controller sign-off",
        )
        session.add(req)
        session.flush()
        audit.record(
            session,
            actor_id=actor.person_id,
            action="gate.request",
            entity_type="gate_request",
            entity_id=req.id,
            measure_id=measure_id,
            after=request_view(req),
        )
    so = SignOff(
        measure_id=measure_id,
        controller_id=actor.person_id,
        gate_request_id=req.id,
        actuals_total=sum(actuals),
        verified_value=verified_value,
        evidence_ref=evidence_ref.strip(),
        comment=comment,
        signed_at=now,
    )
    session.add(so)
    session.add(
        GateAction(
            request_id=req.id,
            slot=0,
            role="controller",
            decision="approve",
            actor_id=actor.person_id,
            comment=comment,
        )
    )
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="value.sign_off",
        entity_type="sign_off",
        entity_id=so.id,
        measure_id=measure_id,
        reason=comment,
        after={
            "verified_value": verified_value,
            "actuals_total": so.actuals_total,
            "evidence_ref": so.evidence_ref,
        },
    )
    with tracking(session, settings_of(session), [measure_id], today_of(session)):
        measure.value_verified = True
        measure.verified_value = verified_value
    criteria, _a, _r = gate_for(session, "closed", "forward")
    _complete(session, actor, req, node, measure, criteria)
    return so


def inbox(session: Session, *, actor: Actor) -> list[dict[str, Any]]:
    """Pending requests the actor (or someone they deputise for) can act on. A fixed number of queries."""
    rows = session.execute(
        select(GateRequest, Node)
        .join(Node, Node.id == GateRequest.measure_id)
        .where(GateRequest.status == "pending")
        .order_by(GateRequest.requested_at)
    ).all()
    if not rows:
        return []
    today = today_of(session)
    gate_defs = {g.to_stage: g for g in session.scalars(select(GateDef))}
    filled: dict[int, dict[int, int]] = {}
    for chunk in chunks([req.id for req, _n in rows], 1000):
        for a in session.scalars(
            select(GateAction).where(GateAction.request_id.in_(chunk), GateAction.decision == "approve")
        ):
            if a.slot is not None:
                filled.setdefault(a.request_id, {})[a.slot] = a.actor_id
    identities: list[tuple[RoleIndex, int | None]] = [(RoleIndex.load(session, actor), None)]
    if actor.person_id is not None:
        for delegator_id in active_delegators(session, actor.person_id, today):
            p = session.get(Person, delegator_id)
            if p is not None and p.active:
                identities.append((RoleIndex.load(session, Actor(p.id, p.name, p.global_role)), p.id))
    out = []
    for req, node in rows:
        if req.direction == "back":
            approvals = [list(s) for s in rules.BACK_MOVE_APPROVALS]
        elif req.to_stage in gate_defs:
            approvals = [list(s) for s in gate_defs[req.to_stage].approvals]
        else:
            continue
        done = filled.get(req.id, {})
        if node.owner_id is not None and actor.person_id == node.owner_id:
            continue  # the owner never approves their own measure's gates
        for index, on_behalf in identities:
            person = on_behalf or actor.person_id
            if person in done.values() or person == req.requested_by or (on_behalf and on_behalf == node.owner_id):
                continue
            hit = rules.slot_for(approvals, set(done), index.roles(node) & rules.APPROVER_ROLES)
            if hit:
                out.append(
                    {**request_view(req), "measure_name": node.name, "as_role": hit[1], "on_behalf_of": on_behalf}
                )
                break
    return out


def business_cases(session: Session, items: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """The business case of each measure in front of a decision (the inbox, a meeting's agenda), in three queries
    whatever the count; each item learns who asked and what its approve button can do for the person."""
    ids = [i["measure_id"] for i in items]
    if not ids:
        return {}
    out: dict[int, dict[str, Any]] = {}
    for node, measure in session.execute(
        select(Node, Measure).join(Measure, Measure.node_id == Node.id).where(Node.id.in_(ids))
    ):
        out[node.id] = {"node": node, "measure": measure, "totals": {}}
    totals = select(MeasureTotal).where(MeasureTotal.measure_id.in_(ids), MeasureTotal.kind == "recurring")
    for t in session.scalars(totals):
        out[t.measure_id]["totals"][t.series] = t
    owners = {c["node"].owner_id for c in out.values()} | {i["requested_by"] for i in items}
    names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_([o for o in owners if o]))).all())
    for c in out.values():
        c["owner"] = names.get(c["node"].owner_id, "—")
    rationale = {g.to_stage for g in session.scalars(select(GateDef)) if "sponsor_rationale" in g.criteria}
    for i in items:
        i["requested_by_name"] = names.get(i["requested_by"], "—")
        # What the approve button can do for this person: closing is approved only by the controller's sign-off,
        # and a sponsor's approval of some gates needs a rationale.
        i["closes"] = i["to_stage"] == "closed"
        i["needs_rationale"] = i.get("as_role") == "sponsor" and i["to_stage"] in rationale
    return out


def decided_view(session: Session, *, request_id: int) -> dict[str, Any]:
    """What a decided card shows: the measure and the stage it now stands at (read right after deciding it)."""
    req = get_request(session, request_id)
    node, measure = get_measure(session, req.measure_id)
    return {"measure_id": node.id, "measure_name": node.name, "stage": measure.stage}


def requests_of(session: Session, *, actor: Actor, measure_id: int) -> list[GateRequest]:
    """Every gate request of a measure, oldest first, for those who may see the measure."""
    get_measure(session, measure_id, actor=actor)
    return list(
        session.scalars(select(GateRequest).where(GateRequest.measure_id == measure_id).order_by(GateRequest.id))
    )
