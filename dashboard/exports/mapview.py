"""The map view (centre and zoom) that shows an extent whole in a frame of a given size.

The explorer opens its map on a fixed centre and zoom chosen for its own panel; a slide, an image or a
briefing panel has another shape, and the same view there crops the map or leaves a blank band. So exports
fit the view to what they show: the matching projects and the camps (``extent``), inside the figure's
pixel size, less the room the legend and colour bar take over the map (``padding``). The briefing page does
the same in the browser with MapLibre's ``cameraForBounds`` once it knows its panel's size.

Web Mercator with MapLibre's 512-pixel tiles: at zoom z the world is ``512 * 2**z`` pixels wide.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

#: Kosovo's extent (west, south, east, north): the view when nothing else is shown.
KOSOVO = (20.0, 41.85, 21.8, 43.27)
TILE_PX = 512
#: An extent is never narrower than this (degrees), so one project does not zoom to street level.
MIN_SPAN_DEG = 0.35
MAX_ZOOM = 12.0

Extent = tuple[float, float, float, float]  # west, south, east, north


def extent(lons: ArrayLike, lats: ArrayLike, pad: float = 0.06) -> Extent:
    """The points' extent, widened by ``pad`` of its span on each side and to at least ``MIN_SPAN_DEG``;
    Kosovo's when there are no points. Points with a NaN coordinate are left out."""
    lon, lat = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    known = ~(np.isnan(lon) | np.isnan(lat))
    if not known.any():
        return KOSOVO
    west, east = float(lon[known].min()), float(lon[known].max())
    south, north = float(lat[known].min()), float(lat[known].max())
    dx = max(east - west, MIN_SPAN_DEG) * (1 + 2 * pad)
    dy = max(north - south, MIN_SPAN_DEG * 0.75) * (1 + 2 * pad)
    cx, cy = (west + east) / 2, (south + north) / 2
    return (cx - dx / 2, cy - dy / 2, cx + dx / 2, cy + dy / 2)


def _x(lon: float) -> float:
    return (lon + 180.0) / 360.0


def _y(lat: float) -> float:
    s = math.sin(math.radians(lat))
    return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)


def _lat(y: float) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y))))


def fit(
    box: Extent, width: float, height: float, padding: tuple[float, float, float, float] = (0, 0, 0, 0)
) -> tuple[dict[str, float], float]:
    """({"lon", "lat"}, zoom) that show ``box`` whole in a ``width`` x ``height`` pixel map, keeping
    ``padding`` (top, right, bottom, left, in pixels) clear."""
    top, right, bottom, left = padding
    west, south, east, north = box
    inner_w, inner_h = max(width - left - right, 1.0), max(height - top - bottom, 1.0)
    dx, dy = _x(east) - _x(west), _y(south) - _y(north)
    zoom = min(math.log2(inner_w / (TILE_PX * dx)), math.log2(inner_h / (TILE_PX * dy)), MAX_ZOOM)
    world = TILE_PX * 2**zoom
    # the box's centre sits in the middle of the padded area; the map's centre is the frame's middle
    cx = (_x(west) + _x(east)) / 2 - (left - right) / 2 / world
    cy = (_y(north) + _y(south)) / 2 - (top - bottom) / 2 / world
    return {"lon": cx * 360.0 - 180.0, "lat": _lat(cy)}, zoom


def legend_width_px(names: Iterable[str], font_px: float) -> float:
    """About how wide a Plotly legend of these entries is: the longest name, a symbol and the padding."""
    longest = max((len(n) for n in names), default=0)
    return longest * font_px * 0.56 + 3.5 * font_px + 20


def project(
    lon: float, lat: float, center: tuple[float, float], zoom: float, width: float, height: float
) -> tuple[float, float]:
    """Where (``lon``, ``lat``) falls, in pixels from the top left, in a ``width`` x ``height`` map centred on
    ``center`` (lon, lat) at ``zoom``."""
    world = TILE_PX * 2**zoom
    x = width / 2 + (_x(lon) - _x(center[0])) * world
    y = height / 2 + (_y(lat) - _y(center[1])) * world
    return x, y


def visible_extent(center: tuple[float, float], zoom: float, width: float, height: float) -> Extent:
    """The (west, south, east, north) a ``width`` x ``height`` map centred on ``center`` (lon, lat) at ``zoom``
    shows, edge to edge."""
    world = TILE_PX * 2**zoom
    cx, cy = _x(center[0]), _y(center[1])
    half_w, half_h = width / 2 / world, height / 2 / world
    return ((cx - half_w) * 360.0 - 180.0, _lat(cy + half_h), (cx + half_w) * 360.0 - 180.0, _lat(cy - half_h))
