"""Headline figures and aggregations over the projects layer (pure, vectorised).

Two ways in, one implementation:

* Frame functions for one-off use (exports, the briefing page, tests)::

      kpis(projects)                      # dict, see KPI_KEYS
      by_sector(projects)                 # committed/disbursed per sector, split by sector shares
      by_municipality(projects)           # per municipality code
      cumulative_by_year(projects)        # committed/disbursed by start year, and running totals
      beneficiaries_by_community(projects)  # reached per community, counts below 10 suppressed

* ``KpiArrays.build(projects)`` once, then the same methods with a boolean
  ``mask`` (from ``geodata.analysis.filters.ProjectIndex.mask``): every aggregation is a
  ``np.bincount`` or a matrix product over precomputed codes, so the explorer
  can run them on every filter change over 100,000 projects.

Conventions (they are what the dashboard's tooltips say):

* Amounts are USD as stored in ``committed_usd`` / ``disbursed_usd``; a missing
  amount is not counted as zero: it is counted in ``*_unknown``, and each total says
  how many projects it covers (``*_reported``). A total no project reports is None
  ("not reported"), never 0; the same holds per sector, municipality, year and community.
* ``disbursed_pct`` is disbursed / committed over the projects where both are known.
* A project with several sectors ("health:60;education:40") counts its money in
  each sector by share (equal shares when none are given).
* Over time: a project's money is placed in its start year.
* Beneficiary counts by community between 1 and 9 are suppressed ("<10"), so no
  small group can be singled out.

``kpi_lines(kpis(...))`` words the headline figures for people, the same in every
channel (the explorer's cards, the briefing page and its deck): "not reported" for
a figure no project gives, how many projects each total covers, and "(sample data)"
on every line that includes sample rows.

Also here: ``trust_fund_status`` (the Trust Fund card) and ``site_history``
(a camp's timeline, lead findings and distance to the smelter, measured in
``METRIC_CRS``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.analysis.filters import active_years
from geodata.analysis.formatting import usd
from geodata.analysis.privacy import SUPPRESS_BELOW, SUPPRESSED_LABEL, suppress  # noqa: F401  (used by the dashboard)
from geodata.facts.layers import COMMUNITIES, METRIC_CRS, SECTORS
from geodata.facts.municipality_registry import MUNICIPALITIES

KPI_KEYS = (
    "projects",
    "committed_usd",
    "committed_unknown",
    "disbursed_usd",
    "disbursed_unknown",
    "disbursed_pct",
    "beneficiaries_reached",
    "beneficiaries_targeted",
    "municipalities_covered",
    "has_sample",
    "sample_projects",
    "committed_reported",
    "disbursed_reported",
    "reached_reported",
    "targeted_reported",
)

#: What a figure that no source gives is called, wherever it is shown (never 0).
NOT_REPORTED = "not reported"
#: Appended to every generated sentence and figure that includes sample rows.
SAMPLE_TAG = "(sample data)"

#: One-line definitions, used as the KPI tooltips.
KPI_DEFINITIONS: dict[str, str] = {
    "projects": "Projects that pass every active filter (documented and/or sample, as chosen).",
    "committed_usd": "Sum of committed amounts in US dollars (converted where the source gave euros: see fx_note). "
    "Projects whose amount no source gives are not counted as zero: the card says how many projects the total "
    "covers, and 'not reported' when none gives an amount.",
    "disbursed_usd": "Sum of disbursed amounts in US dollars. The percentage is disbursed ÷ committed over the "
    "projects where both amounts are known.",
    "beneficiaries": "People reached, as reported, over people targeted (projects that report them; "
    "'not reported' when none does). Counts below 10 are shown as <10.",
    "municipalities_covered": "Current municipalities (of 38) with at least one matching project.",
}


_SHARE = re.compile(r"^\s*([^:]+?)\s*(?::\s*(\d+(?:\.\d+)?))?\s*$")


def sector_shares(sectors: pd.Series, primary: pd.Series) -> np.ndarray:
    """(n, len(SECTORS)) float32: each project's share of its money per sector; rows sum to 1
    (0 for a project with no known sector)."""
    out = np.zeros((len(sectors), len(SECTORS)), dtype=np.float32)
    text = sectors.fillna("").astype(str).to_numpy()
    prim = primary.fillna("").astype(str).to_numpy()
    single = {s: i for i, s in enumerate(SECTORS)}
    # Fast path: a single sector name (the common case) is one vectorised assignment.
    plain = np.array([t == "" or t in single for t in text])
    names = np.where(text == "", prim, text)
    for s, j in single.items():
        out[plain & (names == s), j] = 1.0
    for i in np.flatnonzero(~plain):
        parts = [m.groups() for m in (_SHARE.match(p) for p in text[i].split(";")) if m]
        parts = [(name, float(w) if w else np.nan) for name, w in parts if name in single]
        if not parts:
            continue
        weights = np.array([w for _, w in parts], dtype=float)
        weights = np.where(np.isnan(weights), 1.0, weights) if np.isnan(weights).any() else weights
        total = weights.sum() or 1.0
        for (name, _), w in zip(parts, weights, strict=True):
            out[i, single[name]] += w / total
    return out


def community_counts(values: pd.Series) -> np.ndarray:
    """(n, len(COMMUNITIES)) int64 from 'Roma=12;Ashkali=3' strings (0 where not given)."""
    out = np.zeros((len(values), len(COMMUNITIES)), dtype=np.int64)
    text = values.fillna("").astype(str)
    for j, name in enumerate(COMMUNITIES):
        found = text.str.extract(rf"(?:^|;)\s*{name}\s*=\s*(\d+)", expand=False)
        out[:, j] = pd.to_numeric(found, errors="coerce").fillna(0).to_numpy(dtype=np.int64)
    return out


def community_known(values: pd.Series) -> np.ndarray:
    """(n, len(COMMUNITIES)) bool: whether each row gives a count for each community."""
    out = np.zeros((len(values), len(COMMUNITIES)), dtype=bool)
    text = values.fillna("").astype(str)
    for j, name in enumerate(COMMUNITIES):
        out[:, j] = text.str.contains(rf"(?:^|;)\s*{name}\s*=\s*\d", regex=True).to_numpy(dtype=bool)
    return out


def _known(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(arr)
    return np.where(known, arr, 0.0), known


# Rows of KpiArrays.sums_t (amounts, float64: one matrix, so every masked total is one matrix-vector product),
# then per sector committed and disbursed (split by share), then people reached per community.
_TOTALS = (
    "committed",
    "disbursed",
    "reached",
    "targeted",
    "committed_both",
    "disbursed_both",
)
# Rows of KpiArrays.counts_t (counts of projects, float32: exact to 16 million rows, half the bytes), then per
# sector: projects with a share, with a known committed and with a known disbursed amount; then per community:
# projects that give a count for it.
_COUNTS = (
    "committed_unknown",
    "disbursed_unknown",
    "sample",
    "projects",
    "reached_known",
    "targeted_known",
)
_S = len(SECTORS)
_C = len(COMMUNITIES)


@dataclass(frozen=True)
class Aggregates:
    """Every aggregate of one mask, as numpy vectors (no pandas: the explorer's callback reads these)."""

    totals: dict[str, float]
    sector_committed: np.ndarray
    sector_disbursed: np.ndarray
    sector_projects: np.ndarray
    community_reached: np.ndarray
    municipality_projects: np.ndarray  # per KpiArrays.municipalities
    municipality_committed: np.ndarray
    municipality_disbursed: np.ndarray
    municipality_reached: np.ndarray
    year_first: int  # years[k] == year_first + k; 0 when no row has a start year
    year_projects: np.ndarray
    year_committed: np.ndarray
    year_disbursed: np.ndarray
    # how many of the counted projects give each figure (0: the figure is not reported, not zero)
    sector_committed_known: np.ndarray
    sector_disbursed_known: np.ndarray
    community_known: np.ndarray
    municipality_committed_known: np.ndarray
    municipality_disbursed_known: np.ndarray
    municipality_reached_known: np.ndarray
    year_committed_known: np.ndarray
    year_disbursed_known: np.ndarray


@dataclass(frozen=True)
class KpiArrays:
    """Numpy arrays over a projects frame, for aggregations under any boolean mask.

    ``sums_t`` holds, per row, every quantity that is summed under a mask (amounts, counts, amounts split by
    sector share, people reached per community), so ``sums_t @ mask`` gives all totals at once; grouped figures
    (per municipality, per start year) are ``np.bincount`` over precomputed integer codes.
    """

    n: int
    committed: np.ndarray
    committed_known: np.ndarray
    disbursed: np.ndarray
    disbursed_known: np.ndarray
    reached: np.ndarray
    targeted: np.ndarray
    municipality: np.ndarray  # intp codes into ``municipalities`` (bincount needs no conversion)
    municipalities: tuple[str, ...]
    shares: np.ndarray  # (n, len(SECTORS)) float32
    start_year: np.ndarray  # int32, 0 when unknown
    year_offset: np.ndarray  # start_year - year_base, -1 when unknown
    year_base: int
    community_reached: np.ndarray  # (n, len(COMMUNITIES)) int64
    is_sample: np.ndarray
    reached_known: np.ndarray
    sums_t: np.ndarray  # (len(_TOTALS) + 2 * len(SECTORS) + len(COMMUNITIES), n) float64, row-major
    counts_t: np.ndarray  # (len(_COUNTS) + 3 * len(SECTORS) + len(COMMUNITIES), n) float32, row-major

    @classmethod
    def build(cls, projects: pd.DataFrame) -> KpiArrays:
        committed, committed_known = _known(projects["committed_usd"])
        disbursed, disbursed_known = _known(projects["disbursed_usd"])
        reached, reached_known = _known(projects["beneficiaries_reached"])
        targeted, targeted_known = _known(projects["beneficiaries_targeted"])
        cat = pd.Categorical(projects["municipality"].fillna("").astype(str))
        sectors = projects["sectors"] if "sectors" in projects else projects["sector"]
        shares = sector_shares(sectors, projects["sector"])
        start, _ = active_years(projects)
        known_years = start[start > 0]
        year_base = int(known_years.min()) if len(known_years) else 0
        year_offset = np.where(start > 0, start - year_base, -1).astype(np.intp)
        community_text = (
            projects["beneficiaries_by_community"]
            if "beneficiaries_by_community" in projects
            else pd.Series([""] * len(projects))
        )
        by_community = community_counts(community_text)
        is_sample = projects["is_sample"].to_numpy(dtype=bool)
        both = committed_known & disbursed_known
        in_sector = shares > 0
        sums = (
            np.column_stack(
                [
                    committed,
                    disbursed,
                    reached,
                    targeted,
                    np.where(both, committed, 0.0),
                    np.where(both, disbursed, 0.0),
                    shares * committed[:, None],
                    shares * disbursed[:, None],
                    by_community,
                ]
            ).astype(np.float64)
            if len(projects)
            else np.zeros((0, len(_TOTALS) + 2 * _S + _C))
        )
        counts = (
            np.column_stack(
                [
                    ~committed_known,
                    ~disbursed_known,
                    is_sample,
                    np.ones(len(projects)),
                    reached_known,
                    targeted_known,
                    in_sector,
                    in_sector & committed_known[:, None],
                    in_sector & disbursed_known[:, None],
                    community_known(community_text),
                ]
            ).astype(np.float32)
            if len(projects)
            else np.zeros((0, len(_COUNTS) + 3 * _S + _C), dtype=np.float32)
        )
        return cls(
            n=len(projects),
            committed=committed,
            committed_known=committed_known,
            disbursed=disbursed,
            disbursed_known=disbursed_known,
            reached=reached,
            targeted=targeted,
            municipality=cat.codes.astype(np.intp),
            municipalities=tuple(str(c) for c in cat.categories),
            shares=shares,
            start_year=start,
            year_offset=year_offset,
            year_base=year_base,
            community_reached=by_community,
            is_sample=is_sample,
            reached_known=reached_known,
            sums_t=np.ascontiguousarray(sums.T),
            counts_t=np.ascontiguousarray(counts.T),
        )

    def _mask(self, mask: np.ndarray | None) -> np.ndarray:
        return np.ones(self.n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)

    def _all_totals(self) -> tuple[np.ndarray, np.ndarray]:
        cached = self.__dict__.get("_totals_cache")
        if cached is None:
            cached = (self.sums_t.sum(axis=1), self.counts_t.sum(axis=1, dtype=np.float64))
            object.__setattr__(self, "_totals_cache", cached)
        return cached

    def aggregate(self, mask: np.ndarray | None = None) -> Aggregates:
        """Every aggregate for the rows in ``mask``, in one pass (a matrix-vector product and a few bincounts)."""
        m = self._mask(mask)
        rows = np.flatnonzero(m)
        if len(rows) == self.n:  # everything: the column totals, computed once
            col, cnt = self._all_totals()
        else:
            col = self.sums_t @ m.astype(np.float64)
            cnt = self.counts_t @ m.astype(np.float32)
        t, c = len(_TOTALS), len(_COUNTS)
        totals = dict(zip(_TOTALS, (float(v) for v in col[:t]), strict=True))
        totals.update(zip(_COUNTS, (float(v) for v in cnt[:c]), strict=True))
        known_c = self.committed_known[rows].astype(np.float64)
        known_d = self.disbursed_known[rows].astype(np.float64)
        k = len(self.municipalities)
        codes = self.municipality[rows]
        years = self.year_offset[rows]
        years = years[years >= 0]
        year_rows = rows[self.year_offset[rows] >= 0]
        if len(years):
            lo, hi = int(years.min()), int(years.max())
            shifted = years - lo
            span = hi - lo + 1
            year_projects = np.bincount(shifted, minlength=span)
            year_committed = np.bincount(shifted, weights=self.committed[year_rows], minlength=span)
            year_disbursed = np.bincount(shifted, weights=self.disbursed[year_rows], minlength=span)
            year_committed_known = np.bincount(shifted, weights=self.committed_known[year_rows], minlength=span)
            year_disbursed_known = np.bincount(shifted, weights=self.disbursed_known[year_rows], minlength=span)
            year_first = self.year_base + lo
        else:
            year_projects = year_committed = year_disbursed = np.zeros(0)
            year_committed_known = year_disbursed_known = np.zeros(0)
            year_first = 0
        return Aggregates(
            totals=totals,
            sector_committed=col[t : t + _S],
            sector_disbursed=col[t + _S : t + 2 * _S],
            sector_projects=np.rint(cnt[c : c + _S]).astype(np.int64),
            community_reached=np.rint(col[t + 2 * _S :]).astype(np.int64),
            municipality_projects=np.bincount(codes, minlength=k),
            municipality_committed=np.bincount(codes, weights=self.committed[rows], minlength=k),
            municipality_disbursed=np.bincount(codes, weights=self.disbursed[rows], minlength=k),
            municipality_reached=np.bincount(codes, weights=self.reached[rows], minlength=k),
            year_first=year_first,
            year_projects=year_projects,
            year_committed=year_committed,
            year_disbursed=year_disbursed,
            sector_committed_known=np.rint(cnt[c + _S : c + 2 * _S]).astype(np.int64),
            sector_disbursed_known=np.rint(cnt[c + 2 * _S : c + 3 * _S]).astype(np.int64),
            community_known=np.rint(cnt[c + 3 * _S :]).astype(np.int64),
            municipality_committed_known=np.bincount(codes, weights=known_c, minlength=k).astype(np.int64),
            municipality_disbursed_known=np.bincount(codes, weights=known_d, minlength=k).astype(np.int64),
            municipality_reached_known=np.bincount(
                codes, weights=self.reached_known[rows].astype(np.float64), minlength=k
            ).astype(np.int64),
            year_committed_known=np.rint(year_committed_known).astype(np.int64),
            year_disbursed_known=np.rint(year_disbursed_known).astype(np.int64),
        )

    def kpis(self, mask: np.ndarray | None = None, agg: Aggregates | None = None) -> dict:
        """The headline figures (keys: ``KPI_KEYS``) for the projects in ``mask``."""
        a = agg or self.aggregate(mask)
        t = a.totals
        covered = sum(1 for code, c in zip(self.municipalities, a.municipality_projects, strict=True) if c and code)
        projects = int(round(t["projects"]))
        reported = {
            "committed_reported": projects - int(round(t["committed_unknown"])),
            "disbursed_reported": projects - int(round(t["disbursed_unknown"])),
            "reached_reported": int(round(t["reached_known"])),
            "targeted_reported": int(round(t["targeted_known"])),
        }
        return {
            "projects": projects,
            "committed_usd": t["committed"] if reported["committed_reported"] else None,
            "committed_unknown": int(round(t["committed_unknown"])),
            "disbursed_usd": t["disbursed"] if reported["disbursed_reported"] else None,
            "disbursed_unknown": int(round(t["disbursed_unknown"])),
            "disbursed_pct": 100.0 * t["disbursed_both"] / t["committed_both"] if t["committed_both"] else None,
            "beneficiaries_reached": int(round(t["reached"])) if reported["reached_reported"] else None,
            "beneficiaries_targeted": int(round(t["targeted"])) if reported["targeted_reported"] else None,
            "municipalities_covered": covered,
            "has_sample": t["sample"] > 0,
            "sample_projects": int(round(t["sample"])),
            **reported,
        }

    def by_sector(self, mask: np.ndarray | None = None, agg: Aggregates | None = None) -> pd.DataFrame:
        """One row per sector (all of ``SECTORS``, in order): committed and disbursed USD split by
        sector share (NaN where the sector has projects but none gives the amount), the number of projects with
        a share in the sector, and how many of them give each amount."""
        a = agg or self.aggregate(mask)
        return pd.DataFrame(
            {
                "sector": list(SECTORS),
                "committed_usd": _unless_unreported(a.sector_committed, a.sector_projects, a.sector_committed_known),
                "disbursed_usd": _unless_unreported(a.sector_disbursed, a.sector_projects, a.sector_disbursed_known),
                "projects": a.sector_projects,
                "committed_reported": a.sector_committed_known,
                "disbursed_reported": a.sector_disbursed_known,
            }
        )

    def by_municipality(self, mask: np.ndarray | None = None, agg: Aggregates | None = None) -> pd.DataFrame:
        """One row per municipality code with at least one project in ``mask``, by committed USD descending.
        Amounts and people reached are NaN / <NA> where no project of the municipality gives them."""
        a = agg or self.aggregate(mask)
        p = a.municipality_projects
        frame = pd.DataFrame(
            {
                "municipality": list(self.municipalities),
                "projects": p,
                "committed_usd": _unless_unreported(a.municipality_committed, p, a.municipality_committed_known),
                "disbursed_usd": _unless_unreported(a.municipality_disbursed, p, a.municipality_disbursed_known),
                "beneficiaries_reached": pd.Series(np.rint(a.municipality_reached), dtype="Int64").mask(
                    a.municipality_reached_known == 0
                ),
                "committed_reported": a.municipality_committed_known,
            }
        )
        frame = frame[(frame["projects"] > 0) & (frame["municipality"] != "")]
        return frame.sort_values(
            ["committed_usd", "projects"], ascending=False, kind="stable", na_position="last"
        ).reset_index(drop=True)

    def cumulative_by_year(self, mask: np.ndarray | None = None, agg: Aggregates | None = None) -> pd.DataFrame:
        """Per start year (from the first to the last with a project): projects started, committed and
        disbursed USD (NaN where that year's projects give no amount), and the running totals of the known
        amounts (NaN until the first year with one), with how many projects they cover. Empty frame when nothing
        matches."""
        a = agg or self.aggregate(mask)
        return pd.DataFrame(
            {
                "year": np.arange(a.year_first, a.year_first + len(a.year_projects)),
                "projects": a.year_projects,
                "committed_usd": _unless_unreported(a.year_committed, a.year_projects, a.year_committed_known),
                "disbursed_usd": _unless_unreported(a.year_disbursed, a.year_projects, a.year_disbursed_known),
                "cumulative_committed_usd": running_known(a.year_committed, a.year_committed_known),
                "cumulative_disbursed_usd": running_known(a.year_disbursed, a.year_disbursed_known),
                "cumulative_projects": np.cumsum(a.year_projects),
                "cumulative_committed_reported": np.cumsum(a.year_committed_known),
                "cumulative_disbursed_reported": np.cumsum(a.year_disbursed_known),
            }
        )

    def by_community(self, mask: np.ndarray | None = None, agg: Aggregates | None = None) -> pd.DataFrame:
        """People reached per community (from ``beneficiaries_by_community``). ``reached`` is <NA> where the
        count is suppressed (1-9) or where no project gives a count for the community (``reported`` is then 0);
        ``label`` is what to display ("<10", "not reported", or the number)."""
        a = agg or self.aggregate(mask)
        totals = a.community_reached
        known = a.community_known
        suppressed = (totals > 0) & (totals < SUPPRESS_BELOW)
        return pd.DataFrame(
            {
                "community": list(COMMUNITIES),
                "reached": pd.Series(totals, dtype="Int64").mask(suppressed | (known == 0)),
                "label": [NOT_REPORTED if not k else suppress(int(v)) for v, k in zip(totals, known, strict=True)],
                "suppressed": suppressed,
                "reported": known,
            }
        )


def _unless_unreported(values: np.ndarray, projects: np.ndarray, known: np.ndarray) -> np.ndarray:
    """``values`` as float, NaN where there are projects but none of them gives the figure."""
    out = np.asarray(values, dtype=float).copy()
    out[(np.asarray(projects) > 0) & (np.asarray(known) == 0)] = np.nan
    return out


def running_known(values: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Running total of ``values``, NaN until the first position where ``known`` (a count) is positive."""
    out = np.cumsum(np.asarray(values, dtype=float))
    out[np.cumsum(np.asarray(known)) == 0] = np.nan
    return out


def kpis(projects: pd.DataFrame) -> dict:
    """Headline figures over every row of ``projects`` (keys: ``KPI_KEYS``): projects, committed_usd,
    disbursed_usd, disbursed_pct, beneficiaries_reached, beneficiaries_targeted, municipalities_covered,
    has_sample, plus the counts of projects with unknown amounts and of sample projects."""
    return KpiArrays.build(projects).kpis()


def by_sector(projects: pd.DataFrame) -> pd.DataFrame:
    """Committed and disbursed USD per sector (all sectors, split by sector shares)."""
    return KpiArrays.build(projects).by_sector()


def by_municipality(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects, committed, disbursed and people reached per municipality code."""
    return KpiArrays.build(projects).by_municipality()


def cumulative_by_year(projects: pd.DataFrame) -> pd.DataFrame:
    """Committed and disbursed USD by start year, with running totals."""
    return KpiArrays.build(projects).cumulative_by_year()


def beneficiaries_by_community(projects: pd.DataFrame) -> pd.DataFrame:
    """People reached per community, counts of 1-9 suppressed."""
    return KpiArrays.build(projects).by_community()


# ---------------------------------------------------------------- Trust Fund card


#: The headline cards, in order, with their titles (``kpi_lines`` gives each one's value and line).
KPI_CARDS: dict[str, str] = {
    "projects": "Projects",
    "committed": "Committed",
    "disbursed": "Disbursed",
    "beneficiaries": "People reached",
    "municipalities": "Municipalities",
}


def kpi_lines(k: dict) -> dict[str, tuple[str, str]]:
    """Value and sub-line of each headline card (keys: ``KPI_CARDS``) for the figures of ``kpis``. A figure no
    project gives reads "not reported" (never 0), each total says how many projects it covers, counts of people
    below 10 read "<10", and every line that includes sample rows ends with "(sample data)"."""
    n, n_sample = k["projects"], k["sample_projects"]
    total = len(MUNICIPALITIES)
    if not n:
        return {
            "projects": ("0", "no projects match"),
            "committed": ("—", "no projects match"),
            "disbursed": ("—", "no projects match"),
            "beneficiaries": ("—", "no projects match"),
            "municipalities": ("0", f"of {total} covered"),
        }
    tag = f" {SAMPLE_TAG}" if n_sample else ""

    def covers(key: str, what: str) -> str:
        return f"from {k[key]:,} of {n:,} projects {what}".rstrip()

    pct = k.get("disbursed_pct")
    reached, targeted = k["beneficiaries_reached"], k["beneficiaries_targeted"]
    if n_sample == n:
        projects_sub = f"all sample{tag}"
    elif n_sample:
        projects_sub = f"{n_sample:,} sample, {n - n_sample:,} documented{tag}"
    else:
        projects_sub = "documented only"
    people_sub = covers("reached_reported", "")
    if targeted is not None:
        people_sub = f"of {suppress(targeted)} targeted; " + people_sub
    return {
        "projects": (f"{n:,}", projects_sub),
        "committed": (
            usd(k["committed_usd"], unknown=NOT_REPORTED),
            covers("committed_reported", "with a sourced amount") + tag,
        ),
        "disbursed": (
            usd(k["disbursed_usd"], unknown=NOT_REPORTED),
            covers("disbursed_reported", "with an amount")
            + (f"; {pct:.0f}% of committed" if pct is not None else "")
            + tag,
        ),
        "beneficiaries": (NOT_REPORTED if reached is None else suppress(reached), people_sub + tag),
        "municipalities": (f"{k['municipalities_covered']}", f"of {total} covered{tag}"),
    }


def trust_fund_status(trust_fund: pd.DataFrame) -> dict:
    """What the Trust Fund card says, from the dated observations of the ``trust_fund`` layer.

    Returns target_usd, announced (date), received_usd and received_as_of (the latest observation that gives
    a received amount), gap_usd, latest (the latest observation: date, status, quote, sources) and
    observations (all, oldest first). Nothing is inferred: a date without a received figure does not count
    as a received figure.
    """
    tf = trust_fund.assign(_order=trust_fund["date"].astype(str)).sort_values("_order", kind="stable")
    target = pd.to_numeric(tf["target_usd"], errors="coerce").dropna()
    received = tf[pd.to_numeric(tf["received_usd"], errors="coerce").notna()]
    announced = tf[tf["status"] == "announced"]
    latest = tf.iloc[-1]
    target_usd = float(target.iloc[-1]) if len(target) else None
    received_usd = float(received["received_usd"].iloc[-1]) if len(received) else None

    def obs(row: pd.Series) -> dict:
        return {
            "date": str(row["date"]),
            "event": str(row["event"]),
            "status": str(row["status"]),
            "quote": "" if pd.isna(row.get("quote")) else str(row.get("quote")),
            "sources": str(row["sources"]).split(),
        }

    return {
        "target_usd": target_usd,
        "announced": str(announced["date"].iloc[0]) if len(announced) else None,
        "received_usd": received_usd,
        "received_as_of": str(received["date"].iloc[-1]) if len(received) else None,
        "received_sources": str(received["sources"].iloc[-1]).split() if len(received) else [],
        "gap_usd": (target_usd - received_usd) if target_usd is not None and received_usd is not None else None,
        "latest": obs(latest),
        "observations": [obs(r) for _, r in tf.iterrows()],
    }


# ---------------------------------------------------------------- site history


def population_observations(value: object) -> list[dict]:
    """The JSON ``population_observations`` of a site as a list of {date, figure, unit, source}, oldest first.
    Bad or empty JSON gives an empty list."""
    if not isinstance(value, str) or not value.strip():
        return []
    try:
        rows = json.loads(value)
    except json.JSONDecodeError:
        return []
    rows = [r for r in rows if isinstance(r, dict) and "date" in r]
    return sorted(rows, key=lambda r: str(r["date"]))


def distance_km(a: gpd.GeoSeries, b: gpd.GeoSeries) -> np.ndarray:
    """Distances in km between aligned points, measured in ``METRIC_CRS`` (UTM 34N)."""
    return a.to_crs(METRIC_CRS).distance(b.to_crs(METRIC_CRS), align=False).to_numpy() / 1000.0


def site_history(camps: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame, site_id: str) -> dict:
    """Everything the camp panel shows for one site: names, type, dates, population observations, lead
    findings, sources, location precision, and the distance to the smelter (km, in ``METRIC_CRS``; the
    location uncertainties of both points are returned with it)."""
    rows = camps[camps["site_id"] == site_id]
    if rows.empty:
        raise KeyError(f"unknown site {site_id!r}")
    row = rows.iloc[0]
    smelters = hazards[hazards["hazard_type"] == "smelter"]
    distance = uncertainty = smelter_name = None
    if len(smelters):
        smelter = smelters.iloc[[0]]
        distance = float(distance_km(rows.geometry.iloc[[0]], smelter.geometry)[0])
        uncertainty = int(row["location_uncertainty_m"]) + int(smelter["location_uncertainty_m"].iloc[0])
        smelter_name = str(smelter["name_en"].iloc[0])

    def text(col: str) -> str:
        v = row.get(col)
        return "" if v is None or pd.isna(v) else str(v)

    return {
        "site_id": site_id,
        "name_en": text("name_en"),
        "name_sq": text("name_sq"),
        "name_sr": text("name_sr"),
        "site_type": text("site_type"),
        "municipality": text("municipality"),
        "opened": text("opened"),
        "opened_alternatives": text("opened_alternatives"),
        "closed": text("closed"),
        "closed_alternatives": text("closed_alternatives"),
        "operator": text("operator"),
        "population": population_observations(row.get("population_observations")),
        "lead_findings": text("lead_findings"),
        "location_description": text("location_description"),
        "location_derivation": text("location_derivation"),
        "location_uncertainty_m": int(row["location_uncertainty_m"]),
        "sources": text("sources").split(),
        "smelter": smelter_name,
        "distance_to_smelter_km": distance,
        "distance_uncertainty_m": uncertainty,
    }
