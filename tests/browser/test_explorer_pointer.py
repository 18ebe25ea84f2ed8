"""The explorer map with real pointer input (headless Chromium, dash_duo).

Every click, hover and drag here is a mouse event dispatched through the Chrome DevTools Protocol
(``Input.dispatchMouseEvent``) at the pixel where a point is drawn, which Chromium delivers to the page like a
person's mouse: it goes through MapLibre and Plotly's own hit-testing and through Dash's Graph, which builds
the event data the server receives. A point's pixel is found with the MapLibre map's ``project([lon, lat])``
plus the map container's position on the page. Expected results come from the drawn figure (which rows are
drawn where), never from constants.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from map_pointer import PROJECT_MARKERS, drag, empty_spot, project_row
from map_pointer import tooltip as pointer_tooltip
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from waits import callbacks_done, steady, until

from dashboard import config, data, figures, ids, map_points
from dashboard.app import create_app
from dashboard.camp_key import camp_key
from geodata.analysis.filters import FilterState
from geodata.analysis.formatting import usd

pytestmark = pytest.mark.browser

_GD = "const gd = document.querySelector('#explorer-map .js-plotly-plot');"

# Pixel positions (page CSS pixels) of every drawn marker of every Scattermap trace, with the project row
# (from the trace's decoded customdata) for project traces and the site id for camps, and of every project marker
# the page draws itself (assets/map_points.js: its row is read as the server reads a click on it).
_MARKERS = (
    _GD
    + """
const map = window.tfaPageMaps.mapOf(gd);
const box = map.getContainer().getBoundingClientRect();
const out = [];
gd._fullData.forEach((t, curve) => {
  if (t.type !== 'scattermap' || !t.lat || !t.visible) return;
  const kind = t.meta && t.meta.level ? 'project' : t.name;
  for (let i = 0; i < t.lat.length; i++) {
    if (t.lat[i] == null) continue;
    const p = map.project([t.lon[i], t.lat[i]]);
    out.push({kind: kind, curve: curve, x: box.left + p.x, y: box.top + p.y,
              id: t.customdata ? t.customdata[i] : null});
  }
});
const own = window.tfaPoints && window.tfaPoints.markers(gd);
(own ? own.markers : []).forEach(m => {
  const p = map.project([m.lon, m.lat]);
  out.push({kind: 'project', curve: m.curve, point: m.point, x: box.left + p.x, y: box.top + p.y, id: null});
});
return {markers: out, box: {left: box.left, top: box.top, right: box.right, bottom: box.bottom},
        key: own ? own.key : null};
"""
)


def _text(dash_duo, selector: str) -> str:
    return dash_duo.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : ''", selector
    )


def _stacked_rows(snap, reps) -> set[int]:
    """The rows the markers drawn for ``reps`` stand for (projects of one sector at one place share a marker)
    under the default view."""
    mask = snap.mask(map_points.drawn_state("all"))
    return {int(r) for rep in reps for r in np.flatnonzero(mask & (snap.stack_of == snap.stack_of[int(rep)]))}


def _marker_count(snap, state) -> int:
    """How many project markers the map draws for ``state`` (one per stack)."""
    return sum(len(d.starts) for d in snap.drawn_points(snap.mask(state)))


def _project_count(dash_duo) -> int:
    return max(dash_duo.driver.execute_script(PROJECT_MARKERS), 0)


def _start(dash_duo) -> None:
    dash_duo.start_server(create_app())
    until(dash_duo.driver, lambda: _project_count(dash_duo) > 0, timeout=60, what="project points on the map")
    until(
        dash_duo.driver,
        lambda: dash_duo.driver.execute_script(
            _GD + "return !!(gd && gd._ev && gd._ev.listeners('plotly_click').length "
            "&& gd._ev.listeners('plotly_selected').length);"
        ),
        what="the map to listen for clicks and selections",
    )
    _scroll_to_map(dash_duo)


_MAP_AT_REST = (
    _GD
    + """
