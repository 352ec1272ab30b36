"""Champions and legacy retirement in the browser: coverage per team, dormant champions, logging what a champion
did; the legacy processes with their status moves and the double work while both ways run.

Each form is one route and one use-case, read by the API's own schema (``web/forms.submit_form``): refused, the page
is drawn again with what was typed and the problem beside its field; accepted, the browser is sent back to the page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.change import champions, retirement, rules
from valuegate.change.schemas import ActivityIn, ChampionIn, LegacyIn, LegacyPatch
from valuegate.web.forms import NO_FORM, FormState, TypedForm, submit_form, version_and_changes
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)


def network_page(request: Request, page: Page, node_id: int, form: FormState = NO_FORM, status: int = 200) -> Response:
    view = champions.network_page(page.session, actor=page.actor, node_id=node_id)
    return render(
        request,
        page,
        "change/network.html",
        {
            "active": "portfolio",
            "view": view,
            "node": view.node,
            "network": view.network,
            "legacy": view.legacy,
            "activities": rules.CHAMPION_ACTIVITIES,
            "kinds": rules.LEGACY_KINDS,
            "moves": rules.LEGACY_MOVES,
            "form": form,
        },
        status,
    )


@router.get("/portfolio/{node_id}/change/network", response_class=HTMLResponse)
def network(request: Request, node_id: int, page: PageDep) -> Response:
    return network_page(request, page, node_id)


def _submit(
    request: Request, page: Page, node_id: int, form: str, typed: dict[str, str], schema: Any, act: Any
) -> Response:
    return submit_form(
        page.session,
        form=form,
        values=typed,
        schema=schema,
        act=act,
        then=f"/portfolio/{node_id}/change/network",
        redraw=lambda state, status: network_page(request, page, node_id, state, status),
    )


@router.post("/portfolio/{node_id}/change/network/champions")
def name_champion(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: ChampionIn) -> object:
        return champions.name_champion(page.session, actor=page.actor, node_id=node_id, **body.model_dump())

    return _submit(request, page, node_id, "champion", typed, ChampionIn, act)


@router.post("/portfolio/{node_id}/change/network/champions/{champion_id}/activities")
def log_activity(request: Request, node_id: int, champion_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: ActivityIn) -> object:
        return champions.log_activity(page.session, actor=page.actor, champion_id=champion_id, **body.model_dump())

    return _submit(request, page, node_id, f"activity-{champion_id}", typed, ActivityIn, act)


@router.post("/portfolio/{node_id}/change/network/legacy")
def register_legacy(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: LegacyIn) -> object:
        return retirement.register(page.session, actor=page.actor, node_id=node_id, **body.model_dump())

    return _submit(request, page, node_id, "legacy", typed, LegacyIn, act)


@router.post("/portfolio/{node_id}/change/network/legacy/{item_id}")
def move_legacy(request: Request, node_id: int, item_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: LegacyPatch) -> object:
        version, changes = version_and_changes(body)
        return retirement.update(page.session, actor=page.actor, item_id=item_id, version=version, changes=changes)

    return _submit(request, page, node_id, f"legacy-{item_id}", typed, LegacyPatch, act)
