"""Every page of the demo, as every persona, in a real browser: a crawler signs in, starts at the cockpit and
follows every link it is offered. For each persona it asserts that

- every link offered answers 200 for that person (a link to a page they may not open must not be offered),
- no page has an accessibility violation of impact "serious" or "critical" (axe-core, pinned in
  package-lock.json, run in the page), and
- no page scrolls sideways at phone width (390 px), except inside the boxes that scroll on purpose (wide tables
  and grids in a ``.scroll`` box, the charts).

The crawl is bounded so it runs in a minute or so per persona on two cores: at most MAX_PAGES pages, and at
most PER_PATTERN pages of each address pattern (numbers in the address made alike: /measures/7 and /measures/9
are one pattern). Every distinct link is still checked for its status, only not opened and crawled further.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import open_page, sign_in

PERSONAS = ("admin", "pmo", "owner", "sponsor", "controller", "auditor", "viewer", "svcowner")
MAX_PAGES = 150
PER_PATTERN = 3
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# Links whose status is checked but which are not opened as pages: they are files to download, not pages.
DOWNLOADS = {
    ".ics": "the communication calendar for calendar apps",
    ".docx": "the change plan as a Word document",
    ".md": "the change plan as Markdown",
    ".json": "a measure's audit evidence as JSON",
    ".csv": "a measure's audit evidence as CSV",
}
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")

# The elements at fault when a page is wider than the screen: the outermost ones reaching past its right edge
# that are not inside a box which scrolls on its own.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    const inside = el.parentElement && out.includes(name(el.parentElement));
    if (r.right > width + 1 && r.width > 0 && !scrolls(el) && !inside) {
      out.push(name(el));
      if (out.length >= 5) break;
    }
  }
  return out;
}"""

# After a resize, the page's own resize handlers (the charts redraw at the new width) run before the next frame.
SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


@dataclass
class Crawl:
    login: str
    pages: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    too_wide: list[str] = field(default_factory=list)
    seconds: float = 0.0


def pattern(url: str) -> str:
    """The address with its numbers made alike and its query reduced to the names of its parameters."""
    parts = urlsplit(url)
    names = sorted({p.split("=")[0] for p in parts.query.split("&") if p})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(names) if names else "")


def download(url: str) -> bool:
    return any(urlsplit(url).path.endswith(ext) for ext in DOWNLOADS)


def links_on(page: Any, base: str, origin: str) -> list[str]:
    """Same-origin links of the page (addresses without their fragment), in the order they appear."""
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        if not href or href.startswith("#") or href.startswith(("mailto:", "tel:", "data:", "javascript:")):
            continue
        target = urljoin(base, href).split("#", 1)[0]
        if not target.startswith(origin):
            continue
        parts = urlsplit(target)
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return list(dict.fromkeys(out))


def axe_violations(page: Any) -> list[str]:
    """Serious and critical violations found by axe-core. The page's Content-Security-Policy (script-src 'self')
    refuses an inline <script> such as ``add_script_tag(path=...)`` adds, so its source is evaluated instead."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    found = []
    for v in result:
        if v["impact"] in SERIOUS:
            where = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            found.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} — at {where}")
    return found


def status_of(page: Any, link: str) -> int:
    """The status a link answers for the signed-in person (the page's cookies), without opening it as a page. A
    connection the server closed while idle is tried once more."""
    for attempt in (1, 2):
        try:
            answer = page.request.get(link, max_redirects=0)
        except PlaywrightError:
            if attempt == 2:
                raise
            continue
        status = int(answer.status)
        answer.dispose()
        return status
    raise AssertionError("unreachable")


def crawl(browser: Any, live: Any, login: str) -> Crawl:
    started = time.monotonic()
    result = Crawl(login)
    page = open_page(browser, live)
    try:
        sign_in(page, login)
        origin = live.url
        queue: deque[str] = deque(["/"])
        queued = {"/"}
        per_pattern: Counter[str] = Counter({pattern("/"): 1})
        while queue and len(result.pages) < MAX_PAGES:
            url = queue.popleft()
            response = page.goto(url)
            status = response.status if response is not None else 0
            result.checked.setdefault(url, status)
            if status != 200:
                continue  # already reported where the link was offered
            result.pages.append(url)
            result.violations += [f"{url}: {v}" for v in axe_violations(page)]
            page.set_viewport_size(PHONE)
            page.evaluate(SETTLED)
            wide = page.evaluate(OVERFLOW)
            if wide:
                result.too_wide.append(f"{url}: {', '.join(wide)}")
            page.set_viewport_size(DESKTOP)
            for link in links_on(page, page.url, origin):
                if link not in result.checked:
                    result.checked[link] = status_of(page, link)
                if result.checked[link] != 200:
                    result.broken.append(f"{link} answers {result.checked[link]} (offered on {url})")
                    continue
                key = pattern(link)
                if download(link) or link in queued or per_pattern[key] >= PER_PATTERN:
                    continue
                per_pattern[key] += 1
                queued.add(link)
                queue.append(link)
        assert page.console_errors == [], page.console_errors  # type: ignore[attr-defined]
    finally:
        page.context.close()
    result.seconds = time.monotonic() - started
    return result


_CRAWLS: dict[str, Crawl] = {}


def crawled(browser: Any, live: Any, login: str) -> Crawl:
    """One crawl per persona, shared by the tests below."""
    if login not in _CRAWLS:
        _CRAWLS[login] = crawl(browser, live, login)
    return _CRAWLS[login]


@pytest.mark.parametrize("login", PERSONAS)
def test_every_link_offered_opens(browser, live, login: str) -> None:  # type: ignore[no-untyped-def]
    c = crawled(browser, live, login)
    print(f"{login}: {len(c.pages)} pages opened, {len(c.checked)} links checked in {c.seconds:.0f} s")
    assert c.pages and c.pages[0] == "/"
    assert c.broken == [], "\n".join(dict.fromkeys(c.broken))


@pytest.mark.parametrize("login", PERSONAS)
def test_no_serious_accessibility_violation(browser, live, login: str) -> None:  # type: ignore[no-untyped-def]
    c = crawled(browser, live, login)
    assert c.violations == [], "\n".join(c.violations)


@pytest.mark.parametrize("login", PERSONAS)
def test_no_page_scrolls_sideways_on_a_phone(browser, live, login: str) -> None:  # type: ignore[no-untyped-def]
    c = crawled(browser, live, login)
    assert c.too_wide == [], "\n".join(c.too_wide)
