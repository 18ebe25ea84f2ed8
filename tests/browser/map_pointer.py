"""Shared by the map pointer tests: where a map's markers are drawn, whether the map is at rest, where on it
nothing is drawn, a real pointer move, click and drag, and whether a ``dcc.Tooltip`` shows.

A marker's pixel is MapLibre's ``project([lon, lat])`` plus the map container's position on the page, so a
DevTools mouse event sent there reaches MapLibre, Plotly's hit-testing and Dash's Graph as a person's does.
"""

from __future__ import annotations

import math
import time

import numpy as np
import shapely
from waits import next_frame, steady, until

from dashboard import data, map_points

# Every drawn marker of the map in graph ``arguments[0]`` (a CSS selector) in page pixels. A project marker is one
# of a trace with ``meta.level`` (the briefing's map, the explorer's with TFA_POINTS_LAYER=0), one the page draws
# itself (the explorer's: assets/map_points.js, with its trace and number) or one of a trace named for projects
# (the gap map); its ``row`` is its decoded customdata, where it has any. ``key``: the filter the page's own
# project markers were drawn for (None without them).
_MARKERS = """
const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
const map = window.tfaPageMaps.mapOf(gd);
const box = map.getContainer().getBoundingClientRect();
const out = [];
gd._fullData.forEach(t => {
  if (t.type !== 'scattermap' || !t.lat || t.visible === false) return;
  const project = !!((t.meta && t.meta.level) || (t.name && t.name.toLowerCase().includes('project')));
  for (let i = 0; i < t.lat.length; i++) {
    if (t.lat[i] == null) continue;
    const p = map.project([t.lon[i], t.lat[i]]);
    out.push({project: project, x: box.left + p.x, y: box.top + p.y, lon: t.lon[i], lat: t.lat[i],
              row: project && t.customdata ? t.customdata[i] : null});
  }
});
const own = window.tfaPoints && window.tfaPoints.markers(gd);
(own ? own.markers : []).forEach(m => {
  const p = map.project([m.lon, m.lat]);
  out.push({project: true, x: box.left + p.x, y: box.top + p.y, lon: m.lon, lat: m.lat, row: null,
            curve: m.curve, point: m.point});
});
return {markers: out, box: {left: box.left, top: box.top, right: box.right, bottom: box.bottom},
        key: own ? own.key : null};
"""

#: How many project markers the explorer map draws (the page's own, or its project traces' points); -1 before
#: the map is there.
PROJECT_MARKERS = """
const gd = document.querySelector('#explorer-map .js-plotly-plot');
if (!gd || !gd._fullData) return -1;
const own = window.tfaPoints && window.tfaPoints.markers(gd);
let n = own ? own.markers.length : 0;
for (const t of gd._fullData) { if (t.meta && t.meta.level && t.lat) n += t.lat.length; }
return n;
"""

_AT_REST = """
const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
const map = window.tfaPageMaps.mapOf(gd);
if (!map || !map.loaded() || map.isMoving()) return null;
const r = gd.getBoundingClientRect(), c = map.getCenter();
return [Math.round(r.top), Math.round(r.left), map.getZoom(), c.lng, c.lat, window.scrollY];
"""

_TOOLTIP = """
const e = document.getElementById(arguments[0]);
const box = e && e.closest('.dcc-tooltip-bounding-box');
if (!box) return null;
return {text: e.textContent, visible: getComputedStyle(box).display !== 'none'};
"""


def markers(driver, graph: str) -> tuple[list[dict], dict]:
    """(markers, the map's box) of the map in ``graph`` (a CSS selector of its dcc.Graph). A project marker the
    page draws itself gets the ``row`` it stands for from the server's reading of its trace and number, as a
    click on it is read (``dashboard.map_points``)."""
    found = driver.execute_script(_MARKERS, graph)
    for m in found["markers"]:
        if m["row"] is None and m.get("curve") is not None:
            m["row"] = project_row(found["key"], m["curve"], m["point"])
    return found["markers"], found["box"]


def project_row(key: str | None, curve: int, point: int) -> int:
    """The row a project marker stands for (its stack's largest project): marker ``point`` of trace ``curve`` on
    a map drawn for the filter ``key``."""
    event = {"points": [{"curveNumber": curve, "pointNumber": point}]}
    return int(map_points.event_stacks(data.snapshot(), key, event)[0][0])


def at_rest(driver, graph: str, what: str) -> None:
    """Wait until the map has loaded, is not moving, and neither it nor the page has moved for a few polls."""
    steady(driver, lambda: driver.execute_script(_AT_REST, graph), what)


def move(driver, x: float, y: float) -> None:
    """A real pointer move to page pixel (x, y)."""
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": float(x), "y": float(y)})


def click(driver, x: float, y: float, hold: float = 0.0) -> None:
    """A real left click at page pixel (x, y): the pointer moves there, presses and releases. ``hold`` seconds
    pass between the move, the press and the release, as in a person's click (Plotly's charts find what was
    clicked from their hover, computed at most every 50 ms: see tests/browser/test_chart_clicks.py)."""
    for kind, extra in (("mouseMoved", {}), ("mousePressed", {"clickCount": 1}), ("mouseReleased", {"clickCount": 1})):
        driver.execute_cdp_cmd(
            "Input.dispatchMouseEvent", {"type": kind, "x": float(x), "y": float(y), "button": "left", **extra}
        )
        if hold and kind != "mouseReleased":
            time.sleep(hold)


