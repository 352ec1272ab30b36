"""Test databases: every integration test runs on SQLite and on a throwaway PostgreSQL cluster."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from valuegate.config import load_settings
from valuegate.context import bind
from valuegate.db import Database
from valuegate.gates.service import install_defaults
from valuegate.migrate import upgrade

TODAY = date(2026, 6, 15)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


class PgCluster:
    def __init__(self, bindir: Path, root: Path) -> None:
        self.bindir, self.root = bindir, root
        self.data, self.sock, self.port = root / "data", root, 54000 + os.getpid() % 1000
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True)

    def start(self) -> None:
        if self.as_user:
            shutil.chown(self.root, "postgres")
        self.run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.root / "log"),
            "-o",
            f"-k {self.sock} -p {self.port} -c listen_addresses='' -c fsync=off -c full_page_writes=off",
            "start",
        )

    def stop(self) -> None:
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@/{dbname}?host={self.sock}&port={self.port}"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are missing; the set-up should have installed them.")
        pytest.skip("PostgreSQL server binaries are not installed")
    root = Path(tempfile.mkdtemp(prefix="vg-pg-"))
    os.chmod(root, 0o755)
    cluster = PgCluster(bindir, root)
    cluster.start()
    admin = Database(cluster.url("postgres"))
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("CREATE DATABASE vg_template")
    admin.dispose()
    template = Database(cluster.url("vg_template"))
    _prepare(template)
    template.dispose()
    yield cluster
    cluster.stop()
    shutil.rmtree(root, ignore_errors=True)


def _prepare(db: Database) -> None:
    upgrade(db)
    with db.session(write=True) as session:
        install_defaults(session)
        session.commit()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    db = Database(f"sqlite:///{path}")
    _prepare(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


_counter = itertools.count()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated database with the default gates, on each of the two engines."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "test.db"
        shutil.copy(template, target)
        database = Database(f"sqlite:///{target}")
        yield database
        database.dispose()
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = f"vg_test_{os.getpid()}_{next(_counter)}"
    admin = Database(cluster.url("postgres"))
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE vg_template")
    database = Database(cluster.url(name))
    yield database
    database.dispose()
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture
def settings():  # type: ignore[no-untyped-def]
    return load_settings("sqlite://")


@pytest.fixture
def session(db: Database, settings):  # type: ignore[no-untyped-def]
    with db.session(write=True) as s:
        bind(s, settings, TODAY)
        yield s
