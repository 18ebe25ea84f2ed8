"""The explorer's charts as filters, and Clear filters, with real pointer input: a click at the pixel where a bar
is drawn (DevTools mouse events through Plotly's own hit-testing and Dash's Graph) filters the page to that bar;
a real click on Clear filters brings the default view back; the same bar clicked again filters again. What is
expected comes from the drawn figure (the bar's category and its ``customdata``), never from constants.

A click here is timed as a person's: the pointer rests on the bar, the button is held about 100 ms. Plotly works
out which bar was clicked from its hover, which it computes at most once every 50 ms; a press and release
dispatched within 50 ms of the last pointer move (as ``map_pointer.click`` does) can land inside that window, and
Plotly then reports no click at all."""

from __future__ import annotations

import pytest
from a11y_support import emulate, rect, settle
from map_pointer import click
from waits import callbacks_done, steady, until

from dashboard import ids
from dashboard.app import create_app

pytestmark = pytest.mark.browser

#: A screen tall enough to show the four charts without scrolling (they draw at once, nothing waits)
TALL = (1366, 2400)

# The bars of a chart's first trace: each one's category, its customdata and its centre on the page
_BARS = """
const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
const t = gd._fullData[0];
const cats = t.orientation === 'h' ? t.y : t.x;
const paths = gd.querySelectorAll('.trace.bars .point path');
return Array.from(paths).map((p, i) => {
  const r = p.getBoundingClientRect();
  return {category: String(cats[i]), customdata: t.customdata ? t.customdata[i] : null,
          x: r.left + r.width / 2, y: r.top + r.height / 2, width: r.width, height: r.height};
});
"""


def _bars(driver, chart: str) -> list[dict]:
    return driver.execute_script(_BARS, chart)


def _open(dash_duo):
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    emulate(driver, TALL)
    driver.get(dash_duo.server_url + "/")
    settle(driver)
    return driver


def _settled(driver, what: str) -> None:
    until(driver, lambda: callbacks_done(driver), what)
    settle(driver)


def _click_bar(driver, bar: dict) -> None:
    """A person's click on the bar: the pointer moves onto it and rests, the button is held about 100 ms."""
    click(driver, bar["x"], bar["y"], hold=0.1)


def _chosen(driver, control: str) -> list[str]:
    """The labels a multi-select filter shows as chosen."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#' + arguments[0] + ' .dash-dropdown-value-item')]"
        ".map(e => e.textContent.trim())",
        control,
    )


def _clear(driver) -> None:
    box = rect(driver, f"#{ids.CLEAR}")
    click(driver, (box["left"] + box["right"]) / 2, (box["top"] + box["bottom"]) / 2)


@pytest.mark.parametrize(
    ("chart", "control", "parameter"),
    [(ids.CHART_SECTOR, ids.SECTOR, "sector"), (ids.CHART_MUNICIPALITY, ids.MUNICIPALITY, "municipality")],
)
def test_a_bar_click_filters_clear_filters_resets_and_the_same_bar_filters_again(dash_duo, chart, control, parameter):
    driver = _open(dash_duo)
    height = driver.execute_script("return window.innerHeight")
    assert rect(driver, f"#{chart}")["bottom"] <= height, "the chart is out of view"
    bars = [b for b in _bars(driver, chart) if b["customdata"] and b["width"] > 4 and b["height"] > 4]
    assert bars, f"{chart} has no bar large enough to click"
    bar = max(bars, key=lambda b: b["width"] * b["height"])
    default_url = driver.current_url

    for attempt in ("first", "second"):
        _click_bar(driver, bar)
        until(driver, lambda: f"{parameter}={bar['customdata']}" in driver.current_url, f"the {attempt} bar click")
        _settled(driver, f"the page after the {attempt} bar click")
        chosen = _chosen(driver, control)
        assert len(chosen) == 1 and chosen[0].startswith(bar["category"].split("<br>")[0]), (chosen, bar)
        assert steady(driver, lambda: driver.current_url, "the URL").endswith(f"{parameter}={bar['customdata']}")

        _clear(driver)
        until(driver, lambda: driver.current_url == default_url, "Clear filters to bring the default view back")
        _settled(driver, "the page after Clear filters")
        assert _chosen(driver, control) == [], "a filter is still chosen after Clear filters"
        # the bar is where it was: the default view's chart again
        again = {b["customdata"]: b for b in _bars(driver, chart)}[bar["customdata"]]
        assert abs(again["x"] - bar["x"]) < 2 and abs(again["y"] - bar["y"]) < 2

    assert dash_duo.get_logs() == []
