"""Which project a point on the explorer map is, from a click, hover or box/lasso event (no Dash import here).

The map's project traces carry their row positions as base64 typed arrays, which keeps a filter response
lean. Dash's Graph, however, copies ``customdata`` into its event data from the figure *prop*, where a typed
array is a ``{"dtype", "bdata"}`` spec and not a list, so the events that reach the server carry no
``customdata``. What they do carry is ``curveNumber`` and ``pointNumber`` (plus ``lat``/``lon``). The points
of a project trace are, in order, the rows of that trace's group that pass the filter the points were drawn
for (``map-points-key``), so the server rebuilds that list and indexes it. The event's coordinates are
checked against the row's: a point drawn for another version of the data never opens the wrong project.
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
    event order without repeats. Points of other traces (polygons, camps, settlements) are ignored, and so is
    a point whose coordinates do not match the row it maps to."""
    points = (event or {}).get("points") or []
    if not points:
        return []
    rows_by_trace = snap.split_by_trace(snap.mask(drawn_state(points_key)))
    out: dict[int, None] = {}
    for point in points:
        trace = point.get("curveNumber", -1)
        number = point.get("pointNumber", point.get("pointIndex"))
        if not (isinstance(trace, int) and PROJECT_TRACE_START <= trace < PROJECT_TRACE_START + N_PROJECT_TRACES):
            continue
        if not isinstance(number, int):
            continue
        rows = rows_by_trace[trace - PROJECT_TRACE_START]
        if not 0 <= number < len(rows):
            continue
        row = int(rows[number])
        if _same_place(snap, row, point):
            out[row] = None
    return list(out)


def _same_place(snap: Snapshot, row: int, point: dict) -> bool:
    lat, lon = point.get("lat"), point.get("lon")
    if lat is None or lon is None:  # an event without coordinates: trust the index
        return True
    return bool(
        np.isclose(snap.lat[row], lat, atol=COORD_TOLERANCE_DEG)
        and np.isclose(snap.lon[row], lon, atol=COORD_TOLERANCE_DEG)
    )
