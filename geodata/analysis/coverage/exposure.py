"""Exposure: distances from the sites to the smelter and the other hazards, and rings around hazards."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.analysis.coverage.index import _site_metric_xy
from geodata.analysis.coverage.rules import HAZARD_RING_KM
from geodata.facts.layers import METRIC_CRS, WGS84


def site_exposure(sites: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame) -> pd.DataFrame:
    """Distance (km, in METRIC_CRS) from every site to every hazard: one row per site x hazard."""
    sx, sy = _site_metric_xy(sites)
    h = hazards.geometry.to_crs(METRIC_CRS)
    # hazards are points in our layer; for areas, the distance to the nearest edge counts
    dist = shapely.distance(shapely.points(sx, sy)[:, None], np.asarray(h.values)[None, :]) / 1000.0
    n_s, n_h = dist.shape
    return pd.DataFrame(
        {
            "site_id": np.repeat(sites["site_id"].to_numpy(), n_h),
            "hazard_id": np.tile(hazards["hazard_id"].to_numpy(), n_s),
            "hazard_name": np.tile(hazards["name_en"].to_numpy(), n_s),
            "hazard_type": np.tile(hazards["hazard_type"].to_numpy(), n_s),
            "distance_km": dist.ravel(),
        }
    )


def site_exposure_summary(sites: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per site: distance to the nearest smelter and to the nearest hazard of any kind."""
    ex = site_exposure(sites, hazards)
    smelter = ex[ex["hazard_type"] == "smelter"].groupby("site_id", sort=False)["distance_km"].min()
    nearest = ex.sort_values("distance_km", kind="stable").drop_duplicates("site_id").set_index("site_id")
    out = pd.DataFrame({"site_id": sites["site_id"].to_numpy()})
    out["smelter_km"] = out["site_id"].map(smelter)
    out["nearest_hazard"] = out["site_id"].map(nearest["hazard_name"])
    out["nearest_hazard_type"] = out["site_id"].map(nearest["hazard_type"])
    out["nearest_hazard_km"] = out["site_id"].map(nearest["distance_km"])
    return out


def buffer_rings(
    points: gpd.GeoDataFrame, radii_km: tuple[float, ...] = HAZARD_RING_KM, id_column: str = "hazard_id"
) -> gpd.GeoDataFrame:
    """Rings around each feature: the band between consecutive radii (the first is a disc), buffered
    in METRIC_CRS and returned in EPSG:4326, with ``inner_km``, ``radius_km`` and ``area_km2``."""
    radii = sorted(float(r) for r in radii_km)
    if not radii or radii[0] <= 0:
        raise ValueError(f"radii must be positive km, got {radii_km!r}")
    g = points.geometry.to_crs(METRIC_CRS).values
    n, r = len(g), len(radii)
    outer = shapely.buffer(np.repeat(g, r), np.tile(np.array(radii) * 1000.0, n), quad_segs=16)
    inner_km = np.tile(np.array([0.0] + radii[:-1]), n)
    inner = shapely.buffer(np.repeat(g, r), np.maximum(inner_km, 1e-9) * 1000.0, quad_segs=16)
    rings = np.where(inner_km > 0, shapely.difference(outer, inner), outer)
    frame = gpd.GeoDataFrame(
        {
            id_column: np.repeat(points[id_column].to_numpy(), r),
            "inner_km": inner_km,
            "radius_km": np.tile(np.array(radii), n),
            "area_km2": shapely.area(rings) / 1e6,
        },
        geometry=rings,
        crs=METRIC_CRS,
    )
    return frame.to_crs(WGS84)
