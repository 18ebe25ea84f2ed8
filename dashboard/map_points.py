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
