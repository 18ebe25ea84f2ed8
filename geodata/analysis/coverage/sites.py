"""Sites: the places coverage is measured for (former camps, the return site, RAE settlements), and
site x sector coverage: the nearest point project and the projects and funding within the radius."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.analysis.coverage.index import CoverageIndex, _site_metric_xy
from geodata.analysis.coverage.rules import DEFAULT_ALLOCATION, DEFAULT_RADIUS_KM, SITE_KINDS
from geodata.analysis.filters import FilterState
from geodata.facts.layers import SECTORS, WGS84
from geodata.facts.municipality_registry import BY_CODE


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


def site_project_mask(index: CoverageIndex, state: FilterState) -> np.ndarray:
    """Per location: the projects that count for site coverage under ``state`` (``SITE_RULE``).

    Every filter applies except the municipality one: a project near a site counts for it whatever
    municipality the project is in, so choosing a municipality never turns a nearby project into a gap.
    """
    return index.filters.mask(state.with_(municipalities=()))


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
