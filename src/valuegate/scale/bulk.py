"""Fast bulk loading: COPY on PostgreSQL, a single prepared ``executemany`` on SQLite.

Only the generator uses this; every other write goes through the services. Rows are tuples in the
order of ``columns``; values are plain Python (aware UTC datetimes, dates, bools, dicts for JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format for DateTime on SQLite


class BulkWriter:
    def __init__(self, session: Session, chunk: int = 50_000) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self.chunk = chunk

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        if self.dialect == "postgresql":
            return self._copy(table, columns, rows)
        return self._executemany(table, columns, rows)

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        conn = self.session.connection().connection.driver_connection
        n = 0
        with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row([json.dumps(v) if isinstance(v, dict | list) else v for v in row])
                n += 1
        return n

    def _executemany(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        cursor = self.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
        batch: list[tuple[Any, ...]] = []
        n = 0
        for row in rows:
            batch.append(tuple(_sqlite_value(v) for v in row))
            if len(batch) >= self.chunk:
                cursor.executemany(sql, batch)
                n += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            n += len(batch)
        cursor.close()
        return n

    def reset_sequences(self, tables: Iterable[str]) -> None:
        """After explicit ids, make PostgreSQL's id sequences continue above the highest id."""
        if self.dialect != "postgresql":
            return
        for table in tables:
            self.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
                )
            )


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.astimezone(UTC).strftime(_SQLITE_TIME)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, dict | list):
        return json.dumps(v)
    return v
