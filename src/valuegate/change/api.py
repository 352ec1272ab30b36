"""HTTP adapter for the change workstream: stakeholders, audience groups, ADKAR and the resistance register."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from fastapi import Response

from valuegate.change import champions, plan, prompts, retirement, service
from valuegate.change.rules import ADKAR
from valuegate.change.schemas import (
    ActivityIn,
    ActivityLogged,
    AdkarIn,
    AdkarOut,
    AdkarOverview,
    AssistantAnswer,
    ChampionIn,
    ChampionNamed,
    ChampionNetwork,
    ChampionPatch,
    ChampionUpdated,
    GroupIn,
    GroupOut,
    LegacyIn,
    LegacyOut,
    LegacyPatch,
    PromptOut,
    ResistanceIn,
    ResistanceOut,
    ResistancePatch,
    RetirementList,
    StakeholderAssessed,
    StakeholderIn,
    StakeholderOut,
    StakeholderPatch,
)
from valuegate.context import today_of
from valuegate.deps import ActorDep, SessionDep, api_router
from valuegate.schemas import Created, one_of, problem_response

if TYPE_CHECKING:
    PlanFormat: TypeAlias = str
else:
    PlanFormat = one_of("PlanFormat", ("md", "docx"))

router = api_router("change")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKDOWN = "text/markdown; charset=utf-8"


@router.get("/nodes/{node_id}/stakeholders")
def stakeholders(node_id: int, actor: ActorDep, session: SessionDep) -> list[StakeholderOut]:
    return [StakeholderOut.model_validate(s) for s in service.stakeholders(session, actor=actor, node_id=node_id)]


@router.post("/nodes/{node_id}/stakeholders", status_code=201)
def add_stakeholder(node_id: int, body: StakeholderIn, actor: ActorDep, session: SessionDep) -> Created:
    fields = body.model_dump()
    person_id = fields.pop("person_id")
    s = service.add_stakeholder(session, actor=actor, node_id=node_id, person_id=person_id, **fields)
    return Created(id=s.id, version=s.version)


@router.patch("/stakeholders/{stakeholder_id}")
def assess_stakeholder(
    stakeholder_id: int, body: StakeholderPatch, actor: ActorDep, session: SessionDep
) -> StakeholderAssessed:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    s = service.assess_stakeholder(
        session, actor=actor, stakeholder_id=stakeholder_id, version=version, changes=changes
    )
    return StakeholderAssessed(id=s.id, version=s.version, last_assessed_on=s.last_assessed_on)


@router.get("/nodes/{node_id}/audience-groups")
def groups(node_id: int, actor: ActorDep, session: SessionDep) -> list[GroupOut]:
    return [GroupOut.model_validate(g) for g in service.groups(session, actor=actor, node_id=node_id)]


@router.post("/nodes/{node_id}/audience-groups", status_code=201)
def add_group(node_id: int, body: GroupIn, actor: ActorDep, session: SessionDep) -> GroupOut:
    group = service.add_group(session, actor=actor, node_id=node_id, **body.model_dump())
    return GroupOut.model_validate(service.group_view(group))


@router.get("/nodes/{node_id}/adkar")
def adkar(node_id: int, actor: ActorDep, session: SessionDep) -> AdkarOverview:
    return AdkarOverview.model_validate(service.adkar_overview(session, actor=actor, node_id=node_id))


@router.post("/nodes/{node_id}/adkar", status_code=201)
def assess_adkar(node_id: int, body: AdkarIn, actor: ActorDep, session: SessionDep) -> AdkarOut:
    fields = body.model_dump()
    scores = {e: fields.pop(e) for e in ADKAR}
    a = service.assess_adkar(session, actor=actor, node_id=node_id, scores=scores, **fields)
    return AdkarOut.model_validate(service.adkar_view(a))


@router.get("/nodes/{node_id}/resistance")
def resistance(node_id: int, actor: ActorDep, session: SessionDep) -> list[ResistanceOut]:
    return [ResistanceOut.model_validate(r) for r in service.resistance_register(session, actor=actor, node_id=node_id)]


@router.post("/nodes/{node_id}/resistance", status_code=201)
def raise_resistance(node_id: int, body: ResistanceIn, actor: ActorDep, session: SessionDep) -> ResistanceOut:
    item = service.raise_resistance(session, actor=actor, node_id=node_id, **body.model_dump())
    return ResistanceOut.model_validate(service.resistance_view(item, today_of(session)))


@router.patch("/resistance/{item_id}")
def update_resistance(item_id: int, body: ResistancePatch, actor: ActorDep, session: SessionDep) -> ResistanceOut:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    item = service.update_resistance(session, actor=actor, item_id=item_id, version=version, changes=changes)
    return ResistanceOut.model_validate(service.resistance_view(item, today_of(session)))


@router.get("/nodes/{node_id}/champions")
def champion_network(node_id: int, actor: ActorDep, session: SessionDep) -> ChampionNetwork:
    return ChampionNetwork.model_validate(champions.network(session, actor=actor, node_id=node_id))


@router.post("/nodes/{node_id}/champions", status_code=201)
def name_champion(node_id: int, body: ChampionIn, actor: ActorDep, session: SessionDep) -> ChampionNamed:
    c = champions.name_champion(session, actor=actor, node_id=node_id, **body.model_dump())
    return ChampionNamed(id=c.id, version=c.version, since=c.since)


@router.patch("/champions/{champion_id}")
def update_champion(champion_id: int, body: ChampionPatch, actor: ActorDep, session: SessionDep) -> ChampionUpdated:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    c = champions.update_champion(session, actor=actor, champion_id=champion_id, version=version, changes=changes)
    return ChampionUpdated(id=c.id, version=c.version, active=c.active)


@router.post("/champions/{champion_id}/activities", status_code=201)
def log_activity(champion_id: int, body: ActivityIn, actor: ActorDep, session: SessionDep) -> ActivityLogged:
    a = champions.log_activity(session, actor=actor, champion_id=champion_id, **body.model_dump())
    return ActivityLogged(id=a.id, kind=a.kind, happened_on=a.happened_on)


@router.get("/nodes/{node_id}/legacy")
def legacy(node_id: int, actor: ActorDep, session: SessionDep) -> RetirementList:
    return RetirementList.model_validate(retirement.retirement_list(session, actor=actor, node_id=node_id))


@router.post("/nodes/{node_id}/legacy", status_code=201)
def register_legacy(node_id: int, body: LegacyIn, actor: ActorDep, session: SessionDep) -> LegacyOut:
    item = retirement.register(session, actor=actor, node_id=node_id, **body.model_dump())
    return LegacyOut.model_validate(retirement.view(item, None, today_of(session)))


@router.patch("/legacy/{item_id}")
def update_legacy(item_id: int, body: LegacyPatch, actor: ActorDep, session: SessionDep) -> LegacyOut:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    item = retirement.update(session, actor=actor, item_id=item_id, version=version, changes=changes)
    return LegacyOut.model_validate(retirement.view(item, None, today_of(session)))


@router.get(
    "/nodes/{node_id}/change-plan",
    response_class=Response,
    responses={
        200: {
            "description": "The plan as a file to download",
            "content": {
                MARKDOWN: {"schema": {"type": "string"}},
                DOCX: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
def change_plan(node_id: int, actor: ActorDep, session: SessionDep, format: PlanFormat = "md") -> Response:
    """The implementation plan as Markdown (``format=md``) or a Word document (``format=docx``)."""
    document = plan.build(session, actor=actor, node_id=node_id)
    name = plan.filename(document, format, today_of(session))
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "docx":
        return Response(plan.to_docx(document), media_type=DOCX, headers=headers)
    return Response(plan.to_markdown(document), media_type=MARKDOWN, headers=headers)


@router.get("/nodes/{node_id}/prompts")
def assistant_prompts(node_id: int, actor: ActorDep, session: SessionDep) -> list[PromptOut]:
    return [
        PromptOut.model_validate(prompts.prompt(session, actor=actor, node_id=node_id, template=t))
        for t in prompts.TEMPLATES
    ]


@router.post(
    "/nodes/{node_id}/prompts/{template}/ask",
    responses={502: problem_response("The configured assistant could not be reached or answered wrongly.")},
)
def ask_assistant(node_id: int, template: str, actor: ActorDep, session: SessionDep) -> AssistantAnswer:
    return AssistantAnswer.model_validate(prompts.ask(session, actor=actor, node_id=node_id, template=template))
