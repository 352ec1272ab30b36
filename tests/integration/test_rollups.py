"""The incrementally maintained roll-ups equal a set-based rebuild from the facts."""

from __future__ import annotations

from valuegate.demo import load_demo
from valuegate.rollups import queries
from valuegate.rollups.rebuild import rebuild, snapshot


def test_demo_rollups_equal_a_rebuild_from_the_facts(session) -> None:  # type: ignore[no-untyped-def]
    load_demo(session)
    incremental = snapshot(session)
    assert incremental["rollup_period"], "the demo has figures"
    rebuild(session)
    rebuilt = snapshot(session)
    for table, rows in incremental.items():
        assert rows == rebuilt[table], f"{table} differs: {sorted(rows ^ rebuilt[table])[:5]}"


def test_rebuild_of_an_empty_portfolio_leaves_empty_rollups(session) -> None:  # type: ignore[no-untyped-def]
    rebuild(session)
    assert all(not rows for rows in snapshot(session).values())
    assert queries.pipeline(session, "n:1")["totals"]["measures"] == 0
