"""What the navigation and the breadcrumbs offer a person: only what they may open, read through the policy.

Every page gets both from here (through ``pages.render``), so no template decides on its own who may open a
link: the main navigation leaves out what the person may not open, and a breadcrumb level they may not open is
shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from valuegate.auth.rules import ADMIN_SECTIONS
from valuegate.portfolio.models import Node
from valuegate.portfolio.service import ancestors

if TYPE_CHECKING:
    from valuegate.web.pages import Page


@dataclass(frozen=True)
class Link:
    """One entry of the navigation or of a breadcrumb trail; ``href`` is None when it is shown as plain text."""

    label: str
    href: str | None = None
    key: str = ""


def sees_portfolio(page: Page) -> bool:
    """Whether any part of the portfolio is the person's to see: a global reader, or someone granted a role on a
    node or named as owner, sponsor or controller of a program or project (what ``visible_nodes`` lets through)."""
    if page.actor.reads_all:
        return True
    index = page.role_index
    return bool(index.grants or index.leads or index.readers)


def may_administer(page: Page) -> bool:
    return any(page.may(action) for _slug, _label, action in ADMIN_SECTIONS)


# The main navigation: key (what a page passes as ``active``), label, address, and who may open it (None: anyone
# signed in; the page itself then shows what is theirs, or says there is nothing yet).
MAIN: list[tuple[str, str, str, Callable[[Page], bool] | None]] = [
    ("cockpit", "Cockpit", "/", None),
    ("portfolio", "Portfolio", "/portfolio", None),
    ("measures", "Measures", "/measures", None),
    ("dependencies", "Dependencies", "/dependencies", sees_portfolio),
    ("inbox", "Decisions", "/inbox", None),
    ("meetings", "Steering", "/meetings", None),
    ("health", "Health", "/health", None),
    ("audit", "Audit trail", "/audit", lambda page: page.may("audit.read")),
    ("admin", "Admin", "/admin", may_administer),
]


def navigation(page: Page) -> list[Link]:
    """The main navigation for this person."""
    return [Link(label, href, key) for key, label, href, may in MAIN if may is None or may(page)]


def node_href(node: Node) -> str:
    return f"/measures/{node.id}" if node.kind == "measure" else f"/portfolio?node_id={node.id}"


def trail(
    page: Page,
    node: Node | None,
    *tail: str | tuple[str, str],
    before: list[tuple[str, str]] | None = None,
) -> list[Link]:
    """A breadcrumb trail: ``before`` (fixed pages, e.g. a list), then the levels of the hierarchy down to ``node``
    (each a link to its page when the person may open it, else plain text), then ``tail``: the page's own
    levels, a label or a (label, address) pair. The last level is where the person is and is never a link."""
    crumbs = [Link(label, href) for label, href in before or []]
    if node is not None:
        for level in ancestors(page.session, node):
            crumbs.append(Link(level.name, node_href(level) if page.may("node.view", level) else None))
    for item in tail:
        crumbs.append(Link(item) if isinstance(item, str) else Link(item[0], item[1]))
    if crumbs and crumbs[-1].href is not None:
        crumbs[-1] = Link(crumbs[-1].label)
    return crumbs
