"""Request-scoped dependencies shared by every API router: the session, the acting person and an uploaded body."""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, Security
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, actor_for
from valuegate.auth.service import person_for_token
from valuegate.context import bind
from valuegate.errors import TooLarge, Unauthenticated
from valuegate.schemas import PROBLEM_RESPONSES

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def get_session(request: Request) -> Iterator[Session]:
    db = request.app.state.db
    with db.session(write=request.method in WRITE_METHODS) as session:
        bind(session, request.app.state.settings, request.app.state.today)
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


# Declares the scheme in the API document; the check itself (and its problem+json answer) is get_actor's.
bearer = HTTPBearer(auto_error=False, description="An API token from POST /api/auth/token")


def get_actor(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Actor:
    if credentials is not None and credentials.credentials.strip():
        person = person_for_token(session, credentials.credentials.strip())
        request.state.usage_actor = usage_identity(person)
        return actor_for(person)
    raise Unauthenticated("Sign in, or send an API token as 'Authorization: Bearer <token>'.")


def usage_identity(person: Person) -> str:
    """How a person appears in Valuegate's own usage events before pseudonymisation (what audience lists use)."""
    return person.login or person.email or f"person:{person.id}"


ActorDep = Annotated[Actor, Depends(get_actor)]


# An upload up to this size stays in memory while it arrives; a larger one goes to a temporary file.
SPOOL_BYTES = 1024 * 1024


class StreamedBody:
    """The request body (an uploaded file) as a binary file at its start, for a plain ``def`` route to read in its
    worker thread. As a dependency it only awaits the request: the body arrives chunk by chunk into a temporary file
    that stays in memory while small (writing to disk goes to the thread pool), refused with 413 as soon as the
    declared or the received size passes the limit. The caller is authenticated first, so an anonymous upload is
    refused before a byte of it is read. ``limit`` is asked at each request."""

    def __init__(self, limit: Callable[[], int]) -> None:
        self.limit = limit

    async def __call__(self, request: Request, _actor: ActorDep) -> AsyncIterator[IO[bytes]]:
        limit = self.limit()
        declared = int(request.headers.get("content-length") or 0)
        if declared > limit:
            raise TooLarge(f"The file is {declared / 1e6:,.0f} MB; the limit is {limit / 1e6:,.0f} MB.")
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as file:
            size = 0
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"The file is larger than the limit of {limit / 1e6:,.0f} MB.")
                if size <= SPOOL_BYTES:
                    file.write(chunk)  # still in memory
                else:
                    await run_in_threadpool(file.write, chunk)
            file.seek(0)
            yield file


def _not_json(text: str) -> Any:
    raise json.JSONDecodeError(f"{text} is not a JSON number", text, 0)


def _finite(text: str) -> float:
    number = float(text)
    return number if math.isfinite(number) else _not_json(text)


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # more digits than Python converts
        return _not_json(text[:20] + "…")


class JSONRequest(Request):
    """A request whose JSON body is held to RFC 8259: NaN, Infinity and numbers too large for a float are not JSON
    (Python's parser lets them through), so they are refused as a malformed body instead of reaching a service."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), parse_constant=_not_json, parse_float=_finite, parse_int=_whole)
        return self._json


class JSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(JSONRequest(request.scope, request.receive))

        return strict


def api_router(tag: str) -> APIRouter:
    """A router of the API: its tag, the problem+json answers every route can give, and strict JSON bodies."""
    return APIRouter(tags=[tag], responses=PROBLEM_RESPONSES, route_class=JSONRoute)
