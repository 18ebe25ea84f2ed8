"""Snapshots of the layers, prepared once for fast filtering (no Dash import here).

A ``Snapshot`` holds everything the explorer needs per version of the data:

* the projects frame (index reset: row ``i`` is position ``i`` in every array below),
* the ``ProjectIndex`` (filter masks) and ``KpiArrays`` (aggregations) over it,
* numpy arrays for the map: ``lat``/``lon`` (float32), ``size`` (uint8, from the committed amount on a fixed
  scale), ``sector_code`` (uint8, the marker colour), ``group`` (the project trace a row belongs to: its location
  level, see ``N_PROJECT_TRACES``) and ``order`` (rows sorted by group, so one filter is split into traces with a
  single ``searchsorted``),
* per boundary unit (the polygons the choropleth draws; several current municipalities can share one):
  ``unit_of_project`` codes, RAE populations where every member municipality's is sourced, hover text,
* the polygon GeoJSON (``coverage_simplify``: shared borders stay shared), built once per layer version
  and sent to the browser once, in the page layout.

``snapshot()`` returns the current one: the layers on disk (rebuilt when ``layer_version`` changes), or the
projects frame given to ``use_projects`` (the benchmark's synthetic portfolio, tests).

Why one module: the snapshot's arrays and the caches keyed by the data version are built and dropped
together; apart, a cache would be separated from what invalidates it.
"""

from __future__ import annotations

import functools
import html
import json
import threading
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard import config
from geodata import load
from geodata.analysis.coverage_view import CoverageInputs, CoverageView, VersionCache, coverage_view
from geodata.analysis.filters import OPEN_END_YEAR, FilterState, ProjectIndex, active_years, names_by_dataset
from geodata.analysis.kpis import KpiArrays
from geodata.analysis.privacy import suppress_frame
from geodata.analysis.sector_shares import sectors_in_words
from geodata.facts.build import round_coords
from geodata.facts.layers import LAYERS, SECTORS
from geodata.facts.municipality_registry import BY_CODE
from geodata.io.boundaries import feature_label
from geodata.io.load import layer_version

#: Project traces: one per location level, each point coloured by its sector (``sector_code``). Level 0: a
#: site-level point (IATI precision 1-2); level 1: a municipality-level project (precision 3 or coarser), drawn
#: at the municipality's anchor. Two traces instead of one per (sector, level) pair: every trace is a MapLibre
#: source and layers that the browser updates on each redraw. ``TFA_FAST=0`` restores one per pair.
LEVELS = ("site", "municipality")
TRACE_PER_SECTOR = not config.FAST
N_PROJECT_TRACES = len(SECTORS) * len(LEVELS) if TRACE_PER_SECTOR else len(LEVELS)
#: Committed amount (USD) that gets the largest marker; amounts are sized on this fixed scale so a marker
#: keeps its size whatever the filters. Unknown amounts get the smallest size.
SIZE_REFERENCE_USD = 2_000_000.0
SIZE_MIN, SIZE_MAX = 7, 26
#: Projects of one trace and sector at exactly the same place are one marker (a "stack"), sized by its largest
#: project: drawn one on another they looked the same, and cost the browser a point each (at 10,000 synthetic
#: projects two thirds of them sit at twelve municipal seats). A click opens the largest; a box selection takes
#: them all. ``TFA_FAST=0``: every project its own marker.
STACK_POINTS = config.FAST
SIMPLIFY_TOLERANCE_DEG = 0.001
COORD_DECIMALS = 4

#: Columns of the table and of the CSV download, in order, with their headers.
TABLE_COLUMNS: dict[str, str] = {
    "project_id": "ID",
    "title": "Title",
    "sector": "Sector(s)",
    "municipality_name": "Municipality",
    "status": "Status",
    "funder": "Funder",
    "implementing_org": "Implementing organisation",
    "committed_usd": "Committed (USD)",
    "disbursed_usd": "Disbursed (USD)",
    "beneficiaries_reached": "People reached",
    "start_date": "Start",
    "end_date": "End",
    "dataset": "Dataset",
}


