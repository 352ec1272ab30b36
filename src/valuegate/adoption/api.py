"""HTTP adapter for adoption: usage events in (JSON or CSV), audience members, success metrics and readings."""

from __future__ import annotations

from datetime import date
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends

from valuegate.adoption import ingest, service
from valuegate.adoption.schemas import EventsIn, MembersIn, MetricIn, MetricPatch, ReadingIn
from valuegate.deps import ActorDep, SessionDep, StreamedBody

router = APIRouter(tags=["adoption"])
CsvFile = Annotated[IO[bytes], Depends(StreamedBody(lambda: ingest.MAX_CSV_BYTES))]


@router.post("/usage/events", status_code=201)
def events(body: EventsIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return ingest.record_events(session, actor=actor, events=body.events, system=body.system)


@router.post("/usage/events.csv", status_code=201)
def events_csv(actor: ActorDep, session: SessionDep, file: CsvFile, system: str | None = None) -> dict[str, Any]:
    """The request body is the CSV file (Content-Type text/csv)."""
    return ingest.import_csv(session, actor=actor, data=file.read(), system=system)


@router.post("/audience-groups/{group_id}/members", status_code=201)
def members(group_id: int, body: MembersIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return ingest.add_members(session, actor=actor, group_id=group_id, identifiers=body.identifiers, since=body.since)


@router.get("/nodes/{node_id}/metrics")
def dashboard(node_id: int, actor: ActorDep, session: SessionDep, as_of: date | None = None) -> dict[str, Any]:
    return service.dashboard(session, actor=actor, node_id=node_id, as_of=as_of)


@router.post("/nodes/{node_id}/metrics", status_code=201)
def define(node_id: int, body: MetricIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    values = body.model_dump()
    if values["comparator"] is None:
        values.pop("comparator")
    metric = service.define_metric(session, actor=actor, node_id=node_id, **values)
    return {"id": metric.id, "version": metric.version}


@router.patch("/metrics/{metric_id}")
def update(metric_id: int, body: MetricPatch, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    metric = service.update_metric(session, actor=actor, metric_id=metric_id, version=version, changes=changes)
    return {"id": metric.id, "version": metric.version}


@router.post("/metrics/{metric_id}/readings", status_code=201)
def reading(metric_id: int, body: ReadingIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    r = service.record_reading(session, actor=actor, metric_id=metric_id, **body.model_dump())
    return {"id": r.id, "measured_on": r.measured_on.isoformat(), "value": r.value}
