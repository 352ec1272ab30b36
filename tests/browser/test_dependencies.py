"""The dependency map in a real browser: the graph is drawn, late chains and cross-functional links are marked,
and a click on a measure (in the graph or in the table) opens it."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.conftest import sign_in
from valuegate.dependencies.models import Dependency
from valuegate.portfolio.models import Node

# Where a node of the drawn graph is on the page: ECharts knows its layout; convert it to pixels.
NODE_POSITION = """([el, name]) => {
  const chart = echarts.getInstanceByDom(el);
  const data = chart.getModel().getSeriesByIndex(0).getData();
  for (let i = 0; i < data.count(); i++) {
    if (data.getName(i) === name) {
      const [x, y] = data.getItemLayout(i);
      const [px, py] = chart.convertToPixel({ seriesIndex: 0 }, [x, y]);
      const box = el.getBoundingClientRect();
      return [box.left + px, box.top + py];
    }
  }
  return null;
}"""


def test_the_map_marks_late_chains_and_clicks_through(page) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "pmo")
    page.goto("/dependencies")
    page.wait_for_selector("#dependency-map[data-drawn=yes] canvas")
    total = int(page.get_by_test_id("links-total").inner_text())
    rows = page.get_by_test_id("links-table").locator("tbody tr")
    assert rows.count() == total >= 3
    late = page.get_by_test_id("links-table").locator("tr.late-chain")
    assert late.count() == int(page.get_by_test_id("links-late").inner_text()) >= 1
    assert "late chain" in late.first.inner_text()
    assert int(page.get_by_test_id("links-cross").inner_text()) >= 1
    assert "cross-functional" in page.get_by_test_id("links-table").inner_text()

    # Click the downstream measure of the late chain in the graph itself.
    name = late.first.locator("td").nth(2).locator("a").inner_text()
    page.wait_for_timeout(300)
    at = page.evaluate(NODE_POSITION, [page.locator("#dependency-map").element_handle(), name])
    assert at is not None, f"{name} is drawn"
    page.mouse.click(at[0], at[1])
    page.wait_for_url("**/measures/*")
    assert page.get_by_role("heading", name=name).is_visible()
    assert page.console_errors == [], page.console_errors


def test_each_program_has_its_own_map(page, live) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, "pmo")
    page.goto("/dependencies")
    portfolio = int(page.get_by_test_id("links-total").inner_text())
    options = page.get_by_label("Portfolio, program or project").locator("option")
    values = [options.nth(i).get_attribute("value") for i in range(1, options.count())]
    counts = []
    for value in values:
        page.goto(f"/dependencies?node_id={value}")
        counts.append(int(page.get_by_test_id("links-total").inner_text()))
    assert all(n <= portfolio for n in counts) and sum(counts) >= portfolio, "every link touches some program"
    # A project without links says so instead of drawing an empty map.
    with live.db.session() as s:
        linked = select(Dependency.upstream_id).union(select(Dependency.downstream_id))
        measures_linked = set(s.scalars(linked))
        projects = s.execute(select(Node.id, Node.path).where(Node.kind == "project")).all()
        paths = dict(s.execute(select(Node.id, Node.path)).all())
    quiet = next((pid for pid, path in projects if not any(paths[m].startswith(path) for m in measures_linked)), None)
    assert quiet is not None, "the demo has a project without dependencies"
    page.goto(f"/dependencies?node_id={quiet}")
    assert page.get_by_test_id("no-links").is_visible()
    bad = page.goto("/dependencies?node_id=abc")
    assert bad is not None and bad.status == 422
