"""Request shapes of the auth API (Pydantic); responses are plain dicts built by the services."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class TokenRequest(BaseModel):
    login: str
    password: str
    name: str = "api"


class PersonIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = None
    title: str | None = None
    org_unit_id: int | None = None
    global_role: str | None = None
    login: str | None = None
    password: str | None = None


class PersonPatch(BaseModel):
    version: int
    name: str | None = None
    email: str | None = None
    title: str | None = None
    global_role: str | None = None
    clear_global_role: bool = False
    active: bool | None = None
    org_unit_id: int | None = None


class GrantIn(BaseModel):
    person_id: int
    node_id: int
    role: str


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
