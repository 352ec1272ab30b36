"""The adoption dashboard: every success metric of a workstream with its value, target, trend line and, when it
falls short, what a low score usually means; and a form to define a metric."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.adoption import rules, service
from valuegate.auth.admin_web import active_people
from valuegate.auth.policy import can
from valuegate.change import service as change
from valuegate.errors import InvalidInput
from valuegate.portfolio.service import get_node
from valuegate.web.forms import TypedForm, optional_day, optional_id, whole_number
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render, submit

router = APIRouter(include_in_schema=False)
SPARK_W, SPARK_H = 120, 32


def sparkline(points: list[dict[str, Any]], target: float | None) -> dict[str, Any] | None:
    """SVG coordinates of a metric's weekly points (and its target line) for an inline chart."""
    values = [p["value"] for p in points]
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return None
    low, high = (
        min([*known, target] if target is not None else known),
        max([*known, target] if target is not None else known),
    )
    span = (high - low) or 1.0
    step = SPARK_W / (len(values) - 1)

    def y(v: float) -> float:
        return round(SPARK_H - 2 - (v - low) / span * (SPARK_H - 4), 1)

    path = " ".join(f"{round(i * step, 1)},{y(v)}" for i, v in enumerate(values) if v is not None)
    return {"points": path, "target_y": y(target) if target is not None else None, "w": SPARK_W, "h": SPARK_H}


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return "no data"
    if unit == "share":
        return f"{value * 100:.0f} %"
    if unit == "days":
        return f"{value:g} days"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def adoption_page(
    request: Request,
    page: Page,
    node_id: int,
    *,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    s = page.session
    board = service.dashboard(s, actor=page.actor, node_id=node_id)
    node = get_node(s, node_id)
    for m in board["metrics"]:
        m["spark"] = sparkline(m["points"], m["target"])
        m["shown"] = shown(m["value"], m["unit"])
        m["target_shown"] = shown(m["target"], m["unit"]) if m["target"] is not None else None
    return render(
        request,
        page,
        "adoption/dashboard.html",
        {
            "active": "portfolio",
            "node": node,
            "board": board,
            "kinds": rules.KINDS,
            "methods": rules.COLLECTION_METHODS,
            "groups": change.groups(s, actor=page.actor, node_id=node_id),
            "everyone": active_people(page),
            "may_manage": can(s, page.actor, "change.manage", node),
            "typed": typed or {},
            "error": error,
        },
        status,
    )


@router.get("/portfolio/{node_id}/change/adoption", response_class=HTMLResponse)
def dashboard(request: Request, node_id: int, page: PageDep) -> Response:
    return adoption_page(request, page, node_id)


def _target(text: str) -> float | None:
    cleaned = text.strip().replace(",", ".").rstrip("%").strip()
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError as exc:
        raise InvalidInput(f"The target {text!r} is not a number.") from exc
    return value / 100 if text.strip().endswith("%") else value


@router.post("/portfolio/{node_id}/change/adoption")
def define(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act() -> object:
        return service.define_metric(
            page.session,
            actor=page.actor,
            node_id=node_id,
            name=typed.get("name", ""),
            kind=typed.get("kind", ""),
            collection_method=typed.get("collection_method", "event_stream"),
            system=typed.get("system", "").strip() or None,
            events=typed.get("events", "").strip() or None,
            start_event=typed.get("start_event", "").strip() or None,
            end_event=typed.get("end_event", "").strip() or None,
            legacy_system=typed.get("legacy_system", "").strip() or None,
            audience_group_id=optional_id(typed.get("audience_group_id", ""), "audience"),
            window_days=whole_number(typed.get("window_days", "30") or "30", "The window"),
            min_active_days=whole_number(typed.get("min_active_days", "3") or "3", "Minimum active days"),
            target=_target(typed.get("target", "")),
            target_date=optional_day(typed.get("target_date", ""), "The target date"),
            data_owner_id=optional_id(typed.get("data_owner_id", ""), "data owner"),
            behaviour=typed.get("behaviour", "").strip() or None,
        )

    return submit(
        page,
        act,
        then=f"/portfolio/{node_id}/change/adoption",
        failure=lambda exc: adoption_page(
            request, page, node_id, typed=typed, error=problem_text(exc), status=exc.status
        ),
    )
