"""The explorer's project points drawn by the page (``figures.points_layer``): what the store carries to
assets/map_points.js, which markers a selection holds, and how a box or lasso outline is read back into projects
(``map_points.region_rows``). Expected results come from the snapshot's drawn markers and, for the outlines, from
an independent projection (pyproj's Web Mercator and shapely's polygons), not from the code under test."""

from __future__ import annotations

import base64

import numpy as np
import pyproj
import pytest
import shapely

from dashboard import data, figures, map_points
from dashboard.figures import points_layer
from dashboard.figures.style import PROJECT_OPACITY, SECTOR_COLOURS
from geodata.analysis.filters import FilterState
from geodata.facts.layers import SECTORS

pytestmark = pytest.mark.skipif(data.TRACE_PER_SECTOR, reason="TFA_FAST=0 draws one Plotly trace per sector")

_TO_MERCATOR = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
_TO_LONLAT = pyproj.Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)


@pytest.fixture(scope="module")
def snap():
    return data.snapshot()


def _decode(spec) -> np.ndarray:
    if not spec:
        return np.zeros(0)
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.dtype(spec["dtype"]).newbyteorder("<"))


def _markers(snap, key: str) -> list[tuple[int, int, np.ndarray]]:
    """(level, marker number, its rows) of every marker drawn for the filter ``key``."""
    mask = snap.mask(map_points.drawn_state(key))
    return [
        (level, i, drawn.members(i))
        for level, drawn in enumerate(snap.drawn_points(mask))
        for i in range(len(drawn.starts))
    ]


def test_the_store_carries_the_whole_datas_markers_once_and_what_a_filter_draws_of_them(snap):
    state = FilterState(sectors=("health", "housing"))
    mask = snap.mask(state)
    out = points_layer.points(snap, mask, state.to_query())
    assert out["key"] == state.to_query() and out["base_id"] == points_layer.base(snap)["id"]
    assert out["curves"] == [figures.PROJECT_TRACE_START + level for level in range(data.N_PROJECT_TRACES)]
    assert out["colours"] == [SECTOR_COLOURS[s] for s in SECTORS] and out["opacity"] == list(PROJECT_OPACITY)
    assert out["anchors"] == ["tfa-projects-site", "tfa-projects-municipality"]
    everything = snap.drawn_points(np.ones(snap.n, dtype=bool))
    for spec, level, whole, drawn in zip(out["base"], out["levels"], everything, snap.drawn_points(mask), strict=True):
        shown = whole.shown  # the base: the row each marker of the whole data is drawn at
        np.testing.assert_array_equal(_decode(spec["lat"]), snap.lat[shown])
        np.testing.assert_array_equal(_decode(spec["lon"]), snap.lon[shown])
        np.testing.assert_array_equal(_decode(spec["size"]), snap.size[shown])
        assert [SECTORS[c] for c in _decode(spec["code"])] == list(snap.projects["sector"].iloc[shown])
        # the filter's markers, in drawing order: base markers at the same place and of the same sector
        at = _decode(level["shown"]).astype(int)
        assert len(at) == len(drawn.starts) < len(shown)
        np.testing.assert_array_equal(snap.stack_of[shown[at]], snap.stack_of[drawn.shown])
        np.testing.assert_array_equal(_decode(level["size"]), snap.size[drawn.shown])  # as large as drawn now
        assert (_decode(level["size"]) <= snap.size[shown[at]]).all()


def test_a_filter_that_draws_the_whole_data_sends_no_list_and_the_base_only_when_asked(snap):
    everything = np.ones(snap.n, dtype=bool)
    out = points_layer.points(snap, everything, "all", with_base=False)
    assert out["base"] is None and out["levels"] == [{"all": True}] * data.N_PROJECT_TRACES


def test_an_empty_filter_draws_no_marker(snap):
    out = points_layer.points(snap, np.zeros(snap.n, dtype=bool), "q=none")
    assert all(level == {"shown": [], "size": []} for level in out["levels"])


def test_a_selection_holds_every_marker_with_a_chosen_project(snap):
    mask = snap.mask(map_points.drawn_state("all"))
    assert points_layer.selected(snap, mask, np.zeros(snap.n, dtype=bool), "all") is None
    markers = _markers(snap, "all")
    stacked = next(m for m in markers if len(m[2]) > 1)
    lone = next(m for m in markers if len(m[2]) == 1 and m[0] != stacked[0])
    chosen = np.zeros(snap.n, dtype=bool)
    chosen[[stacked[2][-1], lone[2][0]]] = True  # the smallest project of a stack holds its marker too
    held = points_layer.selected(snap, mask, chosen, "all")
    assert held["key"] == "all"
    expected = {stacked[:2], lone[:2]}
    found = {(level, int(i)) for level, spec in enumerate(held["markers"]) for i in _decode(spec)}
    assert found == expected


