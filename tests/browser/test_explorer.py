"""The explorer in real headless Chromium (dash_duo): what a person sees and clicks."""

from __future__ import annotations

import pytest
from map_pointer import PROJECT_MARKERS
from selenium.webdriver.common.by import By
from waits import until

import geodata
from dashboard import data, figures, geo_assets, ids, map_points
from dashboard.app import create_app
from geodata.analysis.filters import FilterState, filter_projects

pytestmark = pytest.mark.browser

_POINTS = PROJECT_MARKERS


def _counts() -> dict[str, int]:
    """Projects shipped: in all, and per dataset (documented, sample)."""
    projects = geodata.load("projects")
    return {"all": len(projects), **projects["dataset"].value_counts().to_dict()}


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
        # the first draw after the server starts: as long as the pointer tests allow on a busy machine
        until(dash_duo.driver, lambda: _points(dash_duo) > 0, "project points on the map", timeout=60)
    else:
        until(dash_duo.driver, lambda: _text(dash_duo, "#kpi-projects-value") == "0", "the empty view", timeout=60)


def _shaded_polygons(dash_duo) -> tuple[set[str], dict[str, str]] | None:
    """The boundary units the map's shading layer holds, and the colour each is painted with (its feature
    state), or None before the layer has them all loaded."""
    found = dash_duo.driver.execute_script(
        """const gd = document.querySelector('#explorer-map .js-plotly-plot');
        const map = window.tfaPageMaps.mapOf(gd);
        // every tile of the polygons loaded: read earlier, a tile still being cut left a municipality out
        if (!map || !map.getSource(window.tfaShading.SOURCE) || !map.isSourceLoaded(window.tfaShading.SOURCE)
            || !map.areTilesLoaded()) { return null; }
        const units = [...new Set(map.querySourceFeatures(window.tfaShading.SOURCE).map(f => f.properties.unit))];
        return units.map(u => [u, (map.getFeatureState({source: window.tfaShading.SOURCE, id: u}) || {}).fill]);"""
    )
    if not found:
        return None
    return {u for u, _ in found}, {u: f for u, f in found}


def test_loads_without_console_errors_and_draws_polygons_and_points(dash_duo):
    _start(dash_duo)
    shipped = _counts()["all"]
    assert _text(dash_duo, "#kpi-projects-value") == str(shipped)
    snap = data.snapshot()
    mask = snap.mask(map_points.drawn_state("all"))
    assert int(mask.sum()) == shipped
    assert _points(dash_duo) == sum(len(d.starts) for d in snap.drawn_points(mask))  # a marker per stack
    # one polygon per current municipality (geoBoundaries), each shaded with the colour the page was sent for it
    # the reading taken once every tile has loaded (read again, a tile being cut anew could leave it empty)
    drawn, painted = until(dash_duo.driver, lambda: _shaded_polygons(dash_duo), "the polygons to be shaded")
    assert len(drawn) == len(geodata.load("municipalities"))
    expected = figures.shell_shading(snap, figures.DEFAULT_METRIC, geo_assets.polygons_url(snap.static))
    assert painted == {u: f for u, f in zip(expected["units"], expected["fill"], strict=True) if u in drawn}
    assert dash_duo.find_element("#explorer-map canvas.maplibregl-canvas")  # MapLibre drew the map
    assert "SAMPLE DATA" in _text(dash_duo, "#explorer-map .infolayer")
    assert dash_duo.get_logs() == []


