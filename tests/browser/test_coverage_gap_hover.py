"""The coverage page's gap map with a real pointer: hovering a project point shows that project's tooltip
(its title comes from the server: the figure carries none), and moving off it, or off the map, hides it.

The pointer is moved with the Chrome DevTools Protocol (``Input.dispatchMouseEvent``) to the pixel where the
point is drawn (MapLibre's ``project([lon, lat])`` plus the map container's position), so the event goes through
MapLibre, Plotly's hit-testing and Dash's Graph as a person's mouse does. Which project is expected comes from the
point's drawn coordinates and the app's own coverage index, never a constant.
"""

from __future__ import annotations

import sys

import pytest
from map_pointer import at_rest, empty_spot, hides_on_leaving, loneliest_project, markers, move, tooltip
from waits import callbacks_done, until

from dashboard.app import create_app

pytestmark = pytest.mark.browser

GRAPH = "#coverage-gap-map"
_GD = "const gd = document.querySelector('#coverage-gap-map .js-plotly-plot');"


def test_hovering_a_gap_map_project_shows_its_title_from_the_server(dash_duo, tmp_path):
    from dashboard.data import snapshot
    from geodata.analysis import coverage as cov
    from geodata.analysis import coverage_view as cv
    from geodata.analysis.filters import FilterState
    from geodata.analysis.formatting import usd

    app = create_app()
    page = sys.modules["pages.coverage"]
    snap = snapshot()
    index, _, _ = page.coverage_inputs(snap)
    by_id = snap.projects.set_index("project_id")
    driver = dash_duo.driver

    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/coverage?dataset=all", timeout=20)
    try:
        until(
            driver,
            lambda: driver.execute_script(
                _GD + "return !!(gd && gd._fullData && gd._fullData.some(t => t.name && "
                "t.name.toLowerCase().includes('project') && t.lat && t.lat.length));"
            ),
            "project points on the gap map",
            timeout=40,
        )
        driver.execute_script("document.querySelector('#coverage-gap-map').scrollIntoView({block: 'center'})")
        at_rest(driver, GRAPH, "the gap map to come to rest")
        until(driver, lambda: callbacks_done(driver), "the page's callbacks")
        # projects crowd around the sites at the opening view: zoom in with the wheel, as a person would, on one
        first = next(m for m in markers(driver, GRAPH)[0] if m["project"])
        zoom = driver.execute_script(_GD + "return window.tfaPageMaps.mapOf(gd).getZoom()")
        for _ in range(4):
            driver.execute_cdp_cmd(
                "Input.dispatchMouseEvent",
                {"type": "mouseWheel", "x": first["x"], "y": first["y"], "deltaX": 0, "deltaY": -300},
            )
        at_rest(driver, GRAPH, "the gap map to finish zooming")
        assert driver.execute_script(_GD + "return window.tfaPageMaps.mapOf(gd).getZoom()") > zoom + 1
        drawn, box = markers(driver, GRAPH)
        point = loneliest_project(drawn, box, margin=60)
        mask = cov.site_project_mask(index, FilterState(dataset="all"))
        here = cv.drawn_at(index, mask, point["lon"], point["lat"])
        assert len(here), "the point drawn there is not one of the page's projects"
        record = by_id.loc[index.project_ids[here[0]]]

        move(driver, point["x"] - 25, point["y"] - 25)
        move(driver, point["x"], point["y"])
        shown = until(
            driver,
            lambda: (
                (t := tooltip(driver, "coverage-gap-tooltip"))
                and t["visible"]
                and str(record["title"]) in t["text"]
                and t
            ),
            f"the tooltip of {record.name!r}",
        )
        assert usd(record["committed_usd"], unknown="not given") in shown["text"]
        assert ("SAMPLE DATA" in shown["text"]) == bool(record["is_sample"])
        assert "Click for details" not in shown["text"]
        driver.save_screenshot(str(tmp_path / "gap-hover.png"))

        # off the point, onto empty map, and off the map altogether: the tooltip goes each time
        away = [empty_spot(drawn, box), (box["left"] - 25, point["y"])]
        hides_on_leaving(driver, "coverage-gap-tooltip", (point["x"], point["y"]), away)
    except Exception:
        driver.save_screenshot(str(tmp_path / "gap-hover-failure.png"))
        raise
