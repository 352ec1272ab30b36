"""HTTP adapter for gate requests, the decision inbox, sign-off, re-baselines and gate configuration."""

from __future__ import annotations

from valuegate.deps import ActorDep, SessionDep, api_router
from valuegate.finance import service as finance
from valuegate.gates import config, service
from valuegate.gates.models import GateRequest
from valuegate.gates.schemas import (
    DeferIn,
    GateConfiguration,
    GateDecisionIn,
    GateOut,
    GatePatch,
    GateRequestOut,
    InboxItem,
    MoveRequestIn,
    NextGateOut,
    RebaselineDecided,
    RebaselineDecisionIn,
    RebaselineIn,
    RebaselineOut,
    SignOffIn,
    SignOffOut,
    StagePatch,
    StageRelabelled,
    UnmetOut,
)

router = api_router("gates")


def _request(r: GateRequest) -> GateRequestOut:
    return GateRequestOut.model_validate(service.request_view(r))


@router.post("/measures/{measure_id}/gate-requests", status_code=201)
def request_move(measure_id: int, body: MoveRequestIn, actor: ActorDep, session: SessionDep) -> GateRequestOut:
    return _request(service.request_move(session, actor=actor, measure_id=measure_id, **body.model_dump()))


@router.get("/measures/{measure_id}/gate-requests")
def list_requests(measure_id: int, actor: ActorDep, session: SessionDep) -> list[GateRequestOut]:
    return [_request(r) for r in service.requests_of(session, actor=actor, measure_id=measure_id)]


@router.post("/gate-requests/{request_id}/approve")
def approve(request_id: int, body: GateDecisionIn, actor: ActorDep, session: SessionDep) -> GateRequestOut:
    return _request(
        service.approve(session, actor=actor, request_id=request_id, comment=body.comment, version=body.version)
    )


@router.post("/gate-requests/{request_id}/reject")
def reject(request_id: int, body: GateDecisionIn, actor: ActorDep, session: SessionDep) -> GateRequestOut:
    return _request(
        service.reject(session, actor=actor, request_id=request_id, comment=body.comment or "", version=body.version)
    )


@router.post("/gate-requests/{request_id}/defer")
def defer(request_id: int, body: DeferIn, actor: ActorDep, session: SessionDep) -> GateRequestOut:
    return _request(
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
def withdraw(request_id: int, body: GateDecisionIn, actor: ActorDep, session: SessionDep) -> GateRequestOut:
    return _request(
        service.withdraw(session, actor=actor, request_id=request_id, reason=body.comment, version=body.version)
    )


@router.get("/inbox")
def inbox(actor: ActorDep, session: SessionDep) -> list[InboxItem]:
    return [InboxItem.model_validate(item) for item in service.inbox(session, actor=actor)]


@router.post("/measures/{measure_id}/sign-off", status_code=201)
def sign_off(measure_id: int, body: SignOffIn, actor: ActorDep, session: SessionDep) -> SignOffOut:
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
    return SignOffOut(
        id=so.id,
        measure_id=so.measure_id,
        verified_value=so.verified_value,
        actuals_total=so.actuals_total,
        evidence_ref=so.evidence_ref,
        signed_at=so.signed_at.isoformat(),
    )


@router.post("/measures/{measure_id}/rebaselines", status_code=201)
def request_rebaseline(measure_id: int, body: RebaselineIn, actor: ActorDep, session: SessionDep) -> RebaselineOut:
    entries = finance.parse_entries([e.model_dump() for e in body.entries])
    rb = finance.request_rebaseline(session, actor=actor, measure_id=measure_id, reason=body.reason, entries=entries)
    return RebaselineOut(id=rb.id, status=rb.status, version=rb.version)


@router.post("/rebaselines/{rebaseline_id}/decision")
def decide_rebaseline(
    rebaseline_id: int, body: RebaselineDecisionIn, actor: ActorDep, session: SessionDep
) -> RebaselineDecided:
    rb = finance.decide_rebaseline(session, actor=actor, rebaseline_id=rebaseline_id, **body.model_dump())
    return RebaselineDecided(
        id=rb.id,
        status=rb.status,
        version=rb.version,
        sponsor_approved_by=rb.sponsor_approved_by,
        controller_approved_by=rb.controller_approved_by,
    )


@router.get("/gates")
def gate_config(actor: ActorDep, session: SessionDep) -> GateConfiguration:
    return GateConfiguration.model_validate(config.configuration(session))


@router.patch("/stages/{code}")
def relabel_stage(code: str, body: StagePatch, actor: ActorDep, session: SessionDep) -> StageRelabelled:
    stage = config.relabel_stage(session, actor=actor, code=code, version=body.version, label=body.label)
    return StageRelabelled(code=stage.code, label=stage.label, version=stage.version)


@router.patch("/gates/{to_stage}")
def tune_gate(to_stage: str, body: GatePatch, actor: ActorDep, session: SessionDep) -> GateOut:
    gate = config.tune_gate(
        session,
        actor=actor,
        to_stage=to_stage,
        version=body.version,
        criteria=body.criteria,
        approvals=body.approvals,
        requires_reason=body.requires_reason,
    )
    return GateOut.model_validate(config.gate_view(gate))


@router.get("/measures/{measure_id}/next-gate")
def next_gate(measure_id: int, actor: ActorDep, session: SessionDep) -> NextGateOut:
    ng = service.next_gate(session, actor=actor, measure_id=measure_id)
    return NextGateOut(
        to_stage=ng.to_stage,
        label=ng.label,
        ready=not ng.unmet,
        unmet=[UnmetOut(criterion=u.code, problem=u.message) for u in ng.unmet],
        approvers=ng.approvers,
        pending_request_id=ng.pending_request_id,
    )