const map = window.tfaPageMaps.mapOf(gd);
if (!map || !map.loaded() || map.isMoving()) return null;
const r = gd.getBoundingClientRect(), c = map.getCenter();
return [Math.round(r.top), Math.round(r.left), map.getZoom(), c.lng, c.lat, window.scrollY];
"""
)


def _map_at_rest(dash_duo, what: str) -> None:
    """Wait until the map has loaded, is not easing, and neither it nor the page has moved for a few polls."""
    steady(dash_duo.driver, lambda: dash_duo.driver.execute_script(_MAP_AT_REST), what)


def _scroll_to_map(dash_duo) -> None:
    dash_duo.driver.execute_script("document.querySelector('#explorer-map').scrollIntoView({block: 'center'})")
    _map_at_rest(dash_duo, "the page to stop scrolling to the map")


def _mouse(dash_duo, kind: str, x: float, y: float, count: int = 1) -> None:
    event = {"type": kind, "x": float(x), "y": float(y), "button": "left" if kind != "mouseMoved" else "none"}
    if kind in ("mousePressed", "mouseReleased"):
        event["clickCount"] = count
    dash_duo.driver.execute_cdp_cmd("Input.dispatchMouseEvent", event)


_HIDE_SHADING_TIP = "const tip0 = gd.querySelector('.map-shading-tip'); if (tip0) { tip0.hidden = true; }"
# a municipality's label, or a project's tooltip (shown once the server has answered the hover)
_TIP_SHOWN = (
    " || !!(gd.querySelector('.map-shading-tip:not([hidden])'))"
    f" || !!document.querySelector('#{ids.MAP_TOOLTIP}') && getComputedStyle("
    f"document.querySelector('#{ids.MAP_TOOLTIP}').closest('.dcc-tooltip-bounding-box')).display !== 'none';"
)


def _click(dash_duo, x: float, y: float) -> None:
    width, height = dash_duo.driver.execute_script("return [window.innerWidth, window.innerHeight]")
    assert 0 <= x < width and 0 <= y < height, f"({x:.0f}, {y:.0f}) is outside the {width}x{height} window"
    dash_duo.driver.execute_script(_GD + "gd._hoverdata = undefined;" + _HIDE_SHADING_TIP)
    _mouse(dash_duo, "mouseMoved", x - 3, y - 3)
    _mouse(dash_duo, "mouseMoved", x, y)
    # a click on the map reports what the pointer hovers: wait until it shows, as a person would (a camp's by
    # Plotly, a project's tooltip, a municipality's by the shading layer's label)
    until(
        dash_duo.driver,
        lambda: dash_duo.driver.execute_script(_GD + "return !!(gd._hoverdata && gd._hoverdata.length)" + _TIP_SHOWN),
        f"the map to report what lies under the pointer at ({x:.0f}, {y:.0f})",
    )
    _mouse(dash_duo, "mousePressed", x, y)
    _mouse(dash_duo, "mouseReleased", x, y)


def _drag(dash_duo, path: list[tuple[float, float]]) -> None:
    """Press at the first point, move through the others (button held), release at the last."""
    drag(dash_duo.driver, path)


def _markers(dash_duo) -> tuple[list[dict], dict]:
    found = dash_duo.driver.execute_script(_MARKERS)
    for m in found["markers"]:
        if m["id"] is None and m.get("point") is not None:
            m["id"] = project_row(found["key"], m["curve"], m["point"])
    return found["markers"], found["box"]


_HELD = (
    _GD
    + """
const map = window.tfaPageMaps.mapOf(gd), own = window.tfaPoints.markers(gd);
const faded = layer => JSON.stringify(map.getPaintProperty(window.tfaPoints.PREFIX + layer, 'circle-opacity'));
if (!own || [0, 1].some(layer => !faded(layer).includes('"held"'))) return null;
return own.markers.filter(m => map.getFeatureState({source: window.tfaPoints.PREFIX + m.level, id: m.point}).held)
  .map(m => [m.curve, m.point]);
"""
)


# The page's own project markers MapLibre draws with a radius: the whole data's, less those a filter hides.
_DRAWN_MARKERS = (
    _GD
    + """
const map = window.tfaPageMaps.mapOf(gd), prefix = window.tfaPoints.PREFIX;
let n = 0;
for (const level of [0, 1]) {
  const features = map.querySourceFeatures(prefix + level);
  const seen = new Set();
  for (const f of features) {
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    const state = map.getFeatureState({source: prefix + level, id: f.id});
    if (state.r !== 0) n += 1;
  }
}
return n;
"""
)


def _drawn_markers(dash_duo) -> int:
    return dash_duo.driver.execute_script(_DRAWN_MARKERS)


def _held(dash_duo) -> set[tuple[int, int]] | None:
    """The page's own project markers a selection holds (the rest faded), or None when none are faded."""
    held = dash_duo.driver.execute_script(_HELD)
    return None if held is None else {tuple(h) for h in held}


