"""Editing the monthly value grid in place: saving, a stale second tab refused without losing anyone's figures,
bad amounts refused with the cell marked, and no inputs for people who may only read."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.browser.conftest import sign_in
from tests.browser.test_measure import _defined_measure_of
from valuegate.finance import rules as fin
from valuegate.finance.models import ValueFact
from valuegate.portfolio.models import Measure

# Months in the grid, from the month after the live server's today (the grid always shows twelve from today).
_THIS = fin.period_of(date.today().year, date.today().month)
M1, M2, M3, M4, M5 = (fin.add_months(_THIS, i) for i in range(1, 6))


def _current(live, mid: int, series: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with live.db.session() as s:
        rows = s.execute(
            select(ValueFact.period, ValueFact.amount).where(
                ValueFact.measure_id == mid,
                ValueFact.series == series,
                ValueFact.kind == "recurring",
                ValueFact.valid_to.is_(None),
            )
        )
        return dict(rows.all())


def _version(live, mid: int) -> int:  # type: ignore[no-untyped-def]
    with live.db.session() as s:
        return int(s.scalar(select(Measure.values_version).where(Measure.node_id == mid)) or 0)


def _save(page) -> int:  # type: ignore[no-untyped-def]
    """Press Save and wait until htmx has swapped the answer in; the answer's status."""
    page.locator("#value-grid").evaluate("grid => grid.dataset.old = 'yes'")
    with page.expect_response(lambda r: r.url.endswith("/values") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save figures").click()
    page.locator("#value-grid:not([data-old])").wait_for()
    return int(answer.value.status)


def _cell(page, series: str, period: str, kind: str = "recurring"):  # type: ignore[no-untyped-def]
    return page.locator(f'input[name="v.{series}.{kind}.{period}"]')


def test_the_owner_edits_the_forecast_in_place(page, live) -> None:  # type: ignore[no-untyped-def]
    mid = _defined_measure_of(live, "owner", free=False)
    sign_in(page, "owner")
    page.goto(f"/measures/{mid}")
    _cell(page, "forecast", M1).fill("12,500")
    assert _save(page) == 200
    assert page.get_by_test_id("grid-saved").is_visible()
    assert _current(live, mid, "forecast")[M1] == 1_250_000
    assert _cell(page, "forecast", M1).input_value() == "12500"
    # Clearing a cell removes the figure.
    _cell(page, "forecast", M1).fill("")
    assert _save(page) == 200
    assert M1 not in _current(live, mid, "forecast")
    assert page.console_errors == [], page.console_errors


def test_a_stale_second_tab_is_refused_and_both_people_keep_their_figures(page, live) -> None:  # type: ignore[no-untyped-def]
    mid = _defined_measure_of(live, "owner", free=False)
    sign_in(page, "owner")
    page.goto(f"/measures/{mid}")
    second = page.context.new_page()
    second.goto(f"/measures/{mid}")

    # The first tab saves October.
    _cell(page, "forecast", M2).fill("1000")
    assert _save(page) == 200
    version = _version(live, mid)

    # The second tab, drawn before that save, changes October too and November.
    _cell(second, "forecast", M2).fill("1500")
    _cell(second, "forecast", M3).fill("2000")
    assert _save(second) == 409
    alert = second.get_by_test_id("grid-error")
    assert "while you were editing" in alert.inner_text()
    assert _version(live, mid) == version, "nothing was written"
    saved = _current(live, mid, "forecast")
    assert saved[M2] == 100_000 and M3 not in saved, "the first tab's figure stands"
    # The second tab still shows what its person typed, the collision marked with the other figure.
    assert _cell(second, "forecast", M2).input_value() == "1500"
    assert _cell(second, "forecast", M3).input_value() == "2000"
    assert "conflict" in (_cell(second, "forecast", M2).get_attribute("class") or "")
    assert "theirs: 1000" in second.get_by_test_id("theirs").inner_text()

    # Saving again, having seen the other figure, applies the second tab's changes.
    assert _save(second) == 200
    saved = _current(live, mid, "forecast")
    assert saved[M2] == 150_000 and saved[M3] == 200_000
    second.close()


def test_a_bad_amount_is_refused_with_the_cell_marked(page, live) -> None:  # type: ignore[no-untyped-def]
    mid = _defined_measure_of(live, "owner", free=False)
    sign_in(page, "owner")
    page.goto(f"/measures/{mid}")
    before, version = _current(live, mid, "plan"), _version(live, mid)
    _cell(page, "plan", M4).fill("12k")
    _cell(page, "plan", M5).fill("900")
    assert _save(page) == 422
    assert "not amounts" in page.get_by_test_id("grid-error").inner_text()
    assert _cell(page, "plan", M4).get_attribute("aria-invalid") == "true"
    assert _cell(page, "plan", M4).input_value() == "12k"
    assert _cell(page, "plan", M5).input_value() == "900", "the good cell is kept for the retry"
    assert _current(live, mid, "plan") == before and _version(live, mid) == version
    # A negative one-time cost is refused too, with the reason.
    _cell(page, "plan", M4).fill("")
    _cell(page, "plan", M4, "one_time_cost").fill("-50")
    assert _save(page) == 422
    assert "positive amount" in page.locator("td .problem").first.inner_text()
    assert _current(live, mid, "plan") == before


def test_a_viewer_reads_the_grid_without_inputs(page, live) -> None:  # type: ignore[no-untyped-def]
    mid = _defined_measure_of(live, "owner", free=False)
    sign_in(page, "viewer")
    page.goto(f"/measures/{mid}")
    assert page.get_by_test_id("values-recurring").is_visible()
    assert page.locator("input.cell").count() == 0
    assert page.get_by_role("button", name="Save figures").count() == 0