def test_choosing_a_sector_changes_kpis_and_table(dash_duo):
    _start(dash_duo)
    shipped = str(_counts()["all"])
    until(dash_duo.driver, lambda: f"{shipped} matching" in _text(dash_duo, f"#{ids.TABLE_NOTE}"), "the table")
    # the dropdowns' code loads after the page's (dcc's async chunk): wait for the control, as a person would
    dropdown = dash_duo.wait_for_element(f"#{ids.SECTOR}", timeout=30)
    dropdown.click()
    option = until(
        dash_duo.driver,
        lambda: [
            e
            for e in dash_duo.driver.find_elements(By.XPATH, "//*[normalize-space(text())='Health']")
            if e.is_displayed()
        ],
        "the Health option",
    )[0]
    option.click()
    until(dash_duo.driver, lambda: _text(dash_duo, "#kpi-projects-value") not in (shipped, ""), "KPIs to change")
    count = int(_text(dash_duo, "#kpi-projects-value"))
    assert count == len(filter_projects(geodata.load("projects"), FilterState(sectors=("health",))))
    assert f"{count} matching" in _text(dash_duo, f"#{ids.TABLE_NOTE}")  # the count comes with the key figures

    def sectors():
        return dash_duo.driver.execute_script(
            "return Array.from(document.querySelectorAll('#project-table .ag-cell[col-id=sector]'))"
            ".map(e => e.textContent)"
        )

    # worded as the filters name them; a multi-sector project lists all its sectors ("Health 60%, Education 40%")
    until(dash_duo.driver, lambda: sectors() and all("Health" in s for s in sectors()), "the table to change")
    assert "Health projects" in _text(dash_duo, f"#{ids.SENTENCE}")
    assert "sector=health" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_url_with_query_restores_the_view(dash_duo):
    _start(dash_duo, "/?sector=health&dataset=documented&metric=projects", expect_points=False)
    until(dash_duo.driver, lambda: "documented data" in _text(dash_duo, f"#{ids.SENTENCE}"), "the restored sentence")
    assert "Health projects, documented data" in _text(dash_duo, f"#{ids.SENTENCE}")
    checked = dash_duo.driver.execute_script(f"return document.querySelector('#{ids.DATASET} input:checked').value")
    assert checked == "documented"
    # the metric dropdown draws its chosen label a moment after the sentence: wait for it, as for the sentence
    until(dash_duo.driver, lambda: "Projects" in _text(dash_duo, f"#{ids.METRIC}"), "the restored metric")
    assert _text(dash_duo, "#kpi-projects-value") == "0"  # no documented health project
    assert "No projects match" in _text(dash_duo, f"#{ids.EMPTY_STATE}")
    assert "SAMPLE DATA" not in _text(dash_duo, "#explorer-map .infolayer")
    assert dash_duo.get_logs() == []


def test_switching_to_the_sample_portfolio_shows_the_watermark(dash_duo):
    _start(dash_duo, "/?dataset=documented")
    counts = _counts()
    documented, sample = str(counts["documented"]), str(counts["sample"])
    until(dash_duo.driver, lambda: _text(dash_duo, "#kpi-projects-value") == documented, "the documented projects")
    assert "SAMPLE DATA" not in _text(dash_duo, "#explorer-map .infolayer")
    label = dash_duo.driver.find_element(By.XPATH, f"//*[@id='{ids.DATASET}']//label[contains(., 'Sample portfolio')]")
    label.click()
    until(dash_duo.driver, lambda: _text(dash_duo, "#kpi-projects-value") == sample, "the sample portfolio")
    until(dash_duo.driver, lambda: "SAMPLE DATA" in _text(dash_duo, "#explorer-map .infolayer"), "the map watermark")
    assert "SAMPLE DATA" in _text(dash_duo, f"#{ids.SAMPLE_BANNER}")
    assert "SAMPLE DATA" in _text(dash_duo, f"#{ids.CHART_SECTOR}")  # its text alternative, drawn or not
    # below the fold the chart redraws as it comes into view (assets/charts_in_view.js): then it carries the mark
    dash_duo.driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", ids.CHART_SECTOR)
    until(
        dash_duo.driver,
        lambda: "SAMPLE DATA" in _text(dash_duo, f"#{ids.CHART_SECTOR} .infolayer"),
        "the sector chart's watermark",
    )
    assert "dataset=sample" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []
