"""The coverage page's analysis in one call: ``coverage_view(inputs, state, radius_km, allocation)`` gives the
matrix, the filtered sites and gaps, the heatmap's rows, the sites shown with their status and the point projects
that count for them, already in EPSG:4326 for a map. Pure (no Dash, no figures).

* ``CoverageInputs.build(...)``: the ``CoverageIndex``, the sites and the hazard rings of one data version
  (the costly part; build it once per version).
* ``VersionCache``: values computed from one data version, kept (bounded) until the version changes; the
  dashboard keeps the inputs and its drawn views in two of these.
* ``coverage_view``: one analysis when no sector or municipality is chosen (the matrix and the sites are then
  the same result), else one for the matrix (every sector and municipality: the heatmap's axes ignore those
  filters) and one for the sites and gaps.

Distances and label placement are measured in ``METRIC_CRS`` (UTM 34N); points handed back are EPSG:4326.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterState
from geodata.facts.layers import METRIC_CRS

#: Sites closer than this (m) to another site have their names pushed away from their neighbours' centre, so the
#: Mitrovica camps (a few hundred metres apart) show their names on different sides instead of on top of each other.
LABEL_NEIGHBOUR_M = 1000.0


@dataclass(frozen=True)
class CoverageInputs:
    """What every coverage request of one data version shares."""

    index: cov.CoverageIndex
    sites: gpd.GeoDataFrame
    hazard_rings: gpd.GeoDataFrame
    municipalities: gpd.GeoDataFrame
    hazards: gpd.GeoDataFrame

    @classmethod
    def build(
        cls,
        projects: gpd.GeoDataFrame,
        municipalities: gpd.GeoDataFrame,
        project_index,
        camps: gpd.GeoDataFrame,
        settlements: gpd.GeoDataFrame,
        hazards: gpd.GeoDataFrame,
    ) -> CoverageInputs:
        return cls(
            index=cov.CoverageIndex.build(projects, municipalities, project_index),
            sites=cov.coverage_sites(camps, settlements),
            hazard_rings=cov.buffer_rings(hazards, cov.HAZARD_RING_KM),
            municipalities=municipalities,
            hazards=hazards,
        )


class VersionCache:
    """Values computed from one data version (any object, compared by identity), at most ``size`` of them;
    emptied when another version is asked for. Thread-safe; a value is computed outside the lock, so two
    requests for a new key may both compute it (the same value: the functions cached are pure)."""

    def __init__(self, size: int):
        self.size = size
        self._lock = threading.Lock()
        self._version: object = None
        self._values: dict[Hashable, object] = {}

    def __len__(self) -> int:
        return len(self._values)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def get(self, version: object, key: Hashable, compute: Callable[[], object]):
        with self._lock:
            if self._version is not version:
                self._values.clear()
                self._version = version
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            if self._version is version:
                if len(self._values) >= self.size:
                    self._values.pop(next(iter(self._values)))
                self._values[key] = value
        return value


def analyse(
    inputs: CoverageInputs, state: FilterState, radius_km: float, allocation: str, one_pass: bool = True
) -> tuple[cov.CoverageResult, cov.CoverageResult]:
    """(full, filtered): the matrix over every sector and municipality, and the filtered sites and gaps. With
    ``one_pass`` and no sector or municipality chosen, both are one analysis (the matrix is the same)."""
    filtered = cov.coverage(
        inputs.index, inputs.sites, inputs.municipalities, state, radius_km, allocation, hazards=inputs.hazards
    )
    if one_pass and not state.sectors and not state.municipalities:
        return filtered, filtered
    full = cov.coverage(
        inputs.index, inputs.sites, inputs.municipalities, state, radius_km, allocation, axis_filters=False
    )
    return full, filtered


def matrix_rows(full: cov.CoverageResult, state: FilterState, site_municipalities: set[str]) -> list[str]:
    """Heatmap rows: municipalities with a project, a site, a sourced RAE population, or a filter on them."""
    t = full.totals[full.totals["municipality"] != "all"]
    keep = (
        (t["projects"] > 0)
        | t["municipality"].isin(site_municipalities)
        | t["rae_population"].notna()
        | t["municipality"].isin(state.municipalities)
    )
    rows = t.loc[keep, ["municipality", "name_en"]].sort_values("name_en")
    return list(rows["municipality"])


def site_status(result: cov.CoverageResult) -> pd.DataFrame:
    """One row per site: which reported sectors have no project within the radius."""
    s = result.sites
    if s.empty:
        return pd.DataFrame(columns=["site_id", "label", "kind", "missing", "n_missing", "n_sectors"])
    missing = s[~s["covered"]].groupby("site_id", sort=False)["sector"].agg(lambda x: ", ".join(x))
    first = s.drop_duplicates("site_id").set_index("site_id")
    out = pd.DataFrame({"site_id": first.index, "label": first["label"].to_numpy(), "kind": first["kind"].to_numpy()})
    out["missing"] = out["site_id"].map(missing).astype(object).fillna("")
    out["n_missing"] = out["site_id"].map(s[~s["covered"]].groupby("site_id").size()).fillna(0).astype(int)
    out["n_sectors"] = s["sector"].nunique()
    for col in ("smelter_km", "nearest_hazard", "nearest_hazard_km"):
        out[col] = out["site_id"].map(first[col]) if col in first.columns else np.nan
    return out


def label_positions(sites: gpd.GeoDataFrame) -> pd.Series:
    """Where each site's name goes (a plotly textposition): "top right" of a lone site; beside a site with
    neighbours within ``LABEL_NEIGHBOUR_M``, on the side facing away from their centre (measured in UTM 34N)."""
    g = sites.geometry.to_crs(METRIC_CRS)
    x, y = g.x.to_numpy(), g.y.to_numpy()
    out = []
    for i in range(len(x)):
        d = np.hypot(x - x[i], y - y[i])
        near = (d < LABEL_NEIGHBOUR_M) & (d > 0)
        if not near.any():
            out.append("top right")
            continue
        dx, dy = x[i] - x[near].mean(), y[i] - y[near].mean()
        vertical = "middle" if abs(dy) < 0.5 * abs(dx) else ("top" if dy > 0 else "bottom")
        out.append(f"{vertical} {'right' if dx >= 0 else 'left'}")
    return pd.Series(out, index=sites.index, dtype=object)


def point_projects(index: cov.CoverageIndex, mask: np.ndarray) -> pd.DataFrame:
    """The point projects in ``mask`` as lon/lat (EPSG:4326, from the index's UTM 34N coordinates) with their
    sample flag: what the gap map draws. No titles: the map asks for a hovered point's (``drawn_at``)."""
    pts = np.flatnonzero(mask & index.is_point)
    if not len(pts):
        return pd.DataFrame({"lon": [], "lat": [], "is_sample": np.array([], dtype=bool)})
    lonlat = gpd.GeoSeries(gpd.points_from_xy(index.x[pts], index.y[pts]), crs=METRIC_CRS).to_crs(4326)
    return pd.DataFrame(
        {
            "lon": lonlat.x.to_numpy(),
            "lat": lonlat.y.to_numpy(),
            "is_sample": np.asarray(index.is_sample[pts], dtype=bool),
        }
    )


#: How near (metres) a location must lie to a hovered point to be drawn there: the map's coordinates are float32
#: (about half a metre here), and locations this close are one place on any map.
SAME_PLACE_M = 2.0


def drawn_at(index: cov.CoverageIndex, mask: np.ndarray, lon: object, lat: object) -> np.ndarray:
    """The index rows (locations) ``point_projects(index, mask)`` draws at (``lon``, ``lat``), first row first;
    empty when none is (not a number, or a point drawn from other data)."""
    try:
        x, y = float(lon), float(lat)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return np.array([], dtype=np.intp)
    (mx,), (my,) = _TO_METRIC.transform([x], [y])
    near = index.tree.query(shapely.points(mx, my), predicate="dwithin", distance=SAME_PLACE_M)
    rows = np.sort(index.tree_rows[near])
    return rows[mask[rows] & index.is_point[rows]]


_TO_METRIC = pyproj.Transformer.from_crs(4326, METRIC_CRS, always_xy=True)


@dataclass(frozen=True)
class CoverageView:
    """Everything the coverage page shows for one setting."""

    state: FilterState
    radius_km: float
    full: cov.CoverageResult  # the matrix: every sector and municipality
    result: cov.CoverageResult  # the filtered sites, gaps and summary
    rows: list[str]  # the heatmap's municipalities, in order
    shown_sites: gpd.GeoDataFrame  # the reported sites with their status (``site_status``) and label position
    site_rings: gpd.GeoDataFrame  # each shown site's radius ring
    hazard_rings: gpd.GeoDataFrame
    hazards: gpd.GeoDataFrame
    points: pd.DataFrame  # ``point_projects``: the projects that count for the sites


def coverage_view(
    inputs: CoverageInputs, state: FilterState, radius_km: float, allocation: str, one_pass: bool = True
) -> CoverageView:
    """The analysis behind the coverage page for these settings (see the module docstring)."""
    full, result = analyse(inputs, state, radius_km, allocation, one_pass)
    status = site_status(result)
    sites = inputs.sites
    shown = sites[sites["site_id"].isin(status["site_id"])].merge(status, on="site_id", suffixes=("", "_s"))
    if len(shown):
        shown["label_position"] = label_positions(shown)
    rings = cov.buffer_rings(shown, (result.radius_km,), id_column="site_id") if len(shown) else shown
    return CoverageView(
        state=state,
        radius_km=radius_km,
        full=full,
        result=result,
        rows=matrix_rows(full, state, set(sites["municipality"])),
        shown_sites=shown,
        site_rings=rings,
        hazard_rings=inputs.hazard_rings,
        hazards=inputs.hazards,
        points=point_projects(inputs.index, cov.site_project_mask(inputs.index, state)),
    )
