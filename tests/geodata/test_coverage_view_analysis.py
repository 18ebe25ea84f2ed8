"""geodata.analysis.coverage_view: the coverage page's analysis in one call, and the per-version cache."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from geodata.analysis.coverage_view import VersionCache, label_positions


def test_version_cache_keeps_values_per_version_and_bounded():
    cache = VersionCache(2)
    calls = []

    def compute(value):
        calls.append(value)
        return [value]

    v1, v2 = object(), object()
    first = cache.get(v1, "a", lambda: compute("a"))
    assert cache.get(v1, "a", lambda: compute("again")) is first and calls == ["a"]
    cache.get(v1, "b", lambda: compute("b"))
    cache.get(v1, "c", lambda: compute("c"))
    assert len(cache) == 2  # the oldest went
    cache.get(v2, "a", lambda: compute("a2"))
    assert len(cache) == 1 and calls[-1] == "a2"  # another version: the old values are dropped
    cache.clear()
    assert len(cache) == 0


def test_label_positions_push_close_neighbours_apart():
    # two sites 300 m apart (east-west), one alone far away (EPSG:4326, measured in UTM 34N)
    sites = gpd.GeoDataFrame(
        geometry=[Point(20.860, 42.890), Point(20.8637, 42.890), Point(21.2, 42.6)], crs="EPSG:4326"
    )
    pos = label_positions(sites)
    assert pos.iloc[0].endswith("left") and pos.iloc[1].endswith("right") and pos.iloc[2] == "top right"


@pytest.fixture(scope="module")
def view():
    from dashboard import data
    from geodata.analysis.filters import FilterState

    snap = data.snapshot()
    return snap, data.coverage_analysis(snap, FilterState(), 5.0, "shares")


def test_the_view_holds_matrix_sites_and_points_in_lon_lat(view):
    snap, v = view
    assert v.full is v.result  # no sector or municipality chosen: one analysis
    assert v.rows and set(v.rows) <= set(v.full.totals["municipality"])
    assert {"site_id", "n_missing", "label_position"} <= set(v.shown_sites.columns)
    lon, lat = v.points["lon"].to_numpy(), v.points["lat"].to_numpy()
    assert len(lon) and (np.abs(lon - 20.9) < 1.5).all() and (np.abs(lat - 42.7) < 1.0).all()
    assert v.points["is_sample"].dtype == bool
