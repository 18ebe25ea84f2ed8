"""The explorer's "Active in years" slider with a real pointer and real keys: a handle dragged along the track,
then the other moved with the arrow keys, each step filtering the projects and the URL as the handles say."""

from __future__ import annotations

import pytest
from map_pointer import drag
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from waits import callbacks_done, until

from dashboard import components, data, ids
from dashboard.app import create_app
from geodata.analysis.filters import FilterState

pytestmark = pytest.mark.browser

_HANDLES = """
return [...document.querySelectorAll('#' + arguments[0] + ' [role=slider]')].map(h => {
  const r = h.getBoundingClientRect();
  return {value: Number(h.getAttribute('aria-valuenow')), x: r.x + r.width / 2, y: r.y + r.height / 2,
          name: h.getAttribute('aria-label')};
});"""


def _handles(driver) -> list[dict]:
    return driver.execute_script(_HANDLES, ids.YEARS)


def _shows(driver, state: FilterState, query: str) -> bool:
    expected = str(int(data.snapshot().mask(state).sum()))
    shown = driver.find_element("id", components.kpi_id("projects", "value")).text
    return query in driver.current_url and callbacks_done(driver) and shown == expected


def test_dragging_a_year_handle_and_arrow_keys_filter_the_projects(dash_duo):
    driver = dash_duo.driver
    dash_duo.start_server(create_app())
    until(driver, lambda: len(_handles(driver)) == 2 and callbacks_done(driver), "the year slider", 60)
    low, high = _handles(driver)
    snap = data.snapshot()
    assert (low["value"], high["value"]) == (snap.year_min, snap.year_max)
    # a screen reader tells the two handles apart (assets/a11y.js)
    names = ["Active in years, from", "Active in years, to"]
    until(driver, lambda: [h["name"] for h in _handles(driver)] == names, "the handles' names")
    step = (high["x"] - low["x"]) / (high["value"] - low["value"])

    # drag the first handle four years to the right, in ten moves, as a hand does
    start = low["value"] + 4
    path = [(low["x"] + 4 * step * k / 10, low["y"]) for k in range(11)]
    drag(driver, path)
    until(driver, lambda: _handles(driver)[0]["value"] == start, f"the first handle at {start}")
    until(driver, lambda: _shows(driver, FilterState(year_from=start), f"from={start}"), f"the projects from {start}")

    # then the second handle: a click on it, and two presses of the left arrow key
    high = _handles(driver)[1]
    ActionChains(driver).move_to_element_with_offset(
        driver.find_elements("css selector", f"#{ids.YEARS} [role=slider]")[1], 0, 0
    ).click().send_keys(Keys.ARROW_LEFT).pause(0.2).send_keys(Keys.ARROW_LEFT).perform()
    end = high["value"] - 2
    until(driver, lambda: _handles(driver)[1]["value"] == end, f"the second handle at {end}")
    until(
        driver,
        lambda: _shows(driver, FilterState(year_from=start, year_to=end), f"from={start}&to={end}"),
        f"the projects active in {start}-{end}",
    )
    assert [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"] == []
