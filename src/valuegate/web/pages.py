"""What every page needs: the signed-in person (from the session cookie), CSRF checks and rendering."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from valuegate.auth.models import Person, WebSession
from valuegate.auth.policy import Actor, RoleIndex, actor_for
from valuegate.auth.rules import allowed
from valuegate.auth.service import web_session_for
from valuegate.context import bind
from valuegate.dependencies.service import impacts_to_acknowledge
from valuegate.deps import SessionDep, usage_identity
from valuegate.errors import DomainError, PermissionDenied
from valuegate.finance import rules as fin
from valuegate.gates.service import inbox, stage_labels
from valuegate.portfolio.models import Node
from valuegate.web import nav
from valuegate.web.security import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, csrf_matches

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


def _choices(values: Any) -> list[tuple[Any, str]]:
    """A vocabulary as a select's options: each value, shown with spaces for underscores."""
    return [(v, str(v).replace("_", " ")) for v in values]


def _pairs(rows: Any, key: str = "id", label: str = "name") -> list[tuple[Any, Any]]:
    """Rows (dicts) as a select's options: their ``key`` and ``label``."""
    return [(r[key], r[label]) for r in rows]


TEMPLATES.env.filters["choices"] = _choices
TEMPLATES.env.filters["pairs"] = _pairs


class SignInRequired(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


@dataclass
class Page:
    actor: Actor
    person: Person
    web: WebSession
    session: Any  # the request's SQLAlchemy session

    @property
    def csrf(self) -> str:
        return self.web.csrf_token

    @cached_property
    def inbox(self) -> list[dict[str, Any]]:
        """The person's decision inbox, worked out once per request (the navigation shows its count)."""
        return inbox(self.session, actor=self.actor)

    @cached_property
    def role_index(self) -> RoleIndex:
        """Everything that decides the person's roles on any node, loaded once per request."""
        return RoleIndex.load(self.session, self.actor)

    def may(self, action: str, node: Node | None = None, *, extra: tuple[str, ...] = ()) -> bool:
        """The policy's answer for this person (what ``auth.policy.can`` says), without a query per node."""
        return allowed(action, self.role_index.roles(node), extra=extra)

    @cached_property
    def acknowledgements(self) -> list[dict[str, Any]]:
        """Impacts on services the person owns that wait for their acknowledgement (also in the inbox)."""
        return impacts_to_acknowledge(self.session, actor=self.actor)


def get_page(request: Request, session: SessionDep) -> Page:
    found = web_session_for(session, request.cookies.get(SESSION_COOKIE))
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    web, person = found
    request.state.usage_actor = usage_identity(person)
    return Page(actor_for(person), person, web, session)


PageDep = Annotated[Page, Depends(get_page)]


async def check_csrf(request: Request, page: PageDep) -> Page:
    """Every state-changing request from a page carries the session's CSRF token (form field or header)."""
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not csrf_matches(page.csrf, given):
        raise PermissionDenied("This form has expired or did not come from Valuegate; reload the page and try again.")
    return page


FormPageDep = Annotated[Page, Depends(check_csrf)]


def money(minor: int | None, currency: str = "EUR") -> str:
    """Minor units to a readable amount: 1234567 -> '12,346'; thousands separators, no cents."""
    if minor is None:
        return "–"
    return f"{round(minor / 100):,}"


def render(
    request: Request, page: Page | None, template: str, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    settings = request.app.state.settings
    base: dict[str, Any] = {
        "page": page,
        "currency": settings.reporting_currency,
        "money": money,
        "kind_labels": fin.KIND_LABELS,
        "quote": quote,
    }
    if page is not None:
        base["stage_labels"] = stage_labels(page.session)
        # The navigation's count of waiting decisions: shown at once when the page has worked out the inbox
        # anyway, else fetched right after the page loads (/inbox/count) so no page waits for it.
        known = "inbox" in page.__dict__ and "acknowledgements" in page.__dict__
        base["inbox_count"] = len(page.inbox) + len(page.acknowledgements) if known else None
        base["navigation"] = nav.navigation(page)
        base["trail"] = lambda node, *tail, **kw: nav.trail(page, node, *tail, **kw)
    return TEMPLATES.TemplateResponse(request, template, {**base, **context}, status_code=status)


def render_error(request: Request, template: str, context: dict[str, Any], status: int) -> HTMLResponse:
    """An error page, with the navigation when the person is signed in. It is drawn after the request's own
    session has ended (or before one began: an unknown address, a refused sign-in), so it reads the person in a
    session of its own."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return render(request, None, template, context, status)
    app = request.app.state
    with app.db.session() as session:
        bind(session, app.settings, app.today)
        found = web_session_for(session, cookie)
        page = Page(actor_for(found[1]), found[1], found[0], session) if found else None
        return render(request, page, template, context, status)


def problem_text(exc: DomainError) -> str:
    """A refusal as one sentence for a page, with the itemised problems when there are any."""
    details = "; ".join(str(e.get("problem", "")) for e in exc.errors if isinstance(e, dict) and e.get("problem"))
    return f"{exc.detail} {details}".strip()
