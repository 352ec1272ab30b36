"""The monthly value grid of a measure: read by everyone who may see it, edited in place by those allowed.

Each input carries the value it showed when the page was drawn (``was.*``). Only cells the person actually
changed are sent to the service, in one change guarded by the measure's ``values_version``: if someone else
saved figures in between, nothing is written and the grid comes back with their figures and the person's own
typing both kept, the cells that collide marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from valuegate.errors import DomainError, InvalidInput, StaleVersion
from valuegate.finance import rules as fin
from valuegate.finance.service import Entry, grid_view, set_figures
from valuegate.web.forms import TypedForm, parse_money
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)

ROWS = ("plan", "baseline", "forecast", "actual", "estimate")
MIN_MONTHS = 12
MAX_MONTHS = 120


def to_text(minor: int | None) -> str:
    """Minor units as the text an input shows: whole units without decimals, else two decimals."""
    if minor is None:
        return ""
    return str(minor // 100) if minor % 100 == 0 else f"{Decimal(minor) / 100:.2f}"


@dataclass
class Typed:
    """The cells a person changed in a submitted grid, and the problems found in them."""

    cells: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (series, kind, period) -> text
    was: dict[tuple[str, str, str], int | None] = field(default_factory=dict)
    problems: dict[tuple[str, str, str], str] = field(default_factory=dict)
    entries: dict[str, list[Entry]] = field(default_factory=dict)


def read_form(form: dict[str, str]) -> Typed:
    typed = Typed()
    for name, text in form.items():
        if not name.startswith("v."):
            continue
        parts = name.split(".")
        if len(parts) != 4:
            continue
        key = (parts[1], parts[2], parts[3])
        series, kind, period = key
        if series not in fin.SERIES or kind not in fin.KINDS or not fin.is_period(period):
            raise InvalidInput(f"The grid sent an unknown cell {name!r}; reload the page.")
        was_text = form.get(f"was.{series}.{kind}.{period}", "")
        try:
            was = int(was_text) if was_text else None
        except ValueError as exc:
            raise InvalidInput("The grid was damaged in transit; reload the page.") from exc
        try:
            amount = parse_money(text)
            if amount is not None:
                fin.check_sign(kind, series, amount)
        except ValueError as exc:
            typed.cells[key], typed.was[key] = text, was
            typed.problems[key] = str(exc)
            continue
        if amount != was:
            typed.cells[key], typed.was[key] = text, was
            typed.entries.setdefault(series, []).append(Entry(kind, period, amount))
    return typed


def _months(values: dict[str, Any], today_period: str, extend: int) -> list[str]:
    present = sorted({p for by_kind in values.values() for v in by_kind.values() for p in v["periods"]})
    first = min([today_period, *present[:1]])
    last = max([fin.add_months(first, MIN_MONTHS - 1), *present[-1:]])
    count = (fin.parse_period(last)[0] * 12 + fin.parse_period(last)[1]) - (
        fin.parse_period(first)[0] * 12 + fin.parse_period(first)[1]
    )
    count = min(count + 1 + max(extend, 0), MAX_MONTHS)
    return [fin.add_months(first, i) for i in range(count)]


def grid_context(
    page: Page,
    measure_id: int,
    *,
    typed: Typed | None = None,
    stale: bool = False,
    error: str | None = None,
    saved: bool = False,
    extend: int = 0,
    kept_version: int | None = None,
) -> dict[str, Any]:
    """What the grid template needs. ``kept_version`` re-draws a refused (invalid) submission on the version the
    person started from, so saving it again is still checked against what they saw."""
    view = grid_view(page.session, actor=page.actor, measure_id=measure_id, with_last_change=stale)
    node, measure, values, editable, today = view.node, view.measure, view.values, view.editable, view.today
    months = _months(values, fin.period_of(today.year, today.month), extend)
    typed = typed or Typed()
    kinds = [k for k in fin.KINDS if editable or any(k in values.get(r, {}) for r in ROWS)]
    conflicts = set()
    keep_was = kept_version is not None and not stale

    def was(key: tuple[str, str, str], current: int | None) -> str:
        shown = typed.was[key] if keep_was and key in typed.was else current
        return "" if shown is None else str(shown)

    if stale:
        for key, before in typed.was.items():
            series, kind, period = key
            now = values.get(series, {}).get(kind, {}).get("periods", {}).get(period)
            if now != before:
                conflicts.add(key)
    return {
        "node": node,
        "measure": measure,
        "figures": values,
        "months": months,
        "kinds": kinds,
        "rows": [r for r in ROWS if r in editable or any(k in values.get(r, {}) for k in kinds)],
        "editable": editable,
        "typed": typed,
        "conflicts": conflicts,
        "stale_by": view.last_change,
        "error": error,
        "saved": saved,
        "extend": extend,
        "to_text": to_text,
        "was": was,
        "version": kept_version if keep_was else measure.values_version,
        "max_months": MAX_MONTHS,
    }


def _render_grid(request: Request, page: Page, measure_id: int, status: int = 200, **kw: Any) -> Response:
    """The grid alone for htmx; a page around it without JavaScript."""
    partial = request.headers.get("HX-Request") == "true"
    template = "finance/grid.html" if partial else "finance/grid_page.html"
    return render(request, page, template, {"g": grid_context(page, measure_id, **kw)}, status)


@router.get("/measures/{measure_id}/grid", response_class=HTMLResponse)
def grid(request: Request, measure_id: int, page: PageDep, extend: int = 0) -> Response:
    return _render_grid(request, page, measure_id, extend=extend)


@router.post("/measures/{measure_id}/values")
def save_grid(request: Request, measure_id: int, page: FormPageDep, form: TypedForm) -> Response:
    extend = int(form["extend"]) if form.get("extend", "").isdigit() else 0
    version_text = form.get("values_version", "")
    typed = Typed()
    try:
        if not version_text.isdigit():
            raise InvalidInput("The grid was sent without its version; reload the page.")
        typed = read_form(form)
        if typed.problems:
            raise InvalidInput("Some cells are not amounts; nothing was saved. Correct the marked cells.")
        if not typed.entries:
            raise InvalidInput("Nothing to save: no figure was changed.")
        set_figures(
            page.session,
            actor=page.actor,
            measure_id=measure_id,
            by_series=typed.entries,
            values_version=int(version_text),
            reason=form.get("reason") or None,
        )
    except StaleVersion:
        page.session.rollback()
        message = "Someone else saved figures on this measure while you were editing; nothing of yours was saved."
        return _render_grid(request, page, measure_id, 409, typed=typed, stale=True, error=message, extend=extend)
    except DomainError as exc:
        page.session.rollback()
        kept = int(version_text) if version_text.isdigit() else None
        return _render_grid(
            request, page, measure_id, exc.status, typed=typed, error=exc.detail, extend=extend, kept_version=kept
        )
    if request.headers.get("HX-Request") == "true":
        return _render_grid(request, page, measure_id, saved=True, extend=extend)
    return RedirectResponse(f"/measures/{measure_id}#figures", status_code=303)
