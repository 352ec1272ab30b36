"""The pages' read models take short cuts for speed (index walks, totals from the roll-ups, ranked links);
each is checked here against the plain computation over the same generated portfolio, on both databases."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import TODAY
from valuegate.auth.models import Person
from valuegate.auth.policy import actor_for
from valuegate.db import utcnow
from valuegate.dependencies.graph import dependency_graph
from valuegate.dependencies.models import Dependency
from valuegate.portfolio import listing, tree
from valuegate.portfolio.models import Measure, Node
from valuegate.rollups import cockpit
from valuegate.scale.generator import SCALES, Generator


@pytest.fixture
def portfolio(session, settings):  # type: ignore[no-untyped-def]
    Generator(session, settings, SCALES["tiny"], today=TODAY).run()
    session.commit()
    pmo = session.scalar(select(Person).where(Person.global_role == "pmo").order_by(Person.id))
    root = session.scalar(select(Node).where(Node.kind == "portfolio"))
    program = session.scalar(select(Node).where(Node.kind == "program").order_by(Node.id))
    return session, actor_for(pmo), root, program


def _open_measures(session, path: str):  # type: ignore[no-untyped-def]
    return session.execute(
        select(Node.owner_id, Measure.last_update_at)
        .join(Measure, Measure.node_id == Node.id)
        .where(Node.path.startswith(path), Node.archived_at.is_(None), Measure.stage.in_(cockpit.OPEN_STAGES))
    ).all()


@pytest.mark.parametrize("cadence", [0, 30, 3650])
def test_silent_owners_match_a_plain_count(portfolio, cadence: int) -> None:  # type: ignore[no-untyped-def]
    session, _pmo, root, program = portfolio
    cutoff = utcnow() - timedelta(days=cadence)
    for scope in (root, program):
        rows = [(o, at) for o, at in _open_measures(session, scope.path) if o is not None and at < cutoff]
        counts = Counter(o for o, _at in rows)
        oldest: dict[int, object] = {}
        for owner, at in sorted(rows, key=lambda r: r[1]):
            oldest.setdefault(owner, at)
        found = cockpit.silent_owners(session, scope.path, None, cadence)
        assert len(found) == min(cockpit.LIMIT, len(counts))
        for item in found:
            assert item["measures"] == counts[item["person_id"]]
        # The longest silent come first: nobody left out was silent for longer than anyone shown.
        shown = {item["person_id"] for item in found}
        if found:
            last_shown = max(oldest[p] for p in shown)  # type: ignore[type-var]
            assert all(at >= last_shown for p, at in oldest.items() if p not in shown)  # type: ignore[operator]


def test_late_milestones_are_the_oldest_open_ones(portfolio) -> None:  # type: ignore[no-untyped-def]
    session, _pmo, root, _program = portfolio
    late = cockpit.late_milestones(session, root.path, None, TODAY)
    assert late, "the generated portfolio has late milestones"
    assert all(m["due_on"] < TODAY for m in late)
    assert [m["due_on"] for m in late] == sorted(m["due_on"] for m in late)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"stage": "decided"},
        {"impl_status": "late"},
        {"value_status": "red"},
        {"impl_status": "on_track", "value_status": "green"},
    ],
)
def test_measure_list_totals_from_the_rollups_equal_a_count(portfolio, filters) -> None:  # type: ignore[no-untyped-def]
    session, pmo, root, program = portfolio
    for scope in (root, program):
        from_rollups = listing.measure_list(
            session, pmo, listing.Filters(scope=f"n:{scope.id}", path=scope.path, **filters)
        )[1]
        counted = listing.measure_list(session, pmo, listing.Filters(path=scope.path, text="", **filters))[1]
        plain = listing._where(
            select(Node.id).join(Measure, Measure.node_id == Node.id), pmo, listing.Filters(path=scope.path, **filters)
        )
        assert from_rollups == counted == len(session.execute(plain).all())


def test_tree_rollups_add_up(portfolio) -> None:  # type: ignore[no-untyped-def]
    session, pmo, root, _program = portfolio
    top = tree.describe(session, [root.id])[0]
    programs = tree.children(session, pmo, root.id)
    assert sum(p.measures for p in programs) == top.measures
    assert sum(p.run_rate.get("plan", 0) for p in programs) == top.run_rate.get("plan", 0)


def test_the_dependency_map_ranks_late_chains_first(portfolio) -> None:  # type: ignore[no-untyped-def]
    session, pmo, root, _program = portfolio
    everything = dependency_graph(session, pmo, root.path, limit=100_000)
    assert everything.total_links == len(session.execute(select(Dependency.id)).all()) == len(everything.links)
    few = dependency_graph(session, pmo, root.path, limit=5)
    assert len(few.links) == min(5, everything.total_links) and few.total_links == everything.total_links
    late_total = everything.late_chain_links
    assert few.late_chain_links == min(5, late_total), "late chains come first"
