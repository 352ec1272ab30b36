"""HTTP adapter for the audit trail: the log, chain verification and the evidence export of a measure."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from fastapi import Query, Response

from valuegate.audit import service
from valuegate.audit.evidence import MEDIA_TYPES, evidence_document, evidence_download
from valuegate.audit.schemas import AuditEventOut, ChainCheck, Evidence
from valuegate.deps import ActorDep, SessionDep, api_router
from valuegate.schemas import one_of

if TYPE_CHECKING:
    EvidenceFormat: TypeAlias = str
else:
    EvidenceFormat = one_of("EvidenceFormat", MEDIA_TYPES)

router = api_router("audit")


@router.get("/audit/events")
def events(
    actor: ActorDep,
    session: SessionDep,
    entity_type: str | None = None,
    measure_id: int | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
    before_id: int | None = None,
) -> list[AuditEventOut]:
    log = service.event_log(
        session,
        actor=actor,
        entity_type=entity_type,
        measure_id=measure_id,
        actor_id=actor_id,
        action=action,
        limit=limit,
        before_id=before_id,
    )
    return [AuditEventOut.model_validate(service.event_view(e)) for e in log.events]


@router.get("/audit/verify")
def verify(actor: ActorDep, session: SessionDep) -> ChainCheck:
    result = service.verify(session, actor=actor)
    brk = result.first_break
    return ChainCheck(
        ok=result.ok,
        checked=result.checked,
        first_bad_event=brk.event_id if brk else None,
        problem=brk.problem if brk else None,
    )


@router.get(
    "/measures/{measure_id}/evidence",
    response_model=Evidence,
    responses={
        200: {
            "description": "The evidence as JSON, or (format=csv) the events as CSV, one row each with its hashes",
            "content": {MEDIA_TYPES["csv"]: {"schema": {"type": "string"}}},
        }
    },
)
def evidence(
    measure_id: int, actor: ActorDep, session: SessionDep, format: EvidenceFormat = "json"
) -> Response | Evidence:
    if format == "csv":
        return evidence_download(session, actor=actor, measure_id=measure_id, fmt="csv")
    return Evidence.model_validate(evidence_document(session, actor=actor, measure_id=measure_id))
