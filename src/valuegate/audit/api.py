"""HTTP adapter for the audit trail: the log, chain verification and the evidence export of a measure."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from valuegate.audit import service
from valuegate.audit.evidence import evidence_document, evidence_download
from valuegate.deps import ActorDep, SessionDep

router = APIRouter(tags=["audit"])


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
) -> list[dict[str, Any]]:
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
    return [service.event_view(e) for e in log.events]


@router.get("/audit/verify")
def verify(actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    result = service.verify(session, actor=actor)
    brk = result.first_break
    return {
        "ok": result.ok,
        "checked": result.checked,
        "first_bad_event": brk.event_id if brk else None,
        "problem": brk.problem if brk else None,
    }


@router.get("/measures/{measure_id}/evidence", response_model=None)
def evidence(
    measure_id: int, actor: ActorDep, session: SessionDep, format: str = Query("json", pattern="^(json|csv)$")
) -> Response | dict[str, Any]:
    if format == "csv":
        return evidence_download(session, actor=actor, measure_id=measure_id, fmt="csv")
    return evidence_document(session, actor=actor, measure_id=measure_id)
