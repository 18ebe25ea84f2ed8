"""The whole coverage analysis for a filter state (``coverage``), its result, the headline sentence and
the gap list."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.analysis.coverage.exposure import site_exposure, site_exposure_summary
from geodata.analysis.coverage.index import CoverageIndex
from geodata.analysis.coverage.matrix import _sourced_population, municipality_matrix
from geodata.analysis.coverage.rules import ALLOCATIONS, DEFAULT_ALLOCATION, DEFAULT_RADIUS_KM, LOCATION_RULE
from geodata.analysis.coverage.sites import site_coverage, site_project_mask
from geodata.analysis.filters import FilterState, describe
from geodata.analysis.kpi_words import SAMPLE_TAG
from geodata.analysis.privacy import RULE
from geodata.analysis.privacy import suppress_value as suppress_small
from geodata.facts.designation import DESIGNATION
from geodata.facts.layers import OTHER_SECTOR, SECTORS
from geodata.io.load import boundary_credit


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
            "municipal_boundaries": boundary_credit(),
        }


def _plain(v: object) -> object:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        if math.isnan(v):
            return None
        return round(v, 3)
    return v


def reported_sectors(index: CoverageIndex, state: FilterState, allocation: str = DEFAULT_ALLOCATION) -> tuple[str, ...]:
    """The sectors reported when none is chosen: every sector, except "other" (a catch-all for codes outside
    our seven, never a need) when no project passing the filters other than sector and municipality has it,
    so an empty catch-all is never shown as a gap ("6 of 6 sites have no other project")."""
    k = SECTORS.index(OTHER_SECTOR)
    portfolio = index.filters.mask(state.with_(sectors=(), municipalities=()))
    if (index.weights.column(allocation, k)[portfolio] > 0).any():
        return SECTORS
    return tuple(s for s in SECTORS if s != OTHER_SECTOR)


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
