"""The unit of work: the one place where a transaction is committed or rolled back.

Every function a person or a job calls to change something is a *use-case*, marked with :func:`use_case`. The
outermost use-case on a session owns the transaction: it commits when it returns and rolls back when it raises.
A use-case called by another joins its transaction — nothing inside commits — so the gate approval that a
steering decision gives, the decision row, their audit events and their outbox rows are written together or not
at all. A nested use-case that fails dooms the whole unit: the outer one cannot commit half of it, even if it
catches the error.

Bulk loaders that are not use-cases (the scale generator, benchmarks, the demo's history, the worker's batches)
close a batch with :func:`commit_batch`, which refuses to run inside a use-case.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from sqlalchemy.orm import Session

P = ParamSpec("P")
R = TypeVar("R")

_DEPTH = "valuegate_uow_depth"
_DOOMED = "valuegate_uow_doomed"


class NestedFailure(RuntimeError):
    """A use-case inside this one failed and its error was caught: the unit of work cannot be committed."""


def depth(session: Session) -> int:
    """How many use-cases are running on this session (0: none, the next one owns the transaction)."""
    return int(session.info.get(_DEPTH, 0))


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Run a block as one unit of work: the outermost block commits at its end, a nested one joins."""
    outer = depth(session)
    session.info[_DEPTH] = outer + 1
    try:
        yield session
    except BaseException:
        session.info[_DEPTH] = outer
        if outer == 0:
            session.info.pop(_DOOMED, None)
            session.rollback()
        else:
            session.info[_DOOMED] = True
        raise
    session.info[_DEPTH] = outer
    if outer > 0:
        return
    if session.info.pop(_DOOMED, False):
        session.rollback()
        raise NestedFailure("A step of this change failed; nothing was saved.")
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise


def use_case(fn: Callable[P, R]) -> Callable[P, R]:
    """Mark a service function (its session the first argument) as a use-case: it runs in the caller's unit of
    work, or owns a new one."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        session = args[0] if args else kwargs.get("session")
        if not isinstance(session, Session):
            raise TypeError(f"{fn.__qualname__}: a use-case takes the session as its first argument")
        with unit_of_work(session):
            return fn(*args, **kwargs)

    return run


def commit_batch(session: Session) -> None:
    """Commit what a bulk loader has written so far (not a use-case: never inside one)."""
    if depth(session):
        raise RuntimeError("commit_batch inside a use-case: the outermost use-case commits")
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise
