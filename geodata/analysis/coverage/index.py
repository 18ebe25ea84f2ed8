"""The coverage index: everything about a projects frame that depends on neither filters nor radius,
built once per version of the projects layer."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.analysis.coverage.allocation import SectorWeights, sector_weight_tables
from geodata.analysis.coverage.assignment import assign_municipalities
from geodata.analysis.coverage.rules import POINT_PRECISIONS, RULE_MUNICIPALITY_LEVEL
from geodata.analysis.filters import ProjectIndex
from geodata.facts.layers import METRIC_CRS


def _metric_xy(geometry: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Point coordinates in METRIC_CRS (NaN for anything that is not a non-empty point)."""
    if geometry.crs is None:
        raise ValueError("projects have no CRS; declare it (it is never guessed)")
    geoms = np.asarray(geometry.values)
    ok = shapely.get_type_id(geoms) == 0  # Point
    ok &= ~shapely.is_empty(geoms)
    x = np.where(ok, shapely.get_x(geoms), np.nan)
    y = np.where(ok, shapely.get_y(geoms), np.nan)
    if not geometry.crs.equals(METRIC_CRS):
        transformer = pyproj.Transformer.from_crs(geometry.crs, METRIC_CRS, always_xy=True)
        x, y = transformer.transform(x, y)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _site_metric_xy(sites: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    g = sites.geometry.to_crs(METRIC_CRS).values
    return shapely.get_x(g), shapely.get_y(g)


@dataclass
class CoverageIndex:
    """Everything about a projects frame that does not depend on filters or radius; build once.

    One entry per project *location* (a project with several locations has several entries).
    """

    project_code: np.ndarray  # int: which project each location belongs to
    project_ids: np.ndarray  # object: project_id per location
    titles: np.ndarray
    location_weight: np.ndarray  # 1 / number of locations of the project
    x: np.ndarray  # METRIC_CRS
    y: np.ndarray
    is_point: np.ndarray
    municipality: np.ndarray  # code each location counts for (object)
    municipality_rule: np.ndarray
    own_municipality: np.ndarray
    committed: np.ndarray  # USD, NaN where not given
    disbursed: np.ndarray
    targeted: np.ndarray
    reached: np.ndarray
    is_sample: np.ndarray
    weights: SectorWeights  # allocation rule -> (n, len(SECTORS)), made when asked for
    filters: ProjectIndex
    tree: shapely.STRtree  # over every point location (filters applied after the query)
    tree_rows: np.ndarray  # tree item -> location row
    n_projects: int = 0
    single_location: bool = True  # every project has one location (counts need no de-duplication)
    muni_code: np.ndarray = field(default=None, repr=False)  # int code into muni_names, per location
    muni_names: np.ndarray = field(default=None, repr=False)
    _points: np.ndarray = field(default=None, repr=False)

    def positions(self, codes: list[str]) -> np.ndarray:
        """Per location: the position of its municipality in ``codes`` (-1 if absent)."""
        table = pd.Index(codes).get_indexer(self.muni_names)
        return table[self.muni_code] if len(table) else np.full(len(self.muni_code), -1)

    def count_distinct(self, group: np.ndarray, rows: np.ndarray, n_groups: int) -> np.ndarray:
        """Distinct projects per group (int per location, -1 = none) among the locations in ``rows``."""
        r = rows & (group >= 0)
        if self.single_location:
            return np.bincount(group[r], minlength=n_groups)
        idx = np.flatnonzero(r)
        nproj = self.n_projects + 1
        pairs = np.unique(group[idx].astype(np.int64) * nproj + self.project_code[idx])
        return np.bincount(pairs // nproj, minlength=n_groups)

    def n_distinct(self, rows: np.ndarray) -> int:
        """Distinct projects among the locations in ``rows``."""
        return int(rows.sum()) if self.single_location else len(np.unique(self.project_code[rows]))

    @classmethod
    def build(
        cls,
        projects: gpd.GeoDataFrame,
        municipalities: gpd.GeoDataFrame | None = None,
        filters: ProjectIndex | None = None,
    ) -> CoverageIndex:
        """Index ``projects`` (any CRS). ``municipalities`` assigns point projects by point in polygon;
        without it every project counts for its own ``municipality`` column. ``filters``: a
        ``ProjectIndex`` already built over the same frame (shared with the explorer), else built here
        (ignored when projects have MultiPoint locations, which are exploded first)."""
        frame = projects
        if frame.geometry.geom_type.isin(["MultiPoint"]).any():
            frame = frame.explode(index_parts=False)
            filters = None
        frame = frame.reset_index(drop=True)
        ids = frame["project_id"].astype(str)
        project_code, _ = pd.factorize(ids)
        single = len(project_code) == 0 or int(project_code.max()) + 1 == len(project_code)
        if not single:
            groups = frame.groupby(project_code, sort=False)
            location_weight = 1.0 / groups["project_id"].transform("size").to_numpy(dtype=float)

            def per_project(col: str) -> pd.Series:  # amounts are the project's, repeated per location
                return groups[col].transform("first")
        else:
            location_weight = np.ones(len(frame))

            def per_project(col: str) -> pd.Series:
                return frame[col]

        mx, my = _metric_xy(frame.geometry)
        precision = pd.to_numeric(frame["location_precision"], errors="coerce")
        is_point = precision.isin(list(POINT_PRECISIONS)).to_numpy() & np.isfinite(mx) & np.isfinite(my)
        points = np.full(len(frame), None, dtype=object)  # shapely points only where they are used
        points[is_point] = shapely.points(mx[is_point], my[is_point])
        own = frame["municipality"].fillna("").astype(str)
        if municipalities is not None:
            unc = (
                pd.to_numeric(frame["location_uncertainty_m"], errors="coerce").to_numpy(dtype=float, na_value=0)
                if "location_uncertainty_m" in frame.columns
                else None
            )
            muni, rule = assign_municipalities(points, own, is_point, municipalities, unc)
        else:
            muni, rule = own.to_numpy(dtype=object), np.full(len(frame), RULE_MUNICIPALITY_LEVEL, dtype=object)
        muni_code, muni_names = pd.factorize(pd.Series(muni, dtype=object).astype(str))
        xs = np.where(is_point, mx, np.nan)
        ys = np.where(is_point, my, np.nan)
        tree_rows = np.flatnonzero(is_point)

        def num(col: str) -> np.ndarray:
            if col not in frame.columns:
                return np.full(len(frame), np.nan)
            return pd.to_numeric(per_project(col), errors="coerce").to_numpy(dtype=float, na_value=np.nan)

        sectors = frame["sectors"] if "sectors" in frame.columns else frame["sector"]
        return cls(
            project_code=project_code,
            project_ids=ids.to_numpy(dtype=object),
            titles=frame["title"].fillna("").astype(str).to_numpy(dtype=object),
            location_weight=location_weight,
            x=xs,
            y=ys,
            is_point=is_point,
            municipality=muni,
            municipality_rule=rule,
            own_municipality=own.to_numpy(dtype=object),
            committed=num("committed_usd"),
            disbursed=num("disbursed_usd"),
            targeted=num("beneficiaries_targeted"),
            reached=num("beneficiaries_reached"),
            is_sample=frame["is_sample"].to_numpy(dtype=bool),
            weights=sector_weight_tables(sectors, frame["sector"]),
            filters=filters if filters is not None and filters.n == len(frame) else ProjectIndex.build(frame),
            tree=shapely.STRtree(points[tree_rows]),
            tree_rows=tree_rows,
            n_projects=int(project_code.max()) + 1 if len(project_code) else 0,
            single_location=single,
            muni_code=muni_code.astype(np.int32),
            muni_names=np.asarray(muni_names, dtype=object),
            _points=points,
        )
