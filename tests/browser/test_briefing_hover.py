"""The briefing page's map with a real pointer: hovering a project shows its tooltip from the server (the figure
carries no text per point), with no "Click for details" (a click there opens nothing), and leaving the map
hides it.

The pointer is moved with DevTools mouse events to the pixel where a marker is drawn (MapLibre's ``project``
plus the map container's position). Which projects a marker stands for comes from the marker's decoded row and
the app's own snapshot, never a constant.
"""

from __future__ import annotations

import numpy as np
import pytest
from map_pointer import at_rest, empty_spot, hides_on_leaving, loneliest_project, markers, move, tooltip
from waits import callbacks_done, until

from dashboard import data
from dashboard.app import create_app
from geodata.analysis.filters import FilterState
from geodata.analysis.formatting import usd

pytestmark = pytest.mark.browser

QUERY = "sector=health"
GRAPH = "#briefing-graph-map"


def test_hovering_a_briefing_map_project_shows_its_tooltip_and_leaving_hides_it(dash_duo, tmp_path, monkeypatch):
    monkeypatch.setenv("TFA_JOBS_DIR", str(tmp_path / "jobs"))
    driver = dash_duo.driver
    dash_duo.start_server(create_app())
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/briefing?{QUERY}", timeout=30)
    try:
        dash_duo.wait_for_element("#briefing-panel-map .maplibregl-canvas", timeout=30)
        driver.execute_script("document.getElementById('briefing-panel-map').scrollIntoView({block: 'start'})")
        at_rest(driver, GRAPH, "the briefing map to come to rest")
        until(driver, lambda: callbacks_done(driver), "the page's callbacks")
        drawn, box = markers(driver, GRAPH)
        marker = loneliest_project(drawn, box)

        snap = data.snapshot()
        mask = snap.mask(FilterState.from_query(QUERY))
        row = int(marker["row"])
        stack = np.flatnonzero(mask & (snap.stack_of == snap.stack_of[row]))  # the projects this marker stands for
        titles = {str(snap.projects["title"].iat[r]): r for r in stack}

        move(driver, marker["x"] - 20, marker["y"] - 20)
        move(driver, marker["x"], marker["y"])
        shown = until(
            driver,
            lambda: (t := tooltip(driver, "briefing-map-tooltip")) and t["visible"] and t["text"] and t,
            "the project's tooltip",
        )
        named = [title for title in titles if title in shown["text"]]
        assert named, f"the tooltip {shown['text']!r} names none of {sorted(titles)}"
        record = snap.projects.iloc[titles[named[0]]]
        assert usd(record["committed_usd"], unknown="not given") in shown["text"]
        assert ("SAMPLE DATA" in shown["text"]) == bool(record["is_sample"])
        assert "Click for details" not in shown["text"]
        # the whole tooltip is on the screen, whether the marker is high or low on the map
        top, bottom, height = driver.execute_script(
            "const r = document.getElementById('briefing-map-tooltip').closest('.hover').getBoundingClientRect();"
            "return [r.top, r.bottom, window.innerHeight];"
        )
        assert 0 <= top and bottom <= height, f"the tooltip spans {top:.0f}-{bottom:.0f} px of a {height} px window"
        driver.save_screenshot(str(tmp_path / "briefing-hover.png"))

        # onto empty map, and above the map: the tooltip goes each time
        away = [empty_spot(drawn, box), (box["left"] + 10, box["top"] - 30)]
        hides_on_leaving(driver, "briefing-map-tooltip", (marker["x"], marker["y"]), away)
    except Exception:
        driver.save_screenshot(str(tmp_path / "briefing-hover-failure.png"))
        raise
