"""The explorer's table is created and asks for its first rows as it comes into view, not while the page loads
(assets/table_in_view.js). On a laptop's screen the table is below the fold: its slot waits, busy and at the grid's
height, and the grid and its rows come when the page is scrolled towards it (the mouse wheel), or in idle time once
the map has drawn. A filter changed with the table out of view waits the same way (its count comes at once), and one
changed with the table in view refreshes it at once. A real click on a row opens its project."""

from __future__ import annotations

import pytest
from a11y_support import emulate, rect, settle
from map_pointer import click
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from waits import until

from dashboard import data, ids
from dashboard.app import create_app
from geodata.analysis.filters import FilterState

pytestmark = pytest.mark.browser

#: The browser viewport of a 1366 x 768 laptop screen: the table is below the fold
LAPTOP = (1366, 660)
#: Before the page's scripts: neither the grid nor a waiting request comes in idle time (only scrolling sends them)
_NO_IDLE_FILL = """
document.addEventListener('DOMContentLoaded', () => {
  if (window.tfaTableInView) { window.tfaTableInView.QUIET_MS = window.tfaTableInView.MOUNT_QUIET_MS = 600000; }
});
"""
_ROWS = f"return document.querySelectorAll('#{ids.TABLE} .ag-center-cols-container .ag-row[row-id]').length"
#: The number of rows the grid holds (its infinite row model's row count, from the server's response)
_ROW_COUNT = f"return dash_ag_grid.getApi({ids.TABLE!r}).getDisplayedRowCount()"


def _rows(driver) -> int:
    return driver.execute_script(_ROWS)


def _note(driver) -> str:
    return driver.execute_script("return document.getElementById(arguments[0]).textContent", ids.TABLE_NOTE)


def _out_of_view(driver) -> bool:
    """The table's slot (where the grid is, or will be created) is further below the viewport than the margin."""
    margin = driver.execute_script("return window.tfaTableInView.MARGIN")
    return rect(driver, f"#{ids.TABLE_SLOT}")["top"] > driver.execute_script("return innerHeight") + margin


_SLOT = """
const slot = document.getElementById(arguments[0]);
return {busy: slot.getAttribute('aria-busy'), grid: !!document.getElementById(arguments[1]),
        text: slot.textContent.trim(), height: Math.round(slot.getBoundingClientRect().height),
        by: window.tfaTableInView.mountedBy ? window.tfaTableInView.mountedBy[0] : null};
"""


#: The second row's title cell: where it is in the viewport, and its project's id and title (from the grid's data)
_SECOND_TITLE = """
const c = document.querySelector(arguments[0] + ' .ag-center-cols-container .ag-row[row-index="1"] [col-id="title"]');
if (!c) return null;
const r = c.getBoundingClientRect(), id = c.closest('.ag-row').getAttribute('row-id');
return {x: r.left + 30, y: r.top + r.height / 2, id: id,
        title: dash_ag_grid.getApi(arguments[1]).getRowNode(id).data.title};
"""


def _slot(driver) -> dict:
    return driver.execute_script(_SLOT, ids.TABLE_SLOT, ids.TABLE)


