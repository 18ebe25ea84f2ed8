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
from waits import callbacks_done, steady, until

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
  const t = (gd._fullData || [])[0];  // none while a first figure waits (the chart drawn empty)
  const cats = !t ? [] : t.type === 'bar' ? (t.orientation === 'h' ? t.y : t.x) : t.x;
  out[id] = {rows: rows, busy: gd.getAttribute('aria-busy'), opacity: getComputedStyle(gd).opacity,
             drawn: Array.from(cats || []).map(String)};
}
return out;
"""


def _charts(driver) -> dict:
    return driver.execute_script(_CHARTS, list(CHARTS))


def _waiting(driver) -> list[str]:
    return driver.execute_script("return window.tfaChartsInView.waiting()")


def _open(dash_duo, quiet_ms: int | None = None, first_drawn: bool = True):
    """The explorer at laptop size, settled; ``first_drawn``: its charts' first figures (which wait out of view
    as well) drawn, as after a scroll; ``quiet_ms``: the quiet time before waiting charts catch up, from the
    page's start (first figures included)."""
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    emulate(driver, LAPTOP)
    if quiet_ms is not None:
        driver.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument",
            {"source": f"window.tfaChartsInViewDefaults = {{QUIET_MS: {quiet_ms}, FIRST_QUIET_MS: {quiet_ms}}};"},
        )
    driver.get(dash_duo.server_url + "/")
    settle(driver)
    if first_drawn:
        driver.execute_script("window.tfaChartsInView.flush()")
        until(driver, lambda: not _waiting(driver) and all(c["drawn"] for c in _charts(driver).values()), "drawn")
    top = rect(driver, f"#{ids.CHART_SECTOR}")["top"]
    margin = driver.execute_script("return window.tfaChartsInView.MARGIN")
    height = driver.execute_script("return window.innerHeight")
    assert top > height + margin, f"the charts are in view at the first load (top {top}): nothing to wait for"
    return driver


