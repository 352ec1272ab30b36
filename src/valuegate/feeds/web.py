"""Data feeds in the browser: the feed calendar of an implementation, uploading a period's file, and the
submission's quality report with the rows to fix."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from valuegate.auth.policy import can
from valuegate.errors import DomainError, TooLarge
from valuegate.feeds import reading, service
from valuegate.feeds.models import DataFeed
from valuegate.portfolio.service import get_node
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render

router = APIRouter(include_in_schema=False)


def feeds_page(request: Request, page: Page, node_id: int, *, error: str | None = None, status: int = 200) -> Response:
    s = page.session
    rows = service.calendar(s, actor=page.actor, node_id=node_id)
    node = get_node(s, node_id)
    feeds = list(s.scalars(select(DataFeed).where(DataFeed.node_id == node_id).order_by(DataFeed.name)))
    periods = sorted({r["period"] for r in rows})
    may_manage = can(s, page.actor, "change.manage", node)
    grid: dict[int, dict[str, dict[str, Any]]] = {}
    for r in rows:
        grid.setdefault(r["feed_id"], {})[r["period"]] = r
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
            "error": error,
        },
        status,
    )


@router.get("/portfolio/{node_id}/feeds", response_class=HTMLResponse)
def calendar(request: Request, node_id: int, page: PageDep) -> Response:
    return feeds_page(request, page, node_id)


@router.post("/portfolio/{node_id}/feeds/{feed_id}/submit")
async def upload(
    request: Request,
    node_id: int,
    feed_id: int,
    page: FormPageDep,
    period: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if file is None or not file.filename:
        return feeds_page(request, page, node_id, error="Choose the file to submit.", status=422)
    data = await file.read(reading.MAX_BYTES + 1)
    if len(data) > reading.MAX_BYTES:
        error = TooLarge(f"The file is larger than the limit of {reading.MAX_BYTES // 1_000_000} MB.")
        return feeds_page(request, page, node_id, error=problem_text(error), status=error.status)

    def act() -> Response:
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

    return await run_in_threadpool(act)


@router.get("/feeds/submissions/{submission_id}", response_class=HTMLResponse)
def report(request: Request, submission_id: int, page: PageDep) -> Response:
    view = service.get_submission(page.session, actor=page.actor, submission_id=submission_id)
    feed = service.get_feed(page.session, view["feed_id"])
    node = get_node(page.session, feed.node_id)
    return render(request, page, "feeds/report.html", {"active": "portfolio", "s": view, "feed": feed, "node": node})
