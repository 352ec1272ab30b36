"""Database wiring: engine, sessions, declarative base and the column types every table shares."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from valuegate.errors import InvalidInput

T = TypeVar("T")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT on PostgreSQL; INTEGER on SQLite so that it can be an auto-incrementing primary key.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite stores it naive, we read it back as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Valuegate stores aware UTC times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Slices of at most ``size`` items: keeps IN lists and bind parameters within every database's limits."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def utcnow() -> datetime:
    return datetime.now(UTC)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


INT64 = range(-(2**63), 2**63)


def unstorable(value: object) -> str | None:
    """Why neither database can hold ``value`` as given (None when it can): text with a NUL character or an unpaired
    surrogate (PostgreSQL refuses the one, neither can encode the other), a whole number beyond 64 bits, or a
    number that is not finite."""
    if isinstance(value, str):
        if "\x00" in value:
            return "Text cannot contain the NUL character (\\u0000)."
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "Text cannot contain an unpaired surrogate (\\ud800-\\udfff): it is not valid Unicode."
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int):
        if value not in INT64:
            return f"A whole number is out of range: they go from {INT64.start:,} to {INT64.stop - 1:,}."
    elif isinstance(value, float) and not math.isfinite(value):
        return "Numbers must be finite (not NaN or infinity)."
    return None


def _refuse_unstorable(
    _conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, executemany: bool
) -> None:
    """Every value sent to the database passes here: input it cannot store is refused as a 422 on either engine,
    whichever route, page or job it came through, instead of failing in the driver as a server error."""
    rows = parameters if executemany else [parameters]
    for row in rows:
        values = row.values() if isinstance(row, Mapping) else row if isinstance(row, Sequence) else ()
        for value in values:
            problem = unstorable(value)
            if problem is not None:
                raise InvalidInput(problem)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if is_sqlite(url):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=10)
    event.listen(engine, "before_cursor_execute", _refuse_unstorable)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front so two writers never deadlock on an upgrade.
        if conn.get_execution_options().get("valuegate_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


WRITE = "valuegate_write"


def locks_rows(session: Session) -> bool:
    """True in a PostgreSQL write session, where rows about to change are locked (SELECT … FOR UPDATE).

    SQLite needs no row locks: a write session holds the database's write lock from its first statement.
    """
    return bool(session.info.get(WRITE)) and session.get_bind().dialect.name == "postgresql"


class Database:
    """One engine and the two kinds of session a request may need."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(valuegate_write=True), expire_on_commit=False, info={WRITE: True}
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        factory = self._write if write else self._read
        with factory() as session:
            try:
                yield session
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()
