"""Coverage: which sites and municipalities have projects in which sector, and where the gaps are.

Pure functions over GeoDataFrames (no Dash). Every distance and area is computed in
``METRIC_CRS`` (EPSG:32634, UTM 34N); geometries handed back for maps are in EPSG:4326.

Rules, stated once and named next to every total:

* **Sites** are the former camps and the return site (``camps`` layer) and the settlements
  with an RAE population (``settlements.has_rae_site``).
* **Site coverage** (site x sector) uses *point* projects only (IATI location precision 1, 2
  or 5): their coordinates say where the work happened. A municipality-level project
  (precision 3, or any other area-level code) is drawn at a municipality anchor, so a
  distance to it means nothing; it is reported for the site's municipality instead
  (``municipality_level_projects``) and counted in the municipality matrix.
* **Municipality of a project** (matrix): a municipality-level project counts for its
  ``municipality`` column. A point project counts where its point lies (point in polygon), with
  two safeguards (``assign_municipalities``): an installed boundary file may draw several
  municipalities with one merged polygon (``boundary_unit``; e.g. a file of the 30 municipalities of
  2000), so in a shared polygon the project's own ``municipality`` decides; and a point lying
  just outside its own municipality's polygon (within ``BOUNDARY_TOLERANCE_M`` plus its stated
  location uncertainty: simplified borders, approximate points) keeps its own municipality. A
  point clearly in another municipality counts there (in a shared polygon: the sharing
  municipality with the nearest seat). So no project is ever counted
  in two municipalities, and each location's rule is kept (``CoverageIndex.municipality_rule``).
* **Allocation** (``ALLOCATIONS``): a project listing several sectors is split across them,
  by its stated shares ("health:60;education:40") or equally, or counted whole in its primary
  sector. A project with several locations (several rows with one ``project_id``, or a
  MultiPoint) is split equally across its locations. Either way the allocated amounts of a
  project add up to its amount exactly once; ``projects`` counts in cells are distinct
  projects and are not added across cells (a two-sector project appears in both sectors);
  distinct totals are in ``CoverageResult.totals``.
* Site rows are not additive across sites: radii overlap (the Mitrovica camps are a few
  hundred metres apart).
* **Municipality filter** (``SITE_RULE``): it chooses which sites are reported and which matrix
  rows and municipality gaps are shown, never which projects reach a site. A site counts every
  point project within the radius, whatever municipality the project is in: a health centre 1 km
  away across the Ibar is a health centre for the camp (``site_project_mask``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geodata.analysis.filters import FilterState, ProjectIndex, describe
from geodata.analysis.kpis import SAMPLE_TAG
from geodata.analysis.privacy import RULE
from geodata.analysis.privacy import suppress_value as suppress_small
from geodata.facts.designation import DESIGNATION
from geodata.facts.layers import METRIC_CRS, OTHER_SECTOR, SECTORS, WGS84
from geodata.facts.municipality_registry import BY_CODE

DEFAULT_RADIUS_KM = 5.0
HAZARD_RING_KM: tuple[float, ...] = (1.0, 2.0, 5.0)
#: IATI location precision codes whose coordinates locate the work itself.
POINT_PRECISIONS = frozenset({1, 2, 5})

#: Allocation rules: key -> the words printed next to every total.
ALLOCATIONS: dict[str, str] = {
    "shares": "multi-sector projects split by their stated sector shares (equally where no shares are stated)",
    "equal": "multi-sector projects split equally across their sectors",
    "primary": "each project counted whole in its primary sector only",
}
DEFAULT_ALLOCATION = "shares"
LOCATION_RULE = "projects with several locations split equally across them"

#: How far (m) outside its own municipality's polygon a point may lie and still count there, on top
#: of its stated location uncertainty: borders are simplified to ~100 m, an installed official file may
#: differ from the embedded one, and our point placements are approximate.
BOUNDARY_TOLERANCE_M = 2000.0
RULE_MUNICIPALITY_LEVEL = "municipality level: its municipality column"
RULE_POINT_IN_POLYGON = "point in its municipality's polygon"
RULE_SHARED_OWN = "point in a shared polygon: its municipality column decides"
RULE_NEAR_OWN = "point just outside its municipality's polygon (within border tolerance + location uncertainty)"
RULE_POINT_ELSEWHERE = "point in another municipality's polygon: that municipality"
RULE_SHARED_NEAREST = "point in another, shared polygon: the sharing municipality with the nearest seat"
RULE_OUTSIDE = "point outside every polygon and far from its own: the nearest polygon's municipality"

SITE_RULE = "a site counts every point project within the radius, whatever its municipality"

SITE_KINDS = {"camp": "former camp", "return site": "return site", "settlement": "RAE settlement"}


# ---------------------------------------------------------------------------------------------- sites


def coverage_sites(camps: gpd.GeoDataFrame, settlements: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The sites coverage is measured for: former camps, the return site, RAE settlements (EPSG:4326).

    Columns: site_id, name_en, name_sq, name_sr, label (English name with the Albanian and
    Serbian forms where they differ), kind ('former camp', 'return site', 'RAE settlement'),
    group ('camp' for the camps layer, 'settlement'), municipality, geometry.
    """
    c = pd.DataFrame(
        {
            "site_id": camps["site_id"].astype(str),
            "name_en": camps["name_en"].astype(str),
            "name_sq": camps["name_sq"].fillna(camps["name_en"]).astype(str),
            "name_sr": camps["name_sr"].fillna(camps["name_en"]).astype(str),
            "kind": camps["site_type"].map(SITE_KINDS).fillna("former camp"),
            "group": "camp",
            "municipality": camps["municipality"].astype(str),
        }
    )
    rae = settlements[settlements["has_rae_site"].astype(bool)]
    s = pd.DataFrame(
        {
            "site_id": rae["settlement_id"].astype(str),
            "name_en": rae["name"].astype(str),
            "name_sq": rae["name"].astype(str),
            "name_sr": rae["name"].astype(str),
            "kind": SITE_KINDS["settlement"],
            "group": "settlement",
            "municipality": rae["municipality"].astype(str),
        }
    )
    frame = pd.concat([c, s], ignore_index=True)
    geometry = list(camps.geometry.to_crs(WGS84).values) + list(rae.geometry.to_crs(WGS84).values)
    sites = gpd.GeoDataFrame(frame, geometry=geometry, crs=WGS84)
    sites["label"] = _labels(sites)
    return sites


