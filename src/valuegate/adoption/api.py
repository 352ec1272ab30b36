"""HTTP adapter for adoption: usage events in (JSON or CSV), audience members, success metrics and readings."""

from __future__ import annotations

from datetime import date
from typing import IO, Annotated

from fastapi import Depends

from valuegate.adoption import ingest, service
from valuegate.adoption.schemas import (
    EventsIn,
    MembersAdded,
    MembersIn,
    MetricDashboard,
    MetricIn,
    MetricPatch,
    ReadingIn,
    ReadingOut,
    Stored,
)
from valuegate.deps import ActorDep, SessionDep, StreamedBody, api_router
from valuegate.schemas import UPLOAD_RESPONSES, Created

router = api_router("adoption")
CsvFile = Annotated[IO[bytes], Depends(StreamedBody(lambda: ingest.MAX_CSV_BYTES))]


@router.post("/usage/events", status_code=201, responses=UPLOAD_RESPONSES)
def events(body: EventsIn, actor: ActorDep, session: SessionDep) -> Stored:
    return Stored.model_validate(ingest.record_events(session, actor=actor, events=body.events, system=body.system))


@router.post(
    "/usage/events.csv",
    status_code=201,
    responses=UPLOAD_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string", "description": "actor,event,occurred_at[,system]"}}},
        }
    },
)
def events_csv(actor: ActorDep, session: SessionDep, file: CsvFile, system: str | None = None) -> Stored:
    """The request body is the CSV file (Content-Type text/csv)."""
    return Stored.model_validate(ingest.import_csv(session, actor=actor, data=file.read(), system=system))


@router.post("/audience-groups/{group_id}/members", status_code=201)
def members(group_id: int, body: MembersIn, actor: ActorDep, session: SessionDep) -> MembersAdded:
    added = ingest.add_members(session, actor=actor, group_id=group_id, identifiers=body.identifiers, since=body.since)
    return MembersAdded.model_validate(added)


@router.get("/nodes/{node_id}/metrics")
def dashboard(node_id: int, actor: ActorDep, session: SessionDep, as_of: date | None = None) -> MetricDashboard:
    return MetricDashboard.model_validate(service.dashboard(session, actor=actor, node_id=node_id, as_of=as_of))


@router.post("/nodes/{node_id}/metrics", status_code=201)
def define(node_id: int, body: MetricIn, actor: ActorDep, session: SessionDep) -> Created:
    values = body.model_dump()
    if values["comparator"] is None:
        values.pop("comparator")
    metric = service.define_metric(session, actor=actor, node_id=node_id, **values)
    return Created(id=metric.id, version=metric.version)


@router.patch("/metrics/{metric_id}")
def update(metric_id: int, body: MetricPatch, actor: ActorDep, session: SessionDep) -> Created:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    metric = service.update_metric(session, actor=actor, metric_id=metric_id, version=version, changes=changes)
    return Created(id=metric.id, version=metric.version)


@router.post("/metrics/{metric_id}/readings", status_code=201)
def reading(metric_id: int, body: ReadingIn, actor: ActorDep, session: SessionDep) -> ReadingOut:
    r = service.record_reading(session, actor=actor, metric_id=metric_id, **body.model_dump())
    return ReadingOut(id=r.id, measured_on=r.measured_on, value=r.value)
