"""Domain errors. Each maps to one HTTP status and is rendered as ``application/problem+json``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class DomainError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    def problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"https://valuegate.dev/problems/{self.title.lower().replace(' ', '-')}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        return body


class Unauthenticated(DomainError):
    status = 401
    title = "Not signed in"


class PermissionDenied(DomainError):
    status = 403
    title = "Not allowed"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class StaleVersion(Conflict):
    title = "Stale version"


class RuleViolation(DomainError):
    """The input is well-formed but a business rule refuses it."""

    status = 422
    title = "Rule violated"


class InvalidInput(DomainError):
    status = 422
    title = "Invalid input"


class TooLarge(DomainError):
    """An upload or a batch over the size the product accepts."""

    status = 413
    title = "Too large"


def check_editable(changes: Iterable[str], allowed: Iterable[str]) -> None:
    """Refuse a change to fields that cannot be changed through this use-case, naming them."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InvalidInput(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")


def check_version(entity: str, current: int, given: int | None) -> None:
    """Optimistic concurrency: refuse a write based on an older version of the entity."""
    if given is not None and given != current:
        raise StaleVersion(
            f"{entity} was changed by someone else (you had version {given}, it is now {current}). "
            "Reload it and apply your change again."
        )
