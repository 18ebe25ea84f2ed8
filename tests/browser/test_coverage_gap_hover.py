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
from map_pointer import empty_spot, tooltip
from waits import callbacks_done, steady, until

from dashboard.app import create_app

pytestmark = pytest.mark.browser

_GD = "const gd = document.querySelector('#coverage-gap-map .js-plotly-plot');"

# Every drawn marker of the gap map in page pixels: project points (with their location row) and the rest.
_MARKERS = (
    _GD
    + """
const sub = gd._fullLayout.map._subplot;
const box = sub.map.getContainer().getBoundingClientRect();
const out = [];
gd._fullData.forEach(t => {
  if (t.type !== 'scattermap' || !t.lat) return;
  const project = !!(t.name && t.name.toLowerCase().includes('project'));
  for (let i = 0; i < t.lat.length; i++) {
    const p = sub.map.project([t.lon[i], t.lat[i]]);
    out.push({project: project, x: box.left + p.x, y: box.top + p.y, lon: t.lon[i], lat: t.lat[i]});
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


def _isolated(markers: list[dict], box: dict, margin: float = 60, least: float = 8) -> dict:
    """The project point inside the map that stands furthest from any other marker (Plotly's hover picks the
    point nearest the pointer, so the pointer on it is unambiguous when the next marker is ``least`` px away)."""
    best, room = None, 0.0
    for m in markers:
        inside = (
            box["left"] + margin < m["x"] < box["right"] - margin
            and box["top"] + margin < m["y"] < box["bottom"] - margin
        )
        if not m["project"] or not inside:
            continue
        gap = min(
            (((o["x"] - m["x"]) ** 2 + (o["y"] - m["y"]) ** 2) ** 0.5 for o in markers if o is not m), default=1e9
        )
        if gap > room:
            best, room = m, gap
    assert best is not None and room >= least, f"no project point stands {least} px apart (best {room:.1f} px)"
    return best


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
        steady(driver, lambda: driver.execute_script(_AT_REST), "the gap map to come to rest")
        until(driver, lambda: callbacks_done(driver), "the page's callbacks")
        # projects crowd around the sites at the opening view: zoom in with the wheel, as a person would, on one
        found = driver.execute_script(_MARKERS)
        first = next(m for m in found["markers"] if m["project"])
        zoom = driver.execute_script(_GD + "return gd._fullLayout.map._subplot.map.getZoom()")
        for _ in range(4):
            driver.execute_cdp_cmd(
                "Input.dispatchMouseEvent",
                {"type": "mouseWheel", "x": first["x"], "y": first["y"], "deltaX": 0, "deltaY": -300},
            )
        steady(driver, lambda: driver.execute_script(_AT_REST), "the gap map to finish zooming")
        assert driver.execute_script(_GD + "return gd._fullLayout.map._subplot.map.getZoom()") > zoom + 1
        found = driver.execute_script(_MARKERS)
        markers, box = found["markers"], found["box"]
        point = _isolated(markers, box)
        mask = cov.site_project_mask(index, FilterState(dataset="all"))
        here = cv.drawn_at(index, mask, point["lon"], point["lat"])
        assert len(here), "the point drawn there is not one of the page's projects"
        record = by_id.loc[index.project_ids[here[0]]]

        _move(driver, point["x"] - 25, point["y"] - 25)
        _move(driver, point["x"], point["y"])
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
        for x, y in (empty_spot(markers, box), (box["left"] - 25, point["y"])):
            _move(driver, point["x"], point["y"])
            until(driver, lambda: (t := tooltip(driver, "coverage-gap-tooltip")) and t["visible"], "the tooltip again")
            _move(driver, x, y)
            until(
                driver,
                lambda: not ((t := tooltip(driver, "coverage-gap-tooltip")) and t["visible"]),
                f"the tooltip to hide when the pointer leaves the point for ({x:.0f}, {y:.0f})",
            )
    except Exception:
        driver.save_screenshot(str(tmp_path / "gap-hover-failure.png"))
        raise