def municipality_label(code: str) -> str:
    """English name, with the Albanian and Serbian names where they differ from it."""
    m = BY_CODE.get(code)
    if m is None:
        return code
    others = [n for n in dict.fromkeys((m.name_sq, m.name_sr)) if n and n != m.name_en]
    return f"{m.name_en} ({' / '.join(others)})" if others else m.name_en


def polygon_geojson(municipalities: gpd.GeoDataFrame) -> dict:
    """One feature per boundary unit (``id`` and the property ``unit`` = ``boundary_unit``), simplified as a
    coverage so that neighbouring polygons keep one shared border, coordinates rounded to about 10 m."""
    units = municipalities.drop_duplicates("boundary_unit").sort_values("boundary_unit")
    geoms = shapely.coverage_simplify(units.geometry.values, SIMPLIFY_TOLERANCE_DEG)
    features = []
    for unit, geom in zip(units["boundary_unit"], geoms, strict=True):
        mapping = shapely.geometry.mapping(geom)
        features.append(
            {
                "type": "Feature",
                "id": str(unit),
                "properties": {"unit": str(unit)},  # for MapLibre's feature state (figures.shading)
                "geometry": {
                    "type": mapping["type"],
                    "coordinates": round_coords(mapping["coordinates"], COORD_DECIMALS),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def outline_geojson(outline: gpd.GeoDataFrame) -> dict:
    """The Kosovo outline as a GeoJSON FeatureCollection (for a line layer)."""
    geom = shapely.union_all(outline.geometry.values)
    mapping = shapely.geometry.mapping(geom)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": mapping["type"],
                    "coordinates": round_coords(mapping["coordinates"], COORD_DECIMALS),
                },
            }
        ],
    }


@dataclass(frozen=True)
class StaticLayers:
    """The layers that do not depend on the portfolio, prepared once per version."""

    municipalities: gpd.GeoDataFrame
    camps: gpd.GeoDataFrame
    hazards: gpd.GeoDataFrame
    settlements: gpd.GeoDataFrame
    trust_fund: pd.DataFrame
    polygons: dict
    outline: dict
    units: tuple[str, ...]
    unit_hover: tuple[str, ...]
    unit_rae_population: np.ndarray  # float, NaN unless every member municipality's is sourced
    unit_rae_note: tuple[str, ...]


def _unit_tables(municipalities: gpd.GeoDataFrame) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray, tuple]:
    units = tuple(sorted(municipalities["boundary_unit"].astype(str).unique()))
    hover, rae, notes = [], [], []
    for unit in units:
        members = municipalities[municipalities["boundary_unit"] == unit].sort_values("name_en")
        names = [municipality_label(c) for c in members["code"]]
        polygon = html.escape(feature_label(str(members["boundary_unit_name"].iloc[0])))
        if len(members) > 1:
            text = (
                f"<b>{' and '.join(n.split(' (')[0] for n in names)}</b><br>"
                f"{len(members)} municipalities share this polygon ({polygon} in the boundary file):<br>"
                + "<br>".join(names)
                + "<br>Values are their total."
            )
        else:
            text = f"<b>{names[0]}</b>"
        hover.append(text)
        pops = pd.to_numeric(members["rae_population"], errors="coerce")
        if pops.notna().all():
            rae.append(float(pops.sum()))
            years = pd.to_numeric(members["rae_population_year"], errors="coerce")
            notes.append(
                "RAE residents: "
                + " + ".join(
                    f"{int(p):,} ({n.split(' (')[0]}, {int(y) if pd.notna(y) else 'year not given'})"
                    for p, n, y in zip(pops, names, years, strict=True)
                )
            )
        else:
            rae.append(np.nan)
            notes.append("RAE population not sourced: funding per resident not computed")
    return units, tuple(hover), np.array(rae, dtype=float), tuple(notes)


