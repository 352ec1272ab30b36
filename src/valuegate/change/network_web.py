"""Champions and legacy retirement in the browser: coverage per team, dormant champions, logging what a champion
did; the legacy processes with their status moves and the double work while both ways run."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.auth.admin_web import active_people
from valuegate.auth.policy import can
from valuegate.change import champions, retirement, rules
from valuegate.change import service as change
from valuegate.errors import InvalidInput
from valuegate.portfolio.service import get_node
from valuegate.web.forms import TypedForm, optional_id, parse_day, whole_number
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render, submit

router = APIRouter(include_in_schema=False)


def network_page(
    request: Request,
    page: Page,
    node_id: int,
    *,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    s = page.session
    network = champions.network(s, actor=page.actor, node_id=node_id)
    node = get_node(s, node_id)
    return render(
        request,
        page,
        "change/network.html",
        {
            "active": "portfolio",
            "node": node,
            "network": network,
            "legacy": retirement.retirement_list(s, actor=page.actor, node_id=node_id),
            "groups": change.groups(s, actor=page.actor, node_id=node_id),
            "everyone": active_people(page),
            "activities": rules.CHAMPION_ACTIVITIES,
            "kinds": rules.LEGACY_KINDS,
            "moves": rules.LEGACY_MOVES,
            "may_manage": can(s, page.actor, "change.manage", node),
            "typed": typed or {},
            "error": error,
        },
        status,
    )


@router.get("/portfolio/{node_id}/change/network", response_class=HTMLResponse)
def network(request: Request, node_id: int, page: PageDep) -> Response:
    return network_page(request, page, node_id)


@router.post("/portfolio/{node_id}/change/network")
def network_action(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    what = typed.get("what")
    s = page.session

    def act() -> object:
        if what == "champion":
            person = optional_id(typed.get("person_id", ""), "person")
            group = optional_id(typed.get("group_id", ""), "team")
            if person is None or group is None:
                raise InvalidInput("Choose the champion and their team.")
            return champions.name_champion(
                s,
                actor=page.actor,
                node_id=node_id,
                person_id=person,
                group_id=group,
                time_percent=whole_number(typed.get("time_percent", ""), "Time allocation") or 0,
                early_access="early_access" in typed,
                design_involvement=typed.get("design_involvement", "").strip() or None,
            )
        if what == "activity":
            return champions.log_activity(
                s,
                actor=page.actor,
                champion_id=optional_id(typed.get("champion_id", ""), "champion") or 0,
                kind=typed.get("kind", ""),
                attendees=whole_number(typed.get("attendees", ""), "Attendees", optional=True),
            )
        if what == "legacy":
            return retirement.register(
                s,
                actor=page.actor,
                node_id=node_id,
                name=typed.get("name", ""),
                kind=typed.get("kind", ""),
                replacement=typed.get("replacement", ""),
                retire_by=parse_day(typed.get("retire_by", ""), "Retire by"),
                owner_id=optional_id(typed.get("owner_id", ""), "owner"),
                people_still_using=whole_number(
                    typed.get("people_still_using", ""), "People still using it", optional=True
                ),
                double_work_hours=whole_number(typed.get("double_work_hours", ""), "Double work", optional=True),
            )
        if what == "legacy_status":
            version = typed.get("version", "")
            return retirement.update(
                s,
                actor=page.actor,
                item_id=optional_id(typed.get("item_id", ""), "legacy item") or 0,
                version=int(version) if version.isdigit() else None,
                changes={"status": typed.get("status", "")},
            )
        raise InvalidInput("Unknown action.")

    return submit(
        page,
        act,
        then=f"/portfolio/{node_id}/change/network",
        failure=lambda exc: network_page(
            request, page, node_id, typed=typed, error=problem_text(exc), status=exc.status
        ),
    )
