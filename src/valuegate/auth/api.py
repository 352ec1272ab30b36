"""HTTP adapter for people, logins, tokens, grants and delegations."""

from __future__ import annotations

from valuegate.auth import service
from valuegate.auth.models import Person
from valuegate.auth.policy import actor_for
from valuegate.auth.schemas import (
    DelegationIn,
    DelegationOut,
    GrantIn,
    GrantOut,
    NewToken,
    PersonIn,
    PersonOut,
    PersonPatch,
    SignedIn,
    TokenRequest,
)
from valuegate.deps import ActorDep, SessionDep, api_router

router = api_router("people")


def _person(p: Person) -> PersonOut:
    return PersonOut.model_validate(service.person_view(p))


@router.post("/auth/token", status_code=201)
def login_for_token(body: TokenRequest, session: SessionDep) -> SignedIn:
    person = service.authenticate(session, body.login, body.password)
    token, plain = service.create_token(session, actor=actor_for(person), person_id=person.id, name=body.name)
    return SignedIn(token=plain, token_id=token.id, person=_person(person))


@router.get("/me")
def me(actor: ActorDep, session: SessionDep) -> PersonOut:
    return _person(service.get_person(session, actor.person_id or 0))


@router.get("/people")
def people(actor: ActorDep, session: SessionDep) -> list[PersonOut]:
    return [_person(p) for p in service.list_people(session, actor=actor)]


@router.post("/people", status_code=201)
def create_person(body: PersonIn, actor: ActorDep, session: SessionDep) -> PersonOut:
    return _person(service.create_person(session, actor=actor, **body.model_dump()))


@router.patch("/people/{person_id}")
def update_person(person_id: int, body: PersonPatch, actor: ActorDep, session: SessionDep) -> PersonOut:
    data = body.model_dump(exclude_unset=True)
    version = data.pop("version")
    return _person(service.update_person(session, actor=actor, person_id=person_id, version=version, **data))


@router.post("/people/{person_id}/tokens", status_code=201)
def create_token(person_id: int, actor: ActorDep, session: SessionDep, name: str = "api") -> NewToken:
    token, plain = service.create_token(session, actor=actor, person_id=person_id, name=name)
    return NewToken(token=plain, token_id=token.id)


@router.post("/grants", status_code=201)
def grant(body: GrantIn, actor: ActorDep, session: SessionDep) -> GrantOut:
    g = service.grant(session, actor=actor, **body.model_dump())
    return GrantOut(id=g.id, person_id=g.person_id, node_id=g.node_id, role=g.role)


@router.delete("/grants/{grant_id}", status_code=204)
def revoke_grant(grant_id: int, actor: ActorDep, session: SessionDep) -> None:
    service.revoke_grant(session, actor=actor, grant_id=grant_id)


@router.post("/delegations", status_code=201)
def delegate(body: DelegationIn, actor: ActorDep, session: SessionDep) -> DelegationOut:
    d = service.create_delegation(session, actor=actor, **body.model_dump())
    return DelegationOut(
        id=d.id, delegator_id=d.delegator_id, deputy_id=d.deputy_id, starts_on=d.starts_on, ends_on=d.ends_on
    )
