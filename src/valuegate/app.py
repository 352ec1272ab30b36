"""The FastAPI application: wiring of routers, errors as problem+json, request ids."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.orm.exc import StaleDataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from valuegate.adoption.own_use import OwnUseRecorder, worth_recording
from valuegate.audit.service import current_request_id
from valuegate.config import Settings, load_settings
from valuegate.db import Database
from valuegate.errors import Conflict, DomainError, InvalidInput
from valuegate.feedback.privacy import guard_logs
from valuegate.schemas import PROBLEM_MEDIA_TYPE as PROBLEM
from valuegate.schemas import problem_schemas
from valuegate.web.pages import SignInRequired
from valuegate.web.security import security_headers


def page_of_form(request: Request) -> str | None:
    """The page a form's address belongs to: the longest leading part of the path that is a page (forms are
    posted to addresses below their page's, e.g. /portfolio/3/change/groups below /portfolio/3/change)."""
    parts = request.url.path.rstrip("/").split("/")
    for end in range(len(parts) - 1, 1, -1):
        path = "/".join(parts[:end])
        scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "query_string": b"", "headers": []}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            return path
    return None


def problem(
    status: int, title: str, detail: str, *, headers: Mapping[str, str] | None = None, **extra: object
) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


# What a person reads when an address is not a page (or not for what their browser asked).
PAGE_ERRORS = {
    404: "There is no page at this address. Use the navigation, or go back to the cockpit.",
    405: "This address does not answer what your browser asked (it takes a form, not a link).",
}


# PostgreSQL: deadlock detected, serialization failure, lock not available.
CONTENTION_STATES = {"40P01", "40001", "55P03"}
# PostgreSQL data exceptions that only input can cause: text longer than its column, numeric out of range, datetime
# field overflow, invalid text representation, untranslatable character, character not in repertoire.
INPUT_STATES = {"22001", "22003", "22008", "22P02", "22P05", "22021"}

_PLAIN = {
    "missing": "is required",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "decimal_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "date_type": "must be a date such as 2026-03-31",
    "date_parsing": "must be a date such as 2026-03-31",
    "date_from_datetime_parsing": "must be a date such as 2026-03-31",
    "datetime_parsing": "must be a date and time such as 2026-03-31T00:00:00Z",
    "datetime_from_date_parsing": "must be a date and time such as 2026-03-31T00:00:00Z",
}


def plain_problem(error: Mapping[str, Any]) -> str:
    """Pydantic's error in words a person understands; money is always whole minor units."""
    if error.get("type") == "literal_error":
        return f"must be one of {error.get('ctx', {}).get('expected', 'the listed values')}"
    text = _PLAIN.get(str(error.get("type")), str(error.get("msg", "is not valid")))
    loc = error.get("loc", ())
    if text == "must be a whole number" and loc and "amount" in str(loc[-1]):
        text += " of minor units (e.g. cents)"
    return text


# Addresses that are not pages: their errors stay machine-readable (problem+json, or the file server's own).
NOT_PAGES = ("/api/", "/static/", "/assets/")


def integrity_problem(exc: IntegrityError) -> DomainError | None:
    """A constraint the services did not check first: a reference to nothing or a missing value is invalid input,
    a duplicate a conflict (PostgreSQL names the constraint class by SQLSTATE, SQLite in its message)."""
    state = getattr(exc.orig, "sqlstate", None) or ""
    text = str(exc.orig)
    if state == "23503" or "FOREIGN KEY constraint failed" in text:
        return InvalidInput("An id given refers to something that does not exist.")
    if state == "23505" or "UNIQUE constraint failed" in text:
        return Conflict("This exists already.")
    if state in ("23502", "23514") or "NOT NULL constraint failed" in text or "CHECK constraint failed" in text:
        return InvalidInput("A value is missing or outside what is allowed.")
    return None


HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(app: FastAPI, scope: Mapping[str, Any]) -> list[str]:
    """Every method some route answers on the request's path, asked of the routes the way Starlette routes."""
    return [
        method
        for method in HTTP_METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in app.router.routes)
    ]


