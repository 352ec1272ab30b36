"""The health monitor in the browser: an implementation's health page (score, breakdown, weekly trend, each
detector's figures and evidence, the plays and the actions taken, the minimum viable outcome, the model catalogue
and the profile), and the portfolio's implementations by health.

Each form is one route and one use-case below the page's address, read by the API's own schema
(``web/forms.submit_form``): refused, the page is drawn again with what was typed and the problem beside its field;
accepted, the browser is sent back to the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from valuegate.errors import InvalidInput
from valuegate.health import catalogue, plays, service
from valuegate.health.schemas import (
    ActionPatch,
    ArtefactCareIn,
    ArtefactIn,
    OutcomeHeadIn,
    OutcomeIn,
    PlayIn,
    ProfileIn,
    RunIn,
)
from valuegate.health.thresholds import DETECTOR_NAMES
from valuegate.web.forms import NO_FORM, FormState, TypedForm, submit_form, version_and_changes
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)
PARTS_ROWS = 4
PAGE_SIZE = 100
CADENCE_ROWS = 3
FIGURE_LABELS = {
    "consumer_coverage": "share of the audience reading",
    "dead_artefacts": "artefacts nobody opened in 60 days",
    "wow_change": "views week on week",
    "on_time_rate": "on time and passing",
    "oldest_open_days": "oldest open decision (working days)",
    "deferred_3_times": "decisions deferred 3 times or more",
    "retirement_progress": "legacy retired of those due",
    "parallel_run_ratio": "legacy views per new view",
    "undocumented_share": "rules without owner or rationale",
    "rules_per_analyst": "rules per analyst",
}
SHARES = {"consumer_coverage", "on_time_rate", "retirement_progress", "undocumented_share", "wow_change"}


def figures(signal: dict[str, Any]) -> list[tuple[str, str]]:
    """A detector's scalar figures as label and text, for the page (lists and tables are shown as evidence)."""
    out = []
    for key, value in signal["figures"].items():
        if isinstance(value, list | dict) or value is None:
            continue
        label = FIGURE_LABELS.get(key, key.replace("_", " "))
        if key in SHARES and isinstance(value, float):
            text = f"{value:+.0%}" if key == "wow_change" else f"{value:.0%}"
        elif isinstance(value, float):
            text = f"{value:.2f}".rstrip("0").rstrip(".")
        else:
            text = str(value)
        out.append((label, text))
    return out


def health_page(request: Request, page: Page, node_id: int, form: FormState = NO_FORM, status: int = 200) -> Response:
    view = service.health_page(page.session, actor=page.actor, node_id=node_id)
    return render(
        request,
        page,
        "health/health.html",
        {
            "active": "health",
            "view": view,
            "node": view.node,
            "h": view.health,
            "figures": figures,
            "kinds": catalogue.KINDS,
            "statuses": catalogue.STATUSES,
            "layers": catalogue.LAYERS,
            "names": DETECTOR_NAMES,
            "parts_rows": range(PARTS_ROWS),
            "cadence_rows": range(CADENCE_ROWS),
            "form": form,
        },
        status,
    )


@router.get("/portfolio/{node_id}/health", response_class=HTMLResponse)
def health(request: Request, node_id: int, page: PageDep) -> Response:
    return health_page(request, page, node_id)


def _submit(
    request: Request,
    page: Page,
    node_id: int,
    form: str,
    typed: dict[str, str],
    schema: Any,
    act: Callable[[Any], object],
) -> Response:
    return submit_form(
        page.session,
        form=form,
        values=typed,
        schema=schema,
        act=act,
        then=f"/portfolio/{node_id}/health",
        redraw=lambda state, status: health_page(request, page, node_id, state, status),
    )


@router.post("/portfolio/{node_id}/health/run")
def run_now(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: RunIn) -> object:
        return service.run_now(page.session, actor=page.actor, node_id=node_id)

    return _submit(request, page, node_id, "run", typed, RunIn, act)


def _thresholds(text: str) -> dict[str, float]:
    """Overrides typed one per line as ``name = value`` (the form's ``overrides``: the schema's ``thresholds`` is
    a mapping, not text)."""
    out: dict[str, float] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition("=")
        try:
            if not sep:
                raise ValueError
            out[name.strip()] = float(value.strip())
        except ValueError:
            problem = f"Line {n} is 'name = number' (got {line.strip()!r})."
            raise InvalidInput(
                f"Threshold {problem[0].lower()}{problem[1:]}", errors=[{"at": "overrides", "problem": problem}]
            ) from None
    return out


@router.post("/portfolio/{node_id}/health/profile")
def set_profile(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: ProfileIn) -> object:
        version, changes = version_and_changes(body)
        # The form shows every field: one emptied is cleared, the overrides are those listed now.
        cleared: dict[str, Any] = {f: None for f in ("live_on", "maturity_level", "analyst_fte") if f in typed}
        thresholds = _thresholds(typed.get("overrides", ""))
        return service.set_profile(
            page.session,
            actor=page.actor,
            node_id=node_id,
            version=version,
            changes={**cleared, **changes, "thresholds": thresholds},
        )

    return _submit(request, page, node_id, "profile", typed, ProfileIn, act)