def _inside(box: dict, x: float, y: float, margin: float = 60) -> bool:
    return box["left"] + margin < x < box["right"] - margin and box["top"] + margin < y < box["bottom"] - margin


def _isolated_project(markers: list[dict], box: dict, clearance: float = 24) -> tuple[dict, set[int]]:
    """A project marker well inside the map with no marker of anything else within ``clearance`` pixels, and
    the rows of the projects drawn at that same spot (several projects can share a municipal seat)."""
    for m in markers:
        if m["kind"] != "project" or not _inside(box, m["x"], m["y"]):
            continue
        near = [o for o in markers if abs(o["x"] - m["x"]) < clearance and abs(o["y"] - m["y"]) < clearance]
        if all(o["kind"] == "project" and abs(o["x"] - m["x"]) < 1 and abs(o["y"] - m["y"]) < 1 for o in near):
            return m, {int(o["id"]) for o in near}
    raise AssertionError("no isolated project marker on the map")


def _modebar(dash_duo, title: str) -> None:
    """Choose a drag mode in the map's modebar with the pointer (the modebar shows on hover)."""
    graph = dash_duo.find_element(f"#{ids.MAP}")
    ActionChains(dash_duo.driver).move_to_element(graph).perform()
    button = dash_duo.find_element(f"#{ids.MAP} .modebar-btn[data-title='{title}']")
    until(  # its buttons fade in
        dash_duo.driver,
        lambda: dash_duo.driver.execute_script(
            "return getComputedStyle(arguments[0].closest('.modebar-group')).opacity === '1'", button
        ),
        "the modebar to show",
    )
    ActionChains(dash_duo.driver).move_to_element(button).click().perform()
    until(
        dash_duo.driver,
        lambda: (
            dash_duo.driver.execute_script(_GD + "return gd._fullLayout.dragmode")
            == {"Box Select": "select", "Lasso Select": "lasso"}[title]
        ),
        what=f"the {title} mode",
    )


def _zoom(dash_duo) -> float:
    return dash_duo.driver.execute_script(_GD + "return gd._fullLayout.map.zoom")


_ON_TOP = """
const b = arguments[0], r = b.getBoundingClientRect();
const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
return [Math.round(r.top), Math.round(r.left), !!hit && (hit === b || b.contains(hit))];
"""


def _press(dash_duo, button_id: str) -> None:
    """Click a button like a person: once the page has stopped moving and nothing lies over it."""
    button = dash_duo.find_element(f"#{button_id}")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    steady(
        dash_duo.driver,
        lambda: (place := dash_duo.driver.execute_script(_ON_TOP, button))[2] and place or None,
        f"#{button_id} to stop moving and be on top",
        times=2,
    )
    button.click()


def _zoom_to_camps(dash_duo) -> None:
    _press(dash_duo, ids.CAMPS_ZOOM)
    until(dash_duo.driver, lambda: _zoom(dash_duo) > 11, what="the zoom to the Mitrovica camps")
    _map_at_rest(dash_duo, "the map to finish easing to the camps")
    # the button is under the map: scrolled to it, the map can be partly above the window; scroll back up to it
    _scroll_to_map(dash_duo)


def test_hovering_and_clicking_a_project_shows_its_tooltip_and_opens_its_details(dash_duo):
    _start(dash_duo)
    snap = data.snapshot()
    _zoom_to_camps(dash_duo)  # at the opening zoom the northern projects overlap
    markers, box = _markers(dash_duo)
    target, stacked = _isolated_project(markers, box)
    _mouse(dash_duo, "mouseMoved", target["x"] - 4, target["y"] - 4)
    _mouse(dash_duo, "mouseMoved", target["x"], target["y"])
    tooltip = until(dash_duo.driver, lambda: _text(dash_duo, f"#{ids.MAP_TOOLTIP}"), what="the project tooltip")
    rows = snap.projects.iloc[sorted(stacked)]
    row = next((r for _, r in rows.iterrows() if str(r["title"]) in tooltip), None)
    assert row is not None, f"tooltip {tooltip!r} names none of {list(rows['title'])}"
    assert usd(row["committed_usd"], unknown="not given") in tooltip
    assert ("SAMPLE DATA" in tooltip) == bool(row["is_sample"])
    # off the marker, onto empty map, and off the map altogether: the tooltip goes each time
    for x, y in (empty_spot(markers, box), (box["left"] - 25, target["y"])):
        _mouse(dash_duo, "mouseMoved", target["x"], target["y"])
        until(
            dash_duo.driver,
            lambda: (t := pointer_tooltip(dash_duo.driver, ids.MAP_TOOLTIP)) and t["visible"],
            what="the tooltip again",
        )
        _mouse(dash_duo, "mouseMoved", x, y)
        until(
            dash_duo.driver,
            lambda: not ((t := pointer_tooltip(dash_duo.driver, ids.MAP_TOOLTIP)) and t["visible"]),
            what=f"the tooltip to hide when the pointer leaves the marker for ({x:.0f}, {y:.0f})",
        )
    _click(dash_duo, target["x"], target["y"])
    title = until(dash_duo.driver, lambda: _text(dash_duo, f"#{ids.DETAIL_TITLE}"), what="the detail panel")
    assert title.startswith(str(row["title"]))  # the project the pointer is on, as the tooltip named it
    assert dash_duo.find_element(f"#{ids.DETAIL}").is_displayed()
    assert _text(dash_duo, "#kpi-projects-value") == str(snap.n)  # a click opens details; it does not filter
    assert dash_duo.get_logs() == []


