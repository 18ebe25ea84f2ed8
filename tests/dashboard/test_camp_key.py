"""The numbered camp key and the map views that show the camps (plain functions, no browser)."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
from shapely.geometry import Point

from dashboard import camp_key
from geodata import load


def _pixel(lat: float, lon: float, view: dict) -> tuple[float, float]:
    """Web Mercator pixel of a point relative to the view's centre (MapLibre's 512 px tiles)."""
    scale = 512 * 2 ** view["zoom"]

    def y(a: float) -> float:
        s = math.sin(math.radians(a))
        return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)

    return (
        (lon - view["center"]["lon"]) / 360 * scale,
        (y(lat) - y(view["center"]["lat"])) * scale,
    )


def test_every_site_has_one_number_in_north_to_south_order():
    camps = load("camps")
    key = camp_key.camp_key(camps)
    assert [k["number"] for k in key] == list(range(1, len(camps) + 1))
    assert {k["site_id"] for k in key} == set(camps["site_id"])
    bands = [round(k["lat"], 2) for k in key]
    assert bands == sorted(bands, reverse=True)
    assert camp_key.numbers_by_site(camps) == {k["site_id"]: k["number"] for k in key}
    assert {k["kind"] for k in key} <= {"former IDP camp", "return site"}


def test_cluster_view_fits_the_mitrovica_sites_and_spreads_them():
    camps = load("camps")
    key = camp_key.camp_key(camps)
    inside = [k for k in key if k["in_cluster"]]
    assert len(inside) >= 2
    view = camp_key.cluster_view(camps, width_px=700, height_px=480)
    pixels = [_pixel(k["lat"], k["lon"], view) for k in inside]
    assert all(abs(x) <= 350 and abs(y) <= 240 for x, y in pixels)  # every site on screen
    gaps = [math.dist(a, b) for i, a in enumerate(pixels) for b in pixels[i + 1 :]]
    assert min(gaps) > 20  # markers are 19 px across: no site hides another


@pytest.mark.parametrize("width,height", [(700, 480), (320, 240)])
def test_fit_view_keeps_points_inside_and_never_zooms_past_the_cap(width, height):
    lats, lons = [42.0, 42.3], [20.0, 20.9]
    view = camp_key.fit_view(lats, lons, width, height)
    for lat in lats:
        for lon in lons:
            x, y = _pixel(lat, lon, view)
            assert abs(x) <= width / 2 and abs(y) <= height / 2
    one = camp_key.fit_view([42.0], [20.0], width, height)
    assert one["zoom"] == camp_key.MAX_FIT_ZOOM
    with pytest.raises(ValueError):
        camp_key.fit_view([], [], width, height)


def test_site_view_centres_on_the_site():
    camps = gpd.GeoDataFrame(
        {
            "site_id": ["a"],
            "name_en": ["A"],
            "name_sq": ["A"],
            "name_sr": ["A"],
            "site_type": ["camp"],
            "municipality": ["zvecan"],
        },
        geometry=[Point(20.5, 42.5)],
        crs="EPSG:4326",
    )
    assert camp_key.site_view(camps, "a") == {"center": {"lat": 42.5, "lon": 20.5}, "zoom": camp_key.SITE_ZOOM}
    assert camp_key.camp_key(camps)[0]["names"] == ""  # no other name where all forms are the same
