"""The hierarchy browser and the measure list in a real browser: levels open in place with their roll-ups."""

from __future__ import annotations

from tests.browser.conftest import sign_in


def _number(text: str) -> int:
    return int(text.replace(",", "").strip() or 0)


def test_the_tree_opens_level_by_level_without_reloading(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "pmo")
    page.goto("/portfolio")
    tree = page.get_by_test_id("tree")
    portfolio = tree.locator("[data-testid=tree-node]").first
    total = _number(portfolio.locator(".num").first.inner_text())
    programs = portfolio.locator("> ul > li")
    assert programs.count() >= 2, "the single portfolio opens on its own"
    # The programs' measure counts add up to the portfolio's.
    assert sum(_number(p.locator("> .row .num").first.inner_text()) for p in programs.all()) == total

    page.evaluate("window.marker = 'same page'")
    program = programs.first
    program.locator("> .row button.toggle").click()
    projects = program.locator("> ul > li")
    projects.first.wait_for()
    assert program.locator("> .row button.toggle").get_attribute("aria-expanded") == "true"
    project = projects.first
    project.locator("> .row button.toggle").click()
    measures = project.locator("> ul > li.kind-measure")
    measures.first.wait_for()
    counted = project.locator("> ul > li.kind-measure:not(.stage-cancelled)").count()
    assert counted == _number(project.locator("> .row .num").first.inner_text()), "cancelled ones are not counted"
    assert page.evaluate("window.marker") == "same page", "opened in place, no reload"

    # Closing hides the level; opening again shows it without asking the server again.
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/children" in r.url else None)
    program.locator("> .row button.toggle").click()
    assert program.locator("> ul").is_hidden()
    program.locator("> .row button.toggle").click()
    assert program.locator("> ul").is_visible() and projects.count() > 0
    assert asked == []

    # A measure opens its workspace.
    name = measures.first.locator("a").first.inner_text()
    measures.first.locator("a").first.click()
    assert page.get_by_role("heading", name=name).is_visible()
    assert page.console_errors == [], page.console_errors


def test_the_tree_works_by_keyboard(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "pmo")
    page.goto("/portfolio")
    program = page.get_by_test_id("tree").locator("li.kind-program").first
    button = program.locator("> .row button.toggle")
    button.focus()
    page.keyboard.press("Enter")
    program.locator("> ul > li").first.wait_for()
    assert button.get_attribute("aria-expanded") == "true"


def test_an_owner_starts_at_what_they_may_see(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "owner")
    page.goto("/portfolio")
    nodes = page.get_by_test_id("tree-node")
    assert nodes.count() >= 1
    sign_in(page, "pmo")
    page.goto("/portfolio")
    assert page.get_by_test_id("tree").locator("li.kind-portfolio").count() == 1


def test_the_measure_list_filters_and_pages(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "pmo")
    page.goto("/measures")
    total = _number(page.get_by_test_id("match-count").inner_text().split(" ")[0])
    assert total > 10
    page.get_by_label("Stage").select_option("closed")
    page.get_by_role("button", name="Apply").click()
    closed = _number(page.get_by_test_id("match-count").inner_text().split(" ")[0])
    assert 0 < closed < total
    for row in page.get_by_test_id("measure-list").locator("tbody tr").all():
        assert "Closed" in row.inner_text()
    page.get_by_label("Name contains").fill("no measure is called this")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_test_id("no-measures").is_visible()
    bad = page.goto("/measures?stage=nirvana")
    assert bad is not None and bad.status == 422 and "Unknown stage" in page.get_by_role("alert").inner_text()