def test_box_and_lasso_selection_narrow_the_kpis_and_table(dash_duo):
    _start(dash_duo)
    snap = data.snapshot()
    shown = int(snap.mask(map_points.drawn_state("all")).sum())
    until(dash_duo.driver, lambda: f"{shown} matching" in _text(dash_duo, f"#{ids.TABLE_NOTE}"), what="the table")
    markers, box = _markers(dash_duo)
    projects = [m for m in markers if m["kind"] == "project" and _inside(box, m["x"], m["y"], 80)]
    # a box around the first well-placed project, 70 px wide: the rows drawn inside it are the expected selection
    centre = projects[0]
    x0, y0, x1, y1 = centre["x"] - 35, centre["y"] - 35, centre["x"] + 35, centre["y"] + 35
    expected = _stacked_rows(snap, [m["id"] for m in projects if x0 <= m["x"] <= x1 and y0 <= m["y"] <= y1])
    _modebar(dash_duo, "Box Select")
    _drag(dash_duo, [(x0 + (x1 - x0) * k / 8, y0 + (y1 - y0) * k / 8) for k in range(9)])
    until(
        dash_duo.driver,
        lambda: _text(dash_duo, "#kpi-projects-value") == str(len(expected)),
        what="KPIs to narrow to the box",
    )
    until(
        dash_duo.driver,
        lambda: f"{len(expected)} matching" in _text(dash_duo, f"#{ids.TABLE_NOTE}"),
        what="the table to narrow",
    )
    assert "selected on the map" in _text(dash_duo, f"#{ids.SENTENCE}")

    def table_ids():
        return set(
            dash_duo.driver.execute_script(
                "return Array.from(document.querySelectorAll('#project-table .ag-row'))"
                ".map(r => r.getAttribute('row-id'))"
            )
        )

    inside = set(snap.projects["project_id"].iloc[sorted(expected)])
    until(dash_duo.driver, lambda: table_ids() and table_ids() <= inside, what="the table's rows to narrow")
    if config.POINTS_LAYER:  # the markers in the box stay as they were, the others fade
        boxed = {
            (m["curve"], m["point"])
            for m in markers
            if m["kind"] == "project" and x0 <= m["x"] <= x1 and y0 <= m["y"] <= y1
        }
        until(dash_duo.driver, lambda: _held(dash_duo) == boxed, what="the markers outside the box to fade")

    # a lasso (an octagon, 50 px across) around another project
    other = next(m for m in projects if int(m["id"]) not in expected)
    corners = [
        (other["x"] + 25 * dx, other["y"] + 25 * dy)
        for dx, dy in ((1, 0), (0.7, 0.7), (0, 1), (-0.7, 0.7), (-1, 0), (-0.7, -0.7), (0, -1), (0.7, -0.7), (1, 0))
    ]
    lasso = shapely.Polygon(corners)
    expected = _stacked_rows(snap, [m["id"] for m in projects if lasso.contains(shapely.Point(m["x"], m["y"]))])
    _modebar(dash_duo, "Lasso Select")
    path = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:], strict=False):
        path += [(ax + (bx - ax) * k / 4, ay + (by - ay) * k / 4) for k in range(4)]
    _drag(dash_duo, path + [corners[-1]])
    until(
        dash_duo.driver,
        lambda: _text(dash_duo, "#kpi-projects-value") == str(len(expected)),
        what="KPIs to narrow to the lasso",
    )
    # the lasso closed where it started: a selection, not a click on what lies there (a project, a municipality)
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.DETAIL}")  # the panel is not open
    assert "municipality=" not in dash_duo.driver.current_url
    if config.POINTS_LAYER:
        lassoed = {
            (m["curve"], m["point"])
            for m in markers
            if m["kind"] == "project" and lasso.contains(shapely.Point(m["x"], m["y"]))
        }
        until(dash_duo.driver, lambda: _held(dash_duo) == lassoed, what="the markers outside the lasso to fade")
    # a double click on the map clears the selection: every project again, none faded
    x, y = empty_spot(markers, box)
    _mouse(dash_duo, "mouseMoved", x, y)
    for count in (1, 2):
        _mouse(dash_duo, "mousePressed", x, y, count)
        _mouse(dash_duo, "mouseReleased", x, y, count)
    until(dash_duo.driver, lambda: _text(dash_duo, "#kpi-projects-value") == str(snap.n), what="the selection to clear")
    if config.POINTS_LAYER:
        until(dash_duo.driver, lambda: _held(dash_duo) is None, what="the markers to stop fading")
    assert dash_duo.get_logs() == []


