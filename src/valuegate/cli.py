"""The ``valuegate`` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from valuegate.config import load_settings
from valuegate.context import bind, today_of
from valuegate.db import Database

app = typer.Typer(help="Valuegate: carry IT initiatives from plan to proven value.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
user_app = typer.Typer(help="People who log in.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
generate_app = typer.Typer(help="Generate data sets.", no_args_is_help=True)
usage_app = typer.Typer(help="Usage events of the systems being adopted.", no_args_is_help=True)
feeds_app = typer.Typer(help="Data feeds and their submissions.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(audit_app, name="audit")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
app.add_typer(generate_app, name="generate")
app.add_typer(usage_app, name="usage")
app.add_typer(feeds_app, name="feeds")

DbOption = typer.Option(None, "--database-url", envvar="VALUEGATE_DATABASE_URL", help="SQLAlchemy URL.")


def _db(url: str | None) -> Database:
    settings = load_settings(url)
    return Database(settings.database_url)


@db_app.command("upgrade")
def db_upgrade(database_url: str | None = DbOption) -> None:
    """Create or upgrade the schema to the latest version."""
    from valuegate.gates.service import install_defaults
    from valuegate.migrate import upgrade

    db = _db(database_url)
    upgrade(db)
    with db.session(write=True) as session:
        install_defaults(session)
    typer.echo(f"Database is up to date ({db.dialect}).")


@app.command()
def demo(
    database_url: str | None = DbOption, reset: bool = typer.Option(False, help="Delete the SQLite file first.")
) -> None:
    """Load the demo portfolio (an ITFM/TBM programme, an ITSM change programme, an ERP migration)."""
    from valuegate.demo import load_demo

    settings = load_settings(database_url)
    if reset and settings.database_url.startswith("sqlite:///"):
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    db_upgrade(settings.database_url)
    db = Database(settings.database_url)
    with db.session(write=True) as session:
        bind(session, settings)
        logins = load_demo(session)
    typer.echo("Demo data loaded. Demo logins (password for all: valuegate-demo):")
    for login, role in logins:
        typer.echo(f"  {login:<10} {role}")


@app.command()
def serve(database_url: str | None = DbOption, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Start the web server."""
    import uvicorn

    from valuegate.app import create_app

    settings = load_settings(database_url)
    typer.echo(f"Valuegate is running at http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@usage_app.command("import")
def usage_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="A UTF-8 CSV file."),
    system: str | None = typer.Option(None, help="The system every row belongs to (else a 'system' column)."),
    database_url: str | None = DbOption,
) -> None:
    """Import usage events from a CSV export (columns actor, event, occurred_at[, system]); all or nothing."""
    from valuegate.adoption.ingest import import_csv
    from valuegate.auth.policy import SYSTEM
    from valuegate.errors import DomainError

    settings = load_settings(database_url)
    db = Database(settings.database_url)
    with db.session(write=True) as session:
        bind(session, settings)
        try:
            result = import_csv(session, actor=SYSTEM, data=file.read_bytes(), system=system)
        except DomainError as exc:
            typer.echo(f"Nothing imported: {exc.detail}", err=True)
            for problem in exc.errors or []:
                typer.echo(f"  {problem.get('at')}: {problem.get('problem')}", err=True)
            raise typer.Exit(1) from exc
    typer.echo(f"Imported {result['stored']:,} usage events from {file}.")


@feeds_app.command("submit")
def feeds_submit(
    feed_id: int,
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="CSV, XLSX or Parquet."),
    period: str = typer.Option(..., help="The month the file covers, e.g. 2026-05."),
    database_url: str | None = DbOption,
) -> None:
    """Submit a file to a feed; print the quality report; exit 1 when the submission is rejected."""
    import json

    from valuegate.auth.policy import SYSTEM
    from valuegate.errors import DomainError
    from valuegate.feeds import service as feeds

    settings = load_settings(database_url)
    db = Database(settings.database_url)
    with db.session(write=True) as session:
        bind(session, settings)
        try:
            s = feeds.submit(
                session,
                actor=SYSTEM,
                feed_id=feed_id,
                period=period,
                filename=file.name,
                data=file.read_bytes(),
                channel="cli",
            )
        except DomainError as exc:
            typer.echo(f"Not submitted: {exc.detail}", err=True)
            raise typer.Exit(2) from exc
        report = json.loads(s.report)
    typer.echo(f"Submission {s.id} for {s.period}: {s.status} ({s.rows or 0:,} rows).")
    for f in report["findings"]:
        rows = f" rows {', '.join(map(str, f['rows']))}" if f.get("rows") else ""
        typer.echo(f"  {f['severity']:<7} {f['dimension']:<12} {f['message']}{rows}")
    if s.status != "accepted":
        raise typer.Exit(1)


