"""HTTP adapter for a measure's figures: read (also as known on a date), enter, and their history."""

from __future__ import annotations

from datetime import datetime

from valuegate.deps import ActorDep, SessionDep, api_router
from valuegate.finance import service as finance
from valuegate.finance.schemas import MeasureValues, Series, ValueFactOut, ValuesIn, ValuesSaved

router = api_router("figures")


@router.get("/measures/{measure_id}/values")
def get_values(measure_id: int, actor: ActorDep, session: SessionDep, as_of: datetime | None = None) -> MeasureValues:
    return MeasureValues.model_validate(finance.values_of(session, actor=actor, measure_id=measure_id, as_of=as_of))


@router.put("/measures/{measure_id}/values/{series}")
def put_values(measure_id: int, series: Series, body: ValuesIn, actor: ActorDep, session: SessionDep) -> ValuesSaved:
    entries = finance.parse_entries([e.model_dump() for e in body.entries])
    m = finance.set_values(
        session,
        actor=actor,
        measure_id=measure_id,
        series=series,
        entries=entries,
        values_version=body.values_version,
        reason=body.reason,
    )
    return ValuesSaved.model_validate(
        {
            "measure_id": measure_id,
            "values_version": m.values_version,
            "series": finance.measure_values(session, measure_id),
        }
    )


@router.get("/measures/{measure_id}/value-history")
def value_history(measure_id: int, actor: ActorDep, session: SessionDep) -> list[ValueFactOut]:
    history = finance.history_of(session, actor=actor, measure_id=measure_id)
    return [ValueFactOut.model_validate(f) for f in history]
