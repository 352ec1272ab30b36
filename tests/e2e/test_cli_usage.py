"""`valuegate usage import`: a good file is imported, a bad one names its lines and imports nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from valuegate.adoption.models import UsageEvent
from valuegate.cli import app


def test_usage_import_from_the_command_line(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    good = tmp_path / "usage.csv"
    good.write_text("actor;event;occurred_at\nana;open_case;2026-06-01T09:00:00Z\nben;open_case;2026-06-01T10:00:00Z\n")
    result = runner.invoke(app, ["usage", "import", str(good), "--system", "erp", "--database-url", db.url])
    assert result.exit_code == 0, result.output
    assert "Imported 2 usage events" in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text("actor,event,occurred_at\nana,open_case,2026-06-01T09:00:00Z\n,open_case,last tuesday\n")
    result = runner.invoke(app, ["usage", "import", str(bad), "--system", "erp", "--database-url", db.url])
    assert result.exit_code == 1
    assert "Nothing imported" in result.output and "line 3: actor is missing" in result.output
    assert "line 3: occurred_at 'last tuesday' is not a date and time" in result.output
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(UsageEvent)) == 2


def test_feed_submission_from_the_command_line(db, session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.factory import build_world
    from valuegate.feeds import service as feeds

    w = build_world(session)
    feed = feeds.register_feed(
        session,
        actor=w["pmo"],
        node_id=w.ids["project"],
        name="GL",
        channel="manual",
        due_business_day=5,
        contract=[{"name": "CostCenter", "required": True, "nullable": False}, {"name": "Amount", "type": "decimal"}],
    )
    session.commit()
    good, bad = tmp_path / "gl.csv", tmp_path / "gl-bad.csv"
    good.write_text("CostCenter;Amount\nCC-1;10.5\n", encoding="utf-8-sig")
    bad.write_text("CostCenter,Amount\nCC-1,ten\n")
    runner = CliRunner()
    ok = runner.invoke(
        app, ["feeds", "submit", str(feed.id), str(good), "--period", "2026-05", "--database-url", db.url]
    )
    assert ok.exit_code == 0 and "accepted (1 rows)" in ok.output, ok.output
    no = runner.invoke(
        app, ["feeds", "submit", str(feed.id), str(bad), "--period", "2026-05", "--database-url", db.url]
    )
    assert no.exit_code == 1 and "rejected" in no.output and "'Amount' should hold decimal values" in no.output
    gone = runner.invoke(app, ["feeds", "submit", "987654", str(good), "--period", "2026-05", "--database-url", db.url])
    assert gone.exit_code == 2 and "no data feed" in gone.output