@router.post("/portfolio/{node_id}/health/artefacts")
def register_artefact(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: ArtefactIn) -> object:
        return catalogue.register(
            page.session, actor=page.actor, node_id=node_id, **body.model_dump(exclude_unset=True)
        )

    return _submit(request, page, node_id, "artefact", typed, ArtefactIn, act)


@router.post("/portfolio/{node_id}/health/artefacts/{artefact_id}")
def care_for_artefact(
    request: Request, node_id: int, artefact_id: int, page: FormPageDep, typed: TypedForm
) -> Response:
    def act(body: ArtefactCareIn) -> object:
        version, given = version_and_changes(body)
        changes: dict[str, object] = {"owner_id": given.get("owner_id")}  # the form always shows the owner
        if given.get("status"):
            changes["status"] = given["status"]
            changes["status_reason"] = given.get("status_reason")
        return catalogue.update(
            page.session, actor=page.actor, artefact_id=artefact_id, version=version, changes=changes
        )

    return _submit(request, page, node_id, f"artefact-{artefact_id}", typed, ArtefactCareIn, act)


@router.post("/portfolio/{node_id}/health/actions")
def take_play(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: PlayIn) -> object:
        return plays.take(page.session, actor=page.actor, node_id=node_id, **body.model_dump())

    name = f"play-{typed.get('detector', '')}-{typed.get('play', '')}"
    return _submit(request, page, node_id, name, typed, PlayIn, act)


@router.post("/portfolio/{node_id}/health/actions/{action_id}")
def close_action(request: Request, node_id: int, action_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: ActionPatch) -> object:
        return plays.update_action(page.session, actor=page.actor, action_id=action_id, **body.model_dump())

    return _submit(request, page, node_id, f"action-{action_id}", typed, ActionPatch, act)


def _rows(typed: dict[str, str]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The outcome form's numbered rows: who owns which part, and the cadence (a row left empty is not given)."""
    parts, problems = [], []
    for i in range(PARTS_ROWS):
        part, owner = typed.get(f"part_{i}", "").strip(), typed.get(f"part_owner_{i}", "").strip()
        if part or owner:
            if not owner:
                problems.append({"at": f"part_owner_{i}", "problem": f"Part {i + 1} ({part}) needs its owner."})
            parts.append({"part": part, "owner_id": int(owner) if owner.isdigit() else owner})
    if problems:
        raise InvalidInput(problems[0]["problem"], errors=problems)
    cadence = [
        {"deliverable": typed.get(f"deliverable_{i}", ""), "every": typed.get(f"every_{i}", "")}
        for i in range(CADENCE_ROWS)
        if typed.get(f"deliverable_{i}", "").strip() or typed.get(f"every_{i}", "").strip()
    ]
    return parts, cadence


ROW_FIELDS = {
    ("parts", "part"): "part_",
    ("parts", "owner_id"): "part_owner_",
    ("cadence", "deliverable"): "deliverable_",
    ("cadence", "every"): "every_",
}


def _row_field(loc: tuple[Any, ...]) -> str:
    """Where a row's problem is drawn: ``parts.1.owner_id`` is the form's ``part_owner_1``."""
    if len(loc) == 3 and (loc[0], loc[2]) in ROW_FIELDS:
        return f"{ROW_FIELDS[(loc[0], loc[2])]}{loc[1]}"
    return ".".join(str(p) for p in loc)


@router.post("/portfolio/{node_id}/health/outcomes")
def agree_outcome(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(head: OutcomeHeadIn) -> object:
        parts, cadence = _rows(typed)
        try:
            body = OutcomeIn.model_validate({**head.model_dump(), "parts": parts, "cadence": cadence})
        except ValidationError as exc:
            from valuegate.app import plain_problem

            problems = [{"at": _row_field(e["loc"]), "problem": plain_problem(e)} for e in exc.errors()]
            raise InvalidInput("Some fields need another look.", errors=problems) from exc
        return plays.agree_outcome(page.session, actor=page.actor, node_id=node_id, **body.model_dump())

    return _submit(request, page, node_id, "outcome", typed, OutcomeHeadIn, act)


@router.get("/health", response_class=HTMLResponse)
def portfolio(request: Request, page: PageDep, number: Annotated[int, Query(alias="page", ge=1)] = 1) -> Response:
    counts = service.band_counts(page.session, actor=page.actor)
    pages = max(1, -(-sum(counts.values()) // PAGE_SIZE))
    number = min(number, pages)
    rows = service.portfolio(page.session, actor=page.actor, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return render(
        request,
        page,
        "health/portfolio.html",
        {
            "active": "health",
            "rows": rows,
            "counts": counts,
            "names": DETECTOR_NAMES,
            "number": number,
            "pages": pages,
        },
    )
