"""The explorer's filters stay beside the page as it scrolls, on a screen where they fit (assets/sidebar_sticky.js).
The sidebar had been meant to be sticky, but its sticky panel sat in a wrapper of its own height, so it scrolled
away with the map: at the charts and the table, no filter was in reach. On a tall window the panel now stays in
view down to the page's end (scrolled with the mouse wheel), where a real click on its "Present" button opens the
briefing; on a short one (the panel taller than the window) it scrolls with the page, so its last buttons are never
hidden."""

from __future__ import annotations

import pytest
from a11y_support import emulate, rect, settle
from map_pointer import click
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from waits import until

from dashboard import ids
from dashboard.app import create_app

pytestmark = pytest.mark.browser

_PANEL = f"#{ids.FILTERS_PANEL}"


_AT_END = "return innerHeight + scrollY >= document.documentElement.scrollHeight - 1 && scrollY > 300"


def _to_the_end(driver) -> None:
    """The mouse wheel over the sidebar's column (not the map, which the wheel zooms) to the page's end."""
    height = driver.execute_script("return innerHeight")
    for _ in range(20):
        if driver.execute_script(_AT_END):
            return
        y = driver.execute_script("return scrollY")
        ActionChains(driver).scroll_from_origin(ScrollOrigin.from_viewport(20, height // 2), 0, 500).perform()
        until(driver, lambda y=y: driver.execute_script("return scrollY") > y, "the page to scroll")
    until(driver, lambda: driver.execute_script(_AT_END), "the page to scroll to its end")


def test_the_filters_stay_in_view_where_they_fit_and_scroll_where_they_do_not(dash_duo):
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    emulate(driver, (1366, 1000))
    driver.get(dash_duo.server_url + "/")
    settle(driver)
    _to_the_end(driver)
    panel = until(driver, lambda: (r := rect(driver, _PANEL)) and r["top"] >= 0 and r, "the filters in view")
    assert panel["bottom"] <= 1000, panel
    present = rect(driver, ".present-link")
    click(driver, present["left"] + present["width"] / 2, present["top"] + present["height"] / 2)
    until(driver, lambda: "/briefing" in driver.current_url, "the briefing opened from the page's end")

    emulate(driver, (1366, 660))
    driver.get(dash_duo.server_url + "/")
    settle(driver)
    assert rect(driver, _PANEL)["height"] > 660, "the filters fit this window: the short case checks nothing"
    _to_the_end(driver)
    assert rect(driver, _PANEL)["bottom"] < 0, "a panel taller than the window stuck: its last buttons hidden"
