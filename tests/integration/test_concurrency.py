"""Two people writing the same measure at the same moment: the second waits, is refused as stale, and the
roll-ups stay exact (row locks on PostgreSQL, the database write lock on SQLite)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import TODAY
from tests.factory import build_world
from valuegate.context import bind
from valuegate.errors import StaleVersion
from valuegate.finance import service as finance
from valuegate.portfolio.service import get_measure
from valuegate.rollups.rebuild import rebuild, snapshot


def test_a_concurrent_writer_queues_and_its_stale_write_is_refused(db, session, settings) -> None:  # type: ignore[no-untyped-def]
    w = build_world(session)
    mid = w.measure("Contested", monthly=1000)
    version = w.version(mid)
    session.commit()
    outcome: dict[str, str] = {}

    def second_writer() -> None:
        with db.session(write=True) as other:
            bind(other, settings, TODAY)
            try:
                finance.set_values(
                    other,
                    actor=w["owner"],
                    measure_id=mid,
                    series="forecast",
                    entries=[finance.Entry("recurring", "2026-02", 7)],
                    values_version=version,
                )
                outcome["second"] = "written"
            except StaleVersion:
                outcome["second"] = "stale"

    with db.session(write=True) as first:
        bind(first, settings, TODAY)
        get_measure(first, mid)  # the first writer now holds the measure
        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive(), "the second writer should wait for the first"
        finance.set_values(
            first,
            actor=w["owner"],
            measure_id=mid,
            series="forecast",
            entries=[finance.Entry("recurring", "2026-02", 900)],
            values_version=version,
        )
    thread.join(timeout=30)
    assert outcome == {"second": "stale"}
    session.expire_all()
    assert finance.measure_values(session, mid)["forecast"]["recurring"]["periods"] == {"2026-02": 900}
    incremental = snapshot(session)
    rebuild(session)
    assert snapshot(session) == incremental


@pytest.mark.parametrize("writers", [4])
def test_parallel_writers_on_one_project_keep_rollups_exact(db, session, settings, writers: int) -> None:  # type: ignore[no-untyped-def]
    """Different measures, same scopes: the shared roll-up rows are updated by every writer, none is lost."""
    w = build_world(session)
    mids = [w.measure(f"Parallel {i}", monthly=100) for i in range(writers)]
    versions = {m: w.version(m) for m in mids}
    session.commit()
    errors: list[BaseException] = []

    def write(mid: int) -> None:
        try:
            with db.session(write=True) as s:
                bind(s, settings, TODAY)
                finance.set_values(
                    s,
                    actor=w["owner"],
                    measure_id=mid,
                    series="forecast",
                    entries=[finance.Entry("recurring", f"2026-{m:02d}", 50 + mid) for m in range(1, 13)],
                    values_version=versions[mid],
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(m,)) for m in mids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    session.expire_all()
    incremental = snapshot(session)
    rebuild(session)
    assert snapshot(session) == incremental
