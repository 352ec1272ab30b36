"""HTTP adapter for gate requests, the decision inbox, sign-off, re-baselines and gate configuration."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from valuegate.audit import service as audit
from valuegate.auth.policy import require
from valuegate.deps import ActorDep, SessionDep
from valuegate.errors import InvalidInput, NotFound, check_version
from valuegate.finance import service as finance
from valuegate.gates import rules, service
from valuegate.gates.models import GateDef, GateRequest, StageDef
from valuegate.gates.schemas import (
    DecisionIn,
    DeferIn,
    GatePatch,
    MoveRequestIn,
    RebaselineDecisionIn,
    RebaselineIn,
    SignOffIn,
    StagePatch,
)

router = APIRouter(tags=["gates"])


@router.post("/measures/{measure_id}/gate-requests", status_code=201)
def request_move(measure_id: int, body: MoveRequestIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.request_view(service.request_move(session, actor=actor, measure_id=measure_id, **body.model_dump()))


@router.get("/measures/{measure_id}/gate-requests")
def list_requests(measure_id: int, actor: ActorDep, session: SessionDep) -> list[dict[str, Any]]:
    from valuegate.portfolio.service import get_measure

    node, _m = get_measure(session, measure_id)
    require(session, actor, "node.view", node)
    rows = session.scalars(select(GateRequest).where(GateRequest.measure_id == measure_id).order_by(GateRequest.id))
    return [service.request_view(r) for r in rows]


@router.post("/gate-requests/{request_id}/approve")
def approve(request_id: int, body: DecisionIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.request_view(
        service.approve(session, actor=actor, request_id=request_id, comment=body.comment, version=body.version)
    )


@router.post("/gate-requests/{request_id}/reject")
def reject(request_id: int, body: DecisionIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.request_view(
        service.reject(session, actor=actor, request_id=request_id, comment=body.comment or "", version=body.version)
    )


@router.post("/gate-requests/{request_id}/defer")
def defer(request_id: int, body: DeferIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.request_view(
        service.defer(
            session,
            actor=actor,
            request_id=request_id,
            until=body.until,
            reason=body.reason,
            version=body.version,
        )
    )


@router.post("/gate-requests/{request_id}/withdraw")
def withdraw(request_id: int, body: DecisionIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.request_view(
        service.withdraw(session, actor=actor, request_id=request_id, reason=body.comment, version=body.version)
    )


@router.get("/inbox")
def inbox(actor: ActorDep, session: SessionDep) -> list[dict[str, Any]]:
    return service.inbox(session, actor=actor)


@router.post("/measures/{measure_id}/sign-off", status_code=201)
def sign_off(measure_id: int, body: SignOffIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    so = service.sign_off(
        session,
        actor=actor,
        measure_id=measure_id,
        verified_value=body.verified_value,
        evidence_ref=body.evidence_ref,
        confirm_actuals=body.confirm_actuals,
        comment=body.comment,
        version=body.values_version,
    )
    return {
        "id": so.id,
        "measure_id": so.measure_id,
        "verified_value": so.verified_value,
        "actuals_total": so.actuals_total,
        "evidence_ref": so.evidence_ref,
        "signed_at": so.signed_at.isoformat(),
    }


@router.post("/measures/{measure_id}/rebaselines", status_code=201)
def request_rebaseline(measure_id: int, body: RebaselineIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    entries = finance.parse_entries(body.entries)
    rb = finance.request_rebaseline(session, actor=actor, measure_id=measure_id, reason=body.reason, entries=entries)
    return {"id": rb.id, "status": rb.status, "version": rb.version}


@router.post("/rebaselines/{rebaseline_id}/decision")
def decide_rebaseline(
    rebaseline_id: int, body: RebaselineDecisionIn, actor: ActorDep, session: SessionDep
) -> dict[str, Any]:
    rb = finance.decide_rebaseline(session, actor=actor, rebaseline_id=rebaseline_id, **body.model_dump())
    return {
        "id": rb.id,
        "status": rb.status,
        "version": rb.version,
        "sponsor_approved_by": rb.sponsor_approved_by,
        "controller_approved_by": rb.controller_approved_by,
    }


@router.get("/gates")
def gate_config(actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    stages = [
        {"code": s.code, "label": s.label, "ordinal": s.ordinal, "terminal": s.terminal, "version": s.version}
        for s in session.scalars(select(StageDef).order_by(StageDef.ordinal))
    ]
    gates = [
        {
            "to_stage": g.to_stage,
            "criteria": g.criteria,
            "approvals": g.approvals,
            "requires_reason": g.requires_reason,
            "version": g.version,
        }
        for g in session.scalars(select(GateDef))
    ]
    return {
        "stages": stages,
        "gates": gates,
        "criteria": sorted(rules.CRITERIA),
        "roles": sorted(rules.APPROVER_ROLES),
    }


@router.patch("/stages/{code}")
def relabel_stage(code: str, body: StagePatch, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    require(session, actor, "gates.configure", what="the gate configuration")
    stage = session.get(StageDef, code)
    if stage is None:
        raise NotFound(f"There is no stage {code!r}.")
    check_version("The stage", stage.version, body.version)
    if not body.label.strip():
        raise InvalidInput("A stage needs a label.")
    before = stage.label
    stage.label = body.label.strip()
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="stage.relabel",
        entity_type="stage_def",
        entity_id=None,
        before={"code": code, "label": before},
        after={"code": code, "label": stage.label},
    )
    session.commit()
    return {"code": stage.code, "label": stage.label, "version": stage.version}


@router.patch("/gates/{to_stage}")
def tune_gate(to_stage: str, body: GatePatch, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    require(session, actor, "gates.configure", what="the gate configuration")
    gate = session.get(GateDef, to_stage)
    if gate is None:
        raise NotFound(f"There is no gate into {to_stage!r}.")
    check_version("The gate", gate.version, body.version)
    if body.criteria is not None:
        unknown = [c for c in body.criteria if c not in rules.CRITERIA]
        if unknown:
            raise InvalidInput(f"Unknown criteria: {', '.join(unknown)}.")
    if body.approvals is not None:
        bad = [r for slot in body.approvals for r in slot if r not in rules.APPROVER_ROLES]
        if bad or not body.approvals or any(not slot for slot in body.approvals):
            raise InvalidInput(f"Each approval slot needs roles from {', '.join(sorted(rules.APPROVER_ROLES))}.")
        if to_stage == "closed" and body.approvals != [["controller"]]:
            raise InvalidInput("Closing is always the controller's sign-off alone.")
    if to_stage == "closed" and body.criteria is not None and "controller_signoff" not in body.criteria:
        raise InvalidInput("Closing always requires the controller's sign-off.")
    before = {"criteria": gate.criteria, "approvals": gate.approvals, "requires_reason": gate.requires_reason}
    if body.criteria is not None:
        gate.criteria = body.criteria
    if body.approvals is not None:
        gate.approvals = body.approvals
    if body.requires_reason is not None:
        gate.requires_reason = body.requires_reason
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="gate.configure",
        entity_type="gate_def",
        entity_id=None,
        before={"to_stage": to_stage, **before},
        after={
            "to_stage": to_stage,
            "criteria": gate.criteria,
            "approvals": gate.approvals,
            "requires_reason": gate.requires_reason,
        },
    )
    session.commit()
    return {
        "to_stage": gate.to_stage,
        "criteria": gate.criteria,
        "approvals": gate.approvals,
        "requires_reason": gate.requires_reason,
        "version": gate.version,
    }


@router.get("/measures/{measure_id}/next-gate")
def next_gate(measure_id: int, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    ng = service.next_gate(session, actor=actor, measure_id=measure_id)
    return {
        "to_stage": ng.to_stage,
        "label": ng.label,
        "ready": not ng.unmet,
        "unmet": [{"criterion": u.code, "problem": u.message} for u in ng.unmet],
        "approvers": ng.approvers,
        "pending_request_id": ng.pending_request_id,
    }