def test_the_map_starts_in_the_first_screen_and_a_second_click_on_a_municipality_clears_it(dash_duo):
    _start(dash_duo)
    # the map first: at 1280x900, unscrolled, the map's top is on screen with at least 400 px of it showing
    dash_duo.driver.execute_script("window.scrollTo(0, 0)")
    until(dash_duo.driver, lambda: dash_duo.driver.execute_script("return window.scrollY === 0"), "the page top")
    _map_at_rest(dash_duo, "the page to stop scrolling to its top")
    top, height = dash_duo.driver.execute_script(
        f"const r = document.getElementById('{ids.MAP}').getBoundingClientRect(); return [r.top, window.innerHeight];"
    )
    assert 0 <= top and height - top >= 400, f"map top at {top} px of a {height} px window"
    snap = data.snapshot()
    municipalities = snap.static.municipalities
    unit = municipalities.loc[municipalities["code"] == "zubin-potok", "boundary_unit"].iloc[0]
    polygon = municipalities.loc[municipalities["boundary_unit"] == unit].geometry.union_all()
    minx, miny, maxx, maxy = polygon.bounds
    candidates = [
        (lat, lon)
        for lat in [miny + (maxy - miny) * k / 12 for k in range(1, 12)]
        for lon in [minx + (maxx - minx) * k / 12 for k in range(1, 12)]
        if polygon.buffer(-0.01).contains(shapely.Point(lon, lat))
    ]
    pixels = dash_duo.driver.execute_script(
        _GD + "const map = window.tfaPageMaps.mapOf(gd); const b = map.getContainer().getBoundingClientRect();"
        "return arguments[0].map(([lat, lon]) => { const p = map.project([lon, lat]);"
        " return [b.left + p.x, b.top + p.y]; });",
        candidates,
    )
    markers, box = _markers(dash_duo)
    x, y = next(
        (px, py)
        for px, py in pixels
        if _inside(box, px, py, 40) and all(abs(m["x"] - px) > 30 or abs(m["y"] - py) > 30 for m in markers)
    )
    _click(dash_duo, x, y)
    until(dash_duo.driver, lambda: "Zubin Potok" in _text(dash_duo, f"#{ids.SENTENCE}"), what="the municipality filter")
    assert "municipality=zubin-potok" in dash_duo.driver.current_url
    members = tuple(municipalities.loc[municipalities["boundary_unit"] == unit, "code"])
    count = int(snap.mask(FilterState(municipalities=members)).sum())
    until(
        dash_duo.driver,
        lambda: _text(dash_duo, "#kpi-projects-value") == str(count),
        what="the KPIs of the municipality",
    )
    markers = _marker_count(snap, FilterState(municipalities=members))
    until(dash_duo.driver, lambda: _project_count(dash_duo) == markers, what="the map to show only those projects")
    if config.POINTS_LAYER:  # what MapLibre draws: every other marker of the whole data hidden (radius 0)
        until(dash_duo.driver, lambda: _drawn_markers(dash_duo) == markers, what="the other markers to hide")
    # the same place clicked again (the map has not moved: what the filter changes sits beside it) clears it,
    # once the app has finished answering the first click and the map has redrawn
    until(dash_duo.driver, lambda: callbacks_done(dash_duo.driver), "the first click's callbacks to finish")
    _map_at_rest(dash_duo, "the map to redraw")
    _click(dash_duo, x, y)
    until(dash_duo.driver, lambda: "Zubin Potok" not in _text(dash_duo, f"#{ids.SENTENCE}"), what="the filter to clear")
    assert "municipality=" not in dash_duo.driver.current_url
    until(
        dash_duo.driver, lambda: _text(dash_duo, "#kpi-projects-value") == str(snap.n), what="the KPIs of every project"
    )
    assert dash_duo.get_logs() == []


