"""Test databases: every integration test runs on SQLite and on a throwaway PostgreSQL cluster."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from valuegate.config import load_settings
from valuegate.context import bind
from valuegate.db import Database
from valuegate.gates.service import install_defaults
from valuegate.migrate import upgrade
from valuegate.pgcluster import PgCluster, new_cluster, server_bindir

TODAY = date(2026, 6, 15)
# Apps made by tests are not shut down through their lifespan, so their own-use writer could outlive the test's
# database; tests that look at Valuegate's own use (and the live browser server) turn it on themselves.
os.environ.setdefault("VALUEGATE_RECORD_OWN_USE", "false")


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2 at its lowest cost in tests: the suite hashes hundreds of passwords, production keeps the defaults."""
    from argon2 import PasswordHasher

    from valuegate.auth import passwords

    production = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords._hasher = production


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    if server_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL server binaries are missing; the set-up should have installed them.")
        pytest.skip("PostgreSQL server binaries are not installed")
    cluster = new_cluster()
    template = Database(cluster.create_database("vg_template"))
    _prepare(template)
    template.dispose()
    yield cluster
    cluster.stop()


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
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Database]]:
    """A factory of fresh, migrated databases with the default gates, on each of the two engines."""
    made: list[tuple[Database, str | None]] = []
    cluster: PgCluster | None = request.getfixturevalue("pg_cluster") if request.param == "postgresql" else None
    template: Path | None = request.getfixturevalue("sqlite_template") if cluster is None else None

    def make() -> Database:
        n = next(_counter)
        if cluster is None:
            assert template is not None
            target = tmp_path / f"test{n}.db"
            shutil.copy(template, target)
            database, name = Database(f"sqlite:///{target}"), None
        else:
            name = f"vg_test_{os.getpid()}_{n}"
            database = Database(cluster.create_database(name, template="vg_template"))
        made.append((database, name))
        return database

    yield make
    for database, name in made:
        database.dispose()
        if cluster is not None and name is not None:
            cluster.drop_database(name)


@pytest.fixture
def db(new_database: Callable[[], Database]) -> Database:
    """A fresh, migrated database with the default gates, on each of the two engines."""
    return new_database()


@pytest.fixture
def settings():  # type: ignore[no-untyped-def]
    return load_settings("sqlite://")


@pytest.fixture
def session(db: Database, settings):  # type: ignore[no-untyped-def]
    with db.session(write=True) as s:
        bind(s, settings, TODAY)
        yield s
