"""The evidence of one measure, its full decision and figure history, as the auditor takes it away.

One document for the API, the web download and `valuegate audit export`; read by those who may read the
measure's audit trail.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Response
from sqlalchemy.orm import Session

from valuegate.audit.service import events_as_csv, events_for_measure
from valuegate.auth.policy import Actor, require
from valuegate.finance.service import value_history
from valuegate.portfolio.service import get_measure

MEDIA_TYPES = {"json": "application/json", "csv": "text/csv"}


def evidence_document(session: Session, *, actor: Actor, measure_id: int) -> dict[str, Any]:
    node, _m = get_measure(session, measure_id, actor=actor)
    require(session, actor, "audit.read", node)
    return {
        "measure_id": measure_id,
        "name": node.name,
        "events": events_for_measure(session, measure_id),
        "figures": value_history(session, measure_id),
    }


def evidence_text(session: Session, *, actor: Actor, measure_id: int, fmt: str) -> tuple[str, int]:
    """JSON: events and figures; CSV: the events, one row each, with their hashes. And how many events."""
    if fmt == "csv":
        node, _m = get_measure(session, measure_id, actor=actor)
        require(session, actor, "audit.read", node)
        events = events_for_measure(session, measure_id)
        return events_as_csv(events), len(events)
    document = evidence_document(session, actor=actor, measure_id=measure_id)
    return json.dumps(document, indent=2), len(document["events"])


def evidence_download(session: Session, *, actor: Actor, measure_id: int, fmt: str) -> Response:
    return Response(
        evidence_text(session, actor=actor, measure_id=measure_id, fmt=fmt)[0],
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="measure-{measure_id}-evidence.{fmt}"'},
    )
