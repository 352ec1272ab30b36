"""Data feeds in the browser: the feed calendar of an implementation, uploading a period's file, the
submission's quality report with the rows to fix; ledger mapping rules and the actuals they propose, which the
controller confirms, corrects or dismisses."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from valuegate.auth.admin_web import active_people
from valuegate.auth.policy import can
from valuegate.errors import DomainError, InvalidInput, TooLarge
from valuegate.feeds import actuals, reading, service
from valuegate.feeds.models import DataFeed
from valuegate.finance import rules as fin
from valuegate.finance.service import may_enter_actuals
from valuegate.health.service import involved_people
from valuegate.portfolio.models import Node
from valuegate.portfolio.service import get_node
from valuegate.web.forms import TypedForm, optional_id
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render, submit

router = APIRouter(include_in_schema=False)


def _match_columns(feed: DataFeed) -> list[str]:
    """The columns a mapping rule can match on: the contract's text columns (the key columns for FOCUS)."""
    contract = json.loads(feed.contract)
    if not isinstance(contract, list):
        return list(json.loads(feed.key_columns))
    return [c["name"] for c in contract if c.get("type", "string") == "string"][:5]


def feeds_page(
    request: Request,
    page: Page,
    node_id: int,
    *,
    typed: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    s = page.session
    rows = service.calendar(s, actor=page.actor, node_id=node_id)
    node = get_node(s, node_id)
    feeds = list(s.scalars(select(DataFeed).where(DataFeed.node_id == node_id).order_by(DataFeed.name)))
    periods = sorted({r["period"] for r in rows})
    may_manage = can(s, page.actor, "change.manage", node)
    grid: dict[int, dict[str, dict[str, Any]]] = {}
    for r in rows:
        grid.setdefault(r["feed_id"], {})[r["period"]] = r
    proposals = actuals.proposals(s, actor=page.actor, node_id=node_id)
    measures = {p["measure_id"] for p in proposals}
    proposed_for = {n.id: n for n in s.scalars(select(Node).where(Node.id.in_(measures)))} if measures else {}
    return render(
        request,
        page,
        "feeds/calendar.html",
        {
            "active": "portfolio",
            "node": node,
            "feeds": feeds,
            "periods": periods,
            "grid": grid,
            "may_submit": {f.id: f.owner_id == page.actor.person_id or may_manage for f in feeds},
            "may_manage": may_manage,
            "rules": actuals.ledger_rules(s, [f.id for f in feeds if f.amount_column]),
            "match_columns": {f.id: _match_columns(f) for f in feeds},
            "proposals": proposals,
            # Who decides a proposed actual: whoever may enter the measure's actuals (its controller, finance).
            "may_decide": {
                p["id"]: may_enter_actuals(s, page.role_index.roles(proposed_for[p["measure_id"]])) for p in proposals
            },
            "measures": [
                (i, n)
                for i, n in s.execute(
                    select(Node.id, Node.name)
                    .where(Node.path.startswith(node.path), Node.kind == "measure", Node.archived_at.is_(None))
                    .order_by(Node.name)
                )
            ],
            "everyone": involved_people(page.session, actor=page.actor, node=node),
            "owners": dict(active_people(page)),
            "kinds": fin.KIND_LABELS,
            "typed": typed or {},
            "error": error,
        },
        status,
    )


@router.get("/portfolio/{node_id}/feeds", response_class=HTMLResponse)
def calendar(request: Request, node_id: int, page: PageDep) -> Response:
    return feeds_page(request, page, node_id)


@router.post("/portfolio/{node_id}/feeds/{feed_id}/submit")
def upload(
    request: Request,
    node_id: int,
    feed_id: int,
    page: FormPageDep,
    period: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if file is None or not file.filename:
        return feeds_page(request, page, node_id, error="Choose the file to submit.", status=422)
    # The multipart body has already arrived in a temporary file (kept in memory while small); read it here, in
    # the worker thread.
    data = file.file.read(reading.MAX_BYTES + 1)
    if len(data) > reading.MAX_BYTES:
        error = TooLarge(f"The file is larger than the limit of {reading.MAX_BYTES // 1_000_000} MB.")
        return feeds_page(request, page, node_id, error=problem_text(error), status=error.status)
    try:
        s = service.submit(
            page.session,
            actor=page.actor,
            feed_id=feed_id,
            period=period,
            filename=file.filename or "upload",
            data=data,
            channel="upload",
        )
    except DomainError as exc:
        page.session.rollback()
        return feeds_page(request, page, node_id, error=problem_text(exc), status=exc.status)
    return RedirectResponse(f"/feeds/submissions/{s.id}", status_code=303)


@router.post("/portfolio/{node_id}/feeds/ledger")
def ledger_action(request: Request, node_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    what = typed.get("what")
    s = page.session

    def act() -> object:
        if what == "rule":
            share = typed.get("share", "").strip().rstrip("%")
            try:
                fraction = float(share) / 100 if share else 1.0
            except ValueError:
                raise InvalidInput("The share is a percentage, such as 100 or 40.") from None
            match = {
                key[6:]: value.strip() for key, value in typed.items() if key.startswith("match_") and value.strip()
            }
            measure = optional_id(typed.get("measure_id", ""), "measure")
            if measure is None:
                raise InvalidInput("Choose the measure the amounts go to.")
            return actuals.add_rule(
                s,
                actor=page.actor,
                feed_id=optional_id(typed.get("feed_id", ""), "feed") or 0,
                match=match,
                measure_id=measure,
                share=fraction,
                kind=typed.get("kind", ""),
                negate="negate" in typed,
                owner_id=optional_id(typed.get("owner_id", ""), "owner"),
                rationale=typed.get("rationale", ""),
            )
        if what == "owner":
            version = typed.get("version", "")
            return service.update_feed(
                s,
                actor=page.actor,
                feed_id=optional_id(typed.get("feed_id", ""), "feed") or 0,
                version=int(version) if version.isdigit() else None,
                changes={"owner_id": optional_id(typed.get("owner_id", ""), "owner")},
            )
        if what == "notice":
            return service.announce_change(
                s,
                actor=page.actor,
                feed_id=optional_id(typed.get("feed_id", ""), "feed") or 0,
                period=typed.get("period", ""),
                note=typed.get("note", ""),
            )
        if what == "proposal":
            version = typed.get("version", "")
            return actuals.decide(
                s,
                actor=page.actor,
                proposal_id=optional_id(typed.get("proposal_id", ""), "proposal") or 0,
                version=int(version) if version.isdigit() else None,
                decision=typed.get("decision", ""),
                amount=typed.get("amount", "").strip() or None,
                note=typed.get("note", ""),
            )
        raise InvalidInput("Unknown action.")

    return submit(
        page,
        act,
        then=f"/portfolio/{node_id}/feeds#ledger",
        failure=lambda exc: feeds_page(request, page, node_id, typed=typed, error=problem_text(exc), status=exc.status),
    )


@router.get("/feeds/submissions/{submission_id}", response_class=HTMLResponse)
def report(request: Request, submission_id: int, page: PageDep) -> Response:
    view = service.get_submission(page.session, actor=page.actor, submission_id=submission_id)
    feed = service.get_feed(page.session, view["feed_id"])
    node = get_node(page.session, feed.node_id)
    return render(request, page, "feeds/report.html", {"active": "portfolio", "s": view, "feed": feed, "node": node})
