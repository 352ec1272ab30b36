"""The health monitor in the browser: an implementation's health page (score, breakdown, weekly trend, each
detector's figures and evidence, the plays and the actions taken, the minimum viable outcome, the model catalogue
and the profile), and the portfolio's implementations by health."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from valuegate.auth.admin_web import active_people
from valuegate.auth.models import NodeGrant
from valuegate.auth.policy import can
from valuegate.change import service as change
from valuegate.change.models import Champion, LegacyProcess, Stakeholder
from valuegate.errors import InvalidInput
from valuegate.feeds.models import DataFeed
from valuegate.health import catalogue, plays, service
from valuegate.health.models import Artefact
from valuegate.health.thresholds import DETECTOR_NAMES
from valuegate.portfolio.models import Node
from valuegate.portfolio.service import get_node
from valuegate.web.forms import TypedForm, optional_day, optional_id, parse_day, whole_number
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render, submit

router = APIRouter(include_in_schema=False)
PARTS_ROWS = 4
SMALL_ORGANISATION = 150
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


def involved_people(page: Page, node: Node) -> list[tuple[int, str]]:
    """Whom the forms offer as owners: everyone in a small organisation; in a large one the people already
    involved in this implementation (its roles, stakeholders, champions, data and artefact owners, legacy owners,
    those granted access) and the signed-in person — a list of thousands helps nobody choose."""
    everyone = active_people(page)
    if len(everyone) <= SMALL_ORGANISATION:
        return everyone
    s = page.session
    ids = {node.owner_id, node.sponsor_id, node.controller_id, page.actor.person_id}
    for q in (
        select(Stakeholder.person_id).where(Stakeholder.node_id == node.id),
        select(Champion.person_id).where(Champion.node_id == node.id),
        select(DataFeed.owner_id).where(DataFeed.node_id == node.id),
        select(Artefact.owner_id).where(Artefact.node_id == node.id),
        select(LegacyProcess.owner_id).where(LegacyProcess.node_id == node.id),
        select(NodeGrant.person_id).where(NodeGrant.node_id == node.id),
    ):
        ids |= set(s.scalars(q))
    return [(i, n) for i, n in everyone if i in ids]


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


def health_page(
    request: Request,
    page: Page,
    node_id: int,
    *,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    s = page.session
    view = service.health(s, actor=page.actor, node_id=node_id)
    node = get_node(s, node_id)
    return render(
        request,
        page,
        "health/health.html",
        {
            "active": "health",
            "node": node,
            "h": view,
            "figures": figures,
            "catalogue": catalogue.catalogue(s, actor=page.actor, node_id=node_id),
            "groups": change.groups(s, actor=page.actor, node_id=node_id),
            "everyone": involved_people(page, node),
            "kinds": catalogue.KINDS,
            "statuses": catalogue.STATUSES,
            "layers": catalogue.LAYERS,
            "names": DETECTOR_NAMES,
            "may_manage": can(s, page.actor, "change.manage", node),
            "parts_rows": range(PARTS_ROWS),
            "cadence_rows": range(CADENCE_ROWS),
            "typed": typed or {},
            "error": error,
        },
        status,
    )


@router.get("/portfolio/{node_id}/health", response_class=HTMLResponse)
def health(request: Request, node_id: int, page: PageDep) -> Response:
    return health_page(request, page, node_id)


def _thresholds(text: str) -> dict[str, float]:
    """Overrides typed one per line as ``name = value``."""
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
            raise InvalidInput(f"Threshold line {n} is 'name = number' (got {line.strip()!r}).") from None
    return out


@router.post("/portfolio/{node_id}/health")
def health_action(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    what = typed.get("what")
    s = page.session

    def act() -> object:
        if what == "run":
            return service.run_now(s, actor=page.actor, node_id=node_id)
        if what == "profile":
            level = typed.get("maturity_level", "")
            fte = typed.get("analyst_fte", "").strip()
            try:
                analyst = float(fte) if fte else None
            except ValueError:
                raise InvalidInput("The analyst capacity is a number of full-time people, such as 1.5.") from None
            version = typed.get("version", "")
            return service.set_profile(
                s,
                actor=page.actor,
                node_id=node_id,
                version=int(version) if version.isdigit() else None,
                changes={
                    "live_on": optional_day(typed.get("live_on", ""), "The go-live date"),
                    "maturity_level": whole_number(level, "The maturity level", optional=True),
                    "analyst_fte": analyst,
                    "thresholds": _thresholds(typed.get("thresholds", "")),
                },
            )
        if what == "artefact":
            published = optional_day(typed.get("published_on", ""), "The publication date")
            return catalogue.register(
                s,
                actor=page.actor,
                node_id=node_id,
                name=typed.get("name", ""),
                kind=typed.get("kind", ""),
                owner_id=optional_id(typed.get("owner_id", ""), "owner"),
                audience_group_id=optional_id(typed.get("audience_group_id", ""), "audience"),
                decisions=typed.get("decisions", "").strip() or None,
                layer=typed.get("layer", "").strip() or None,
                rationale=typed.get("rationale", "").strip() or None,
                **({"published_on": published} if published else {}),
            )
        if what == "artefact_update":
            version = typed.get("version", "")
            changes: dict[str, object] = {"owner_id": optional_id(typed.get("owner_id", ""), "owner")}
            if typed.get("status"):
                changes["status"] = typed["status"]
                changes["status_reason"] = typed.get("status_reason", "").strip() or None
            return catalogue.update(
                s,
                actor=page.actor,
                artefact_id=optional_id(typed.get("artefact_id", ""), "artefact") or 0,
                version=int(version) if version.isdigit() else None,
                changes=changes,
            )
        if what == "play":
            owner = optional_id(typed.get("owner_id", ""), "owner")
            if owner is None:
                raise InvalidInput("Choose who owns the action.")
            return plays.take(
                s,
                actor=page.actor,
                node_id=node_id,
                detector=typed.get("detector", ""),
                play=typed.get("play", ""),
                owner_id=owner,
                due_on=optional_day(typed.get("due_on", ""), "The due date"),
            )
        if what == "close":
            version = typed.get("version", "")
            return plays.update_action(
                s,
                actor=page.actor,
                action_id=optional_id(typed.get("action_id", ""), "action") or 0,
                version=int(version) if version.isdigit() else None,
                status=typed.get("status", ""),
                outcome=typed.get("outcome", ""),
            )
        if what == "outcome":
            parts = []
            for i in range(PARTS_ROWS):
                part, chosen = typed.get(f"part_{i}", "").strip(), typed.get(f"part_owner_{i}", "")
                if part or chosen:
                    owner_id = optional_id(chosen, f"owner of part {i + 1}")
                    if owner_id is None:
                        raise InvalidInput(f"Part {i + 1} ({part}) needs its owner.")
                    parts.append({"part": part, "owner_id": owner_id})
            cadence = [
                {"deliverable": typed.get(f"deliverable_{i}", ""), "every": typed.get(f"every_{i}", "")}
                for i in range(CADENCE_ROWS)
                if typed.get(f"deliverable_{i}", "").strip() or typed.get(f"every_{i}", "").strip()
            ]
            return plays.agree_outcome(
                s,
                actor=page.actor,
                node_id=node_id,
                good_looks_like=typed.get("good_looks_like", ""),
                parts=parts,
                cadence=cadence,
                review_on=parse_day(typed.get("review_on", ""), "The review date"),
                action_id=optional_id(typed.get("action_id", ""), "action"),
            )
        raise InvalidInput("Unknown action.")

    return submit(
        page,
        act,
        then=f"/portfolio/{node_id}/health",
        failure=lambda exc: health_page(
            request, page, node_id, typed=typed, error=problem_text(exc), status=exc.status
        ),
    )


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
