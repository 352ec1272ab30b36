"""The product served for real: a copy of the migrated template with the demo portfolio, and uvicorn on
127.0.0.1 in a thread (the browser tests, the generated API client and the event-loop test drive it)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from valuegate.config import Settings
from valuegate.context import bind
from valuegate.db import Database
from valuegate.demo import load_demo


def demo_database(template: Path, target: Path, settings: Settings, today: date | None = None) -> Database:
    """A fresh SQLite file at ``target`` with the demo portfolio, as known on ``today`` (the real date if None)."""
    shutil.copy(template, target)
    db = Database(f"sqlite:///{target}")
    with db.session(write=True) as session:
        bind(session, settings, today)
        load_demo(session)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` on a free port of 127.0.0.1 until the block ends; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    else:
        raise RuntimeError("uvicorn did not start within 10 s")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
