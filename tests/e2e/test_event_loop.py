"""No blocking work on the event loop: every route is a plain ``def`` (FastAPI runs it in the thread pool), the only
awaited dependencies are the few that just read the request, and a cheap request is answered while a large upload
is being worked on."""

from __future__ import annotations

import inspect
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security import HTTPBearer
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from tests.conftest import TODAY
from tests.factory import PASSWORD
from tests.live import serve
from valuegate.adoption import ingest
from valuegate.app import create_app
from valuegate.auth import service as people
from valuegate.auth.policy import SYSTEM
from valuegate.config import load_settings
from valuegate.context import bind
from valuegate.db import Database
from valuegate.deps import StreamedBody
from valuegate.web.forms import form_text, posted_form
from valuegate.web.pages import check_csrf

# The dependencies that may run on the loop, because all they do is await the request: the CSRF check, the two
# form readers, StreamedBody (an API upload streamed into a temporary file) and FastAPI's HTTPBearer (it reads the
# Authorization header, which documents the bearer token in the API's description).
ONLY_AWAIT_THE_REQUEST: set[Callable[..., Any]] = {check_csrf, form_text, posted_form}


def _only_awaits_the_request(call: Callable[..., Any]) -> bool:
    return call in ONLY_AWAIT_THE_REQUEST or isinstance(call, (StreamedBody, HTTPBearer))


def _on_the_loop(call: Callable[..., Any]) -> bool:
    """Whether FastAPI awaits ``call`` on the event loop: a coroutine or async generator function, or an object whose
    ``__call__`` is one. Anything else (a plain function or generator, a class) runs in the thread pool."""
    target = call if inspect.isroutine(call) or inspect.isclass(call) else type(call).__call__
    return inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)


def _tree(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _tree(sub)


def _name(call: Callable[..., Any]) -> str:
    return getattr(call, "__qualname__", type(call).__qualname__)


def test_every_route_is_plain_and_awaits_only_the_request(settings) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    # Included routers are resolved lazily; their routes (with the prefix and the router's dependencies) come from
    # iter_route_contexts, as FastAPI's OpenAPI schema reads them.
    contexts = list(iter_route_contexts(app.routes))
    routes = [c for c in contexts if isinstance(c.original_route, APIRoute)]
    assert len(routes) > 100

    coroutines = [f"{sorted(r.methods)} {r.path}" for r in routes if _on_the_loop(r.endpoint)]
    assert not coroutines, f"Make these routes plain def (FastAPI runs them in the thread pool): {coroutines}"

    awaited = {dep.call for r in routes for dep in _tree(r.dependant) if dep.call and _on_the_loop(dep.call)}
    blocking = sorted(_name(call) for call in awaited if not _only_awaits_the_request(call))
    assert not blocking, f"These dependencies run on the event loop: {blocking}"
    # The walk reached the allowed ones (the test would pass vacuously if it saw no dependency at all).
    assert awaited >= ONLY_AWAIT_THE_REQUEST
    assert any(isinstance(call, StreamedBody) for call in awaited)

    # Whatever is not one of Valuegate's routes is static files or FastAPI's own API documentation.
    fastapi_own = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    others = [c.original_route for c in contexts if not isinstance(c.original_route, APIRoute)]
    assert all(
        (isinstance(r, Mount) and isinstance(r.app, StaticFiles)) or getattr(r, "path", None) in fastapi_own
        for r in others
    ), others


ROWS = 150_000
# Seconds; only so that a server that never answers fails the test instead of hanging it. The import gives up
# waiting for the cheap answer sooner than the clients give up waiting for theirs.
HANG_GUARD = 120.0
IMPORT_WAITS = 30.0


@pytest.fixture
def served(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The product on a fresh SQLite copy of the migrated template, served by uvicorn; yields its URL and the API
    token of a PMO (who may import usage events)."""
    target = tmp_path / "loop.db"
    shutil.copy(sqlite_template, target)
    settings = load_settings(f"sqlite:///{target}")
    db = Database(f"sqlite:///{target}")
    with db.session(write=True) as s:
        bind(s, settings, TODAY)
        pmo = people.create_person(s, actor=SYSTEM, name="Pmo", global_role="pmo", login="pmo", password=PASSWORD)
        _token, plain = people.create_token(s, actor=SYSTEM, person_id=pmo.id, name="usage import")
    with serve(create_app(settings, db=db, today=TODAY)) as url:
        yield url, plain
    db.dispose()


def test_a_cheap_request_is_answered_while_a_large_upload_is_worked_on(  # type: ignore[no-untyped-def]
    served, monkeypatch
) -> None:
    url, token = served
    csv = b"actor,event,occurred_at\n" + b"".join(
        f"user{n % 5000},open_case,2026-06-{1 + n % 14:02d}T{n % 24:02d}:{n % 60:02d}:00Z\n".encode()
        for n in range(ROWS)
    )
    order: list[str] = []
    import_started, healthz_answered = threading.Event(), threading.Event()
    import_csv = ingest.import_csv

    def watched_import(*args: Any, **kwargs: Any) -> dict[str, Any]:
        """The real import, noting when it starts (the whole file has arrived) and when it is done. Before its work
        it waits for the cheap request to be answered, so the order depends only on where the route runs, not on
        how fast the machine is: in the thread pool the loop answers meanwhile; on the loop nothing can be answered
        until the wait gives up."""
        order.append("import started")
        import_started.set()
        healthz_answered.wait(IMPORT_WAITS)
        try:
            return import_csv(*args, **kwargs)
        finally:
            order.append("import finished")

    monkeypatch.setattr(ingest, "import_csv", watched_import)
    answers: dict[str, httpx.Response] = {}

    def upload() -> None:
        with httpx.Client(base_url=url, timeout=HANG_GUARD) as client:
            answers["upload"] = client.post(
                "/api/usage/events.csv",
                params={"system": "erp"},
                content=csv,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
            )
        order.append("upload answered")

    uploader = threading.Thread(target=upload)
    uploader.start()
    try:
        assert import_started.wait(HANG_GUARD), "the upload never reached the import"
        with httpx.Client(base_url=url, timeout=HANG_GUARD) as client:
            answers["healthz"] = client.get("/healthz")
        order.append("healthz answered")
        healthz_answered.set()
    finally:
        uploader.join(HANG_GUARD)

    assert answers["healthz"].status_code == 200
    assert answers["upload"].status_code == 201, answers["upload"].text
    assert answers["upload"].json() == {"stored": ROWS}
    assert order == ["import started", "healthz answered", "import finished", "upload answered"], (
        f"The cheap request waited for the upload's work: {order}"
    )
