"""Where an imported project is: a WGS 84 point per row, and the precision and note that say how it was found.

Coordinates in the file (a point geometry, or lat/lon columns in the file's or a declared CRS) come first; else
the camp or return site the row names (precision 2); else its municipality's anchor point (precision 3). A row
with coordinates and no municipality takes it from the drawn polygon (one spatial-index query for all of them)
when only one municipality uses that polygon.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geodata.facts.layers import WGS84
from geodata.facts.municipality_registry import BY_CODE
from geodata.facts.validate import Problem
from geodata.io.importers.base import RawTable
from geodata.io.importers.checks import _column
from geodata.io.importers.mapping import (
    parse_number,
    per_value,
    text,
)
from geodata.io.load import load_layer


def _anchors() -> dict[str, tuple[float, float]]:
    m = load_layer("municipalities")
    return {
        r["code"]: (float(r["anchor_lon"]), float(r["anchor_lat"]))
        for _, r in m.iterrows()
        if pd.notna(r["anchor_lon"]) and pd.notna(r["anchor_lat"])
    }


def _sites() -> dict[str, tuple[shapely.Point, str, object, str]]:
    camps = load_layer("camps")
    return {
        r["site_id"]: (r.geometry, r["municipality"], r["location_uncertainty_m"], r["name_en"])
        for _, r in camps.iterrows()
    }


def _municipalities_at(points: list[shapely.Point]) -> list[list[str]]:
    """For each point, the municipality codes whose drawn polygon covers it (several share a polygon)."""
    m = load_layer("municipalities")
    codes = list(m["code"])
    tree = shapely.STRtree(np.asarray(m.geometry.values, dtype=object))
    point_idx, polygon_idx = tree.query(np.asarray(points, dtype=object), predicate="covered_by")
    out: list[list[str]] = [[] for _ in points]
    for k in np.lexsort((polygon_idx, point_idx)):  # per point, in the layer's order
        out[point_idx[k]].append(codes[polygon_idx[k]])
    return out


def _place(
    table: RawTable,
    out: dict[str, list],
    rows: list[int],
    file_name: str,
    crs: str | None,
    problems: list[Problem],
    warnings: list[Problem],
    sites: dict,
    ambiguous: frozenset[int] = frozenset(),
) -> list[shapely.Geometry | None]:
    """A WGS 84 point per row, and the precision and note that say how it was found. Rows in ``ambiguous`` name
    a municipality that only their point can settle: they are not placed at an anchor."""
    n = len(rows)
    geometry: list[shapely.Geometry | None] = [None] * n
    lat_col, lon_col, crs_col = list(_column(table, "lat")), list(_column(table, "lon")), list(_column(table, "crs"))
    transformers: dict[str, Transformer | None] = {}

    def to_wgs84(i: int, x: float, y: float, source: str) -> shapely.Point | None:
        if source not in transformers:
            try:
                crs_obj = CRS.from_user_input(source)
                transformers[source] = (
                    None if crs_obj.equals(CRS(WGS84)) else Transformer.from_crs(crs_obj, WGS84, always_xy=True)
                )
            except CRSError:
                transformers[source] = False  # type: ignore[assignment]
        t = transformers[source]
        if t is False:
            problems.append(Problem(file_name, rows[i], "crs", source, "is not a CRS GDAL/PROJ knows"))
            return None
        if t is not None:
            x, y = t.transform(x, y)
        if not (np.isfinite(x) and np.isfinite(y)):
            problems.append(Problem(file_name, rows[i], "geometry", f"{x}, {y}", "cannot be reprojected"))
            return None
        return shapely.Point(x, y)

    from_file = [False] * n
    file_geometry = list(table.geometry) if table.geometry is not None else None
    lat_read, lon_read = per_value(lat_col, parse_number), per_value(lon_col, parse_number)
    for i in range(n):
        if file_geometry is None and lat_col[i] is None and lon_col[i] is None:
            continue  # no coordinates (most 3W rows): placed below
        if file_geometry is not None:
            g = file_geometry[i]
            if g is not None and not g.is_empty and not np.isfinite(shapely.get_coordinates(g)).all():
                g = None  # a point of NaN coordinates is no point: the row has no coordinates
            if g is not None and not g.is_empty:
                if g.geom_type == "MultiPoint" and len(g.geoms) == 1:
                    g = g.geoms[0]
                if g.geom_type != "Point":
                    problems.append(
                        Problem(file_name, rows[i], "geometry", g.geom_type, "projects are points; this is not one")
                    )
                    continue
                if table.crs is not None:
                    geometry[i] = to_wgs84(i, g.x, g.y, table.crs)
                from_file[i] = True
                continue
        lat_raw, lon_raw = lat_col[i], lon_col[i]
        (lat, lat_ok), (lon, lon_ok) = lat_read[i], lon_read[i]
        if not lat_ok:
            problems.append(Problem(file_name, rows[i], "lat", lat_raw, "is not a number"))
        if not lon_ok:
            problems.append(Problem(file_name, rows[i], "lon", lon_raw, "is not a number"))
        if not (lat_ok and lon_ok):
            continue
        if (lat is None) != (lon is None):
            missing = "lon" if lon is None else "lat"
            problems.append(Problem(file_name, rows[i], missing, None, "one coordinate is given without the other"))
            continue
        if lat is None:
            continue
        source = text(crs_col[i]) or crs or table.crs
        if source is None:
            if abs(lon) <= 180 and abs(lat) <= 90:
                source = WGS84
            else:
                problems.append(
                    Problem(
                        file_name,
                        rows[i],
                        "lat",
                        f"{lat}, {lon}",
                        "coordinates are not longitude/latitude; declare their CRS (a crs column such as "
                        "EPSG:32634, or --crs)",
                    )
                )
                continue
        geometry[i] = to_wgs84(i, lon, lat, source)
        from_file[i] = True

    # Rows with coordinates but no municipality: take it from the drawn polygon when only one municipality uses it.
    flagged = {p.row for p in problems if p.field == "municipality"}
    need_municipality = [
        i
        for i in range(n)
        if geometry[i] is not None and out["municipality"][i] is None and rows[i] not in flagged and i not in ambiguous
    ]
    if need_municipality:
        found = _municipalities_at([geometry[i] for i in need_municipality])
        for i, codes in zip(need_municipality, found, strict=True):
            if len(codes) == 1:
                out["municipality"][i] = codes[0]
                warnings.append(
                    Problem(
                        file_name, rows[i], "municipality", codes[0], "taken from the coordinates (not in the file)"
                    )
                )
            elif codes:
                names = ", ".join(BY_CODE[c].name_en for c in codes)
                problems.append(
                    Problem(
                        file_name,
                        rows[i],
                        "municipality",
                        None,
                        f"is required: the point lies where {names} share one drawn polygon, so name the municipality",
                    )
                )

    anchors = _anchors()
    at_anchor: list[int] = []  # rows placed at their municipality's anchor
    misplaced = {p.row for p in problems if p.field in ("lat", "lon", "crs", "geometry")}
    for i in range(n):
        if from_file[i]:
            if geometry[i] is not None:
                if out["location_precision"][i] is None:
                    out["location_precision"][i] = 1
                if out["location_note"][i] is None:
                    out["location_note"][i] = "coordinates as given in the file"
            continue
        if rows[i] in misplaced:
            continue
        site = out["site_id"][i]
        if site in sites:
            point, _, uncertainty, name = sites[site]
            geometry[i] = point
            out["location_precision"][i] = out["location_precision"][i] or 2
            if out["location_uncertainty_m"][i] is None and pd.notna(uncertainty):
                out["location_uncertainty_m"][i] = int(uncertainty)
            out["location_note"][i] = out["location_note"][i] or (
                f"placed at the {name} point (see the camps layer): the file gives no coordinates"
            )
            continue
        code = out["municipality"][i]
        if code in anchors:
            at_anchor.append(i)
            out["location_precision"][i] = 3
            out["location_note"][i] = out["location_note"][i] or (
                f"placed at the {BY_CODE[code].name_en} municipality anchor: the file gives no coordinates"
            )
        elif code is None and i not in ambiguous:
            problems.append(
                Problem(
                    file_name,
                    rows[i],
                    "geometry",
                    None,
                    "no coordinates, and no known site or municipality to place the project at",
                )
            )
    points: dict[str, shapely.Point] = {}  # one point per anchor, shared by its rows (geometries are immutable)
    for i in at_anchor:
        code = out["municipality"][i]
        if code not in points:
            points[code] = shapely.Point(*anchors[code])
        geometry[i] = points[code]
    return geometry
