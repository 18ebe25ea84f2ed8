"""The explorer's project points as MapLibre layers of the page's own (the fast path, ``config.POINTS_LAYER``).

plotly.js draws a scattermap trace as a GeoJSON source built anew on every redraw, a feature per point with its
own colour, size and opacity, which MapLibre's worker then cuts into tiles again: at 10,000 projects about 190 of
a filter click's 310-370 ms, at 100,000 about 830 of 1,060 ms. The same points as a source and circle layer of
the page's own, with the colour looked up from the sector code by the layer, took 0.38-0.52 of that time
(``bench/points_layer_bound.py``). So here the markers travel beside the figure, in a store, as the typed arrays
the traces' patch carried (``points``), and ``assets/map_points.js`` sets them as one GeoJSON source and circle
layer per level, where the traces were drawn (under the style's ``tfa-projects-site`` and
``tfa-projects-municipality`` markers). The traces stay in the figure, empty, so every trace keeps its number
(``curveNumber``) and place.

What the traces gave for free is kept:
* the look: the radius half the marker size, the sector's colour, the level's opacity (``PROJECT_OPACITY``);
* hover: the marker nearest the pointer whose edge lies within the layout's ``hoverdistance`` (plotly.js's rule
  for map points), reported as the Graph's ``hoverData`` of the trace's shape (``curveNumber``, ``pointNumber``,
  ``lat``, ``lon``, ``bbox``), so the page's tooltip callback reads it as before (``dashboard.map_points``);
* a click: the Graph's ``clickData`` of the same shape;
* box and lasso selection: plotly.js still draws the box or lasso and puts its outline in the Graph's
  ``selectedData`` (``range`` or ``lassoPoints``); the server finds the markers inside
  (``map_points.region_rows``) and tells the page which markers the selection holds (``selected``): the others
  are faded as plotly.js faded them.

The briefing and the exports draw their maps without this script: they keep the traces (``map._project_traces``).
"""

from __future__ import annotations

import numpy as np

from dashboard.data import LEVELS, TRACE_PER_SECTOR, Snapshot
from dashboard.figures.encoding import project_trace_specs, typed
from dashboard.figures.map import PROJECT_TRACE_START
from dashboard.figures.style import PROJECT_OPACITY, SECTOR_COLOURS
from geodata.facts.layers import SECTORS

#: The style's marker layers the points are drawn under, per level (``config.MAP_ANCHORS``).
ANCHORS = tuple(f"tfa-projects-{level}" for level in LEVELS)
#: What a selection leaves of a marker's opacity outside it (plotly.js's factor for unselected points).
UNSELECTED_FACTOR = 0.2


def points(snap: Snapshot, mask: np.ndarray, key: str) -> dict:
    """The project markers for the rows in ``mask`` (drawn for the filter ``key``, as ``map-points-key``): per
    level (``traces``, in the project traces' order), the markers' ``lat``, ``lon`` (float32), ``size`` (px,
    uint8) and sector ``code`` (uint8) as typed-array specs (``[]`` when none); the ``curves`` a hover, click or
    selection reports them under; the sector ``colours`` by code, the ``opacity`` per level, the factor a
    selection leaves of a marker outside it (``unselected``) and the style ``anchors`` to draw under."""
    if TRACE_PER_SECTOR:
        raise ValueError("the points layer draws one trace per level, coloured by sector code (TFA_FAST=1)")
    traces = [
        {"lat": spec["lat"], "lon": spec["lon"], "size": spec["size"], "code": spec["color"]}
        for spec in project_trace_specs(snap, mask)
    ]
    return {
        "key": key,
        "curves": [PROJECT_TRACE_START + level for level in range(len(traces))],
        "traces": traces,
        "colours": [SECTOR_COLOURS[s] for s in SECTORS],
        "opacity": list(PROJECT_OPACITY),
        "unselected": UNSELECTED_FACTOR,
        "anchors": list(ANCHORS),
    }


def selected(snap: Snapshot, mask: np.ndarray, chosen: np.ndarray, key: str) -> dict | None:
    """Which markers drawn for ``mask`` (the map's filter, ``key``) hold a row of ``chosen`` (a box or lasso
    selection, as a row mask): per level, their numbers (int32 typed-array specs); None without a selection."""
    if not chosen.any():
        return None
    markers = []
    for drawn in snap.drawn_points(mask):
        if len(drawn.starts) == 0:
            markers.append([])
            continue
        held = np.logical_or.reduceat(chosen[drawn.rows], drawn.starts)
        markers.append(typed(np.flatnonzero(held).astype(np.int32)))
    return {"key": key, "markers": markers}
