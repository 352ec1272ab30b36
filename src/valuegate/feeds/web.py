"""Data feeds in the browser: the feed calendar of an implementation, uploading a period's file, the
submission's quality report with the rows to fix; ledger mapping rules and the actuals they propose, which the
controller confirms, corrects or dismisses.

Each form is one route and one use-case below the calendar's address, read by the API's own schema
(``web/forms.submit_form``): refused, the calendar is drawn again with what was typed and the problem beside its
field; accepted, the browser is sent back to it. The upload is a file: it keeps its own route and reading.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from valuegate.errors import DomainError, InvalidInput, NotFound, PermissionDenied, TooLarge
from valuegate.feeds import actuals, reading, service
from valuegate.feeds.schemas import FeedOwnerIn, NoticeIn, ProposalDecisionIn, RuleFormIn
from valuegate.finance import rules as fin
from valuegate.web.forms import NO_FORM, FormState, TypedForm, submit_form
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)


def feeds_page(request: Request, page: Page, node_id: int, form: FormState = NO_FORM, status: int = 200) -> Response:
    view = service.calendar_page(page.session, actor=page.actor, node_id=node_id)
    return render(
        request,
        page,
        "feeds/calendar.html",
        {"active": "portfolio", "view": view, "node": view.node, "kinds": fin.KIND_LABELS, "form": form},
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
    name, typed = f"upload-{feed_id}", {"period": period}
    if file is None or not file.filename:
        refused = InvalidInput("Choose the file to submit.", errors=[{"at": "file", "problem": "Choose the file."}])
        return feeds_page(request, page, node_id, FormState.refused(name, {**typed, "file": ""}, refused), 422)
    # The multipart body has already arrived in a temporary file (kept in memory while small); read it here, in
    # the worker thread.
    data = file.file.read(reading.MAX_BYTES + 1)
    try:
        if len(data) > reading.MAX_BYTES:
            raise TooLarge(f"The file is larger than the limit of {reading.MAX_BYTES // 1_000_000} MB.")
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
        if isinstance(exc, (PermissionDenied, NotFound)):  # no problem with the form: the error page says why
            raise
        return feeds_page(request, page, node_id, FormState.refused(name, typed, exc), exc.status)
    return RedirectResponse(f"/feeds/submissions/{s.id}", status_code=303)


def _submit(
    request: Request,
    page: Page,
    node_id: int,
    form: str,
    typed: dict[str, str],
    schema: Any,
    act: Callable[[Any], object],
    anchor: str = "#ledger",
) -> Response:
    return submit_form(
        page.session,
        form=form,
        values=typed,
        schema=schema,
        act=act,
        then=f"/portfolio/{node_id}/feeds{anchor}",
        redraw=lambda state, status: feeds_page(request, page, node_id, state, status),
    )


@router.post("/portfolio/{node_id}/feeds/{feed_id}/notices")
def announce_change(request: Request, node_id: int, feed_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: NoticeIn) -> object:
        return service.announce_change(page.session, actor=page.actor, feed_id=feed_id, **body.model_dump())

    return _submit(request, page, node_id, f"notice-{feed_id}", typed, NoticeIn, act)


@router.post("/portfolio/{node_id}/feeds/{feed_id}/owner")
def hand_over(request: Request, node_id: int, feed_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: FeedOwnerIn) -> object:
        return service.update_feed(
            page.session,
            actor=page.actor,
            feed_id=feed_id,
            version=body.version,
            changes={"owner_id": body.owner_id},  # emptied: nobody owns it
        )

    return _submit(request, page, node_id, f"owner-{feed_id}", typed, FeedOwnerIn, act, "#owners")


@router.post("/portfolio/{node_id}/feeds/{feed_id}/rules")
def add_rule(request: Request, node_id: int, feed_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: RuleFormIn) -> object:
        fields = body.model_dump()
        fields["match"] = {k[6:]: v.strip() for k, v in typed.items() if k.startswith("match_") and v.strip()}
        fields["share"] = body.share / 100
        return actuals.add_rule(page.session, actor=page.actor, feed_id=feed_id, **fields)

    return _submit(request, page, node_id, f"rule-{feed_id}", typed, RuleFormIn, act)


@router.post("/portfolio/{node_id}/feeds/proposals/{proposal_id}")
def decide_proposal(request: Request, node_id: int, proposal_id: int, page: FormPageDep, typed: TypedForm) -> Response:
    def act(body: ProposalDecisionIn) -> object:
        return actuals.decide(page.session, actor=page.actor, proposal_id=proposal_id, **body.model_dump())

    return _submit(request, page, node_id, f"proposal-{proposal_id}", typed, ProposalDecisionIn, act)


@router.get("/feeds/submissions/{submission_id}", response_class=HTMLResponse)
def report(request: Request, submission_id: int, page: PageDep) -> Response:
    view = service.submission_page(page.session, actor=page.actor, submission_id=submission_id)
    context = {"active": "portfolio", "s": view.submission, "feed": view.feed, "node": view.node}
    return render(request, page, "feeds/report.html", context)
