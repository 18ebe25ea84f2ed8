"""The Coverage view in headless Chromium: it renders, and a click on a heatmap cell filters (URL, sentence,
and the explorer opened from the navbar)."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.app import create_app
from geodata.layers import SECTORS

pytestmark = pytest.mark.browser

# Scroll the cell to mid-viewport, then return its centre in viewport pixels.
_CELL_CENTRE = """
const gd = document.querySelector('#coverage-heatmap .js-plotly-plot');
const row = gd.data[0].y.findIndex(y => y.startsWith(arguments[0]));
const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
let drag = gd.querySelector('.nsewdrag').getBoundingClientRect();
window.scrollTo({top: window.scrollY + drag.top + ya.l2p(row) - window.innerHeight / 2, behavior: 'instant'});
drag = gd.querySelector('.nsewdrag').getBoundingClientRect();
return [row, Math.round(drag.left + xa.l2p(arguments[1])), Math.round(drag.top + ya.l2p(row))];
"""


def _click_cell(dash_duo, municipality: str, sector: str) -> None:
    """A real pointer move and click on the heatmap cell (W3C actions at viewport coordinates)."""
    row, x, y = dash_duo.driver.execute_script(_CELL_CENTRE, municipality, SECTORS.index(sector))
    assert row >= 0, f"no heatmap row for {municipality}"
    actions = ActionBuilder(dash_duo.driver)
    actions.pointer_action.move_to_location(x, y)
    actions.pointer_action.pause(0.4)
    actions.pointer_action.click()
    actions.perform()


def _wait_text(dash_duo, selector: str, text: str, timeout: float = 20) -> None:
    """Wait until the element's textContent contains ``text`` (visible or scrolled away)."""

    def has(driver):
        return driver.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", selector
        )

    try:
        WebDriverWait(dash_duo.driver, timeout).until(lambda d: text in has(d))
    except TimeoutException:
        raise AssertionError(f"{selector}: {text!r} not found in {has(dash_duo.driver)!r}") from None


def test_coverage_view_renders_and_a_cell_click_filters(dash_duo, tmp_path):
    app = create_app()
    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/coverage?dataset=all", timeout=20)
    try:
        dash_duo.wait_for_element("#coverage-heatmap .hm", timeout=20)
        dash_duo.wait_for_text_to_equal(
            "#coverage-summary .coverage-headline",
            "2 of 6 former camp and return sites have no education project within 5 km.",
            timeout=20,
        )
        dash_duo.wait_for_element("#coverage-gap-map .maplibregl-canvas", timeout=20)
        assert "SAMPLE DATA" in dash_duo.find_element("#coverage-sample-banner").text
        assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#coverage-gap-table .ag-row")) > 0

        _click_cell(dash_duo, "South Mitrovica", "health")
        _wait_text(dash_duo, "#coverage-sentence", "Health projects in South Mitrovica")
        _wait_text(dash_duo, "#coverage-summary .coverage-headline", "health project within 5 km")
        url = dash_duo.driver.current_url
        assert "sector=health" in url and "municipality=south-mitrovica" in url

        # the explorer follows: its navbar link carries the query, and its filters open set
        dash_duo.driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")
        link = dash_duo.wait_for_element("a.nav-link[href^='/?']", timeout=10)
        assert "sector=health" in link.get_attribute("href")
        link.click()
        _wait_text(dash_duo, "#filter-sentence", "Health projects in South Mitrovica")
    except Exception:
        dash_duo.driver.save_screenshot(str(tmp_path / "coverage-failure.png"))
        raise
