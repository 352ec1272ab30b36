"""Request and response shapes of the auth API (Pydantic)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypeAlias

from pydantic import BaseModel, Field

from valuegate.auth.rules import GLOBAL_ROLES, GRANT_ROLES
from valuegate.schemas import Out, one_of

if TYPE_CHECKING:
    GlobalRole: TypeAlias = str
    GrantRole: TypeAlias = str
else:
    GlobalRole = one_of("GlobalRole", GLOBAL_ROLES)
    GrantRole = one_of("GrantRole", GRANT_ROLES)


class TokenRequest(BaseModel):
    login: str
    password: str
    name: str = "api"


class PersonIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = None
    title: str | None = None
    org_unit_id: int | None = None
    global_role: GlobalRole | None = None
    login: str | None = None
    password: str | None = None


class PersonPatch(BaseModel):
    version: int
    name: str | None = None
    email: str | None = None
    title: str | None = None
    global_role: GlobalRole | None = None
    clear_global_role: bool = False
    active: bool | None = None
    org_unit_id: int | None = None


class GrantIn(BaseModel):
    person_id: int
    node_id: int
    role: GrantRole


class DelegationIn(BaseModel):
    delegator_id: int
    deputy_id: int
    starts_on: date
    ends_on: date
    reason: str | None = None


class SignInIn(BaseModel):
    """A person's sign-in as an administrator sets it (or the person their own): a login and a new password."""

    login: str = Field(min_length=1, max_length=100)
    password: str


class DelegationEnd(BaseModel):
    """Ending a delegation now takes nothing more than which one (in the address)."""


class GrantEnd(BaseModel):
    """Revoking a grant takes nothing more than which one (in the address)."""


class PersonOut(Out):
    id: int
    name: str
    email: str | None
    title: str | None
    org_unit_id: int | None
    global_role: GlobalRole | None
    login: str | None
    active: bool
    version: int


class NewToken(Out):
    token: str = Field(description="The secret, shown only now: send it as 'Authorization: Bearer <token>'")
    token_id: int


class SignedIn(NewToken):
    person: PersonOut


class GrantOut(Out):
    id: int
    person_id: int
    node_id: int
    role: GrantRole


class DelegationOut(Out):
    id: int
    delegator_id: int
    deputy_id: int
    starts_on: date
    ends_on: date
