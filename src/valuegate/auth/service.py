"""People, accounts, tokens, grants and delegations."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from valuegate.audit import service as audit
from valuegate.auth.models import ApiToken, Delegation, NodeGrant, Person, WebSession
from valuegate.auth.passwords import hash_password, hash_token, new_token, verify_password
from valuegate.auth.policy import Actor, actor_for, can, require
from valuegate.auth.rules import ADMIN_SECTIONS, GLOBAL_ROLES, GRANT_ROLES
from valuegate.db import utcnow
from valuegate.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolation,
    Unauthenticated,
    check_version,
)
from valuegate.portfolio.models import Node, OrgUnit
from valuegate.uow import use_case

MIN_PASSWORD = 10


def person_view(p: Person) -> dict[str, object]:
    return {
        "id": p.id,
        "name": p.name,
        "email": p.email,
        "title": p.title,
        "org_unit_id": p.org_unit_id,
        "global_role": p.global_role,
        "login": p.login,
        "active": p.active,
        "version": p.version,
    }


def get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"There is no person with id {person_id}.")
    return person


def _check_role(role: str | None) -> None:
    if role is not None and role not in GLOBAL_ROLES:
        raise InvalidInput(f"Unknown global role {role!r}; choose one of {', '.join(GLOBAL_ROLES)}.")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"A password needs at least {MIN_PASSWORD} characters.")


@use_case
def create_person(
    session: Session,
    *,
    actor: Actor,
    name: str,
    email: str | None = None,
    title: str | None = None,
    org_unit_id: int | None = None,
    global_role: str | None = None,
    login: str | None = None,
    password: str | None = None,
) -> Person:
    require(session, actor, "people.manage", what="people")
    name = name.strip()
    if not name:
        raise InvalidInput("A person needs a name.")
    _check_role(global_role)
    if org_unit_id is not None and session.get(OrgUnit, org_unit_id) is None:
        raise NotFound(f"There is no org unit with id {org_unit_id}.")
    if email and session.scalar(select(Person.id).where(func.lower(Person.email) == email.lower())):
        raise Conflict(f"Someone is already registered with the e-mail {email}.")
    if login:
        if session.scalar(select(Person.id).where(Person.login == login)):
            raise Conflict(f"The login {login!r} is taken.")
        if password is None:
            raise InvalidInput("A login needs a password.")
    if password is not None:
        _check_password(password)
    person = Person(
        name=name,
        email=email,
        title=title,
        org_unit_id=org_unit_id,
        global_role=global_role,
        login=login,
        password_hash=hash_password(password) if password else None,
    )
    session.add(person)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="person.create",
        entity_type="person",
        entity_id=person.id,
        after=person_view(person),
    )
    return person


@use_case
def update_person(
    session: Session,
    *,
    actor: Actor,
    person_id: int,
    version: int | None,
    name: str | None = None,
    email: str | None = None,
    title: str | None = None,
    global_role: str | None = None,
    clear_global_role: bool = False,
    active: bool | None = None,
    org_unit_id: int | None = None,
) -> Person:
    require(session, actor, "people.manage", what="people")
    person = get_person(session, person_id)
    check_version("Person", person.version, version)
    before = person_view(person)
    if name is not None:
        if not name.strip():
            raise InvalidInput("A person needs a name.")
        person.name = name.strip()
    if email is not None:
        person.email = email or None
    if title is not None:
        person.title = title or None
    if org_unit_id is not None:
        if session.get(OrgUnit, org_unit_id) is None:
            raise NotFound(f"There is no org unit with id {org_unit_id}.")
        person.org_unit_id = org_unit_id
    if clear_global_role:
        person.global_role = None
    elif global_role is not None:
        _check_role(global_role)
        person.global_role = global_role
    if active is not None:
        person.active = active
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="person.update",
        entity_type="person",
        entity_id=person.id,
        before=before,
        after=person_view(person),
    )
    return person


@use_case
def set_password(session: Session, *, actor: Actor, person_id: int, login: str, password: str) -> Person:
    if actor.person_id != person_id:
        require(session, actor, "people.manage", what="people")
    person = get_person(session, person_id)
    _check_password(password)
    other = session.scalar(select(Person.id).where(Person.login == login, Person.id != person_id))
    if other:
        raise Conflict(f"The login {login!r} is taken.")
    person.login = login
    person.password_hash = hash_password(password)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="person.set_password",
        entity_type="person",
        entity_id=person.id,
        after={"login": login},
    )
    return person


def people_choices(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """The active people a form offers to choose from (owners, stakeholders, attendees), by name, to anyone
    signed in (``actor``)."""
    q = select(Person.id, Person.name).where(Person.active).order_by(Person.name)
    return [(i, n) for i, n in session.execute(q)]


def authenticate(session: Session, login: str, password: str) -> Person:
    person = session.scalar(select(Person).where(Person.login == login))
    if person is None or not person.active or not verify_password(person.password_hash, password):
        raise Unauthenticated("Unknown login or wrong password.")
    return person


@use_case
def create_token_for_login(session: Session, *, actor: Actor, login: str, name: str) -> tuple[ApiToken, str]:
    """An API token for the person signing in as ``login`` (the command line's way to name them)."""
    person_id = session.scalar(select(Person.id).where(Person.login == login))
    if person_id is None:
        raise NotFound(f"No login {login!r}.")
    return create_token(session, actor=actor, person_id=person_id, name=name)


@use_case
def create_token(
    session: Session, *, actor: Actor, person_id: int, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create an API token; the plain token is returned once and only its hash is stored."""
    if actor.person_id != person_id:
        require(session, actor, "people.manage", what="people")
    person = get_person(session, person_id)
    if not person.active:
        raise RuleViolation(f"{person.name} is inactive and cannot get a token.")
    plain = new_token()
    token = ApiToken(person_id=person_id, name=name or "token", token_hash=hash_token(plain), expires_at=expires_at)
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="token.create",
        entity_type="api_token",
        entity_id=token.id,
        after={"person_id": person_id, "name": token.name},
    )
    return token, plain


@use_case
def revoke_token(session: Session, *, actor: Actor, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"There is no token with id {token_id}.")
    if actor.person_id != token.person_id:
        require(session, actor, "people.manage", what="people")
    token.revoked_at = utcnow()
    audit.record(session, actor_id=actor.person_id, action="token.revoke", entity_type="api_token", entity_id=token.id)


def person_for_token(session: Session, plain: str) -> Person:
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    now = utcnow()
    if token is None or token.revoked_at is not None or (token.expires_at is not None and token.expires_at < now):
        raise Unauthenticated("The API token is unknown, revoked or expired.")
    person = session.get(Person, token.person_id)
    if person is None or not person.active:
        raise Unauthenticated("The API token belongs to an inactive person.")
    return person


SESSION_HOURS = 12


@use_case
def start_web_session(session: Session, *, login: str, password: str) -> tuple[WebSession, str]:
    """Sign a person in from the browser; returns the session and the cookie value (shown once, stored hashed)."""
    person = authenticate(session, login, password)
    plain = new_token()
    web = WebSession(
        person_id=person.id,
        token_hash=hash_token(plain),
        csrf_token=secrets.token_urlsafe(32),
        expires_at=utcnow() + timedelta(hours=SESSION_HOURS),
    )
    session.add(web)
    session.flush()
    audit.record(session, actor_id=person.id, action="session.start", entity_type="web_session", entity_id=web.id)
    return web, plain


def web_session_for(session: Session, plain: str | None) -> tuple[WebSession, Person] | None:
    """The live session and its person for a cookie value, or None (unknown, ended, expired or inactive)."""
    if not plain:
        return None
    web = session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(plain)))
    if web is None or web.ended_at is not None or web.expires_at < utcnow():
        return None
    person = session.get(Person, web.person_id)
    if person is None or not person.active:
        return None
    return web, person


@use_case
def end_web_session(session: Session, plain: str | None) -> None:
    found = web_session_for(session, plain)
    if found is None:
        return
    web, person = found
    web.ended_at = utcnow()
    audit.record(session, actor_id=person.id, action="session.end", entity_type="web_session", entity_id=web.id)


@use_case
def grant(session: Session, *, actor: Actor, person_id: int, node_id: int, role: str) -> NodeGrant:
    if role not in GRANT_ROLES:
        raise InvalidInput(f"Unknown node role {role!r}; choose one of {', '.join(GRANT_ROLES)}.")
    node = session.get(Node, node_id)
    if node is None:
        raise NotFound(f"There is no node with id {node_id}.")
    require(session, actor, "grant.manage", node)
    get_person(session, person_id)
    existing = session.scalar(
        select(NodeGrant).where(NodeGrant.person_id == person_id, NodeGrant.node_id == node_id, NodeGrant.role == role)
    )
    if existing:
        raise Conflict("That person already holds this role on this node.")
    g = NodeGrant(person_id=person_id, node_id=node_id, role=role)
    session.add(g)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="grant.create",
        entity_type="node_grant",
        entity_id=g.id,
        after={"person_id": person_id, "node_id": node_id, "role": role},
    )
    return g


@use_case
def revoke_grant(session: Session, *, actor: Actor, grant_id: int) -> None:
    g = session.get(NodeGrant, grant_id)
    if g is None:
        raise NotFound(f"There is no grant with id {grant_id}.")
    require(session, actor, "grant.manage", session.get(Node, g.node_id))
    before = {"person_id": g.person_id, "node_id": g.node_id, "role": g.role}
    session.delete(g)
    audit.record(
        session,
        actor_id=actor.person_id,
        action="grant.revoke",
        entity_type="node_grant",
        entity_id=grant_id,
        before=before,
    )


@use_case
def create_delegation(
    session: Session,
    *,
    actor: Actor,
    delegator_id: int,
    deputy_id: int,
    starts_on: date,
    ends_on: date,
    reason: str | None = None,
) -> Delegation:
    if actor.person_id != delegator_id:
        require(session, actor, "delegation.manage", what="delegations")
    if delegator_id == deputy_id:
        raise RuleViolation("A person cannot be their own deputy.")
    if ends_on < starts_on:
        raise InvalidInput("The delegation ends before it starts.")
    get_person(session, delegator_id)
    deputy = get_person(session, deputy_id)
    if not deputy.active:
        raise RuleViolation(f"{deputy.name} is inactive and cannot be a deputy.")
    d = Delegation(
        delegator_id=delegator_id,
        deputy_id=deputy_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=actor.person_id,
    )
    session.add(d)
    session.flush()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="delegation.create",
        entity_type="delegation",
        entity_id=d.id,
        after={
            "delegator_id": delegator_id,
            "deputy_id": deputy_id,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "reason": reason,
        },
    )
    return d


def list_people(session: Session, *, actor: Actor) -> list[Person]:
    """Every signed-in person may see names: they are needed to pick owners, sponsors and controllers."""
    return list(session.scalars(select(Person).order_by(Person.name)))


__all__ = ["actor_for"]


@use_case
def revoke_delegation(session: Session, *, actor: Actor, delegation_id: int) -> Delegation:
    """End a delegation now (the record stays: past approvals by the deputy remain explained)."""
    d = session.get(Delegation, delegation_id)
    if d is None:
        raise NotFound(f"There is no delegation with id {delegation_id}.")
    if actor.person_id != d.delegator_id:
        require(session, actor, "delegation.manage", what="delegations")
    if d.revoked_at is not None:
        raise Conflict("This delegation has already been ended.")
    d.revoked_at = utcnow()
    audit.record(
        session,
        actor_id=actor.person_id,
        action="delegation.revoke",
        entity_type="delegation",
        entity_id=d.id,
        before={"delegator_id": d.delegator_id, "deputy_id": d.deputy_id, "ends_on": d.ends_on.isoformat()},
    )
    return d


# --- Screen views of the administration pages (people, delegations) and the sections every one of them shows. ---


def admin_sections(session: Session, *, actor: Actor) -> list[tuple[str, str]]:
    """The administration sections (slug, label) this person may open."""
    return [(slug, label) for slug, label, action in ADMIN_SECTIONS if can(session, actor, action)]


def admin_section(session: Session, *, actor: Actor, slug: str) -> list[tuple[str, str]]:
    """The sections, when this person may open the one named ``slug``; refused otherwise."""
    sections = admin_sections(session, actor=actor)
    if slug not in {s for s, _label in sections}:
        label = next(label for s, label, _a in ADMIN_SECTIONS if s == slug)
        raise PermissionDenied(f"{actor.name} may not manage {label.lower()}.")
    return sections


def admin_home(session: Session, *, actor: Actor) -> list[tuple[str, str]]:
    """The sections of the administration home; refused to who may open none."""
    sections = admin_sections(session, actor=actor)
    if not sections:
        raise PermissionDenied(f"{actor.name} may not administer Valuegate.")
    return sections


def org_unit_choices(session: Session) -> list[tuple[int, str]]:
    return [(i, n) for i, n in session.execute(select(OrgUnit.id, OrgUnit.name).order_by(OrgUnit.path))]


@dataclass(frozen=True)
class PeoplePage:
    """The people directory: every person with their org unit's name, and the choices its forms offer."""

    sections: list[tuple[str, str]]
    rows: list[tuple[Person, str | None]]
    units: list[tuple[int, str]]
    roles: list[str]


def people_page(session: Session, *, actor: Actor) -> PeoplePage:
    sections = admin_section(session, actor=actor, slug="people")
    rows = session.execute(
        select(Person, OrgUnit.name).outerjoin(OrgUnit, OrgUnit.id == Person.org_unit_id).order_by(Person.name)
    ).all()
    return PeoplePage(
        sections=sections,
        rows=[(p, unit) for p, unit in rows],
        units=org_unit_choices(session),
        roles=list(GLOBAL_ROLES),
    )


@dataclass(frozen=True)
class DelegationsPage:
    """Delegations as a person may see them: everyone's to who manages delegations, else the person's own (given
    and received). Everyone may delegate their own approvals; who manages delegations may name any delegator."""

    sections: list[tuple[str, str]]
    rows: list[Delegation]
    names: dict[int, str]
    people: list[tuple[int, str]]
    may_manage: bool
    me: int | None

    def may_end(self, d: Delegation) -> bool:
        return d.revoked_at is None and (self.may_manage or d.delegator_id == self.me)


def delegations_page(session: Session, *, actor: Actor) -> DelegationsPage:
    may_manage = can(session, actor, "delegation.manage")
    q = select(Delegation).order_by(Delegation.starts_on.desc(), Delegation.id.desc()).limit(500)
    if not may_manage:
        q = q.where((Delegation.delegator_id == actor.person_id) | (Delegation.deputy_id == actor.person_id))
    rows = list(session.scalars(q))
    ids = {d.delegator_id for d in rows} | {d.deputy_id for d in rows}
    names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all()) if ids else {}
    return DelegationsPage(
        sections=admin_sections(session, actor=actor),
        rows=rows,
        names={int(k): str(v) for k, v in names.items()},
        people=people_choices(session, actor=actor),
        may_manage=may_manage,
        me=actor.person_id,
    )