def _wheel_to_table(driver, size: tuple[int, int], check=lambda: True) -> None:
    """The mouse wheel over the sidebar's column (not the map, which the wheel zooms) until the table is near the
    viewport; ``check()`` must hold before each turn (e.g. no rows yet)."""
    for _ in range(12):
        if not _out_of_view(driver):
            return
        assert check(), "the rows came before the table was near the viewport"
        y = driver.execute_script("return scrollY")
        ActionChains(driver).scroll_from_origin(ScrollOrigin.from_viewport(20, size[1] // 2), 0, 300).perform()
        until(driver, lambda y=y: driver.execute_script("return scrollY") > y, "the page to scroll")
    assert not _out_of_view(driver), "the table did not come near the viewport"


def test_the_table_asks_for_its_rows_as_it_is_scrolled_to(dash_duo):
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    emulate(driver, LAPTOP)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _NO_IDLE_FILL})
    driver.get(dash_duo.server_url + "/?dataset=all")
    settle(driver, tables=False)
    assert _out_of_view(driver), "the table is in view at the first load: nothing to wait for"
    # the grid waits to be created: its slot is busy, at the grid's height, and says so
    assert _slot(driver) == {
        "busy": "true",
        "grid": False,
        "text": "The projects table is being prepared.",
        "height": 420,
        "by": None,
    }
    assert driver.execute_script("return window.tfaTableInView.waited") == 0
    n = data.snapshot().n
    assert _note(driver) == f"{n:,} matching", "the count comes with the key figures, before the rows"
    _wheel_to_table(driver, LAPTOP, check=lambda: not _slot(driver)["grid"])
    until(driver, lambda: _slot(driver)["grid"] and _rows(driver), "the grid and its rows once scrolled to")
    assert _slot(driver)["busy"] == "false" and _slot(driver)["by"] == "near"
    assert driver.execute_script(_ROW_COUNT) == n
    assert driver.execute_script("return window.tfaTableInView.waited") == 0, "the rows waited in view"

    # a filter change (a real click on "Documented") with the table out of view: the count at once, the rows wait
    documented = int(data.snapshot().mask(FilterState(dataset="documented")).sum())
    box = driver.execute_script(
        "const l = [...document.querySelectorAll(arguments[0])].find(e => e.textContent.trim() === 'Documented');"
        "window.scrollTo({top: 0, behavior: 'instant'}); return l.getBoundingClientRect().toJSON();",
        f"#{ids.DATASET} label",
    )
    click(driver, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    until(driver, lambda: "dataset=documented" in driver.current_url, "the documented dataset chosen")
    until(driver, lambda: _note(driver) == f"{documented:,} matching", "the documented count")
    until(driver, lambda: driver.execute_script("return window.tfaTableInView.waited") == 1, "the rows to wait")
    assert _out_of_view(driver)
    assert driver.execute_script(_ROW_COUNT) != documented, "the rows came with the table out of view"
    _wheel_to_table(driver, LAPTOP)
    until(driver, lambda: driver.execute_script(_ROW_COUNT) == documented, "the documented rows once scrolled to")

    # on a screen tall enough to show the filters and the table, a filter change refreshes the rows at once
    emulate(driver, (1366, 2400))
    box = driver.execute_script(
        "const l = [...document.querySelectorAll(arguments[0])].find(e => e.textContent.trim() === 'Both');"
        "window.scrollTo({top: 0, behavior: 'instant'}); return l.getBoundingClientRect().toJSON();",
        f"#{ids.DATASET} label",
    )
    assert not _out_of_view(driver), "the table is out of view on the tall screen"
    click(driver, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    until(driver, lambda: driver.execute_script(_ROW_COUNT) == n, "every row again")
    assert driver.execute_script("return window.tfaTableInView.waited") == 1


def _open(dash_duo, path: str):
    """The explorer at laptop size, settled (its table created in idle time)."""
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    emulate(driver, LAPTOP)
    driver.get(dash_duo.server_url + path)
    settle(driver)
    return driver


def test_the_table_out_of_view_gets_its_rows_when_the_page_is_idle(dash_duo):
    driver = _open(dash_duo, "/?dataset=all")
    until(driver, lambda: _rows(driver), "the table's rows in idle time", timeout=30)
    assert driver.execute_script("return [window.scrollY, window.tfaTableInView.waited]") == [0, 1]
    assert _slot(driver)["by"] == "idle" and _slot(driver)["busy"] == "false", "the grid was not created idly"


def test_a_real_click_on_a_row_opens_its_project(dash_duo):
    """The grid's clicks reach the detail panel through a store outside the grid (dashboard/pages/explorer.py)."""
    driver = _open(dash_duo, "/")
    _wheel_to_table(driver, LAPTOP)
    until(driver, lambda: _rows(driver), "the table's rows")
    cell = None
    for _ in range(12):  # real wheel turns over the sidebar's column until the row is in the viewport
        cell = until(driver, lambda: driver.execute_script(_SECOND_TITLE, f"#{ids.TABLE}", ids.TABLE), "the row")
        if 40 < cell["y"] < LAPTOP[1] - 40:
            break
        y = driver.execute_script("return scrollY")
        ActionChains(driver).scroll_from_origin(ScrollOrigin.from_viewport(20, LAPTOP[1] // 2), 0, 200).perform()
        until(driver, lambda y=y: driver.execute_script("return scrollY") != y, "the page to scroll")
    assert 40 < cell["y"] < LAPTOP[1] - 40, cell
    click(driver, cell["x"], cell["y"])
    # the panel's title is the project's (a sample project's marked so)
    title = until(driver, lambda: driver.find_element("id", ids.DETAIL_TITLE).text, "the row's project")
    assert title in (cell["title"], f"{cell['title']} (SAMPLE)"), (title, cell)
    assert dash_duo.get_logs() == []
