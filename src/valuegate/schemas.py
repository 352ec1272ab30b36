"""Shapes every API package shares: the base of response models, named vocabularies, and problem+json.

A response model describes exactly what a route sends: it forbids keys it does not name, so a service that grows
a key without its model fails the tests (a 500) instead of the key silently disappearing from the answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from typing_extensions import TypeAliasType

PROBLEM_MEDIA_TYPE = "application/problem+json"


class Out(BaseModel):
    """The base of every response model."""

    model_config = ConfigDict(extra="forbid")


def one_of(name: str, values: Iterable[str]) -> Any:
    """A named enumeration in the API document, built from a vocabulary a ``rules`` module declares.

    Modules write ``if TYPE_CHECKING: X: TypeAlias = str else: X = one_of("X", rules.XS)``: the tuple stays the one
    source of truth, the document and request validation get the enum, and mypy sees plain text.
    """
    return TypeAliasType(name, cast(Any, Literal)[tuple(values)])


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


# A moment as the services write it (ISO 8601 with its offset, e.g. 2026-06-15T09:30:00.123456+00:00), kept as
# that text rather than re-formatted.
Timestamp = Annotated[str, BeforeValidator(_iso), WithJsonSchema({"type": "string", "format": "date-time"})]

# A month, e.g. 2026-06.
Period = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"})]


class Created(Out):
    """What a create or update answers when the caller needs only the new id and version."""

    id: int
    version: int


class ProblemItem(BaseModel):
    """One thing wrong with the input. ``at`` names where (a field path, an entry, a row); the services that check
    a whole form name the ``field``, gate checks name the ``criterion``, and a refused dependency its ``cycle``."""

    at: str | None = None
    field: str | None = None
    criterion: str | None = None
    cycle: list[int] | None = None
    problem: str | None = None


class Problem(BaseModel):
    """An error answer (RFC 9457, ``application/problem+json``)."""

    type: str = Field(description="about:blank, or a URI naming the kind of problem")
    title: str
    status: int
    detail: str = Field(description="What went wrong and what to do, in words for a person")
    errors: list[ProblemItem] | None = Field(
        default=None, description="Each problem of the input, when there are several"
    )


def problem_response(description: str) -> dict[str, Any]:
    """An error answer for a route's ``responses``, sent as problem+json."""
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}}}


PROBLEM_REF = "#/components/schemas/Problem"


def problem_schemas() -> dict[str, Any]:
    """The JSON schemas of ``Problem`` and its parts, for the document's components (FastAPI only adds models it
    reads from routes, and documents them as application/json)."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    return {"Problem": schema, **schema.pop("$defs", {})}


# Every API router declares these answers; each is sent by app.py's exception handlers as problem+json.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: problem_response("The request body is not valid JSON."),
    401: problem_response("Not signed in: send an API token as 'Authorization: Bearer <token>'."),
    403: problem_response("Signed in, but not allowed to do this or to see this."),
    404: problem_response("There is no such thing (or it is not visible to the caller)."),
    409: problem_response("Someone else changed it first (a stale version), or it conflicts with its current state."),
    422: problem_response("The input is not valid, or a business rule refuses it."),
}

# Routes whose request body is an uploaded file.
UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: problem_response("The file is larger than the product accepts.")
}
