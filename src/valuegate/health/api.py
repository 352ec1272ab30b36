"""HTTP adapter for the health monitor: an implementation's health (and a run on demand), its profile and
thresholds, the portfolio by health, the model catalogue and its use, decision citations, plays taken up as actions
and the minimum viable outcome."""

from __future__ import annotations

from datetime import date

from valuegate.deps import ActorDep, SessionDep, api_router
from valuegate.errors import InvalidInput
from valuegate.health import catalogue, plays, service
from valuegate.health.schemas import (
    ActionOut,
    ActionPatch,
    ArtefactIn,
    ArtefactOut,
    ArtefactPatch,
    ArtefactRegistered,
    ArtefactUpdated,
    Citations,
    CiteIn,
    Health,
    OutcomeIn,
    OutcomeOut,
    PlayIn,
    PortfolioHealth,
    ProfileIn,
    ProfileOut,
    UseIn,
    UsesIn,
    UsesRecorded,
)

router = api_router("health")


@router.get("/nodes/{node_id}/health")
def health(node_id: int, actor: ActorDep, session: SessionDep) -> Health:
    return Health.model_validate(service.health(session, actor=actor, node_id=node_id))


@router.post("/nodes/{node_id}/health/run")
def run(node_id: int, actor: ActorDep, session: SessionDep) -> Health:
    return Health.model_validate(service.run_now(session, actor=actor, node_id=node_id))


@router.patch("/nodes/{node_id}/health/profile")
def profile(node_id: int, body: ProfileIn, actor: ActorDep, session: SessionDep) -> ProfileOut:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version", None)
    p = service.set_profile(session, actor=actor, node_id=node_id, version=version, changes=changes)
    return ProfileOut.model_validate(service.profile_view(node_id, p))


@router.get("/health/portfolio")
def portfolio(actor: ActorDep, session: SessionDep) -> list[PortfolioHealth]:
    return [PortfolioHealth.model_validate(row) for row in service.portfolio(session, actor=actor)]


@router.get("/nodes/{node_id}/artefacts")
def artefacts(node_id: int, actor: ActorDep, session: SessionDep) -> list[ArtefactOut]:
    return [ArtefactOut.model_validate(a) for a in catalogue.catalogue(session, actor=actor, node_id=node_id)]


@router.post("/nodes/{node_id}/artefacts", status_code=201)
def register(node_id: int, body: ArtefactIn, actor: ActorDep, session: SessionDep) -> ArtefactRegistered:
    item = catalogue.register(session, actor=actor, node_id=node_id, **body.model_dump(exclude_unset=True))
    return ArtefactRegistered(id=item.id, name=item.name, version=item.version)


@router.patch("/artefacts/{artefact_id}")
def update(artefact_id: int, body: ArtefactPatch, actor: ActorDep, session: SessionDep) -> ArtefactUpdated:
    changes = dict(body.changes)
    if isinstance(changes.get("published_on"), str):
        try:
            changes["published_on"] = date.fromisoformat(changes["published_on"])
        except ValueError:
            raise InvalidInput("published_on is a date such as 2026-05-04.") from None
    item = catalogue.update(session, actor=actor, artefact_id=artefact_id, version=body.version, changes=changes)
    return ArtefactUpdated(id=item.id, status=item.status, version=item.version)


@router.post("/artefacts/{artefact_id}/uses", status_code=204)
def use(artefact_id: int, body: UseIn, actor: ActorDep, session: SessionDep) -> None:
    catalogue.record_use(session, actor=actor, artefact_id=artefact_id, action=body.action)


@router.post("/nodes/{node_id}/artefact-uses")
def import_uses(node_id: int, body: UsesIn, actor: ActorDep, session: SessionDep) -> UsesRecorded:
    return UsesRecorded(recorded=catalogue.import_uses(session, actor=actor, node_id=node_id, uses=body.uses))


@router.post("/decisions/{decision_id}/citations")
def cite(decision_id: int, body: CiteIn, actor: ActorDep, session: SessionDep) -> Citations:
    cited = catalogue.cite(session, actor=actor, decision_id=decision_id, artefact_ids=body.artefact_ids)
    return Citations(decision_id=decision_id, artefact_ids=cited)


@router.post("/nodes/{node_id}/health/actions", status_code=201)
def take(node_id: int, body: PlayIn, actor: ActorDep, session: SessionDep) -> ActionOut:
    action = plays.take(session, actor=actor, node_id=node_id, **body.model_dump())
    return ActionOut.model_validate(plays.action_view(action, None))


@router.patch("/health/actions/{action_id}")
def close(action_id: int, body: ActionPatch, actor: ActorDep, session: SessionDep) -> ActionOut:
    action = plays.update_action(session, actor=actor, action_id=action_id, **body.model_dump())
    return ActionOut.model_validate(plays.action_view(action, None))


@router.post("/nodes/{node_id}/health/outcomes", status_code=201)
def agree(node_id: int, body: OutcomeIn, actor: ActorDep, session: SessionDep) -> OutcomeOut:
    values = body.model_dump()
    plays.agree_outcome(session, actor=actor, node_id=node_id, **values)
    outcome = plays.current_outcome(session, node_id)
    assert outcome is not None
    return OutcomeOut.model_validate(outcome)