def test_camps_are_numbered_listed_reachable_by_keyboard_and_zoomable(dash_duo):
    _start(dash_duo)
    key = camp_key(data.snapshot().static.camps)
    buttons = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.CAMP_KEY} button.camp-key-button")
    assert len(buttons) == len(key)
    for item, button in zip(key, buttons, strict=True):
        number = button.find_element(By.CSS_SELECTOR, ".camp-number").text
        assert number == str(item["number"]) and item["name_en"] in button.text

    # the keyboard: focus a site's entry in the key and press Enter
    last = key[-1]
    dash_duo.driver.execute_script(
        f"document.querySelectorAll('#{ids.CAMP_KEY} button.camp-key-button')[arguments[0]].focus()", len(key) - 1
    )
    ActionChains(dash_duo.driver).send_keys(Keys.ENTER).perform()
    until(
        dash_duo.driver, lambda: _text(dash_duo, f"#{ids.DETAIL_TITLE}") == last["name_en"], what="the site's history"
    )
    until(
        dash_duo.driver,
        lambda: _zoom(dash_duo) >= 13,
        what="the map to centre on the site",
    )
    ActionChains(dash_duo.driver).send_keys(Keys.ESCAPE).perform()
    until(
        dash_duo.driver,
        lambda: dash_duo.driver.execute_script(
            "const e = document.getElementById(arguments[0]); return !e || e.offsetParent === null", ids.DETAIL
        ),
        what="the panel to close",
    )

    # the whole map, then zoom to the Mitrovica cluster: its sites are then far apart on screen
    _press(dash_duo, ids.MAP_VIEW_RESET)
    until(dash_duo.driver, lambda: _zoom(dash_duo) < 10, what="the whole map")
    _zoom_to_camps(dash_duo)
    markers, box = _markers(dash_duo)
    cluster = [
        m
        for m in markers
        if m["curve"] == figures.CAMP_TRACE and m["id"] in {k["site_id"] for k in key if k["in_cluster"]}
    ]
    assert len(cluster) == sum(k["in_cluster"] for k in key)
    gaps = [
        ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5
        for i, a in enumerate(cluster)
        for b in cluster[i + 1 :]
    ]
    assert min(gaps) > 20  # markers are 19 px across: none hides another
    assert all(_inside(box, m["x"], m["y"], 10) for m in cluster)

    # a camp marker clicked with the pointer opens that camp's history
    target = cluster[0]
    _click(dash_duo, target["x"], target["y"])
    name = next(k["name_en"] for k in key if k["site_id"] == target["id"])
    until(dash_duo.driver, lambda: _text(dash_duo, f"#{ids.DETAIL_TITLE}") == name, what="the camp's history")
    assert dash_duo.get_logs() == []


def test_openstreetmap_unreachable_shows_a_notice_and_keeps_the_offline_map(dash_duo):
    _start(dash_duo)
    dash_duo.driver.execute_cdp_cmd("Network.enable", {})
    dash_duo.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*tile.openstreetmap.org*"]})
    label = dash_duo.driver.find_element(By.CSS_SELECTOR, f"label[for='{ids.BASE_MAP}']")
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
    label.click()
    until(
        dash_duo.driver, lambda: "could not be reached" in _text(dash_duo, f"#{ids.BASE_MAP_NOTICE}"), what="the notice"
    )
    assert not dash_duo.find_element(f"#{ids.BASE_MAP}").is_selected()
    style = dash_duo.driver.execute_script(_GD + "return gd._fullLayout.map.style")
    assert isinstance(style, dict)  # still the offline style
    logs = [entry["message"] for entry in dash_duo.get_logs() or []]
    assert not [m for m in logs if "Map error" in m]
    assert all("tile.openstreetmap.org" in m for m in logs)  # only the one blocked probe