#: Snapshots and static layers kept per data version: the current one and the one before it (a request that
#: started before an import may still read it). Bounded, so memory does not grow by one snapshot per import.
CACHED_VERSIONS = 2


@functools.lru_cache(maxsize=CACHED_VERSIONS)
def _static_layers(version: str) -> StaticLayers:
    municipalities = load("municipalities")
    units, hover, rae, notes = _unit_tables(municipalities)
    return StaticLayers(
        municipalities=municipalities,
        camps=load("camps"),
        hazards=load("hazards"),
        settlements=load("settlements"),
        trust_fund=load("trust_fund"),
        polygons=polygon_geojson(municipalities),
        outline=outline_geojson(load("outline")),
        units=units,
        unit_hover=hover,
        unit_rae_population=rae,
        unit_rae_note=notes,
    )


def static_layers() -> StaticLayers:
    """The non-portfolio layers (cached per layer version)."""
    version = "|".join(layer_version(n) for n in LAYERS if n != "projects")
    return _static_layers(version)


@dataclass
class Snapshot:
    """A projects frame with its precomputed arrays (see the module docstring)."""

    projects: gpd.GeoDataFrame
    static: StaticLayers
    index: ProjectIndex
    kpi: KpiArrays
    lat: np.ndarray
    lon: np.ndarray
    size: np.ndarray
    group: np.ndarray
    order: np.ndarray
    group_sorted: np.ndarray
    unit_of_project: np.ndarray  # intp (bincount's own type: no copy) index into static.units; len(units) when unknown
    year_min: int
    year_max: int
    funders: dict[str, list[str]]  # per dataset choice ("documented", "sample", "all"): the funder filter's names
    orgs: dict[str, list[str]]  # the same for implementing organisations
    municipality_codes: list[str] = field(default_factory=list)
    group_rows: list[np.ndarray] = field(default_factory=list)  # row positions per project trace
    # per project trace, the typed-array specs of all its points (lat, lon, size, customdata), built on first
    # use: a filter that keeps a trace whole (e.g. "all projects") sends these without re-encoding them
    full_trace_specs: dict[int, dict[str, object]] = field(default_factory=dict)
    sector_code: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))  # index in SECTORS (colour)
    # per project trace, its rows sorted by stack (first drawn first), then largest marker first
    stack_rows: list[np.ndarray] = field(default_factory=list)
    stack_of: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # a row's stack (STACK_POINTS)

    @property
    def n(self) -> int:
        return len(self.projects)

    def mask(self, state: FilterState) -> np.ndarray:
        return self.index.mask(state)

    def drawn_points(self, mask: np.ndarray) -> list[DrawnPoints]:
        """Per project trace, the markers drawn for the rows in ``mask`` (see ``drawn``)."""
        return [self.drawn(trace, mask) for trace in range(len(self.stack_rows))]

    def drawn(self, trace: int, mask: np.ndarray) -> DrawnPoints:
        """The markers of project trace ``trace`` for the rows in ``mask``: one per stack with a row in it."""
        ordered = self.stack_rows[trace]
        rows = ordered[mask[ordered]]
        stack = self.stack_of[rows]
        starts = np.flatnonzero(np.r_[True, stack[1:] != stack[:-1]]) if len(rows) else np.zeros(0, np.int64)
        return DrawnPoints(rows, starts)

    def split_by_trace(self, mask: np.ndarray) -> list[np.ndarray]:
        """Row positions of the rows in ``mask``, one array per project trace (see ``N_PROJECT_TRACES``)."""
        return [rows[mask[rows]] for rows in self.group_rows]

    def unit_values(self, mask: np.ndarray, metric: str) -> np.ndarray:
        """The choropleth value of every boundary unit for the projects in ``mask`` (see ``METRICS``)."""
        k = len(self.static.units) + 1
        # masked weights over all rows: cheaper than gathering the masked rows first
        weights = {
            "projects": None,
            "beneficiaries_reached": self.kpi.reached,
            "disbursed_usd": self.kpi.disbursed,
        }.get(metric, self.kpi.committed)
        weights = mask.astype(np.float64) if weights is None else weights * mask
        values = np.bincount(self.unit_of_project, weights=weights, minlength=k)
        values = values[:-1]
        if metric == "usd_per_rae_resident":
            with np.errstate(invalid="ignore", divide="ignore"):
                values = values / self.static.unit_rae_population
        return values


