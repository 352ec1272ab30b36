"""HTTP adapter for roll-ups: pipeline by stage, status matrix, months, as-of and the bridge."""

from __future__ import annotations

from datetime import datetime

from valuegate.deps import ActorDep, SessionDep, api_router
from valuegate.errors import InvalidInput
from valuegate.finance import rules as fin
from valuegate.finance.schemas import ValueKind
from valuegate.portfolio.schemas import ImplementationStatus, Stage, ValueStatus
from valuegate.rollups import queries
from valuegate.rollups.schemas import Bridge, Periods, Pipeline, PipelineThen, StatusCell
from valuegate.rollups.scope import resolve_scope, scope_path

router = api_router("roll-ups")


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput(f"{name} needs a time zone, e.g. 2026-01-31T00:00:00Z.")
    return value


@router.get("/rollups/pipeline")
def pipeline(
    actor: ActorDep,
    session: SessionDep,
    node_id: int | None = None,
    org_unit_id: int | None = None,
    kind: ValueKind = "recurring",
    impl_status: ImplementationStatus | None = None,
    value_status: ValueStatus | None = None,
    as_of: datetime | None = None,
) -> Pipeline | PipelineThen:
    """The pipeline now (from the pre-aggregates), or as known at ``as_of`` (per node, from the figures)."""
    scope, path = resolve_scope(session, actor, node_id, org_unit_id)
    if as_of is not None:
        if path is None:
            raise InvalidInput("As-of roll-ups are available per node.")
        return PipelineThen.model_validate(queries.pipeline_as_of(session, _aware(as_of, "as_of"), path, kind))
    return Pipeline.model_validate(
        queries.pipeline(session, scope, impl_status=impl_status, value_rag=value_status, kind=kind)
    )


@router.get("/rollups/status-matrix")
def status_matrix(
    actor: ActorDep, session: SessionDep, node_id: int | None = None, org_unit_id: int | None = None
) -> list[StatusCell]:
    scope, _ = resolve_scope(session, actor, node_id, org_unit_id)
    return [StatusCell.model_validate(cell) for cell in queries.status_matrix(session, scope)]


@router.get("/rollups/periods")
def periods(
    actor: ActorDep,
    session: SessionDep,
    node_id: int | None = None,
    org_unit_id: int | None = None,
    kind: ValueKind = "recurring",
    stage: Stage | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Periods:
    for label, p in (("start", start), ("end", end)):
        if p is not None and not fin.is_period(p):
            raise InvalidInput(f"{label} {p!r} is not a month in the form YYYY-MM.")
    scope, _ = resolve_scope(session, actor, node_id, org_unit_id)
    by_series = queries.periods(session, scope, kind=kind, stage=stage, start=start, end=end)
    fy_start = session.info["valuegate_settings"].fiscal_year_start_month
    return Periods(
        scope=scope,
        kind=kind,
        periods=by_series,
        fiscal_years={s: queries.fiscal_years(v, fy_start) for s, v in by_series.items()},
        fiscal_year_start_month=fy_start,
    )


@router.get("/rollups/bridge")
def bridge(actor: ActorDep, session: SessionDep, start: datetime, end: datetime, node_id: int | None = None) -> Bridge:
    path = scope_path(session, actor, node_id)
    try:
        return Bridge.model_validate(queries.bridge(session, _aware(start, "start"), _aware(end, "end"), path))
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
