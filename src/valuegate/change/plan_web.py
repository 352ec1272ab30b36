"""The implementation plan and the assistant prompts in the browser: downloads as Word and Markdown, each prompt
ready to copy, and "ask the assistant" where the deployment configured one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.auth.policy import can
from valuegate.change import plan, prompts
from valuegate.context import settings_of, today_of
from valuegate.errors import DomainError, InvalidInput
from valuegate.portfolio.service import get_node
from valuegate.web.pages import FormPageDep, Page, PageDep, problem_text, render

router = APIRouter(include_in_schema=False)


def plan_page(
    request: Request,
    page: Page,
    node_id: int,
    *,
    answer: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    s = page.session
    filled = [prompts.prompt(s, actor=page.actor, node_id=node_id, template=t) for t in prompts.TEMPLATES]
    node = get_node(s, node_id)
    return render(
        request,
        page,
        "change/plan.html",
        {
            "active": "portfolio",
            "node": node,
            "prompts": filled,
            "assistant": bool(settings_of(s).assistant_url),
            "may_manage": can(s, page.actor, "change.manage", node),
            "answer": answer,
            "error": error,
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
    try:
        answer = prompts.ask(page.session, actor=page.actor, node_id=node_id, template=template)
    except DomainError as exc:
        return plan_page(request, page, node_id, error=problem_text(exc), status=exc.status)
    return plan_page(request, page, node_id, answer=answer)