@audit_app.command("verify")
def audit_verify(database_url: str | None = DbOption) -> None:
    """Check every link of the hash chain; exit 1 naming the first bad event."""
    from valuegate.audit.service import verify_chain

    db = _db(database_url)
    with db.session() as session:
        result = verify_chain(session)
    if result.ok:
        typer.echo(f"Audit trail intact: {result.checked} events verified.")
        return
    brk = result.first_break
    assert brk is not None
    typer.echo(
        f"Audit trail BROKEN at event {brk.event_id}: {brk.problem} ({result.checked} events before it verified).",
        err=True,
    )
    raise typer.Exit(1)


@audit_app.command("export")
def audit_export(
    measure_id: int,
    database_url: str | None = DbOption,
    fmt: str = typer.Option("json", "--format", help="json or csv"),
    output: Path | None = typer.Option(None, "--output", "-o"),
) -> None:
    """Export the evidence of one measure: its full decision and figure history."""
    from valuegate.audit.evidence import evidence_text
    from valuegate.auth.policy import SYSTEM

    if fmt not in ("json", "csv"):
        raise typer.BadParameter("use json or csv", param_hint="--format")
    db = _db(database_url)
    with db.session() as session:
        text, count = evidence_text(session, actor=SYSTEM, measure_id=measure_id, fmt=fmt)
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {count} events to {output}.")
    else:
        sys.stdout.write(text)


@user_app.command("create")
def user_create(
    login: str,
    name: str = typer.Option(..., help="Full name"),
    role: str | None = typer.Option(None, help="admin, pmo, finance, auditor or viewer"),
    email: str | None = None,
    database_url: str | None = DbOption,
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Create a person who can log in."""
    from valuegate.auth.policy import SYSTEM
    from valuegate.auth.service import create_person

    db = _db(database_url)
    with db.session(write=True) as session:
        p = create_person(
            session, actor=SYSTEM, name=name, email=email, global_role=role, login=login, password=password
        )
    typer.echo(f"Created {p.name} (id {p.id}, login {login}).")


@token_app.command("create")
def token_create(login: str, name: str = "cli", database_url: str | None = DbOption) -> None:
    """Create an API token for a login; it is shown once."""
    from valuegate.auth.policy import SYSTEM
    from valuegate.auth.service import create_token_for_login
    from valuegate.errors import DomainError

    db = _db(database_url)
    with db.session(write=True) as session:
        try:
            _t, plain = create_token_for_login(session, actor=SYSTEM, login=login, name=name)
        except DomainError as exc:
            typer.echo(exc.detail, err=True)
            raise typer.Exit(2) from exc
    typer.echo(plain)


@app.command()
def worker(
    database_url: str | None = DbOption,
    once: bool = typer.Option(False, help="Process what is due, then exit (for cron)."),
    interval: float = typer.Option(5.0, min=0.1, help="Seconds between polls."),
) -> None:
    """Run background work: the outbox and the daily status refresh. Several workers may share a database."""
    import time
    from datetime import UTC, datetime

    from valuegate.jobs.service import process_pending, schedule_daily

    settings = load_settings(database_url)
    db = Database(settings.database_url)
    typer.echo(f"Valuegate worker on {db.dialect}; Ctrl+C stops it.")
    try:
        while True:
            today = datetime.now(UTC).date()
            with db.session(write=True) as session:
                schedule_daily(session, today)
            done = process_pending(db, settings, today=today)
            if done:
                typer.echo(f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} processed {done} message(s)")
            if once:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        typer.echo("Worker stopped.")


rollups_app = typer.Typer(help="Pre-aggregated roll-ups.", no_args_is_help=True)
app.add_typer(rollups_app, name="rollups")


@rollups_app.command("rebuild")
def rollups_rebuild(database_url: str | None = DbOption) -> None:
    """Recompute every roll-up from the facts (repair after a restore or a manual data fix)."""
    from valuegate.rollups.rebuild import rebuild

    db = _db(database_url)
    with db.session(write=True) as session:
        rebuild(session)
    typer.echo("Roll-ups rebuilt from the facts.")


@rollups_app.command("snapshot")
def rollups_snapshot(
    as_of: str = typer.Option("", help="The day it stands for (YYYY-MM-DD); the month end just past by default."),
    database_url: str | None = DbOption,
) -> None:
    """Take the snapshot the cockpit's "as known on" switch and bridge read (the worker does this each month)."""
    from datetime import UTC, date, datetime

    from valuegate.rollups import snapshots

    try:
        day = date.fromisoformat(as_of) if as_of else snapshots.last_month_end(datetime.now(UTC).date())
    except ValueError:
        typer.echo(f"{as_of!r} is not a date such as 2026-10-31.", err=True)
        raise typer.Exit(2) from None
    if day > datetime.now(UTC).date():
        typer.echo(f"{day} is in the future; a snapshot records what is known.", err=True)
        raise typer.Exit(2)
    db = _db(database_url)
    with db.session(write=True) as session:
        count = snapshots.take(session, day)
    typer.echo(f"Snapshot of {day}: {count:,} measures.")


def _progress_bar():
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description:<34}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        transient=False,
    )