def _labels(sites: pd.DataFrame) -> pd.Series:
    """'Žitkovac (Zhitkoc/Žitkovac)'; settlements name their municipality in both languages."""
    own = sites["name_en"].where(
        (sites["name_sq"] == sites["name_en"]) & (sites["name_sr"] == sites["name_en"]),
        sites["name_en"] + " (" + sites["name_sq"] + "/" + sites["name_sr"] + ")",
    )
    muni = sites["municipality"].map(
        {c: (m.name_sq if m.name_sq == m.name_sr else f"{m.name_sq}/{m.name_sr}") for c, m in BY_CODE.items()}
    )
    settlement = sites["name_en"] + " (settlement in " + muni.fillna(sites["municipality"]) + ")"
    return own.where(sites["group"] != "settlement", settlement)


# ---------------------------------------------------------------------------------------------- sectors


def _entry_weights(sectors: str, primary: str, rule: str) -> np.ndarray:
    """Weights over SECTORS for one distinct (sectors, sector) pair; they sum to 1 (or 0 if unknown)."""
    w = np.zeros(len(SECTORS))
    names: list[str] = []
    shares: list[float | None] = []
    for part in str(sectors or "").split(";"):
        name, _, share = part.partition(":")
        name = name.strip()
        if name not in SECTORS:
            continue
        names.append(name)
        try:
            shares.append(float(share) if share.strip() else None)
        except ValueError:
            shares.append(None)
    if primary not in SECTORS:
        primary = names[0] if names else ""
    if not names:
        names, shares = ([primary], [None]) if primary else ([], [])
    if not names:
        return w
    if rule == "primary":
        w[SECTORS.index(primary)] = 1.0
        return w
    stated = rule == "shares" and all(s is not None and s >= 0 for s in shares) and sum(shares) > 0
    for name, share in zip(names, shares, strict=True):
        w[SECTORS.index(name)] += share if stated else 1.0
    return w / w.sum()


