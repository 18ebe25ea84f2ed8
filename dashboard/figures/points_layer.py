"""The explorer's project points as MapLibre layers of the page's own (the fast path, ``config.POINTS_LAYER``).

plotly.js draws a scattermap trace as a GeoJSON source built anew on every redraw, a feature per point with its
own colour, size and opacity, which MapLibre's worker then cuts into tiles again: at 10,000 projects about 190 of
a filter click's 310-370 ms, at 100,000 about 830 of 1,060 ms. The same points as a source and circle layer of
the page's own, with the colour looked up from the sector code by the layer, took 0.38-0.52 of that time
(``bench/points_layer_bound.py``). So here the markers travel beside the figure, in a store, as typed arrays
(``points``), and ``assets/map_points.js`` draws them as one GeoJSON source and circle layer per level, where the
traces were drawn (under the style's ``tfa-projects-site`` and ``tfa-projects-municipality`` markers). Even so,
setting a source's data again had MapLibre's worker lay every point out anew (about 1 s for the 33,000 markers of
100,000 projects); so the source holds the whole data's markers, set once, and a filter hides or shrinks them
through their feature state (0.25-0.37 s for all of them). The traces stay in the figure, empty, so every trace
keeps its number (``curveNumber``) and place.

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

import hashlib
import json

import numpy as np

from dashboard.data import LEVELS, TRACE_PER_SECTOR, Snapshot
from dashboard.figures.encoding import project_trace_specs, typed
from dashboard.figures.map import PROJECT_TRACE_START
from dashboard.figures.style import PROJECT_OPACITY, SECTOR_COLOURS
from geodata.analysis.coverage_view import VersionCache
from geodata.facts.layers import SECTORS

#: The style's marker layers the points are drawn under, per level (``config.MAP_ANCHORS``).
ANCHORS = tuple(f"tfa-projects-{level}" for level in LEVELS)
#: What a selection leaves of a marker's opacity outside it (plotly.js's factor for unselected points).
UNSELECTED_FACTOR = 0.2


def points(snap: Snapshot, mask: np.ndarray, key: str, with_base: bool = True) -> dict:
    """The project markers for the rows in ``mask`` (drawn for the filter ``key``, as ``map-points-key``).

    Every marker a filter can draw is a marker of the whole data (a stack of projects of one sector at one place
    with a row in the filter), drawn at the same place in the same colour, and at most as large. So the page holds
    the whole data's markers once (``base``: per level, ``lat``, ``lon`` (float32), ``size`` (px, uint8) and sector
    ``code`` (uint8) as typed-array specs, sent ``with_base``, and always named by ``base_id``), and a filter sends
    per level which of them it draws, in drawing order (``shown``, int32 positions in the base; a marker's number
    in that list is its ``pointNumber``), and their ``size``; or ``{"all": True}`` when it draws every one as the
    whole data does. The page hides the others and resizes these through MapLibre's feature state, without
    laying the points out again. Also: the ``curves`` a hover, click or selection reports them under; the sector
    ``colours`` by code, the ``opacity`` per level, the factor a selection leaves of a marker outside it
    (``unselected``) and the style ``anchors`` to draw under."""
    if TRACE_PER_SECTOR:
        raise ValueError("the points layer draws one trace per level, coloured by sector code (TFA_FAST=1)")
    whole = base(snap)
    levels = []
    for level, drawn in enumerate(snap.drawn_points(mask)):
        stacks = whole["stacks"][level]
        sizes = snap.size[drawn.shown]
        if len(drawn.starts) == len(stacks) and np.array_equal(sizes, whole["sizes"][level]):
            levels.append({"all": True})
            continue
        shown = np.searchsorted(stacks, snap.stack_of[drawn.shown]).astype(np.int32)
        levels.append({"shown": typed(shown), "size": typed(sizes)})
    return {
        "key": key,
        "base_id": whole["id"],
        "base": whole["specs"] if with_base else None,
        "levels": levels,
        "curves": [PROJECT_TRACE_START + level for level in range(len(levels))],
        "colours": [SECTOR_COLOURS[s] for s in SECTORS],
        "opacity": list(PROJECT_OPACITY),
        "unselected": UNSELECTED_FACTOR,
        "anchors": list(ANCHORS),
    }


#: The whole data's markers per data version (``base``).
_BASES = VersionCache(1)


def base(snap: Snapshot) -> dict:
    """The markers of the whole data, per level: their typed-array ``specs`` (lat, lon, size, code), each marker's
    stack (``stacks``, ascending: markers are drawn in stack order) and size (``sizes``), and an ``id`` that
    names this set (a digest of the specs). Built once per data version."""
    return _BASES.get(snap, "base", lambda: _base(snap))


def _base(snap: Snapshot) -> dict:
    everything = np.ones(snap.n, dtype=bool)
    specs = [
        {"lat": spec["lat"], "lon": spec["lon"], "size": spec["size"], "code": spec["color"]}
        for spec in project_trace_specs(snap, everything)
    ]
    drawn = snap.drawn_points(everything)
    digest = hashlib.blake2b(json.dumps(specs, sort_keys=True).encode(), digest_size=8).hexdigest()
    return {
        "specs": specs,
        "stacks": [snap.stack_of[d.shown] for d in drawn],
        "sizes": [snap.size[d.shown] for d in drawn],
        "id": digest,
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