@generate_app.command("s7k")
def generate_s7k(
    database_url: str | None = DbOption,
    scale: str = typer.Option("s7k", help="s7k (the reference portfolio), s1k or tiny"),
    seed: int = typer.Option(7, help="Random seed: the same seed gives the same portfolio."),
) -> None:
    """Generate the scale portfolio of DESIGN.md (1 portfolio, 40 programs, 7,000 projects, 100,000 measures)."""
    from valuegate.migrate import upgrade
    from valuegate.scale.generator import SCALES, Generator

    if scale not in SCALES:
        raise typer.BadParameter(f"use one of {', '.join(SCALES)}", param_hint="--scale")
    settings = load_settings(database_url)
    db = Database(settings.database_url)
    upgrade(db)
    with _progress_bar() as bar, db.session(write=True) as session:
        task = bar.add_task("starting", total=10)
        bind(session, settings)

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        try:
            report = Generator(
                session, settings, SCALES[scale], today=today_of(session), seed=seed, progress=progress
            ).run()
        except RuntimeError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(2) from exc
    typer.echo(
        f"Generated {scale} in {report.seconds:.1f} s: "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in report.counts.items())
    )


@app.command()
def bench(
    scale: str = typer.Option("s7k", help="s7k (the reference portfolio), s1k or tiny"),
    postgresql: bool = typer.Option(False, "--postgresql", help="Also run on a throwaway PostgreSQL cluster."),
    sqlite: bool = typer.Option(True, "--sqlite/--no-sqlite", help="Run on an SQLite file under var/."),
    repeat: int = typer.Option(30, min=3, help="Runs per timed operation."),
    verify_runs: int = typer.Option(3, min=1, help="Runs of the whole-log audit verification."),
) -> None:
    """Generate a scale portfolio and print median and p95 timings of the main operations."""
    from valuegate.scale.generator import SCALES

    if scale not in SCALES:
        raise typer.BadParameter(f"use one of {', '.join(SCALES)}", param_hint="--scale")
    if sqlite:
        path = Path("var") / f"bench-{scale}.db"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        _bench_on(f"sqlite:///{path}", scale, repeat, verify_runs)
    if postgresql:
        from valuegate.pgcluster import throwaway_cluster

        # Sized like a modest production server on this machine: the working set fits in shared buffers.
        with throwaway_cluster(BENCH_PG_SETTINGS) as cluster:
            typer.echo("PostgreSQL settings: " + ", ".join(f"{k}={v}" for k, v in BENCH_PG_SETTINGS.items()))
            _bench_on(cluster.create_database("vg_bench"), scale, repeat, verify_runs)


BENCH_PG_SETTINGS = {"shared_buffers": "2GB", "work_mem": "64MB", "maintenance_work_mem": "512MB"}


def _bench_on(url: str, scale: str, repeat: int, verify_runs: int) -> None:
    from datetime import UTC, datetime

    from valuegate.scale.bench import Bench, format_result
    from valuegate.scale.generator import SCALES

    settings = load_settings(url)
    db = Database(url)
    runner = Bench(db, settings, SCALES[scale], today=datetime.now(UTC).date(), repeat=repeat)
    with _progress_bar() as bar:
        task = bar.add_task(f"generating {scale} ({db.dialect})", total=10)

        def progress(step: str, done: int, total: int) -> None:
            bar.update(task, description=f"{step} ({db.dialect})", completed=done, total=total)

        report = runner.generate(progress)
    typer.echo(f"Timing {repeat} runs per operation on {db.dialect}...")
    typer.echo(format_result(runner.run(report, verify_runs)))
    db.dispose()


def main() -> None:
    from valuegate.errors import DomainError

    try:
        app()
    except DomainError as exc:
        typer.echo(f"Error: {exc.detail}", err=True)
        for e in exc.errors:
            typer.echo(f"  - {e}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