def build_snapshot(projects: gpd.GeoDataFrame, static: StaticLayers | None = None) -> Snapshot:
    """Precompute everything the explorer filters and draws, for one projects frame."""
    static = static or static_layers()
    projects = projects.reset_index(drop=True)
    n = len(projects)
    geom = projects.geometry
    valid = geom.notna() & ~geom.is_empty
    lon = np.where(valid, geom.x.where(valid), np.nan).astype(np.float32) if n else np.zeros(0, np.float32)
    lat = np.where(valid, geom.y.where(valid), np.nan).astype(np.float32) if n else np.zeros(0, np.float32)
    committed = pd.to_numeric(projects["committed_usd"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    scaled = np.sqrt(np.clip(np.nan_to_num(committed, nan=0.0) / SIZE_REFERENCE_USD, 0.0, 1.0))
    size = np.round(SIZE_MIN + (SIZE_MAX - SIZE_MIN) * scaled).astype(np.uint8)
    sector = pd.Categorical(projects["sector"], categories=list(SECTORS)).codes.astype(np.int16)
    sector = np.where(sector < 0, 0, sector)
    precision = pd.to_numeric(projects["location_precision"], errors="coerce").fillna(3).to_numpy()
    level = (precision >= 3).astype(np.int16)
    group = (sector * len(LEVELS) + level if TRACE_PER_SECTOR else level).astype(np.int16)
    order = np.argsort(group, kind="stable").astype(np.int64)
    unit_by_code = dict(zip(static.municipalities["code"], static.municipalities["boundary_unit"], strict=True))
    unit_pos = {u: i for i, u in enumerate(static.units)}
    unit_of_project = (
        projects["municipality"].map(lambda c: unit_pos.get(unit_by_code.get(c), len(static.units))).to_numpy(np.intp)
        if n
        else np.zeros(0, np.intp)
    )
    start, end = active_years(projects)
    known_start = start[start > 0]
    known_end = end[(end > 0) & (end < OPEN_END_YEAR)]
    year_min = int(known_start.min()) if len(known_start) else 2000
    year_max = int(max(known_end.max() if len(known_end) else year_min, known_start.max() if len(known_start) else 0))
    stack_of = _stacks(group, sector, lat, lon) if STACK_POINTS else np.arange(n, dtype=np.int64)
    is_sample = projects["is_sample"].to_numpy(dtype=bool)
    stack_rows = []
    for g in range(N_PROJECT_TRACES):
        rows = np.flatnonzero(group == g)
        stack_rows.append(rows[np.lexsort((rows, -size[rows].astype(np.int16), stack_of[rows]))])
    return Snapshot(
        projects=projects,
        static=static,
        index=ProjectIndex.build(projects),
        kpi=KpiArrays.build(projects),
        lat=lat,
        lon=lon,
        size=size,
        group=group,
        order=order,
        group_sorted=group[order],
        unit_of_project=unit_of_project,
        year_min=year_min,
        year_max=year_max,
        # "USAID; European Union": two options
        funders=names_by_dataset(projects["funder"], is_sample),
        orgs=names_by_dataset(projects["implementing_org"], is_sample),
        municipality_codes=sorted(projects["municipality"].dropna().astype(str).unique()),
        group_rows=[np.flatnonzero(group == g) for g in range(N_PROJECT_TRACES)],
        sector_code=sector.astype(np.uint8),
        stack_rows=stack_rows,
        stack_of=stack_of,
    )


@dataclass(frozen=True)
class DrawnPoints:
    """The markers of one project trace under a filter: ``rows`` (the rows in the filter, stack by stack, each
    stack's largest first) and ``starts`` (where each marker's stack begins in ``rows``)."""

    rows: np.ndarray
    starts: np.ndarray

    @property
    def shown(self) -> np.ndarray:
        """The row each marker stands for (its stack's largest project): its place, size and colour."""
        return self.rows[self.starts]

    def members(self, point: int) -> np.ndarray:
        """The rows of marker ``point``, largest first."""
        end = self.starts[point + 1] if point + 1 < len(self.starts) else len(self.rows)
        return self.rows[self.starts[point] : end]


def _stacks(group: np.ndarray, sector: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Each row's stack: rows of one trace and sector at the same coordinates share one, numbered in the order
    of their first row (so markers are drawn in row order). Rows without coordinates stand alone."""
    n = len(group)
    if n == 0:
        return np.zeros(0, np.int64)
    key = np.empty(n, dtype=[("g", "i2"), ("s", "i2"), ("lat", "f4"), ("lon", "f4")])
    key["g"], key["s"], key["lat"], key["lon"] = group, sector, lat, lon
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    stack = rank[inverse.ravel()]
    missing = np.isnan(lat) | np.isnan(lon)
    stack[missing] = len(first) + np.arange(int(missing.sum()))
    return stack


_lock = threading.Lock()
_override: Snapshot | None = None


@functools.lru_cache(maxsize=CACHED_VERSIONS)
def _snapshot_for(version: str) -> Snapshot:
    return build_snapshot(load("projects"))


def use_projects(projects: gpd.GeoDataFrame | None) -> Snapshot:
    """Serve ``projects`` instead of the projects layer (None: back to the layer). Returns the snapshot."""
    global _override
    with _lock:
        _override = None if projects is None else build_snapshot(projects)
    return snapshot()


def snapshot() -> Snapshot:
    """The current snapshot (the ``use_projects`` frame, else the projects layer at its current version)."""
    if _override is not None:
        return _override
    static = static_layers()
    return _snapshot_for(layer_version("projects") + "|" + str(id(static)))


# ---------------------------------------------------------------- coverage per snapshot

#: Coverage views (the page's drawn outputs) kept per data version: the default one and the last few settings.
COVERAGE_VIEWS_KEPT = 16
_coverage_inputs = VersionCache(1)
#: The coverage page's drawn views, per data version (``VersionCache.get(snap, settings, draw)``).
coverage_views = VersionCache(COVERAGE_VIEWS_KEPT)


def coverage_inputs(snap: Snapshot) -> CoverageInputs:
    """The coverage index, sites and hazard rings of a snapshot; built once per snapshot."""
    static = snap.static

    def build() -> CoverageInputs:
        return CoverageInputs.build(
            snap.projects, static.municipalities, snap.index, static.camps, static.settlements, static.hazards
        )

    return _coverage_inputs.get(snap, "inputs", build)


def coverage_analysis(snap: Snapshot, state: FilterState, radius_km: float, allocation: str) -> CoverageView:
    """The coverage page's analysis for these settings (``geodata.analysis.coverage_view``); one analysis when
    no sector or municipality is chosen (``TFA_FAST=0``: two, as before)."""
    return coverage_view(coverage_inputs(snap), state, radius_km, allocation, one_pass=config.FAST)


# ---------------------------------------------------------------- table and CSV


def table_frame(snap: Snapshot, rows: np.ndarray, suppress: bool = True) -> pd.DataFrame:
    """The table's columns for the given row positions (no geometry); counts of people suppressed unless
    ``suppress=False`` (the export service's CSV writer applies the rule itself)."""
    frame = snap.projects.iloc[rows]
    out = pd.DataFrame(
        {col: frame[col] for col in TABLE_COLUMNS if col in frame and col != "municipality_name"}, index=frame.index
    )
    out.insert(3, "municipality_name", frame["municipality"].map(lambda c: municipality_label(str(c))))
    # every sector of a multi-sector project, as the page names them ("Health 60%, Education 40%", "Housing"); the
    # distinct pairs are few, so each is worded once
    sectors = frame["sectors"].fillna("").astype(str) if "sectors" in frame else pd.Series("", index=frame.index)
    pairs = list(zip(sectors, frame["sector"].fillna("").astype(str), strict=True))
    words = {pair: sectors_in_words(*pair) for pair in set(pairs)}
    out["sector"] = [words[pair] for pair in pairs]
    out = out[list(TABLE_COLUMNS)]
    return suppress_frame(out) if suppress else out  # counts of people 1-9 as "<10", in the grid and the CSV


def table_rows(snap: Snapshot, mask: np.ndarray, limit: int) -> tuple[list[dict], int]:
    """Rows for the grid: the ``limit`` largest commitments among ``mask`` (unknown amounts last), and the
    number of matching rows."""
    rows = np.flatnonzero(mask)
    total = len(rows)
    if total > limit:
        amount = np.where(snap.kpi.committed_known[rows], snap.kpi.committed[rows], -1.0)
        top = np.argpartition(-amount, limit - 1)[:limit]
        rows = rows[top]
    amount = np.where(snap.kpi.committed_known[rows], snap.kpi.committed[rows], -1.0)
    rows = rows[np.argsort(-amount, kind="stable")]
    frame = table_frame(snap, rows)
    records = json.loads(frame.to_json(orient="records", force_ascii=False))
    return records, total


#: Grid columns the table can be sorted by, each with what it sorts on: a numeric array of ``KpiArrays`` (unknown
#: amounts last in either direction: unknown is not zero) or a text column of the table.
_NUMERIC_SORT = {"committed_usd": ("committed", "committed_known"), "disbursed_usd": ("disbursed", "disbursed_known")}


def table_order(snap: Snapshot, mask: np.ndarray, sort_model: list[dict] | None = None) -> np.ndarray:
    """Row positions of the rows in ``mask`` in the table's order: ag-grid's ``sortModel`` (a list of
    ``{"colId", "sort": "asc"|"desc"}``, first key first; unknown columns ignored), else the largest
    commitments first. Unknown values sort last either way."""
    rows = np.flatnonzero(mask)
    keys = [(s.get("colId"), s.get("sort")) for s in (sort_model or []) if s.get("sort") in ("asc", "desc")]
    keys = [(col, direction) for col, direction in keys if col in TABLE_COLUMNS]
    if not keys:
        keys = [("committed_usd", "desc")]
    columns, ascending = {}, []
    for i, (col, direction) in enumerate(keys):
        if col in _NUMERIC_SORT:
            values, known = (getattr(snap.kpi, a) for a in _NUMERIC_SORT[col])
            columns[f"k{i}"] = np.where(known[rows], values[rows], np.nan)
        elif col == "municipality_name":
            columns[f"k{i}"] = snap.projects["municipality"].iloc[rows].map(lambda c: municipality_label(str(c))).array
        else:
            columns[f"k{i}"] = snap.projects[col].iloc[rows].astype("string").str.casefold().array
        ascending.append(direction == "asc")
    frame = pd.DataFrame(columns)
    order = frame.sort_values(list(columns), ascending=ascending, na_position="last", kind="stable").index
    return rows[order.to_numpy()]


def table_page(
    snap: Snapshot, mask: np.ndarray, start: int, end: int, sort_model: list[dict] | None = None
) -> tuple[list[dict], int]:
    """One block of the table (ag-grid's infinite row model asks for rows ``start`` to ``end``, sorted by its
    ``sortModel``) and the number of matching rows: the browser holds a page of rows, not the match list."""
    order = table_order(snap, mask, sort_model)
    start = max(int(start or 0), 0)
    end = min(max(int(end or 0), start), len(order))
    frame = table_frame(snap, order[start:end])
    return json.loads(frame.to_json(orient="records", force_ascii=False)), len(order)
