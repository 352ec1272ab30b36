"""Month-end snapshots give the same "as known on" pipeline and the same bridge as replaying the temporal facts,
on both databases, for the whole portfolio, a program and an org unit; the worker takes the month end it misses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import TODAY
from valuegate.auth.models import Person
from valuegate.auth.policy import actor_for
from valuegate.db import utcnow
from valuegate.finance import service as finance
from valuegate.gates import service as gates
from valuegate.jobs.service import process_pending, schedule_daily
from valuegate.portfolio.models import Measure, Node, OrgUnit
from valuegate.rollups import queries, snapshots
from valuegate.scale.generator import SCALES, Generator


@pytest.fixture
def portfolio(session, settings):  # type: ignore[no-untyped-def]
    Generator(session, settings, SCALES["tiny"], today=TODAY).run()
    session.commit()
    root = session.scalar(select(Node).where(Node.kind == "portfolio"))
    program = session.scalar(select(Node).where(Node.kind == "program").order_by(Node.id))
    return session, root, program


def _change_things(session) -> None:  # type: ignore[no-untyped-def]
    """Between two snapshots: a forecast cut, a measure cancelled."""
    pmo = actor_for(session.scalar(select(Person).where(Person.global_role == "pmo").order_by(Person.id)))
    open_ids = list(
        session.scalars(select(Measure.node_id).where(Measure.stage.in_(("identified", "detailed"))).limit(3))
    )
    for mid in open_ids[:2]:
        m = session.get(Measure, mid)
        last = max(finance.measure_values(session, mid)["estimate"]["recurring"]["periods"])
        finance.set_values(
            session,
            actor=pmo,
            measure_id=mid,
            series="forecast",
            entries=[finance.Entry("recurring", last, 1)],
            values_version=m.values_version,
        )
    req = gates.request_move(session, actor=pmo, measure_id=open_ids[2], to_stage="cancelled", reason="Dropped")
    sponsor = session.get(Person, session.get(Node, open_ids[2]).sponsor_id)
    gates.approve(session, actor=actor_for(sponsor), request_id=req.id, comment="Agreed")


def _without_verified(pipe):  # type: ignore[no-untyped-def]
    return [{k: v for k, v in row.items() if k != "verified_value"} for row in pipe["stages"]]


def test_snapshots_equal_the_replayed_facts(portfolio) -> None:  # type: ignore[no-untyped-def]
    session, root, program = portfolio
    first = utcnow()
    snapshots.take(session, TODAY - timedelta(days=1), known_at=first)
    _change_things(session)
    second = utcnow()
    snapshots.take(session, TODAY, known_at=second)
    assert snapshots.dates(session) == [TODAY, TODAY - timedelta(days=1)]
    for day, at in ((TODAY - timedelta(days=1), first), (TODAY, second)):
        for scope in (None, root, program):
            path = scope.path if scope else None
            keys = [f"n:{scope.id}"] if scope else snapshots.root_scopes(session)
            from_snapshot = snapshots.pipeline(session, day, keys)
            replayed = queries.pipeline_as_of(session, at, path)
            assert _without_verified(from_snapshot) == _without_verified(replayed)
    for scope in (None, program):
        path = scope.path if scope else None
        fast = snapshots.bridge(session, TODAY - timedelta(days=1), TODAY, path)
        slow = queries.bridge(session, first, second, path)
        assert fast["total"] == slow["total"] and fast["by_stage"] == slow["by_stage"]
        t = fast["total"]
        assert t["end"] == t["start"] + t["new"] + t["progressed"] + t["slipped"] - t["dropped"] - t["realised"]
    # By org unit: the top unit holds every measure, so it reads as the whole portfolio does.
    company = session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
    by_unit = snapshots.pipeline(session, TODAY, [f"o:{company.id}"])
    assert _without_verified(by_unit) == _without_verified(
        snapshots.pipeline(session, TODAY, snapshots.root_scopes(session))
    )
    unit_bridge = snapshots.bridge(session, TODAY - timedelta(days=1), TODAY, org_path=company.path)
    assert unit_bridge["total"] == snapshots.bridge(session, TODAY - timedelta(days=1), TODAY)["total"]
    moved = snapshots.bridge(session, TODAY - timedelta(days=1), TODAY)["total"]
    assert moved["slipped"] < 0 and moved["dropped"] > 0, "the cut forecast and the cancellation show"
    # To "now": the same as a snapshot taken now.
    now = snapshots.bridge(session, TODAY - timedelta(days=1), None)
    assert now["total"] == snapshots.bridge(session, TODAY - timedelta(days=1), TODAY)["total"]


def test_the_worker_takes_the_missing_month_end(db, session, settings) -> None:  # type: ignore[no-untyped-def]
    Generator(session, settings, SCALES["tiny"], today=TODAY).run()
    session.commit()
    assert snapshots.missing_month_end(session, TODAY) == snapshots.month_end(2026, 5)
    schedule_daily(session, TODAY)
    session.commit()
    process_pending(db, settings, today=TODAY)
    session.expire_all()
    assert snapshots.dates(session) == [snapshots.month_end(2026, 5)]
    assert snapshots.missing_month_end(session, TODAY) is None
    assert schedule_daily(session, TODAY) is False, "nothing more to schedule today"
