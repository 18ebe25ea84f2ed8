"""The numbered key of the former camps and the return site, and the map views that show them (no Dash here).

At the explorer's opening zoom the four sites around Mitrovica (Česmin Lug, Kablare, Osterode and the Roma
Mahalla) lie within a few pixels of each other. Each site therefore gets a number, drawn on its marker and
listed in a key beside the map (buttons that open the site's history), and the map can zoom to the cluster.
"""

from __future__ import annotations

import math

import geopandas as gpd

#: The municipalities whose sites form the Mitrovica cluster.
CLUSTER_MUNICIPALITIES = ("north-mitrovica", "south-mitrovica")
#: Zoom when the map centres on one site, and the highest zoom a fitted view uses.
SITE_ZOOM = 14.0
MAX_FIT_ZOOM = 14.5
#: MapLibre's tile size: the world is 512 * 2**zoom pixels wide.
_TILE_PX = 512


def camp_key(camps: gpd.GeoDataFrame) -> list[dict]:
    """The sites in key order (north to south in bands of 0.01 degree, about 1 km, then west to east), each
    with its number, id, names and kind: ``{"number", "site_id", "name_en", "names", "kind", "lat", "lon",
    "in_cluster"}``."""
    rows = camps.assign(_lat=camps.geometry.y, _lon=camps.geometry.x, _band=camps.geometry.y.round(2))
    rows = rows.sort_values(["_band", "_lon"], ascending=[False, True], kind="stable")
    key = []
    for number, (_, row) in enumerate(rows.iterrows(), start=1):
        names = [str(n) for n in dict.fromkeys((row["name_sq"], row["name_sr"])) if n and str(n) != "nan"]
        key.append(
            {
                "number": number,
                "site_id": str(row["site_id"]),
                "name_en": str(row["name_en"]),
                "names": " / ".join(n for n in names if n != row["name_en"]),
                "kind": "return site" if row["site_type"] == "return site" else "former IDP camp",
                "lat": float(row["_lat"]),
                "lon": float(row["_lon"]),
                "in_cluster": str(row["municipality"]) in CLUSTER_MUNICIPALITIES,
            }
        )
    return key


def numbers_by_site(camps: gpd.GeoDataFrame) -> dict[str, int]:
    """site_id -> its number in the key."""
    return {item["site_id"]: item["number"] for item in camp_key(camps)}


def _mercator_y(lat: float) -> float:
    """Web Mercator y of a latitude, as a fraction of the world's height (0 at the top)."""
    s = math.sin(math.radians(lat))
    return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)


def fit_view(lats: list[float], lons: list[float], width_px: float, height_px: float, pad: float = 0.3) -> dict:
    """The map view (``{"center": {"lat", "lon"}, "zoom"}``) that shows every point inside a map of
    ``width_px`` x ``height_px`` with a margin of ``pad`` (a fraction of each side), at most MAX_FIT_ZOOM."""
    if not lats:
        raise ValueError("fit_view needs at least one point")
    lon_span = (max(lons) - min(lons)) / 360
    y_span = abs(_mercator_y(max(lats)) - _mercator_y(min(lats)))
    usable_w, usable_h = width_px * (1 - 2 * pad), height_px * (1 - 2 * pad)
    zooms = [MAX_FIT_ZOOM]
    if lon_span > 0:
        zooms.append(math.log2(usable_w / (lon_span * _TILE_PX)))
    if y_span > 0:
        zooms.append(math.log2(usable_h / (y_span * _TILE_PX)))
    return {
        "center": {"lat": (max(lats) + min(lats)) / 2, "lon": (max(lons) + min(lons)) / 2},
        "zoom": round(min(zooms), 2),
    }


def cluster_view(camps: gpd.GeoDataFrame, width_px: float = 700, height_px: float = 480) -> dict:
    """The map view that shows the Mitrovica cluster, its sites well apart."""
    inside = [item for item in camp_key(camps) if item["in_cluster"]]
    return fit_view([i["lat"] for i in inside], [i["lon"] for i in inside], width_px, height_px)


def site_view(camps: gpd.GeoDataFrame, site_id: str) -> dict:
    """The map view centred on one site."""
    item = next(i for i in camp_key(camps) if i["site_id"] == site_id)
    return {"center": {"lat": item["lat"], "lon": item["lon"]}, "zoom": SITE_ZOOM}
