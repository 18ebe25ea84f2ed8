"""The municipality x sector matrix and the per-municipality totals (distinct projects, allocated sums,
committed USD per RAE resident where the population is sourced)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.analysis.coverage.index import CoverageIndex
from geodata.analysis.coverage.rules import DEFAULT_ALLOCATION
from geodata.facts.layers import SECTORS


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
