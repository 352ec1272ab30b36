"""Call the web application in-process, as a browser would, to time pages without a network or a client library."""

from __future__ import annotations

import asyncio
import threading
from typing import Any


def get(app: Any, path: str, cookies: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One GET through the whole ASGI stack (middleware, dependencies, templates); returns status and body."""
    raw_path, _, query = path.partition("?")
    cookie = "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    status = 0
    body = bytearray()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(app(scope, receive, send))
    else:  # called from inside an event loop (e.g. next to Playwright): run on a thread of its own
        worker = threading.Thread(target=lambda: asyncio.run(app(scope, receive, send)))
        worker.start()
        worker.join()
    return status, bytes(body)
