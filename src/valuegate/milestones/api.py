"""HTTP adapter for milestones, the source of a measure's implementation status."""

from __future__ import annotations

from valuegate.deps import ActorDep, SessionDep, api_router
from valuegate.milestones import service as milestones
from valuegate.milestones.models import Milestone
from valuegate.milestones.schemas import MilestoneIn, MilestoneOut, MilestonePatch

router = api_router("milestones")


def _milestone(m: Milestone) -> MilestoneOut:
    return MilestoneOut.model_validate(milestones.milestone_view(m))


@router.get("/measures/{measure_id}/milestones")
def list_milestones(measure_id: int, actor: ActorDep, session: SessionDep) -> list[MilestoneOut]:
    return [_milestone(m) for m in milestones.milestones_of(session, actor=actor, measure_id=measure_id)]


@router.post("/measures/{measure_id}/milestones", status_code=201)
def add_milestone(measure_id: int, body: MilestoneIn, actor: ActorDep, session: SessionDep) -> MilestoneOut:
    return _milestone(milestones.add_milestone(session, actor=actor, measure_id=measure_id, **body.model_dump()))


@router.patch("/milestones/{milestone_id}")
def update_milestone(milestone_id: int, body: MilestonePatch, actor: ActorDep, session: SessionDep) -> MilestoneOut:
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return _milestone(
        milestones.update_milestone(session, actor=actor, milestone_id=milestone_id, version=version, changes=changes)
    )


@router.delete("/milestones/{milestone_id}", status_code=204)
def delete_milestone(milestone_id: int, actor: ActorDep, session: SessionDep, version: int | None = None) -> None:
    milestones.delete_milestone(session, actor=actor, milestone_id=milestone_id, version=version)
