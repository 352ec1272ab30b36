"""The adoption dashboard: every success metric of a workstream with its value, target, trend line and, when it
falls short, what a low score usually means; and a form to define a metric, read by the API's schema
(``web/forms.submit_form``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.adoption import rules, service
from valuegate.adoption.schemas import MetricIn
from valuegate.web.forms import NO_FORM, FormState, TypedForm, submit_form
from valuegate.web.pages import FormPageDep, Page, PageDep, render

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


def adoption_page(request: Request, page: Page, node_id: int, form: FormState = NO_FORM, status: int = 200) -> Response:
    view = service.adoption_page(page.session, actor=page.actor, node_id=node_id)
    for m in view.board["metrics"]:
        m["spark"] = sparkline(m["points"], m["target"])
        m["shown"] = shown(m["value"], m["unit"])
        m["target_shown"] = shown(m["target"], m["unit"]) if m["target"] is not None else None
    return render(
        request,
        page,
        "adoption/dashboard.html",
        {
            "active": "portfolio",
            "view": view,
            "node": view.node,
            "board": view.board,
            "kinds": [(k, spec["label"]) for k, spec in rules.KINDS.items()],
            "methods": rules.COLLECTION_METHODS,
            "form": form,
        },
        status,
    )


@router.get("/portfolio/{node_id}/change/adoption", response_class=HTMLResponse)
def dashboard(request: Request, node_id: int, page: PageDep) -> Response:
    return adoption_page(request, page, node_id)


def _target(typed: dict[str, str]) -> dict[str, str]:
    """The page takes a target as a person writes it (60 %, 0,6 or 0.6); the API's schema takes a number, a share
    as a fraction. What is no number is left as typed, for the schema to refuse beside the field."""
    text = typed.get("target", "").strip()
    cleaned = text.replace(",", ".").rstrip("%").strip()
    try:
        value = float(cleaned)
    except ValueError:
        return typed
    return {**typed, "target": repr(value / 100 if text.endswith("%") else value)}


@router.post("/portfolio/{node_id}/change/adoption/metrics")
def define(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: MetricIn) -> object:
        values = body.model_dump()
        if values["comparator"] is None:
            values.pop("comparator")
        return service.define_metric(page.session, actor=page.actor, node_id=node_id, **values)

    return submit_form(
        page.session,
        form="metric",
        values=_target(typed),
        schema=MetricIn,
        act=act,
        then=f"/portfolio/{node_id}/change/adoption",
        redraw=lambda state, status: adoption_page(request, page, node_id, state, status),
    )
