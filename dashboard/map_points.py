"""Which project a point on a project map (the explorer's, the briefing's) is, from a click, hover or box/lasso
event (no Dash import here).

The map's project traces carry their row positions as base64 typed arrays, which keeps a filter response
lean. Dash's Graph, however, copies ``customdata`` into its event data from the figure *prop*, where a typed
array is a ``{"dtype", "bdata"}`` spec and not a list, so the events that reach the server carry no
``customdata``. What they do carry is ``curveNumber`` and ``pointNumber`` (plus ``lat``/``lon``). The points
of a project trace are, in order, the stacks of that trace's rows that pass the filter the points were drawn
for (``map-points-key``; projects of one sector at one place are one marker, ``Snapshot.drawn``), so the server
rebuilds that list and indexes it. The event's coordinates are
checked against the row's: a point drawn for another version of the data never opens the wrong project.

Where the page draws the points itself (``figures.points_layer``), a box or lasso selection's event holds no
project points, only its outline: ``region_rows`` finds the markers inside it.
"""

from __future__ import annotations

import numpy as np

from dashboard.data import N_PROJECT_TRACES, Snapshot
from dashboard.figures import PROJECT_TRACE_START
from geodata.analysis.filters import FilterState

#: Degrees: a point's event coordinates and the row's may differ by float32 rounding, never by more.
COORD_TOLERANCE_DEG = 1e-4


def drawn_state(points_key: str | None) -> FilterState:
    """The filter the map's project points were drawn for (the ``map-points-key`` store; "all": no filter)."""
    if not points_key or points_key == "all":
        return FilterState.from_query("")  # the default view (its dataset follows the store)
    return FilterState.from_query(points_key)


def event_rows(snap: Snapshot, points_key: str | None, event: dict | None) -> list[int]:
    """Row positions in ``snap.projects`` of the project points in a Plotly click/hover/selection event, in
    event order without repeats; a marker that stands for several projects at one place (a stack) gives all of
    them, the one it is drawn for first. Points of other traces (polygons, camps, settlements) are ignored, and
    so is a point whose coordinates do not match the row it maps to."""
    out: dict[int, None] = {}
    for stack in event_stacks(snap, points_key, event):
        out.update(dict.fromkeys(int(r) for r in stack))
    return list(out)


def event_stacks(snap: Snapshot, points_key: str | None, event: dict | None) -> list[np.ndarray]:
    """For each project point in the event (see ``event_rows``), the rows it stands for, largest first."""
    points = (event or {}).get("points") or []
    if not points:
        return []
    mask = snap.mask(drawn_state(points_key))
    drawn: dict[int, object] = {}
    out = []
    for point in points:
        trace = point.get("curveNumber", -1)
        number = point.get("pointNumber", point.get("pointIndex"))
        if not (isinstance(trace, int) and PROJECT_TRACE_START <= trace < PROJECT_TRACE_START + N_PROJECT_TRACES):
            continue
        if not isinstance(number, int):
            continue
        t = trace - PROJECT_TRACE_START
        if t not in drawn:
            drawn[t] = snap.drawn(t, mask)
        if not 0 <= number < len(drawn[t].starts):
            continue
        members = drawn[t].members(number)
        if _same_place(snap, int(members[0]), point):
            out.append(members)
    return out


def _same_place(snap: Snapshot, row: int, point: dict) -> bool:
    lat, lon = point.get("lat"), point.get("lon")
    if lat is None or lon is None:  # an event without coordinates: trust the index
        return True
    return bool(
        np.isclose(snap.lat[row], lat, atol=COORD_TOLERANCE_DEG)
        and np.isclose(snap.lon[row], lon, atol=COORD_TOLERANCE_DEG)
    )


def region_rows(snap: Snapshot, points_key: str | None, event: dict | None) -> list[int]:
    """Row positions of the project markers inside a box or lasso selection's outline (the event's ``range`` or
    ``lassoPoints`` on the map subplot, as longitude and latitude), every project of a marker that is inside, in
    drawing order; [] without an outline. Inside is tested as plotly.js tests its points, in the map's pixels,
    that is in Web Mercator, where the outline's edges are the straight lines the pointer drew."""
    inside = _outline_test(event)
    if inside is None:
        return []
    mask = snap.mask(drawn_state(points_key))
    found = []
    for drawn in snap.drawn_points(mask):
        if len(drawn.starts) == 0:
            continue
        shown = drawn.shown
        held = inside(*_mercator(snap.lon[shown], snap.lat[shown]))
        found.append(drawn.rows[np.repeat(held, np.diff(np.r_[drawn.starts, len(drawn.rows)]))])
    return [int(r) for r in np.concatenate(found)] if found else []


def _mercator(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon = np.radians(np.asarray(lon, dtype=np.float64))
    lat = np.radians(np.clip(np.asarray(lat, dtype=np.float64), -85.0, 85.0))
    return lon, np.log(np.tan(np.pi / 4 + lat / 2))


def _outline_test(event: dict | None):
    """A test ``(x, y) -> bool array`` in Web Mercator for the event's lasso or box on a map subplot, or None."""
    event = event if isinstance(event, dict) else {}
    try:
        lasso = _on_map(event.get("lassoPoints"))
        if lasso is not None and len(lasso) >= 3:
            vx, vy = _mercator(*np.asarray(lasso, dtype=np.float64).T)
            return lambda x, y: _crossings_inside(np.r_[vx, vx[:1]], np.r_[vy, vy[:1]], x, y)
        corners = _on_map(event.get("range"))
        if corners is not None and len(corners) == 2:
            (x0, x1), (y0, y1) = (sorted(v) for v in _mercator(*np.asarray(corners, dtype=np.float64).T))
            return lambda x, y: (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    except (TypeError, ValueError):  # not an outline of numbers: nothing is selected
        return None
    return None


def _on_map(value) -> list | None:
    """The outline given for the map subplot ("map", "map2", ...) of an event's ``range`` or ``lassoPoints``."""
    if not isinstance(value, dict):
        return None
    return next((v for k, v in value.items() if str(k).startswith("map") and isinstance(v, list)), None)


def _crossings_inside(vx: np.ndarray, vy: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Inside the closed ring ``vx, vy`` by counting edge crossings to the right (odd: inside), as plotly.js
    tests a lasso, which may cross itself."""
    inside = np.zeros(len(x), dtype=bool)
    for ax, ay, bx, by in zip(vx[:-1], vy[:-1], vx[1:], vy[1:], strict=True):
        spans = (ay > y) != (by > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = ax + (y - ay) * (bx - ax) / (by - ay)
        inside ^= spans & (x < cross)
    return inside
