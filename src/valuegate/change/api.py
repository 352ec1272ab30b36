"""HTTP adapter for the change workstream: stakeholders, audience groups, ADKAR and the resistance register."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from valuegate.change import champions, plan, prompts, retirement, service
from valuegate.change.rules import ADKAR
from valuegate.change.schemas import (
    ActivityIn,
    AdkarIn,
    ChampionIn,
    ChampionPatch,
    GroupIn,
    LegacyIn,
    LegacyPatch,
    ResistanceIn,
    ResistancePatch,
    StakeholderIn,
    StakeholderPatch,
)
from valuegate.context import today_of
from valuegate.deps import ActorDep, SessionDep
from valuegate.errors import InvalidInput

router = APIRouter(tags=["change"])


@router.get("/nodes/{node_id}/stakeholders")
def stakeholders(node_id: int, actor: ActorDep, session: SessionDep) -> list[dict[str, Any]]:
    return service.stakeholders(session, actor=actor, node_id=node_id)


@router.post("/nodes/{node_id}/stakeholders", status_code=201)
def add_stakeholder(node_id: int, body: StakeholderIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    fields = body.model_dump()
    person_id = fields.pop("person_id")
    s = service.add_stakeholder(session, actor=actor, node_id=node_id, person_id=person_id, **fields)
    return {"id": s.id, "version": s.version}


@router.patch("/stakeholders/{stakeholder_id}")
def assess_stakeholder(
    stakeholder_id: int, body: StakeholderPatch, actor: ActorDep, session: SessionDep
) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    s = service.assess_stakeholder(
        session, actor=actor, stakeholder_id=stakeholder_id, version=version, changes=changes
    )
    return {"id": s.id, "version": s.version, "last_assessed_on": s.last_assessed_on.isoformat()}


@router.get("/nodes/{node_id}/audience-groups")
def groups(node_id: int, actor: ActorDep, session: SessionDep) -> list[dict[str, Any]]:
    return service.groups(session, actor=actor, node_id=node_id)


@router.post("/nodes/{node_id}/audience-groups", status_code=201)
def add_group(node_id: int, body: GroupIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.group_view(service.add_group(session, actor=actor, node_id=node_id, **body.model_dump()))


@router.get("/nodes/{node_id}/adkar")
def adkar(node_id: int, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return service.adkar_overview(session, actor=actor, node_id=node_id)


@router.post("/nodes/{node_id}/adkar", status_code=201)
def assess_adkar(node_id: int, body: AdkarIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    fields = body.model_dump()
    scores = {e: fields.pop(e) for e in ADKAR}
    a = service.assess_adkar(session, actor=actor, node_id=node_id, scores=scores, **fields)
    return service.adkar_view(a)


@router.get("/nodes/{node_id}/resistance")
def resistance(node_id: int, actor: ActorDep, session: SessionDep) -> list[dict[str, Any]]:
    return service.resistance_register(session, actor=actor, node_id=node_id)


@router.post("/nodes/{node_id}/resistance", status_code=201)
def raise_resistance(node_id: int, body: ResistanceIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    item = service.raise_resistance(session, actor=actor, node_id=node_id, **body.model_dump())
    return service.resistance_view(item, today_of(session))


@router.patch("/resistance/{item_id}")
def update_resistance(item_id: int, body: ResistancePatch, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    item = service.update_resistance(session, actor=actor, item_id=item_id, version=version, changes=changes)
    return service.resistance_view(item, today_of(session))


@router.get("/nodes/{node_id}/champions")
def champion_network(node_id: int, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return champions.network(session, actor=actor, node_id=node_id)


@router.post("/nodes/{node_id}/champions", status_code=201)
def name_champion(node_id: int, body: ChampionIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    c = champions.name_champion(session, actor=actor, node_id=node_id, **body.model_dump())
    return {"id": c.id, "version": c.version, "since": c.since.isoformat()}


@router.patch("/champions/{champion_id}")
def update_champion(champion_id: int, body: ChampionPatch, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    c = champions.update_champion(session, actor=actor, champion_id=champion_id, version=version, changes=changes)
    return {"id": c.id, "version": c.version, "active": c.active}


@router.post("/champions/{champion_id}/activities", status_code=201)
def log_activity(champion_id: int, body: ActivityIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    a = champions.log_activity(session, actor=actor, champion_id=champion_id, **body.model_dump())
    return {"id": a.id, "kind": a.kind, "happened_on": a.happened_on.isoformat()}


@router.get("/nodes/{node_id}/legacy")
def legacy(node_id: int, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    return retirement.retirement_list(session, actor=actor, node_id=node_id)


@router.post("/nodes/{node_id}/legacy", status_code=201)
def register_legacy(node_id: int, body: LegacyIn, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    item = retirement.register(session, actor=actor, node_id=node_id, **body.model_dump())
    return retirement.view(item, None, today_of(session))


@router.patch("/legacy/{item_id}")
def update_legacy(item_id: int, body: LegacyPatch, actor: ActorDep, session: SessionDep) -> dict[str, Any]:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    item = retirement.update(session, actor=actor, item_id=item_id, version=version, changes=changes)
    return retirement.view(item, None, today_of(session))


@router.get("/nodes/{node_id}/change-plan")
def change_plan(node_id: int, actor: ActorDep, session: SessionDep, format: str = "md") -> Response:
    """The implementation plan as Markdown (``format=md``) or a Word document (``format=docx``)."""
    if format not in ("md", "docx"):
        raise InvalidInput("The plan comes as md (Markdown) or docx (Word).")
    document = plan.build(session, actor=actor, node_id=node_id)
    name = plan.filename(document, format, today_of(session))
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "docx":
        media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return Response(plan.to_docx(document), media_type=media, headers=headers)
    return Response(plan.to_markdown(document), media_type="text/markdown; charset=utf-8", headers=headers)


@router.get("/nodes/{node_id}/prompts")
def assistant_prompts(node_id: int, actor: ActorDep, session: SessionDep) -> list[dict[str, str]]:
    return [prompts.prompt(session, actor=actor, node_id=node_id, template=t) for t in prompts.TEMPLATES]


@router.post("/nodes/{node_id}/prompts/{template}/ask")
def ask_assistant(node_id: int, template: str, actor: ActorDep, session: SessionDep) -> dict[str, str]:
    return prompts.ask(session, actor=actor, node_id=node_id, template=template)