def operation_id(route: APIRoute) -> str:
    """Operation ids a generated client can name its functions by: the router's tag and the route's function."""
    return f"{route.tags[0]}_{route.name}".replace("-", "_") if route.tags else route.name


def is_page(request: Request) -> bool:
    return not request.url.path.startswith(NOT_PAGES) and request.url.path != "/api"


def error_page(request: Request, status: int, title: str, detail: str) -> Response:
    """A refusal or an unknown address as a page, with the navigation when the person is signed in; an in-place
    (htmx) request gets the reason alone, to show where it happened."""
    from valuegate.web.pages import render, render_error

    if request.headers.get("HX-Request") == "true":
        return render(request, None, "error_fragment.html", {"message": detail}, status)
    return render_error(request, "error.html", {"title": title, "detail": detail}, status)


def create_app(settings: Settings | None = None, *, db: Database | None = None, today: date | None = None) -> FastAPI:
    settings = settings or load_settings()
    guard_logs()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.own_use.stop()

    app = FastAPI(
        title="Valuegate",
        version="0.1.0",
        description="Carry IT initiatives from plan to proven value.",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.today = today
    app.state.own_use = OwnUseRecorder(app.state.db, settings)

    @app.middleware("http")
    async def own_use(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        who = getattr(request.state, "usage_actor", None)
        route = request.scope.get("route")
        recorded = settings.record_own_use and who and route is not None
        if recorded and worth_recording(request.url.path, response.status_code):
            app.state.own_use.note(who, request.method, getattr(route, "path", ""), request.url.path)
        return response

    @app.middleware("http")
    async def request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex
        token = current_request_id.set(rid[:64])
        try:
            response = await call_next(request)
        finally:
            current_request_id.reset(token)
        response.headers["X-Request-ID"] = rid[:64]
        return response

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if is_page(request):
            return await run_in_threadpool(error_page, request, exc.status, exc.problem()["title"], exc.detail)
        return JSONResponse(exc.problem(), status_code=exc.status, media_type=PROBLEM)

    @app.exception_handler(SignInRequired)
    async def sign_in(_request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_url)}", status_code=303)

    @app.exception_handler(StaleDataError)
    async def stale(request: Request, _exc: StaleDataError) -> Response:
        detail = "Someone else changed this at the same time; reload and try again."
        if is_page(request):
            return await run_in_threadpool(error_page, request, 409, "Stale version", detail)
        return problem(409, "Stale version", detail)

    @app.exception_handler(DBAPIError)
    async def database_refused(request: Request, exc: DBAPIError) -> Response:
        state = getattr(exc.orig, "sqlstate", None)
        if state in CONTENTION_STATES:
            detail = "Someone else changed the same records at the same moment; try again."
            if is_page(request):
                return await run_in_threadpool(error_page, request, 409, "Conflict", detail)
            return problem(409, "Conflict", detail)
        refusal = integrity_problem(exc) if isinstance(exc, IntegrityError) else None
        if refusal is None and state in INPUT_STATES:
            refusal = InvalidInput("A value is out of the range or the form the database accepts; check the input.")
        if refusal is None:
            raise exc
        return await domain_error(request, refusal)

    @app.exception_handler(StatementError)
    async def unbindable(request: Request, exc: StatementError) -> Response:
        # A value the database layer could not convert, e.g. a moment before year 1 once moved to UTC.
        if isinstance(exc.orig, OverflowError):
            return await overflow(request, exc.orig)
        raise exc

    @app.exception_handler(OverflowError)
    async def overflow(request: Request, _exc: OverflowError) -> Response:
        # Date arithmetic beyond year 1 or 9999, or a number too large to convert: always an input out of range.
        refusal = InvalidInput("A date or number is out of the range Valuegate works with (years 1 to 9999).")
        return await domain_error(request, refusal)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"at": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "problem": plain_problem(e)}
            for e in exc.errors()
        ]
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return problem(400, "Malformed request", "The request body is not valid JSON.", errors=errors)
        detail = "; ".join(f"{e['at']}: {e['problem']}" for e in errors) or "The request is not valid."
        if is_page(request):
            return await run_in_threadpool(error_page, request, 422, "Invalid input", detail)
        return problem(422, "Invalid input", detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Method not allowed", 401: "Not signed in"}
        title = titles.get(exc.status_code, "Error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names only the methods of the first route on the path; Allow lists every one (RFC 9110).
            headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope)) or headers.get("Allow", "")
        if is_page(request) and exc.status_code == 405 and request.method == "GET":
            # A form's address opened (a reload, a bookmark, a link typed in): the page the form belongs to.
            target = page_of_form(request)
            if target is not None:
                return RedirectResponse(target, status_code=303)
        if is_page(request) and exc.status_code in PAGE_ERRORS:
            detail = PAGE_ERRORS[exc.status_code]
            response = await run_in_threadpool(error_page, request, exc.status_code, title, detail)
            response.headers.update(headers)
            return response
        return problem(exc.status_code, title, str(exc.detail), headers=headers)

    from valuegate.adoption.api import router as adoption_router
    from valuegate.audit.api import router as audit_router
    from valuegate.auth.api import router as auth_router
    from valuegate.change.api import router as change_router
    from valuegate.comms.api import router as comms_router
    from valuegate.decisions.api import router as decisions_router
    from valuegate.dependencies.api import router as dependencies_router
    from valuegate.feedback.api import router as feedback_router
    from valuegate.feeds.api import router as feeds_router
    from valuegate.finance.api import router as finance_router
    from valuegate.gates.api import router as gates_router
    from valuegate.health.api import router as health_router
    from valuegate.milestones.api import router as milestones_router
    from valuegate.portfolio.api import router as portfolio_router
    from valuegate.rollups.api import router as rollups_router

    for router in (
        auth_router,
        portfolio_router,
        finance_router,
        milestones_router,
        gates_router,
        dependencies_router,
        decisions_router,
        rollups_router,
        change_router,
        comms_router,
        feedback_router,
        adoption_router,
        feeds_router,
        health_router,
        audit_router,
    ):
        app.include_router(router, prefix="/api")

    from valuegate.admin.gates import router as gate_admin
    from valuegate.admin.org_units import router as org_admin
    from valuegate.admin.people import router as people_admin
    from valuegate.admin.services import router as service_admin
    from valuegate.admin.web import router as admin_home
    from valuegate.adoption.web import router as adoption_pages
    from valuegate.audit.web import router as audit_pages
    from valuegate.auth.web import router as auth_pages
    from valuegate.change.network_web import router as network_pages
    from valuegate.change.plan_web import router as plan_pages
    from valuegate.change.web import router as change_pages
    from valuegate.comms.web import router as comms_pages
    from valuegate.decisions.web import router as meeting_pages
    from valuegate.dependencies.web import router as dependency_pages
    from valuegate.feedback.web import router as feedback_pages
    from valuegate.feeds.web import router as feed_pages
    from valuegate.finance.web import router as grid_pages
    from valuegate.gates.web import router as inbox_pages
    from valuegate.health.web import router as health_pages
    from valuegate.portfolio.browse import router as browse_pages
    from valuegate.portfolio.case_web import router as case_pages
    from valuegate.portfolio.web import router as measure_pages
    from valuegate.rollups.web import router as cockpit_pages

    for router in (
        auth_pages,
        cockpit_pages,
        browse_pages,
        measure_pages,
        case_pages,
        grid_pages,
        dependency_pages,
        inbox_pages,
        meeting_pages,
        change_pages,
        comms_pages,
        feedback_pages,
        feed_pages,
        health_pages,
        adoption_pages,
        network_pages,
        plan_pages,
        audit_pages,
        admin_home,
        people_admin,
        org_admin,
        service_admin,
        gate_admin,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    if settings.assets_dir.is_dir():
        app.mount("/assets", StaticFiles(directory=str(settings.assets_dir)), name="assets")
    app.middleware("http")(security_headers)

    document = app.openapi

    def openapi() -> dict[str, Any]:
        """FastAPI's document, with the problem+json shape the API routers' error answers refer to."""
        if app.openapi_schema is None:
            document().setdefault("components", {}).setdefault("schemas", {}).update(problem_schemas())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
