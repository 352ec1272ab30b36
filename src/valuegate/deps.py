"""Request-scoped dependencies shared by every API router: the session and the acting person."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

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


async def bounded_body(request: Request, limit: int) -> bytes:
    """The request body (an uploaded file), refused with 413 as soon as it is larger than ``limit`` bytes."""
    declared = int(request.headers.get("content-length") or 0)
    if declared > limit:
        raise TooLarge(f"The file is {declared / 1e6:,.0f} MB; the limit is {limit / 1e6:,.0f} MB.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"The file is larger than the limit of {limit / 1e6:,.0f} MB.")
        chunks.append(chunk)
    return b"".join(chunks)
