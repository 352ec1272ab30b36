"""Valuegate's own use as usage events (system "valuegate"): which pages and API calls signed-in people use, so
its adoption is measured like any other system's. Events are buffered in memory and written by a background
thread every few seconds (and when the application stops), never inside a request.

Nothing is recorded for the anonymous feedback channel: a dated page view there could single out who answered.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

from valuegate.adoption.ingest import record_own_use
from valuegate.config import Settings
from valuegate.context import bind
from valuegate.db import Database
from valuegate.feedback.privacy import is_anonymous_path

SYSTEM = "valuegate"
FLUSH_SECONDS = 5.0
MAX_BUFFER = 50_000
SKIPPED_PREFIXES = ("/static", "/assets", "/inbox/count", "/login", "/logout", "/api/auth")

log = logging.getLogger("valuegate.own_use")


def event_name(method: str, route_path: str, url_path: str) -> str:
    """'GET /portfolio/{node_id}/change' — the route, not the concrete URL (no ids of what was looked at). API
    routes are mounted under /api, which the route itself may not carry."""
    if url_path.startswith("/api/") and not route_path.startswith("/api/"):
        route_path = "/api" + route_path
    return f"{method} {route_path}"[:100]


def worth_recording(path: str, status: int) -> bool:
    return status < 400 and not is_anonymous_path(path) and not path.startswith(SKIPPED_PREFIXES)


class OwnUseRecorder:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._buffer: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def note(self, actor: str, method: str, route_path: str, url_path: str) -> None:
        with self._lock:
            if len(self._buffer) >= MAX_BUFFER:
                return  # the writer is behind; losing a page view beats holding up a page
            self._buffer.append(
                {
                    "actor": actor,
                    "event": event_name(method, route_path, url_path),
                    "system": SYSTEM,
                    "occurred_at": datetime.now(UTC),
                }
            )
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, name="valuegate-own-use", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._stopped:
            self._wake.wait(FLUSH_SECONDS)
            self._wake.clear()
            self.flush()

    def flush(self) -> int:
        with self._lock:
            rows, self._buffer = self._buffer, []
        if not rows:
            return 0
        try:
            with self.db.session(write=True) as session:
                bind(session, self.settings)
                return record_own_use(session, rows)
        except Exception:  # usage telemetry must never take the application down
            log.exception("could not store %d own-use events", len(rows))
            return 0

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.flush()
