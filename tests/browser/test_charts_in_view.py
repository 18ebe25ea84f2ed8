"""The explorer's charts below the fold redraw when they come into view (assets/charts_in_view.js), driven with real
input: a filter chosen with the pointer, the page scrolled with Page Down, a bar clicked in view. Meanwhile each
waiting chart is faded and marked busy, and its text alternative already lists the new values; once drawn, the
chart shows what its text said. Waiting charts are also drawn once the filters rest, and before the page prints."""

from __future__ import annotations

import pytest
from a11y_support import emulate, rect, settle
from map_pointer import click, move
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from waits import callbacks_done, next_frame, steady, until

from dashboard import ids
from dashboard.app import create_app

pytestmark = pytest.mark.browser

CHARTS = (ids.CHART_SECTOR, ids.CHART_MUNICIPALITY, ids.CHART_TIME, ids.CHART_COMMUNITY)
#: The browser viewport of a 1366 x 768 laptop screen, the commonest: the charts are below the fold
LAPTOP = (1366, 660)

# per chart: its text alternative's rows, whether it is marked busy, its opacity, and the first trace's drawn
# categories (what Plotly has drawn)
_CHARTS = """
const out = {};
for (const id of arguments[0]) {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot');
  const rows = [...gd.querySelectorAll('.chart-text-alternative tr')].map(r => r.textContent.trim());
  const t = gd._fullData[0];
  const cats = t.type === 'bar' ? (t.orientation === 'h' ? t.y : t.x) : t.x;
  out[id] = {rows: rows, busy: gd.getAttribute('aria-busy'), opacity: getComputedStyle(gd).opacity,
             drawn: Array.from(cats || []).map(String)};
}
return out;
"""


def _charts(driver) -> dict:
    return driver.execute_script(_CHARTS, list(CHARTS))


def _waiting(driver) -> list[str]:
    return driver.execute_script("return window.tfaChartsInView.waiting()")


def _open(dash_duo, quiet_ms: int | None = None):
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    emulate(driver, LAPTOP)
    driver.get(dash_duo.server_url + "/")
    settle(driver)
    if quiet_ms is not None:
        driver.execute_script("window.tfaChartsInView.QUIET_MS = arguments[0]", quiet_ms)
    top = rect(driver, f"#{ids.CHART_SECTOR}")["top"]
    margin = driver.execute_script("return window.tfaChartsInView.MARGIN")
    height = driver.execute_script("return window.innerHeight")
    assert top > height + margin, f"the charts are in view at the first load (top {top}): nothing to wait for"
    return driver


def _page_down(driver) -> None:
    """A real Page Down, then the page scrolled (or at its end)."""
    y = driver.execute_script("return window.scrollY")
    ActionChains(driver).send_keys(Keys.PAGE_DOWN).perform()
    until(
        driver,
        lambda: driver.execute_script(
            "return scrollY > arguments[0] || innerHeight + scrollY >= document.documentElement.scrollHeight - 1",
            y,
        ),
        "the page to scroll",
    )


def _choose_documented(dash_duo) -> None:
    """A real click on the dataset's "Documented" option, then the page's callbacks done."""
    driver = dash_duo.driver
    label = driver.execute_script(
        "return [...document.querySelectorAll('#' + arguments[0] + ' label')]"
        ".find(l => l.textContent.includes('Documented')).getBoundingClientRect().toJSON()",
        ids.DATASET,
    )
    click(driver, label["x"] + label["width"] / 2, label["y"] + label["height"] / 2)
    until(driver, lambda: "dataset=documented" in driver.current_url, "the documented dataset chosen")
    until(driver, lambda: callbacks_done(driver), "the page's callbacks")


def test_charts_out_of_view_wait_then_draw_what_their_text_said(dash_duo):
    driver = _open(dash_duo, quiet_ms=600_000)  # only scrolling draws them here
    before = _charts(driver)
    _choose_documented(dash_duo)
    until(driver, lambda: set(_waiting(driver)) == set(CHARTS), "the four charts to wait")
    waiting = _charts(driver)
    for chart in CHARTS:
        assert waiting[chart]["busy"] == "true" and float(waiting[chart]["opacity"]) < 1, waiting[chart]
        assert waiting[chart]["drawn"] == before[chart]["drawn"], f"{chart} was drawn out of view"
    # the text alternatives already describe the documented projects
    assert any(waiting[c]["rows"] != before[c]["rows"] for c in CHARTS), "no chart's text alternative changed"

    # the page has the keyboard (not the dataset's radio), then Page Down until the charts are in view
    intro = rect(driver, f"#{ids.INTRO}")
    click(driver, intro["left"] + 20, (intro["top"] + intro["bottom"]) / 2)
    for _ in range(6):
        _page_down(driver)
        if not _waiting(driver):
            break
    until(driver, lambda: not _waiting(driver), "the charts to draw as they came into view")
    drawn = _charts(driver)
    for chart in CHARTS:
        assert drawn[chart]["busy"] is None and float(drawn[chart]["opacity"]) == 1, drawn[chart]
        # drawn now, described from what Plotly drew: the same text as before the chart was drawn
        assert drawn[chart]["rows"] == waiting[chart]["rows"], chart
    assert dash_duo.get_logs() == []


