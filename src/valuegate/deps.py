"""Request-scoped dependencies shared by every API router: the session, the acting person and an uploaded body."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from typing import IO, Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from valuegate.auth.models import Person
from valuegate.auth.policy import Actor, actor_for
from valuegate.auth.service import person_for_token
from valuegate.context import bind
from valuegate.errors import TooLarge, Unauthenticated

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def get_session(request: Request) -> Iterator[Session]:
    db = request.app.state.db
    with db.session(write=request.method in WRITE_METHODS) as session:
        bind(session, request.app.state.settings, request.app.state.today)
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_actor(request: Request, session: SessionDep) -> Actor:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        person = person_for_token(session, header[7:].strip())
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
