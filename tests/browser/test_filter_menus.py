"""An open filter menu is drawn above the page beside it: the funder menu, wider than the sidebar for a long name
("UNHCR and partners (amounts not sourced)"), went under the map, its search box and long names cut off. Each
sidebar dropdown is opened with a real click and every corner of its menu must show the menu itself."""

from __future__ import annotations

import pytest
from a11y_support import emulate, settle
from map_pointer import click
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from waits import until

from dashboard import ids
from dashboard.app import create_app

pytestmark = pytest.mark.browser

_CENTRE = """
const e = document.getElementById(arguments[0]);
e.scrollIntoView({block: 'center', behavior: 'instant'});
const r = e.getBoundingClientRect();
return [r.left + r.width / 2, r.top + r.height / 2];
"""

# The open menu's box, and what is drawn at points just inside each of its corners: the menu, or what covers it
_COVERED = """
const menu = document.querySelector('.dash-dropdown-content');
if (!menu) return null;
const r = menu.getBoundingClientRect();
const points = [[r.left + 4, r.top + 4], [r.right - 4, r.top + 4],
                [r.left + 4, r.bottom - 4], [r.right - 4, r.bottom - 4]];
return {width: r.width, covered: points.map(([x, y]) => document.elementFromPoint(x, y))
  .filter(e => !(e && menu.contains(e))).map(e => e ? e.className.toString().slice(0, 60) : 'nothing')};
"""


def test_every_filter_menu_is_drawn_above_the_map(dash_duo):
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    emulate(driver, (1280, 900))
    driver.get(dash_duo.server_url + "/")
    settle(driver)
    widths = {}
    for control in (ids.SECTOR, ids.COMMUNITY, ids.MUNICIPALITY, ids.STATUS, ids.FUNDER, ids.ORG):
        click(driver, *driver.execute_script(_CENTRE, control), hold=0.05)
        found = until(driver, lambda: driver.execute_script(_COVERED), f"the {control} menu to open")
        assert found["covered"] == [], f"{control}: its menu is under {found['covered']}"
        widths[control] = found["width"]
        ActionChains(driver).send_keys(Keys.ESCAPE).perform()
        until(driver, lambda: driver.execute_script(_COVERED) is None, f"the {control} menu to close")
    sidebar = driver.execute_script(
        "return document.getElementById(arguments[0]).getBoundingClientRect().width", ids.FILTERS_PANEL
    )
    assert widths[ids.FUNDER] > sidebar, "the funder menu no longer reaches over the map: the test checks nothing"