def sector_weights(sectors: pd.Series, primary: pd.Series, rule: str = DEFAULT_ALLOCATION) -> np.ndarray:
    """(n, len(SECTORS)) array: the share of each project that goes to each sector under ``rule``.

    ``sectors`` is the ';'-list ('health:60;education:40' or 'health;education'); an empty one
    falls back to ``primary`` (the ``sector`` column). Stated shares are used by the 'shares' rule
    when every entry states one (they are normalised to sum to 1); otherwise the split is equal.
    Only distinct strings are parsed, so this is fast on 100k rows.
    """
    if rule not in ALLOCATIONS:
        raise ValueError(f"unknown allocation {rule!r}; choose one of {', '.join(ALLOCATIONS)}")
    return sector_weight_tables(sectors, primary, (rule,))[rule]


def sector_weight_tables(
    sectors: pd.Series, primary: pd.Series, rules: tuple[str, ...] = tuple(ALLOCATIONS)
) -> dict[str, np.ndarray]:
    """``sector_weights`` for several rules at once (the strings are parsed once)."""
    if not len(sectors):
        return {r: np.zeros((0, len(SECTORS))) for r in rules}
    s_codes, s_uniques = pd.factorize(sectors.fillna("").astype(str))
    p_codes, p_uniques = pd.factorize(primary.fillna("").astype(str))
    n_p = max(len(p_uniques), 1)
    pairs, codes = np.unique(s_codes.astype(np.int64) * n_p + p_codes, return_inverse=True)
    codes = codes.ravel()
    out = {}
    for rule in rules:
        table = np.array(
            [_entry_weights(s_uniques[c // n_p], p_uniques[c % n_p] if len(p_uniques) else "", rule) for c in pairs],
            dtype=float,
        ).reshape(len(pairs), len(SECTORS))
        out[rule] = table[codes]
    return out


# ---------------------------------------------------------------------------------------------- municipalities


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


# ---------------------------------------------------------------------------------------------- index


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
    weights: dict[str, np.ndarray]  # allocation rule -> (n, len(SECTORS))
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


# ---------------------------------------------------------------------------------------------- results


@dataclass
class CoverageResult:
    radius_km: float
    dataset: str
    allocation: str
    allocation_label: str
    filters: str  # describe(state)
    sites: pd.DataFrame  # one row per site x sector
    matrix: pd.DataFrame  # one row per municipality x sector
    totals: pd.DataFrame  # one row per municipality, distinct projects, plus "all" for the whole selection
    gaps: pd.DataFrame
    summary: str
    details: list[str]
    n_projects: int  # distinct projects passing the filters
    n_sample: int
    n_without_amount: int
    n_municipality_conflicts: int
    exposure: pd.DataFrame = field(default_factory=pd.DataFrame)  # site x hazard distances

    @property
    def has_sample(self) -> bool:
        return self.n_sample > 0

    def to_json_dict(self) -> dict:
        """The CLI's --json object. Counts of people below 10 are given as "<10"."""

        def records(frame: pd.DataFrame, people: tuple[str, ...] = ()) -> list[dict]:
            out = frame.astype(object).where(frame.notna(), None)
            for col in people:
                if col in out.columns:
                    out[col] = [suppress_small(v) for v in frame[col]]
            return [{k: _plain(v) for k, v in row.items()} for row in out.to_dict("records")]

        people = ("beneficiaries_targeted", "beneficiaries_reached")
        return {
            "radius_km": self.radius_km,
            "dataset": self.dataset,
            "allocation": self.allocation,
            "allocation_rule": self.allocation_label,
            "location_rule": LOCATION_RULE,
            "filters": self.filters,
            "projects": self.n_projects,
            "sample_projects": self.n_sample,
            "sample_notice": "SAMPLE DATA: includes illustrative projects that are not real" if self.has_sample else "",
            "projects_without_committed_amount": self.n_without_amount,
            "summary": self.summary,
            "details": self.details,
            "sites": records(self.sites),
            "matrix": records(self.matrix, people),
            "totals": records(self.totals, people),
            "gaps": records(self.gaps),
            "exposure": records(self.exposure),
            "disclosure": RULE,
            "designation": DESIGNATION,
        }


def _plain(v: object) -> object:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        if math.isnan(v):
            return None
        return round(v, 3)
    return v


# ---------------------------------------------------------------------------------------------- analysis


def reported_sectors(index: CoverageIndex, state: FilterState, allocation: str = DEFAULT_ALLOCATION) -> tuple[str, ...]:
    """The sectors reported when none is chosen: every sector, except "other" (a catch-all for codes outside
    our seven, never a need) when no project passing the filters other than sector and municipality has it,
    so an empty catch-all is never shown as a gap ("6 of 6 sites have no other project")."""
    k = SECTORS.index(OTHER_SECTOR)
    portfolio = index.filters.mask(state.with_(sectors=(), municipalities=()))
    if (index.weights[allocation][portfolio, k] > 0).any():
        return SECTORS
    return tuple(s for s in SECTORS if s != OTHER_SECTOR)


def site_project_mask(index: CoverageIndex, state: FilterState) -> np.ndarray:
    """Per location: the projects that count for site coverage under ``state`` (``SITE_RULE``).

    Every filter applies except the municipality one: a project near a site counts for it whatever
    municipality the project is in, so choosing a municipality never turns a nearby project into a gap.
    """
    return index.filters.mask(state.with_(municipalities=()))


def _site_metric_xy(sites: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    g = sites.geometry.to_crs(METRIC_CRS).values
    return shapely.get_x(g), shapely.get_y(g)


def site_coverage(
    index: CoverageIndex,
    sites: gpd.GeoDataFrame,
    mask: np.ndarray,
    radius_km: float = DEFAULT_RADIUS_KM,
    allocation: str = DEFAULT_ALLOCATION,
    sectors: tuple[str, ...] = SECTORS,
) -> pd.DataFrame:
    """One row per site x sector: nearest point project (km), projects and USD within ``radius_km``.

    ``mask`` (per location) says which projects pass the filters. A project is "in" a sector when
    the allocation rule gives it a share of that sector. Funding within the radius is the allocated
    amount (sector share x share of the project's locations inside the radius).
    """
    n_sites, k_all = len(sites), len(SECTORS)
    sx, sy = _site_metric_xy(sites)
    radius_m = float(radius_km) * 1000.0
    weights = index.weights[allocation]
    active = mask & index.is_point
    in_sector = (weights > 0) & active[:, None]  # (n, K)

    # every (site, location) pair within the radius, via the STRtree, filtered afterwards
    site_pts = shapely.points(sx, sy)
    s_idx, t_idx = index.tree.query(site_pts, predicate="dwithin", distance=radius_m)
    rows = index.tree_rows[t_idx]
    keep = active[rows]
    s_idx, rows = s_idx[keep], rows[keep]
    d = np.hypot(index.x[rows] - sx[s_idx], index.y[rows] - sy[s_idx])

    nearest = np.full((n_sites, k_all), np.inf)
    nearest_row = np.full((n_sites, k_all), -1)
    within = np.zeros((n_sites, k_all), dtype=np.int64)
    sample_within = np.zeros((n_sites, k_all), dtype=np.int64)
    committed = np.zeros((n_sites, k_all))
    disbursed = np.zeros((n_sites, k_all))
    no_committed = np.zeros((n_sites, k_all), dtype=np.int64)
    no_disbursed = np.zeros((n_sites, k_all), dtype=np.int64)
    c_amt = np.nan_to_num(index.committed) * index.location_weight
    d_amt = np.nan_to_num(index.disbursed) * index.location_weight
    for k in range(k_all):  # loop over the 7 sectors, never over rows
        sel = in_sector[rows, k]
        sk, rk, dk = s_idx[sel], rows[sel], d[sel]
        if len(sk):
            order = np.lexsort((dk, sk))
            first = np.r_[True, sk[order][1:] != sk[order][:-1]]
            nearest[sk[order][first], k] = dk[order][first]
            nearest_row[sk[order][first], k] = rk[order][first]
            within[:, k] = _pair_distinct(index, sk, rk, np.ones(len(rk), dtype=bool), n_sites)
            sample_within[:, k] = _pair_distinct(index, sk, rk, index.is_sample[rk], n_sites)
            committed[:, k] = np.bincount(sk, weights=c_amt[rk] * weights[rk, k], minlength=n_sites)
            disbursed[:, k] = np.bincount(sk, weights=d_amt[rk] * weights[rk, k], minlength=n_sites)
            # unknown, not zero, where no project within the radius gives the amount
            for amounts, lacking in ((index.committed, no_committed), (index.disbursed, no_disbursed)):
                lacking[:, k] = _pair_distinct(index, sk, rk, np.isnan(amounts[rk]), n_sites)
        # sites with no project of this sector inside the radius: ask a tree of this sector's points
        todo = np.flatnonzero(~np.isfinite(nearest[:, k]))
        cand = np.flatnonzero(in_sector[:, k])
        if len(todo) and len(cand):
            tree = shapely.STRtree(index._points[cand])
            q, t, dist = _nearest(tree, site_pts[todo])
            nearest[todo[q], k] = dist
            nearest_row[todo[q], k] = cand[t]

    # municipality-level projects in the site's municipality (context, not distance)
    muni_level = mask & ~index.is_point
    site_muni = sites["municipality"].astype(str).to_numpy(dtype=object)
    muni_counts = _municipality_level_counts(index, muni_level, weights, site_muni)

    k_sel = [SECTORS.index(s) for s in sectors]
    rep = np.repeat(np.arange(n_sites), len(k_sel))
    kk = np.tile(np.array(k_sel, dtype=int), n_sites)
    near_km = nearest[rep, kk] / 1000.0
    nrow = nearest_row[rep, kk]
    has = nrow >= 0
    out = pd.DataFrame(
        {
            "site_id": sites["site_id"].to_numpy()[rep],
            "label": sites["label"].to_numpy()[rep],
            "kind": sites["kind"].to_numpy()[rep],
            "group": sites["group"].to_numpy()[rep],
            "municipality": site_muni[rep],
            "sector": np.array(SECTORS, dtype=object)[kk],
            "nearest_km": np.where(np.isfinite(near_km), near_km, np.nan),
            "nearest_project_id": np.where(has, index.project_ids[np.maximum(nrow, 0)], None),
            "nearest_project_title": np.where(has, index.titles[np.maximum(nrow, 0)], None),
            "nearest_is_sample": np.where(has, index.is_sample[np.maximum(nrow, 0)], None),
            "projects_within": within[rep, kk],
            "sample_projects_within": sample_within[rep, kk],
            "committed_usd_within": np.where(
                (within[rep, kk] > 0) & (no_committed[rep, kk] == within[rep, kk]), np.nan, committed[rep, kk]
            ),
            "disbursed_usd_within": np.where(
                (within[rep, kk] > 0) & (no_disbursed[rep, kk] == within[rep, kk]), np.nan, disbursed[rep, kk]
            ),
            "projects_without_committed_within": no_committed[rep, kk],
            "covered": within[rep, kk] > 0,
            "municipality_level_projects": muni_counts[rep, kk],
        }
    )
    out["radius_km"] = float(radius_km)
    return out


def _pair_distinct(index: CoverageIndex, sk: np.ndarray, rk: np.ndarray, keep: np.ndarray, n_sites: int) -> np.ndarray:
    """Distinct projects per site among (site, location) pairs where ``keep``."""
    if index.single_location:
        return np.bincount(sk[keep], minlength=n_sites)
    nproj = index.n_projects + 1
    pairs = np.unique(sk[keep].astype(np.int64) * nproj + index.project_code[rk[keep]])
    return np.bincount(pairs // nproj, minlength=n_sites)


def _nearest(tree: shapely.STRtree, geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    (q, t), dist = tree.query_nearest(geoms, return_distance=True, all_matches=False)
    return q, t, dist


def _municipality_level_counts(
    index: CoverageIndex, mask: np.ndarray, weights: np.ndarray, codes: np.ndarray
) -> np.ndarray:
    """(len(codes), K): distinct municipality-level projects per municipality code and sector."""
    wanted, inverse = np.unique(codes.astype(str), return_inverse=True)
    pos = index.positions(list(wanted))
    out = np.zeros((len(wanted), len(SECTORS)), dtype=np.int64)
    for k in range(len(SECTORS)):
        out[:, k] = index.count_distinct(pos, mask & (weights[:, k] > 0), len(wanted))
    return out[inverse]


def municipality_matrix(
    index: CoverageIndex,
    municipalities: pd.DataFrame,
    mask: np.ndarray,
    allocation: str = DEFAULT_ALLOCATION,
    sectors: tuple[str, ...] = SECTORS,
    codes: tuple[str, ...] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(matrix, totals). Matrix: one row per municipality x sector with distinct projects, allocated
    USD committed/disbursed and beneficiaries, and committed USD per RAE resident where the RAE
    population is sourced. Totals: one row per municipality plus an 'all' row, with distinct project
    counts and the allocated sums added up (they equal the projects' own amounts: nothing is counted
    twice). ``codes`` limits the rows (default: every municipality in ``municipalities``)."""
    weights = index.weights[allocation]
    muni = municipalities.drop_duplicates("code").set_index(municipalities.drop_duplicates("code")["code"].astype(str))
    all_codes = list(muni.index) if codes is None else list(codes)
    extra = sorted(set(index.muni_names[np.unique(index.muni_code[mask])]) - set(muni.index))
    if codes is None:
        all_codes += extra  # a project in a code unknown to the layer is still counted
    lookup = pd.Index(all_codes)
    n_m = len(all_codes)
    pos = index.positions(list(lookup))
    sel = mask & (pos >= 0)
    lw = index.location_weight

    # work on the selected locations only
    r = np.flatnonzero(sel)
    pos_s, lw_s, code_s = pos[r], lw[r], index.project_code[r]
    point_s, sample_s = index.is_point[r], index.is_sample[r]
    measures = {
        name: (np.nan_to_num(values[r]) * lw_s, np.isnan(values[r]))
        for name, values in (
            ("committed_usd", index.committed),
            ("disbursed_usd", index.disbursed),
            ("beneficiaries_targeted", index.targeted),
            ("beneficiaries_reached", index.reached),
        )
    }
    nproj = index.n_projects + 1

    def distinct(rows_mask: np.ndarray) -> np.ndarray:
        if index.single_location:
            return np.bincount(pos_s[rows_mask], minlength=n_m)
        pairs = np.unique(pos_s[rows_mask].astype(np.int64) * nproj + code_s[rows_mask])
        return np.bincount(pairs // nproj, minlength=n_m)

    def cells(share: np.ndarray) -> dict[str, np.ndarray]:
        """Counts and allocated sums for one column of cells; ``share``: each selected location's weight."""
        in_cell = share > 0
        projects = distinct(in_cell)
        out: dict[str, np.ndarray] = {
            "projects": projects,
            "point_projects": distinct(in_cell & point_s),
            "municipality_level_projects": distinct(in_cell & ~point_s),
            "sample_projects": distinct(in_cell & sample_s),
            "project_share": np.bincount(pos_s, weights=lw_s * share, minlength=n_m),
        }
        for name, (values, missing) in measures.items():
            lacking = distinct(in_cell & missing)
            total = np.bincount(pos_s, weights=values * share, minlength=n_m)
            # unknown, not zero, where no project in the cell gives the figure
            out[name] = np.where((projects > 0) & (lacking == projects), np.nan, total)
            if name in ("committed_usd", "disbursed_usd"):
                out[f"projects_without_{name.removesuffix('_usd')}"] = lacking
        return out

    k_sel = [SECTORS.index(s) for s in sectors]
    parts = [
        pd.DataFrame({"municipality": all_codes, "sector": SECTORS[k], **cells(weights[r, k])})
        for k in k_sel  # a loop over sectors, never over projects
    ]
    matrix = pd.concat(parts, ignore_index=True)

    # totals: each location's allocated shares in the reported sectors, summed once
    share = weights[:, k_sel].sum(axis=1)
    in_any = sel & (share > 0)
    totals = pd.DataFrame({"municipality": all_codes, **cells(share[r])})
    everything = {"municipality": "all"}
    with_projects = totals["projects"] > 0  # a municipality without projects adds nothing, not a known 0
    for col in totals.columns[1:]:
        everything[col] = totals.loc[with_projects, col].sum(min_count=1) if col in measures else totals[col].sum()
    for col, rows_mask in (
        ("projects", in_any),
        ("point_projects", in_any & index.is_point),
        ("municipality_level_projects", in_any & ~index.is_point),
        ("sample_projects", in_any & index.is_sample),
        ("projects_without_committed", in_any & np.isnan(index.committed)),
        ("projects_without_disbursed", in_any & np.isnan(index.disbursed)),
    ):
        everything[col] = index.n_distinct(rows_mask)
    totals = pd.concat([totals, pd.DataFrame([everything])], ignore_index=True)

    # names and RAE population (only where a source is given)
    for frame in (matrix, totals):
        m = frame["municipality"]
        frame["name_en"] = m.map(muni["name_en"]).fillna(m).where(m != "all", "All municipalities")
        frame["name_sq"] = m.map(muni["name_sq"]) if "name_sq" in muni else None
        frame["name_sr"] = m.map(muni["name_sr"]) if "name_sr" in muni else None
        pop, year, src = _sourced_population(muni)
        frame["rae_population"] = m.map(pop)
        frame["rae_population_year"] = m.map(year)
        frame["rae_population_source"] = m.map(src)
        per = frame["committed_usd"] / frame["rae_population"].astype(float)
        frame["committed_usd_per_rae_resident"] = per.where(frame["rae_population"].astype(float) > 0)
        frame["allocation"] = allocation
    return matrix, totals


def _sourced_population(muni: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    if "rae_population" not in muni.columns:
        empty = pd.Series(dtype=object)
        return empty, empty, empty
    src = muni.get("rae_population_source", pd.Series("", index=muni.index)).fillna("").astype(str).str.strip()
    ok = muni["rae_population"].notna() & (src != "")
    pop = muni["rae_population"].astype("Float64").where(ok)
    year = muni.get("rae_population_year", pd.Series(pd.NA, index=muni.index)).where(ok)
    return pop.astype(float), year, src.where(ok)


# ---------------------------------------------------------------------------------------------- words


def _sites_phrase(n: int, group: str) -> str:
    if group == "camp":
        return "former camp and return site" if n == 1 else "former camp and return sites"
    return "RAE settlement" if n == 1 else "RAE settlements"


def summarise(sites: pd.DataFrame, radius_km: float, sectors: tuple[str, ...]) -> tuple[str, list[str]]:
    """The headline sentence and one line per sector, both generated from ``sites`` (site x sector)."""
    r = f"{radius_km:g} km"
    if sites.empty:
        return "No sites match these filters, so coverage cannot be measured.", []
    counts = (
        sites.assign(uncovered=~sites["covered"])
        .groupby(["group", "sector"], sort=False)["uncovered"]
        .agg(["sum", "size"])
    )
    details = []
    for sector in sectors:
        parts = []
        for group in ("camp", "settlement"):
            if (group, sector) in counts.index:
                k, n = (int(v) for v in counts.loc[(group, sector)])
                parts.append(f"{k} of {n} {_sites_phrase(n, group)}")
        details.append(f"{sector.capitalize()}: " + " and ".join(parts) + f" have no {sector} project within {r}.")
    group = "camp" if "camp" in sites["group"].to_numpy() else "settlement"
    sub = counts.loc[group].reindex(list(sectors))
    worst = sub["sum"].astype(int)
    n = int(sub["size"].max())
    if worst.max() == 0:
        headline = (
            f"Every one of the {n} {_sites_phrase(n, group)} has "
            + (f"a {sectors[0]} project" if len(sectors) == 1 else "a project in every sector")
            + f" within {r}."
        )
    else:
        sector = worst.idxmax()
        k = int(worst.max())
        headline = f"{k} of {n} {_sites_phrase(n, group)} {'has' if k == 1 else 'have'} no {sector} project within {r}."
    return headline, details


def gap_list(sites: pd.DataFrame, matrix: pd.DataFrame, focus: tuple[str, ...], radius_km: float) -> pd.DataFrame:
    """Site x sector without a project within the radius, and focus municipality x sector without any
    project: level, id, name, municipality, sector, what is missing."""
    s = sites[~sites["covered"]]
    near = s["nearest_km"]
    missing_site = np.where(
        near.notna(),
        "no project within "
        + f"{radius_km:g}"
        + " km (nearest point project "
        + near.round(1).astype(str)
        + " km away)",
        "no point project in this sector",
    )
    missing_site = pd.Series(missing_site, index=s.index)
    ml = s["municipality_level_projects"]
    missing_site = missing_site.where(ml == 0, missing_site + "; " + ml.astype(str) + " municipality-level project(s)")
    site_gaps = pd.DataFrame(
        {
            "level": "site",
            "id": s["site_id"],
            "name": s["label"],
            "kind": s["kind"],
            "municipality": s["municipality"],
            "sector": s["sector"],
            "missing": missing_site,
            "nearest_km": near,
        }
    )
    m = matrix[(matrix["projects"] == 0) & matrix["municipality"].isin(focus)]
    muni_gaps = pd.DataFrame(
        {
            "level": "municipality",
            "id": m["municipality"],
            "name": _both_names(m),
            "kind": "municipality",
            "municipality": m["municipality"],
            "sector": m["sector"],
            "missing": "no project (point or municipality level)",
            "nearest_km": np.nan,
        }
    )
    return pd.concat([site_gaps, muni_gaps], ignore_index=True)


def _both_names(frame: pd.DataFrame) -> pd.Series:
    sq, sr = frame["name_sq"].fillna(frame["name_en"]), frame["name_sr"].fillna(frame["name_en"])
    return sq.where(sq == sr, sq + "/" + sr)


def coverage(
    index: CoverageIndex,
    sites: gpd.GeoDataFrame,
    municipalities: pd.DataFrame,
    state: FilterState | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
    allocation: str = DEFAULT_ALLOCATION,
    axis_filters: bool = True,
    hazards: gpd.GeoDataFrame | None = None,
) -> CoverageResult:
    """The whole coverage analysis for the projects passing ``state``.

    ``state.sectors`` limits the sectors reported, ``state.municipalities`` the sites, the matrix's
    projects and the municipality gaps; the sites count every project within the radius that passes
    the other filters, whatever its municipality (``SITE_RULE``, ``site_project_mask``). With
    ``axis_filters=False`` the sector and municipality filters are ignored (the Coverage view's matrix
    shows every cell and highlights the selected one). With ``hazards``, each site row also gives the
    distance to the smelter and to the nearest hazard (``site_exposure_summary``).
    """
    if allocation not in ALLOCATIONS:
        raise ValueError(f"unknown allocation {allocation!r}; choose one of {', '.join(ALLOCATIONS)}")
    if not (radius_km > 0 and math.isfinite(radius_km)):
        raise ValueError(f"radius must be a positive number of km, got {radius_km!r}")
    state = state or FilterState()
    if not axis_filters:
        state = state.with_(sectors=(), municipalities=())
    mask = index.filters.mask(state)
    sectors = tuple(state.sectors) or reported_sectors(index, state, allocation)
    if state.municipalities:
        sites = sites[sites["municipality"].isin(state.municipalities)]
    site_rows = site_coverage(index, sites, site_project_mask(index, state), radius_km, allocation, sectors)
    exposure = pd.DataFrame()
    if hazards is not None and not hazards.empty and len(sites):
        exposure = site_exposure(sites, hazards)
        site_rows = site_rows.merge(site_exposure_summary(sites, hazards), on="site_id", how="left")
    focus = tuple(
        dict.fromkeys(
            [c for c in sites["municipality"].astype(str)]
            + list(_sourced_population(municipalities.set_index("code", drop=False))[0].dropna().index)
            + list(index.muni_names[np.unique(index.muni_code[mask])])
        )
    )
    if state.municipalities:
        focus = tuple(c for c in focus if c in state.municipalities) or tuple(state.municipalities)
    matrix, totals = municipality_matrix(index, municipalities, mask, allocation, sectors)
    headline, details = summarise(site_rows, radius_km, sectors)
    if index.n_distinct(mask & index.is_sample):  # every sentence made with sample rows says so
        headline = f"{headline.removesuffix('.')} {SAMPLE_TAG}."
        details = [f"{d.removesuffix('.')} {SAMPLE_TAG}." for d in details]
    gaps = gap_list(site_rows, matrix, focus, radius_km)
    n_projects = index.n_distinct(mask)
    n_sample = index.n_distinct(mask & index.is_sample)
    n_no_amount = index.n_distinct(mask & np.isnan(index.committed))
    n_conflicts = index.n_distinct(mask & (index.municipality != index.own_municipality))
    return CoverageResult(
        radius_km=float(radius_km),
        dataset=state.dataset,
        allocation=allocation,
        allocation_label=ALLOCATIONS[allocation],
        filters=describe(state),
        sites=site_rows,
        matrix=matrix,
        totals=totals,
        gaps=gaps,
        summary=headline,
        details=details,
        n_projects=n_projects,
        n_sample=n_sample,
        n_without_amount=n_no_amount,
        n_municipality_conflicts=n_conflicts,
        exposure=exposure,
    )


# ---------------------------------------------------------------------------------------------- exposure


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