def _pixels(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    x, y = _TO_MERCATOR.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


def _outline_lonlat(xy: list[tuple[float, float]]) -> list[list[float]]:
    lon, lat = _TO_LONLAT.transform([p[0] for p in xy], [p[1] for p in xy])
    return [[float(a), float(b)] for a, b in zip(lon, lat, strict=True)]


def _inside(snap, key: str, polygon: shapely.Polygon) -> list[int]:
    """Every row of every marker whose drawn place lies inside ``polygon`` (Web Mercator metres)."""
    out = []
    for _level, _i, rows in _markers(snap, key):
        x, y = _pixels(snap.lon[rows[0]], snap.lat[rows[0]])
        if polygon.contains(shapely.Point(float(x), float(y))):
            out.extend(int(r) for r in rows)
    return sorted(out)


def _centre(snap, key: str = "all") -> tuple[float, float]:
    rows = [rows[0] for _level, _i, rows in _markers(snap, key)]
    x, y = _pixels(snap.lon[rows], snap.lat[rows])
    return float(np.median(x)), float(np.median(y))


def test_a_box_selects_the_markers_inside_it(snap):
    cx, cy = _centre(snap)
    corners = [(cx - 9000, cy + 6000), (cx + 7000, cy - 8000)]  # as plotly.js reports them: two opposite corners
    box = shapely.box(cx - 9000, cy - 8000, cx + 7000, cy + 6000)
    expected = _inside(snap, "all", box)
    assert 0 < len(expected) < snap.n
    event = {"points": [], "range": {"map": _outline_lonlat(corners)}}
    assert sorted(map_points.region_rows(snap, "all", event)) == expected


def test_a_lasso_is_read_in_web_mercator_as_the_pointer_drew_it(snap):
    """A long slanted edge is straight on the screen (Web Mercator) and curved in degrees. A marker 500 m under
    such an edge, at its middle, is inside the lasso on screen, though the same corners joined in degrees pass
    under it: it is selected."""
    level, i, rows = next(m for m in _markers(snap, "all") if m[0] == 0)
    mx, my = (float(v) for v in _pixels(snap.lon[rows[0]], snap.lat[rows[0]]))
    ring = [(mx - 100000, my - 100000 + 500), (mx + 100000, my + 100000 + 500), (mx + 100000, my - 100000)]
    marker = shapely.Point(float(snap.lon[rows[0]]), float(snap.lat[rows[0]]))
    assert shapely.Polygon(ring).contains(shapely.Point(mx, my))  # inside on screen
    assert not shapely.Polygon(_outline_lonlat(ring)).contains(marker)  # outside in degrees
    event = {"points": [], "lassoPoints": {"map": _outline_lonlat(ring)}}
    found = map_points.region_rows(snap, "all", event)
    assert set(rows) <= set(found)
    assert sorted(found) == _inside(snap, "all", shapely.Polygon(ring))


def test_a_lasso_that_crosses_itself_counts_crossings(snap):
    """A figure of eight: both loops are inside, as plotly.js counts a lasso's crossings."""
    cx, cy = _centre(snap)
    eight = [(cx - 30000, cy - 30000), (cx + 30000, cy + 30000), (cx + 30000, cy - 30000), (cx - 30000, cy + 30000)]
    loops = shapely.Polygon([eight[0], (cx, cy), eight[3]]).union(shapely.Polygon([(cx, cy), eight[1], eight[2]]))
    expected = _inside(snap, "all", loops)
    event = {"lassoPoints": {"map": _outline_lonlat(eight)}}
    assert sorted(map_points.region_rows(snap, "all", event)) == expected


def test_a_region_follows_the_filter_the_points_were_drawn_for(snap):
    cx, cy = _centre(snap)
    corners = [(cx - 80000, cy + 80000), (cx + 80000, cy - 80000)]
    event = {"range": {"map": _outline_lonlat(corners)}}
    rows = map_points.region_rows(snap, "sector=health", event)
    assert rows and snap.mask(FilterState(sectors=("health",)))[rows].all()
    assert sorted(rows) == _inside(snap, "sector=health", shapely.box(cx - 80000, cy - 80000, cx + 80000, cy + 80000))


@pytest.mark.parametrize(
    "event",
    [
        None,
        {},
        {"points": []},
        {"range": {"x": [0, 1], "y": [0, 1]}},  # a chart's box, not the map's
        {"range": {"map": [[20.0, 42.0]]}},
        {"range": {"map": [["a", 42.0], [21.0, 43.0]]}},
        {"lassoPoints": {"map": [[20.0, 42.0], [21.0, 43.0]]}},
        {"lassoPoints": {"map": "not a list"}},
        {"lassoPoints": {"map": [[20.0], [21.0, 43.0], [21.0, 42.0]]}},
    ],
)
def test_no_outline_selects_nothing(snap, event):
    assert map_points.region_rows(snap, "all", event) == []