def drag(driver, path: list[tuple[float, float]]) -> None:
    """A real drag along page pixels ``path``: press at the first, move through the others with the button held
    (each move handled and drawn before the next), release at the last."""
    x0, y0 = path[0]
    move(driver, x0, y0)
    driver.execute_cdp_cmd(
        "Input.dispatchMouseEvent",
        {"type": "mousePressed", "x": float(x0), "y": float(y0), "button": "left", "clickCount": 1},
    )
    for x, y in path[1:]:
        driver.execute_cdp_cmd(
            "Input.dispatchMouseEvent",
            {"type": "mouseMoved", "x": float(x), "y": float(y), "button": "left", "buttons": 1},
        )
        next_frame(driver)
    x1, y1 = path[-1]
    driver.execute_cdp_cmd(
        "Input.dispatchMouseEvent",
        {"type": "mouseReleased", "x": float(x1), "y": float(y1), "button": "left", "clickCount": 1},
    )


def loneliest_project(found: list[dict], box: dict, margin: float = 40, least: float = 8) -> dict:
    """The project marker inside the map that stands furthest from every other marker. Plotly's hover picks the
    marker nearest the pointer, so the pointer on it is unambiguous when the next one is ``least`` px away."""
    best, room = None, 0.0
    for m in found:
        inside = (
            box["left"] + margin < m["x"] < box["right"] - margin
            and box["top"] + margin < m["y"] < box["bottom"] - margin
        )
        if not m["project"] or not inside:
            continue
        gap = min((math.hypot(o["x"] - m["x"], o["y"] - m["y"]) for o in found if o is not m), default=math.inf)
        if gap > room:
            best, room = m, gap
    assert best is not None and room >= least, f"no project marker stands {least} px apart (best {room:.1f} px)"
    return best


def tooltip(driver, component_id: str) -> dict | None:
    """{"text", "visible"} of the ``dcc.Tooltip`` with this id (hidden: its bounding box is not displayed)."""
    return driver.execute_script(_TOOLTIP, component_id)


def hides_on_leaving(driver, component_id: str, at: tuple[float, float], away: list[tuple[float, float]]) -> None:
    """For each pixel in ``away``: the pointer on ``at`` shows tooltip ``component_id``; moved there, it hides."""
    for x, y in away:
        move(driver, *at)
        until(driver, lambda: (t := tooltip(driver, component_id)) and t["visible"], "the tooltip again")
        move(driver, x, y)
        until(
            driver,
            lambda: not ((t := tooltip(driver, component_id)) and t["visible"]),
            f"the tooltip to hide when the pointer leaves for ({x:.0f}, {y:.0f})",
        )


def empty_spot(found: list[dict], box: dict, clearance: float = 60) -> tuple[float, float]:
    """A pixel inside the map ``box`` with no marker within ``clearance`` pixels."""
    for fy in (0.15, 0.3, 0.5, 0.7, 0.85):
        for fx in (0.1, 0.25, 0.5, 0.75, 0.9):
            x = box["left"] + fx * (box["right"] - box["left"])
            y = box["top"] + fy * (box["bottom"] - box["top"])
            if all(abs(o["x"] - x) >= clearance or abs(o["y"] - y) >= clearance for o in found):
                return x, y
    raise AssertionError("no empty spot on the map")


_PROJECT = """
const gd = document.querySelector(arguments[0] + ' .js-plotly-plot');
const m = window.tfaPageMaps.mapOf(gd), b = m.getContainer().getBoundingClientRect();
return arguments[1].map(([lon, lat]) => { const p = m.project([lon, lat]); return [b.left + p.x, b.top + p.y]; });
"""


def inside_unit(driver, graph: str, code: str) -> tuple[float, float]:
    """A page pixel well inside the boundary unit of municipality ``code`` on the map in ``graph``, at least 30 px
    from any marker and 40 px from the map's edges."""
    pixels = inside_unit_pixels(driver, graph, code)
    if not pixels:
        raise AssertionError(f"no free pixel inside {code} on the map")
    return pixels[0]


def inside_unit_pixels(driver, graph: str, code: str) -> list[tuple[float, float]]:
    """Every such pixel of a grid laid over the unit (see ``inside_unit``)."""
    units = data.snapshot().static.municipalities
    unit = units.loc[units["code"] == code, "boundary_unit"].iloc[0]
    polygon = units.loc[units["boundary_unit"] == unit].geometry.union_all().buffer(-0.01)
    minx, miny, maxx, maxy = polygon.bounds
    candidates = [
        (lon, lat)
        for lat in np.linspace(miny, maxy, 13)[1:-1]
        for lon in np.linspace(minx, maxx, 13)[1:-1]
        if polygon.contains(shapely.Point(lon, lat))
    ]
    found, box = markers(driver, graph)
    out = []
    for x, y in driver.execute_script(_PROJECT, graph, candidates):
        inside = box["left"] + 40 < x < box["right"] - 40 and box["top"] + 40 < y < box["bottom"] - 40
        if inside and all(abs(m["x"] - x) > 30 or abs(m["y"] - y) > 30 for m in found):
            out.append((x, y))
    return out
