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
from map_pointer import empty_spot, tooltip
from waits import callbacks_done, steady, until

from dashboard import data
from dashboard.app import create_app
from geodata.analysis.filters import FilterState
from geodata.analysis.formatting import usd

pytestmark = pytest.mark.browser

QUERY = "sector=health"
_GD = "const gd = document.querySelector('#briefing-graph-map .js-plotly-plot');"

_MARKERS = (
    _GD
    + """
const sub = gd._fullLayout.map._subplot;
const box = sub.map.getContainer().getBoundingClientRect();
const out = [];
gd._fullData.forEach(t => {
  if (t.type !== 'scattermap' || !t.lat || t.visible === false) return;
  const project = !!(t.meta && t.meta.level);
  for (let i = 0; i < t.lat.length; i++) {
    if (t.lat[i] == null) continue;
    const p = sub.map.project([t.lon[i], t.lat[i]]);
    out.push({project: project, x: box.left + p.x, y: box.top + p.y, row: project ? t.customdata[i] : null});
  }
});
return {markers: out, box: {left: box.left, top: box.top, right: box.right, bottom: box.bottom}};
"""
)

_AT_REST = (
    _GD
    + """
const sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
if (!sub || !sub.map.loaded() || sub.map.isMoving()) return null;
const r = gd.getBoundingClientRect(), c = sub.map.getCenter();
return [Math.round(r.top), Math.round(r.left), sub.map.getZoom(), c.lng, c.lat, window.scrollY];
"""
)


def _move(driver, x: float, y: float) -> None:
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": float(x), "y": float(y)})


def _loneliest_project(markers: list[dict], box: dict, margin: float = 40) -> dict:
    """The project marker inside the map that stands furthest from every other marker."""
    best, room = None, 0.0
    for m in markers:
        inside = (
            box["left"] + margin < m["x"] < box["right"] - margin
            and box["top"] + margin < m["y"] < box["bottom"] - margin
        )
        if not m["project"] or not inside:
            continue
        gap = min((np.hypot(o["x"] - m["x"], o["y"] - m["y"]) for o in markers if o is not m), default=1e9)
        if gap > room:
            best, room = m, gap
    assert best is not None and room >= 8, f"no project marker stands 8 px apart (best {room:.1f} px)"
    return best


def test_hovering_a_briefing_map_project_shows_its_tooltip_and_leaving_hides_it(dash_duo, tmp_path, monkeypatch):
    monkeypatch.setenv("TFA_JOBS_DIR", str(tmp_path / "jobs"))
    driver = dash_duo.driver
    dash_duo.start_server(create_app())
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/briefing?{QUERY}", timeout=30)
    try:
        dash_duo.wait_for_element("#briefing-panel-map .maplibregl-canvas", timeout=30)
        driver.execute_script("document.getElementById('briefing-panel-map').scrollIntoView({block: 'start'})")
        steady(driver, lambda: driver.execute_script(_AT_REST), "the briefing map to come to rest")
        until(driver, lambda: callbacks_done(driver), "the page's callbacks")
        found = driver.execute_script(_MARKERS)
        markers, box = found["markers"], found["box"]
        marker = _loneliest_project(markers, box)

        snap = data.snapshot()
        mask = snap.mask(FilterState.from_query(QUERY))
        row = int(marker["row"])
        stack = np.flatnonzero(mask & (snap.stack_of == snap.stack_of[row]))  # the projects this marker stands for
        titles = {str(snap.projects["title"].iat[r]): r for r in stack}

        _move(driver, marker["x"] - 20, marker["y"] - 20)
        _move(driver, marker["x"], marker["y"])
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

        for x, y in (empty_spot(markers, box), (box["left"] + 10, box["top"] - 30)):  # empty map; above the map
            _move(driver, marker["x"], marker["y"])
            until(driver, lambda: (t := tooltip(driver, "briefing-map-tooltip")) and t["visible"], "the tooltip again")
            _move(driver, x, y)
            until(
                driver,
                lambda: not ((t := tooltip(driver, "briefing-map-tooltip")) and t["visible"]),
                f"the tooltip to hide when the pointer leaves for ({x:.0f}, {y:.0f})",
            )
    except Exception:
        driver.save_screenshot(str(tmp_path / "briefing-hover-failure.png"))
        raise
