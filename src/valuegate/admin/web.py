"""The administration home and what every administration page shares: its section tabs and one way to draw it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from valuegate.auth import service as people
from valuegate.web.forms import NO_FORM, FormState
from valuegate.web.pages import Page, PageDep, render

router = APIRouter(include_in_schema=False)


def admin_render(
    request: Request,
    page: Page,
    section: str,
    view: Any,
    context: dict[str, Any] | None = None,
    form: FormState = NO_FORM,
    status: int = 200,
) -> Response:
    """An administration page: its screen view (which carries the section tabs the person may open), the form
    refused if any (what was typed and the problems beside their fields) and whatever else the template needs."""
    return render(
        request,
        page,
        f"admin/{section.replace('-', '_')}.html",
        {
            "active": "admin",
            "sections": view.sections,
            "section": section,
            "view": view,
            "form": form,
            **(context or {}),
        },
        status,
    )


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, page: PageDep) -> Response:
    sections = people.admin_home(page.session, actor=page.actor)
    return render(request, page, "admin/home.html", {"active": "admin", "sections": sections})
