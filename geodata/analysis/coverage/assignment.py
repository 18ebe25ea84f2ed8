"""Municipality assignment: the municipality each project location counts for, and the rule that decided it
(point in polygon, shared polygons, border tolerance)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.analysis.coverage.rules import (
    BOUNDARY_TOLERANCE_M,
    RULE_MUNICIPALITY_LEVEL,
    RULE_NEAR_OWN,
    RULE_OUTSIDE,
    RULE_POINT_ELSEWHERE,
    RULE_POINT_IN_POLYGON,
    RULE_SHARED_NEAREST,
    RULE_SHARED_OWN,
)
from geodata.facts.layers import METRIC_CRS, WGS84


def assign_municipalities(
    points: gpd.GeoSeries | np.ndarray,
    own: pd.Series,
    is_point: np.ndarray,
    municipalities: gpd.GeoDataFrame,
    uncertainty_m: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The municipality each project location counts for, and the rule that decided it.

    ``points`` in METRIC_CRS (a GeoSeries, or an array of shapely points, None where unused);
    ``own`` the rows' ``municipality`` column; ``is_point`` which rows are point projects;
    ``uncertainty_m`` their stated location uncertainty. Returns (codes, rules) as object arrays. Rules, in order:

    1. not a point project: its own ``municipality``;
    2. the point lies in the polygon that draws its own municipality (shared or not): its own;
    3. the point lies within ``BOUNDARY_TOLERANCE_M`` + its location uncertainty of that polygon
       (simplified or installed borders and our point placements are both approximate): its own;
    4. otherwise the polygon it lies in decides (outside every polygon: the nearest polygon); where
       that polygon is shared, the sharing municipality whose seat (anchor) is nearest.
    """
    n = len(points)
    codes = own.fillna("").astype(str).to_numpy(dtype=object).copy()
    rules = np.full(n, RULE_MUNICIPALITY_LEVEL, dtype=object)
    idx = np.flatnonzero(is_point)
    if not len(idx) or municipalities.empty:
        return codes, rules
    muni = municipalities.to_crs(METRIC_CRS)
    unit_col = "boundary_unit" if "boundary_unit" in muni.columns else "code"
    muni = muni.assign(_unit=muni[unit_col].fillna(muni["code"]).astype(str), code=muni["code"].astype(str))
    units = muni.dissolve(by="_unit", as_index=False)[["_unit", "geometry"]]
    unit_geom = units.set_index("_unit").geometry
    geoms = np.asarray(points.values if isinstance(points, gpd.GeoSeries) else points)
    pts = gpd.GeoDataFrame({"_row": idx}, geometry=geoms[idx], crs=METRIC_CRS)
    hit = gpd.sjoin(pts, units, how="left", predicate="intersects")[["_row", "_unit"]]
    hit = hit.drop_duplicates("_row")
    missing = hit["_unit"].isna().to_numpy()
    hit["_outside"] = False
    if missing.any():
        outside = pts[pts["_row"].isin(hit["_row"][missing])]
        near = gpd.sjoin_nearest(outside, units, how="left")[["_row", "_unit"]].drop_duplicates("_row")
        hit = pd.concat([hit[~missing], near.assign(_outside=True)], ignore_index=True)
    row = hit["_row"].to_numpy()
    is_outside = hit["_outside"].to_numpy(dtype=bool)
    hit_unit = hit["_unit"].astype(str).to_numpy(dtype=object)
    unit_of = muni.set_index("code")["_unit"]
    own_unit = pd.Series(codes[row]).map(unit_of).to_numpy(dtype=object)
    shared = muni.groupby("_unit")["code"].size()
    is_shared = pd.Series(hit_unit).map(shared).to_numpy() > 1

    inside_own = (own_unit == hit_unit) & ~is_outside
    rules[row[inside_own]] = np.where(is_shared[inside_own], RULE_SHARED_OWN, RULE_POINT_IN_POLYGON)

    # the point lies elsewhere: is it within tolerance of its own municipality's polygon?
    other = np.flatnonzero(~inside_own)
    if len(other):
        known = pd.notna(own_unit[other])
        dist = np.full(len(other), np.inf)
        if known.any():
            polys = unit_geom.loc[own_unit[other][known]].values
            dist[known] = shapely.distance(geoms[row[other][known]], np.asarray(polys))
        unc = np.zeros(n) if uncertainty_m is None else np.nan_to_num(np.asarray(uncertainty_m, dtype=float))
        near_own = dist <= BOUNDARY_TOLERANCE_M + unc[row[other]]
        rules[row[other][near_own]] = RULE_NEAR_OWN
        moved = other[~near_own]
        if len(moved):
            anchors = gpd.GeoSeries(gpd.points_from_xy(muni["anchor_lon"], muni["anchor_lat"]), crs=WGS84).to_crs(
                METRIC_CRS
            )
            sharers = pd.DataFrame(
                {"_unit": muni["_unit"].to_numpy(), "code": muni["code"].to_numpy(), "ax": anchors.x, "ay": anchors.y}
            )
            cand = pd.DataFrame({"_row": row[moved], "_unit": hit_unit[moved]}).merge(sharers, on="_unit")
            r = cand["_row"].to_numpy()
            cand["_dist"] = np.hypot(shapely.get_x(geoms[r]) - cand["ax"], shapely.get_y(geoms[r]) - cand["ay"])
            best = cand.sort_values(["_row", "_dist"], kind="stable").drop_duplicates("_row")
            b = best["_row"].to_numpy()
            codes[b] = best["code"].to_numpy(dtype=object)
            rules[b] = np.where(
                pd.Series(best["_unit"]).map(shared).to_numpy() > 1, RULE_SHARED_NEAREST, RULE_POINT_ELSEWHERE
            )
            rules[row[moved][is_outside[moved]]] = RULE_OUTSIDE
    return codes, rules