def _click_text(driver, selector: str, text: str) -> None:
    """A real click at the centre of the first element matching ``selector`` whose text holds ``text``."""
    box = driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].find(e => e.textContent.includes(arguments[1]))"
        ".getBoundingClientRect().toJSON()",
        selector,
        text,
    )
    click(driver, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


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


def _page_down_to_the_charts(driver) -> None:
    """A real click on the introduction (the page has the keyboard, not a control), then Page Down until no chart
    waits, and the charts drawn as they came into view."""
    intro = rect(driver, f"#{ids.INTRO}")
    click(driver, intro["left"] + 20, (intro["top"] + intro["bottom"]) / 2)
    for _ in range(6):
        _page_down(driver)
        if not _waiting(driver):
            break
    until(driver, lambda: not _waiting(driver), "the charts to draw as they came into view")


def _sector_bars_in_view(driver) -> list[dict]:
    """The sector chart's drawn bars once they rest, after real Page Ups or Page Downs brought the first into
    view (the page's viewport coordinates)."""
    for _ in range(8):
        bars = steady(
            driver,
            lambda: [b for b in driver.execute_script(_SECTOR_BARS, ids.CHART_SECTOR) if b["width"] > 2] or None,
            "the sector chart's bars to rest",
        )
        height = driver.execute_script("return window.innerHeight")
        if 20 <= bars[0]["y"] <= height - 20:
            return bars
        y = driver.execute_script("return window.scrollY")
        ActionChains(driver).send_keys(Keys.PAGE_UP if bars[0]["y"] < 20 else Keys.PAGE_DOWN).perform()
        until(driver, lambda y=y: driver.execute_script("return window.scrollY") != y, "the page to scroll")
    raise AssertionError(f"the sector chart's first bar is not in view: {bars[0]}")


def _choose_documented(dash_duo) -> None:
    """A real click on the dataset's "Documented" option, then the page's callbacks done."""
    driver = dash_duo.driver
    _click_text(driver, f"#{ids.DATASET} label", "Documented")
    until(driver, lambda: "dataset=documented" in driver.current_url, "the documented dataset chosen")
    until(driver, lambda: callbacks_done(driver), "the page's callbacks")


_SECTOR_BARS = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
const t = gd._fullData[0];
return Array.from(gd.querySelectorAll('.trace.bars .point path')).map((p, i) => {
  const r = p.getBoundingClientRect();
  return {category: String(t.y[i]), x: r.left + r.width / 2, y: r.top + r.height / 2, width: r.width};
});
"""


_HOVERED = (
    "const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
    " return !!(gd && gd._hoverdata && gd._hoverdata.length);"
)


def test_first_figures_wait_out_of_view_drawn_empty_then_drawn_and_clickable(dash_duo):
    """At the first load the charts below the fold are drawn empty, at their height, faded and busy, their text
    alternatives already listing their values; Page Down draws them as they come into view, with what their text
    said; and a real click on a drawn bar filters the page (Dash's Graph listened to the chart drawn empty)."""
    driver = _open(dash_duo, quiet_ms=600_000, first_drawn=False)
    assert set(_waiting(driver)) == set(CHARTS)
    first = _charts(driver)
    for chart in CHARTS:
        assert first[chart]["drawn"] == [] and first[chart]["busy"] == "true", first[chart]
        assert float(first[chart]["opacity"]) < 1 and first[chart]["rows"], first[chart]
        assert rect(driver, f"#{chart} .js-plotly-plot")["height"] >= 250  # its height kept: nothing jumps
    _page_down_to_the_charts(driver)
    drawn = _charts(driver)
    for chart in CHARTS:
        assert drawn[chart]["busy"] is None and drawn[chart]["drawn"], drawn[chart]
        assert drawn[chart]["rows"] == first[chart]["rows"], chart
    # the bars where they rest once the page has stopped answering (the table's rows come as it nears the view),
    # in view: the Page Downs may have gone past them while the charts drew
    until(driver, lambda: callbacks_done(driver), "the page's callbacks")
    bars = _sector_bars_in_view(driver)
    # on the bar until the chart reports it under the pointer (its hover label), as a person sees before clicking
    move(driver, bars[0]["x"], bars[0]["y"])
    until(driver, lambda: driver.execute_script(_HOVERED, ids.CHART_SECTOR), "the bar under the pointer")
    click(driver, bars[0]["x"], bars[0]["y"], hold=0.1)
    until(driver, lambda: "sector=" in driver.current_url, f"the page filtered to {bars[0]['category']}")
    assert dash_duo.get_logs() == []


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

    _page_down_to_the_charts(driver)
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


def test_charts_in_view_redraw_at_once(dash_duo):
    """On a screen tall enough to show them, the charts redraw with the click: nothing waits."""
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    emulate(driver, (1366, 2400))
    driver.get(dash_duo.server_url + "/")
    settle(driver)
    height = driver.execute_script("return window.innerHeight")
    assert all(rect(driver, f"#{c}")["bottom"] <= height for c in CHARTS), "a chart is out of view"
    before = _charts(driver)
    waited = driver.execute_script("return window.tfaChartsInView.waited")
    _choose_documented(dash_duo)
    until(driver, lambda: _charts(driver) != before, "the charts to redraw")
    assert _waiting(driver) == []
    assert driver.execute_script("return window.tfaChartsInView.waited") == waited
    drawn = _charts(driver)
    assert all(c["busy"] is None and float(c["opacity"]) == 1 for c in drawn.values())
    assert any(drawn[c]["drawn"] != before[c]["drawn"] or drawn[c]["rows"] != before[c]["rows"] for c in CHARTS)
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
        _click_text(driver, "a.nav-link", page)
        until(driver, lambda p=path: driver.current_url.split("?")[0].endswith(p), f"the {page} page")
        settle(driver)
        if page == "Coverage":
            assert _waiting(driver) == []
    # the explorer's page comes back with its figures drawn from the layout; the callback's may wait again
    assert all(c["rows"] for c in _charts(driver).values())
    assert dash_duo.get_logs() == []
