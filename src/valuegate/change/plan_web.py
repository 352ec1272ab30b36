"""The implementation plan and the assistant prompts in the browser: downloads as Word and Markdown, each prompt
ready to copy, and "ask the assistant" where the deployment configured one.

Asking the assistant posts below the page (``/change/plan/{template}/ask``) and answers with the page showing the
answer; refused (no assistant, the assistant failing), the page is drawn again with the problem at that prompt. Not
allowed and not found are answered by the error page, as every form's are (``web/forms.submit_form``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.change import plan, prompts
from valuegate.context import today_of
from valuegate.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from valuegate.web.forms import NO_FORM, FormState
from valuegate.web.pages import FormPageDep, Page, PageDep, render

router = APIRouter(include_in_schema=False)


def plan_page(
    request: Request,
    page: Page,
    node_id: int,
    form: FormState = NO_FORM,
    status: int = 200,
    *,
    answer: dict[str, Any] | None = None,
) -> Response:
    view = prompts.plan_page(page.session, actor=page.actor, node_id=node_id)
    return render(
        request,
        page,
        "change/plan.html",
        {
            "active": "portfolio",
            "view": view,
            "node": view.node,
            "prompts": view.prompts,
            "assistant": view.assistant,
            "may_manage": view.may_manage,
            "answer": answer,
            "form": form,
        },
        status,
    )


@router.get("/portfolio/{node_id}/change/plan", response_class=HTMLResponse)
def plan_and_prompts(request: Request, node_id: int, page: PageDep) -> Response:
    return plan_page(request, page, node_id)


@router.get("/portfolio/{node_id}/change/plan.{extension}")
def download(node_id: int, extension: str, page: PageDep) -> Response:
    if extension not in ("docx", "md"):
        raise InvalidInput("The plan comes as .docx (Word) or .md (Markdown).")
    document = plan.build(page.session, actor=page.actor, node_id=node_id)
    name = plan.filename(document, extension, today_of(page.session))
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if extension == "docx":
        media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        return Response(plan.to_docx(document), media_type=media, headers=headers)
    return Response(plan.to_markdown(document), media_type="text/markdown; charset=utf-8", headers=headers)


@router.post("/portfolio/{node_id}/change/plan/{template}/ask", response_class=HTMLResponse)
def ask(request: Request, node_id: int, template: str, page: FormPageDep) -> Response:
    """The assistant's answer is shown on the page, not stored: there is nothing to redirect to."""
    try:
        answer = prompts.ask(page.session, actor=page.actor, node_id=node_id, template=template)
    except DomainError as exc:
        page.session.rollback()
        if isinstance(exc, (PermissionDenied, NotFound)):
            raise
        return plan_page(request, page, node_id, FormState.refused(f"ask-{template}", {}, exc), exc.status)
    return plan_page(request, page, node_id, answer=answer)
