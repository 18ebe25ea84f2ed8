"""The explorer in real headless Chromium (dash_duo): what a person sees and clicks."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By

from dashboard import ids
from dashboard.app import create_app

pytestmark = pytest.mark.browser

_POINTS = """
const gd = document.querySelector('#explorer-map .js-plotly-plot');
if (!gd || !gd._fullData) return -1;
let n = 0;
for (const t of gd._fullData) { if (t.meta && t.meta.level && t.lat) n += t.lat.length; }
return n;
"""


def _wait(condition, timeout: float = 25.0, what: str = "condition"):
    end = time.time() + timeout
    while time.time() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _points(dash_duo) -> int:
    return dash_duo.driver.execute_script(_POINTS) or -1


def _text(dash_duo, selector: str) -> str:
    return dash_duo.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : ''", selector
    )


def _start(dash_duo, path: str = "/", expect_points: bool = True):
    dash_duo.start_server(create_app())
    if path != "/":
        dash_duo.driver.get(dash_duo.server_url + path)
    if expect_points:
        _wait(lambda: _points(dash_duo) > 0, what="project points on the map")
    else:
        _wait(lambda: _text(dash_duo, "#kpi-projects-value") == "0", what="the empty view")


def test_loads_without_console_errors_and_draws_polygons_and_points(dash_duo):
    _start(dash_duo)
    assert _text(dash_duo, "#kpi-projects-value") == "124"
    assert _points(dash_duo) == 124
    polygons = dash_duo.driver.execute_script(
        "const gd = document.querySelector('#explorer-map .js-plotly-plot');return gd._fullData[0].locations.length"
    )
    assert polygons == 38  # one polygon per current municipality (geoBoundaries)
    assert dash_duo.find_element("#explorer-map canvas.maplibregl-canvas")  # MapLibre drew the map
    assert "SAMPLE DATA" in _text(dash_duo, "#explorer-map .infolayer")
    assert dash_duo.get_logs() == []


def test_choosing_a_sector_changes_kpis_and_table(dash_duo):
    _start(dash_duo)
    _wait(lambda: "124 matching" in _text(dash_duo, f"#{ids.TABLE_NOTE}"), what="the table")
    dropdown = dash_duo.find_element(f"#{ids.SECTOR}")
    dropdown.click()
    option = _wait(
        lambda: [
            e
            for e in dash_duo.driver.find_elements(By.XPATH, "//*[normalize-space(text())='Health']")
            if e.is_displayed()
        ],
        what="the Health option",
    )[0]
    option.click()
    _wait(lambda: _text(dash_duo, "#kpi-projects-value") not in ("124", ""), what="KPIs to change")
    count = int(_text(dash_duo, "#kpi-projects-value"))
    assert 0 < count < 124
    _wait(lambda: f"{count} matching" in _text(dash_duo, f"#{ids.TABLE_NOTE}"), what="the table to change")
    sectors = dash_duo.driver.execute_script(
        "return Array.from(document.querySelectorAll('#project-table .ag-cell[col-id=sector]')).map(e => e.textContent)"
    )
    assert sectors and all("health" in s for s in sectors)  # a multi-sector project lists all its sectors
    assert "Health projects" in _text(dash_duo, f"#{ids.SENTENCE}")
    assert "sector=health" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_url_with_query_restores_the_view(dash_duo):
    _start(dash_duo, "/?sector=health&dataset=documented&metric=projects", expect_points=False)
    _wait(lambda: "documented data" in _text(dash_duo, f"#{ids.SENTENCE}"), what="the restored sentence")
    assert "Health projects, documented data" in _text(dash_duo, f"#{ids.SENTENCE}")
    checked = dash_duo.driver.execute_script(f"return document.querySelector('#{ids.DATASET} input:checked').value")
    assert checked == "documented"
    assert "Projects" in _text(dash_duo, f"#{ids.METRIC}")
    assert _text(dash_duo, "#kpi-projects-value") == "0"  # no documented health project
    assert "No projects match" in _text(dash_duo, f"#{ids.EMPTY_STATE}")
    assert "SAMPLE DATA" not in _text(dash_duo, "#explorer-map .infolayer")
    assert dash_duo.get_logs() == []


def test_switching_to_the_sample_portfolio_shows_the_watermark(dash_duo):
    _start(dash_duo, "/?dataset=documented")
    _wait(lambda: _text(dash_duo, "#kpi-projects-value") == "4", what="the documented projects")
    assert "SAMPLE DATA" not in _text(dash_duo, "#explorer-map .infolayer")
    label = dash_duo.driver.find_element(By.XPATH, f"//*[@id='{ids.DATASET}']//label[contains(., 'Sample portfolio')]")
    label.click()
    _wait(lambda: _text(dash_duo, "#kpi-projects-value") == "120", what="the sample portfolio")
    _wait(lambda: "SAMPLE DATA" in _text(dash_duo, "#explorer-map .infolayer"), what="the map watermark")
    assert "SAMPLE DATA" in _text(dash_duo, f"#{ids.SAMPLE_BANNER}")
    assert "SAMPLE DATA" in _text(dash_duo, f"#{ids.CHART_SECTOR}")
    assert "dataset=sample" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []
