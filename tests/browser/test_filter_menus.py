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


_OPTIONS = """
const menu = document.querySelector('.dash-dropdown-content');
return menu ? menu.innerText.split('\\n').map(s => s.trim()).filter(Boolean) : null;
"""


def _menu_names(driver, control: str) -> list[str]:
    """The names in ``control``'s menu, opened with a real click and closed with Escape."""
    click(driver, *driver.execute_script(_CENTRE, control), hold=0.05)
    names = until(driver, lambda: driver.execute_script(_OPTIONS), f"the {control} menu to open")
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    until(driver, lambda: driver.execute_script(_OPTIONS) is None, f"the {control} menu to close")
    return names


def test_the_documented_view_offers_no_sample_funder(dash_duo):
    """The funder and organisation menus offered the sample portfolio's invented donors and partners with
    "Documented" chosen (choosing one gave an empty view). A real click on "Documented" now leaves only names
    that documented projects list; "Both" brings the sample names back."""
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    emulate(driver, (1280, 900))
    driver.get(dash_duo.server_url + "/?dataset=all")
    settle(driver)
    assert any(n.startswith("Sample donor") for n in _menu_names(driver, ids.FUNDER))

    def centre(choice: str) -> list[float]:
        return driver.execute_script(
            """const l = [...document.querySelectorAll(arguments[0])].find(e => e.textContent.trim() === arguments[1]);
            l.scrollIntoView({block: 'center', behavior: 'instant'});
            const r = l.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];""",
            f"#{ids.DATASET} label",
            choice,
        )

    click(driver, *centre("Documented"), hold=0.05)
    until(driver, lambda: "dataset=documented" in driver.current_url, "the documented dataset chosen")
    funders, orgs = _menu_names(driver, ids.FUNDER), _menu_names(driver, ids.ORG)
    assert "UNMIK" in funders and "UNHCR" in orgs, (funders, orgs)
    assert not [n for n in funders + orgs if "sample" in n.lower()], (funders, orgs)
    click(driver, *centre("Both"), hold=0.05)
    until(driver, lambda: "dataset=" not in driver.current_url, "both datasets chosen")
    assert "Sample donor A" in _menu_names(driver, ids.FUNDER)
