"""The benchmark itself stays runnable: a tiny portfolio, every timed operation once more than nothing."""

from __future__ import annotations

from tests.conftest import TODAY
from valuegate.scale.bench import Bench, format_result
from valuegate.scale.generator import SCALES


def test_the_benchmark_runs_end_to_end(db, settings) -> None:  # type: ignore[no-untyped-def]
    bench = Bench(db, settings, SCALES["tiny"], today=TODAY, repeat=3)
    report = bench.generate(lambda step, done, total: None)
    result = bench.run(report, verify_runs=1)
    names = [f.name for f in result.figures]
    for expected in (
        "portfolio pipeline roll-up",
        "gate move (approval that moves the stage)",
        "page: portfolio cockpit",
        "metric stickiness, 5 weekly points, cold",
        "daily pass: keep every metric's points",
        "page: adoption dashboard (values kept)",
    ):
        assert expected in names
    assert any(n.startswith("usage import: 20,000 events") for n in names)
    assert any(n.startswith("feed submission, 5,000 rows") for n in names)
    assert all(f.runs and all(r > 0 for r in f.runs) for f in result.figures)
    text = format_result(result)
    assert "median ms" in text and "tiny" in text