def test_waiting_charts_catch_up_once_the_filters_rest(dash_duo):
    driver = _open(dash_duo)
    drawn_late = driver.execute_script("return window.tfaChartsInView.drawnLate")
    _choose_documented(dash_duo)
    assert driver.execute_script("return window.tfaChartsInView.waited") >= len(CHARTS)
    until(driver, lambda: not _waiting(driver), "the charts to be drawn once the filters rest", timeout=30)
    assert driver.execute_script("return window.scrollY") == 0, "the page was scrolled"
    assert driver.execute_script("return window.tfaChartsInView.drawnLate") >= drawn_late + len(CHARTS)
    assert all(c["busy"] is None for c in _charts(driver).values())
    assert dash_duo.get_logs() == []


def test_a_bar_clicked_in_view_redraws_the_charts_at_once(dash_duo):
    driver = _open(dash_duo)
    driver.execute_script("document.getElementById(arguments[0]).scrollIntoView({block: 'center'})", ids.CHART_SECTOR)
    top = steady(driver, lambda: rect(driver, f"#{ids.CHART_SECTOR}")["top"], "the page to stop scrolling")
    assert top >= 0, "the sector chart is not in view"
    waited = driver.execute_script("return window.tfaChartsInView.waited")
    bar = driver.execute_script(  # the longest bar
        "const bs = [...document.querySelectorAll('#' + arguments[0] + ' .trace.bars .point path')]"
        ".map(p => p.getBoundingClientRect()).sort((a, b) => b.width - a.width);"
        "return [bs[0].x + bs[0].width / 2, bs[0].y + bs[0].height / 2];",
        ids.CHART_SECTOR,
    )
    move(driver, *bar)  # Plotly finds the bar under the pointer as it moves, then takes the click
    until(driver, lambda: driver.find_elements("css selector", f"#{ids.CHART_SECTOR} .hoverlayer .hovertext"), "hover")
    next_frame(driver)
    click(driver, *bar)
    until(driver, lambda: "sector=" in driver.current_url, "the clicked sector as the filter")
    until(driver, lambda: callbacks_done(driver), "the page's callbacks")
    # the sector chart and its neighbour are in view: neither waited
    height = driver.execute_script("return window.innerHeight")
    in_view = [c for c in CHARTS if rect(driver, f"#{c}")["bottom"] > 0 and rect(driver, f"#{c}")["top"] < height]
    assert ids.CHART_SECTOR in in_view
    assert not set(in_view) & set(_waiting(driver)), _waiting(driver)
    assert driver.execute_script("return window.tfaChartsInView.waited") - waited <= len(CHARTS) - len(in_view)
    assert dash_duo.get_logs() == []


def test_waiting_charts_are_drawn_before_the_page_prints(dash_duo):
    driver = _open(dash_duo, quiet_ms=600_000)
    _choose_documented(dash_duo)
    until(driver, lambda: _waiting(driver), "the charts to wait")
    driver.execute_cdp_cmd("Page.printToPDF", {})
    assert _waiting(driver) == []
    assert all(c["busy"] is None for c in _charts(driver).values())


def test_charts_left_waiting_on_another_page_are_let_go(dash_duo):
    """A chart whose figure waits belongs to its page: after a real click to the coverage page nothing waits, and
    back on the explorer its charts are there, described, with no error."""
    driver = _open(dash_duo, quiet_ms=600_000)
    _choose_documented(dash_duo)
    until(driver, lambda: _waiting(driver), "the charts to wait")
    for page, path in (("Coverage", "/coverage"), ("Explorer", "/")):
        link = driver.execute_script(
            "return [...document.querySelectorAll('a.nav-link')].find(a => a.textContent.trim() === arguments[0])"
            ".getBoundingClientRect().toJSON()",
            page,
        )
        click(driver, link["x"] + link["width"] / 2, link["y"] + link["height"] / 2)
        until(driver, lambda p=path: driver.current_url.split("?")[0].endswith(p), f"the {page} page")
        settle(driver)
        if page == "Coverage":
            assert _waiting(driver) == []
    # the explorer's page comes back with its figures drawn from the layout; the callback's may wait again
    assert all(c["rows"] for c in _charts(driver).values())
    assert dash_duo.get_logs() == []
