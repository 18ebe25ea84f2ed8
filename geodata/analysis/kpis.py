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

``kpi_lines(kpis(...))`` (``geodata.analysis.kpi_words``) words the headline figures for
people; ``geodata.analysis.sector_shares`` reads a project's sector shares (and words them).
``trust_fund_status`` (``geodata.analysis.trust_fund``) and ``site_history``
(``geodata.analysis.site_history``) live in modules of their own; the names are
importable from here too.

Why one module: ``KpiArrays`` and the frame functions are one implementation (each frame
function builds the arrays and calls the method), about 500 lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geodata.analysis.filters import active_years
from geodata.analysis.kpi_words import KPI_CARDS, KPI_DEFINITIONS, NOT_REPORTED, SAMPLE_TAG, kpi_lines  # noqa: F401
from geodata.analysis.privacy import SUPPRESS_BELOW, SUPPRESSED_LABEL, suppress  # noqa: F401  (used by the dashboard)
from geodata.analysis.sector_shares import sector_shares
from geodata.analysis.site_history import distance_km, population_observations, site_history  # noqa: F401
from geodata.analysis.trust_fund import trust_fund_status  # noqa: F401
from geodata.facts.layers import COMMUNITIES, SECTORS

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
# then people reached per community. Per sector, committed and disbursed are KpiArrays.shares_t times the masked
# amounts (one product for both: a row per sector, not two, is held per project).
_TOTALS = (
    "committed",
    "disbursed",
    "reached",
    "targeted",
    "committed_both",
    "disbursed_both",
)
# Rows of KpiArrays.counts_t (counts of projects, float32: exact to 16 million rows, half the bytes), then per
# community: projects that give a count for it. Per sector (projects with a share, with a known committed and with
# a known disbursed amount) they are KpiArrays.in_sector_t times three masks, in one product.
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
    """Numpy arrays over a projects frame, for aggregations under any boolean mask. Only what an aggregation
    reads is kept.

    ``sums_t`` holds, per row, every amount that is summed under a mask (amounts and people reached per
    community), so ``sums_t @ mask`` gives all those totals at once, and ``counts_t`` the same for counts of
    projects. Per sector, ``shares_t`` (each project's share) times the masked amounts gives committed and
    disbursed, and ``in_sector_t`` times three masks the counts: a row per sector is held per project, not five.
    Grouped figures (per municipality, per start year) are ``np.bincount`` over precomputed integer codes.
    """

    n: int
    committed: np.ndarray
    committed_known: np.ndarray
    disbursed: np.ndarray
    disbursed_known: np.ndarray
    reached: np.ndarray
    municipality: np.ndarray  # intp codes into ``municipalities`` (bincount needs no conversion)
    municipalities: tuple[str, ...]
    year_offset: np.ndarray  # start_year - year_base, -1 when unknown
    year_base: int
    is_sample: np.ndarray
    reached_known: np.ndarray
    sums_t: np.ndarray  # (len(_TOTALS) + len(COMMUNITIES), n) float64, row-major
    counts_t: np.ndarray  # (len(_COUNTS) + len(COMMUNITIES), n) float32, row-major
    shares_t: np.ndarray  # (len(SECTORS), n) float64: each project's share of each sector
    in_sector_t: np.ndarray  # (len(SECTORS), n) float32: 1 where the project has a share of the sector

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
                    by_community,
                ]
            ).astype(np.float64)
            if len(projects)
            else np.zeros((0, len(_TOTALS) + _C))
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
                    community_known(community_text),
                ]
            ).astype(np.float32)
            if len(projects)
            else np.zeros((0, len(_COUNTS) + _C), dtype=np.float32)
        )
        return cls(
            n=len(projects),
            committed=committed,
            committed_known=committed_known,
            disbursed=disbursed,
            disbursed_known=disbursed_known,
            reached=reached,
            municipality=cat.codes.astype(np.intp),
            municipalities=tuple(str(c) for c in cat.categories),
            year_offset=year_offset,
            year_base=year_base,
            is_sample=is_sample,
            reached_known=reached_known,
            sums_t=np.ascontiguousarray(sums.T),
            counts_t=np.ascontiguousarray(counts.T),
            shares_t=np.ascontiguousarray(shares.T, dtype=np.float64),
            in_sector_t=np.ascontiguousarray(in_sector.T, dtype=np.float32),
        )

    def _mask(self, mask: np.ndarray | None) -> np.ndarray:
        return np.ones(self.n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)

    def _all_totals(self) -> tuple[np.ndarray, np.ndarray]:
        cached = self.__dict__.get("_totals_cache")
        if cached is None:
            cached = (
                self.sums_t.sum(axis=1),
                self.counts_t.sum(axis=1, dtype=np.float64),
                self._sector_sums(np.ones(self.n, dtype=bool)),
                self._sector_counts(np.ones(self.n, dtype=bool)),
            )
            object.__setattr__(self, "_totals_cache", cached)
        return cached

    def _sector_sums(self, m: np.ndarray) -> np.ndarray:
        """(len(SECTORS), 2): committed and disbursed of the rows in ``m``, split by sector share."""
        return self.shares_t @ np.column_stack([self.committed * m, self.disbursed * m])

    def _sector_counts(self, m: np.ndarray) -> np.ndarray:
        """(len(SECTORS), 3): projects in ``m`` with a share of each sector; of those, with a known committed and
        with a known disbursed amount."""
        masks = np.column_stack([m, m & self.committed_known, m & self.disbursed_known]).astype(np.float32)
        return self.in_sector_t @ masks

    def aggregate(self, mask: np.ndarray | None = None) -> Aggregates:
        """Every aggregate for the rows in ``mask``, in one pass (a matrix-vector product and a few bincounts)."""
        m = self._mask(mask)
        rows = np.flatnonzero(m)
        if len(rows) == self.n:  # everything: the column totals, computed once
            col, cnt, sector_sums, sector_counts = self._all_totals()
        else:
            col = self.sums_t @ m.astype(np.float64)
            cnt = self.counts_t @ m.astype(np.float32)
            sector_sums, sector_counts = self._sector_sums(m), self._sector_counts(m)
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
            sector_committed=sector_sums[:, 0],
            sector_disbursed=sector_sums[:, 1],
            sector_projects=np.rint(sector_counts[:, 0]).astype(np.int64),
            community_reached=np.rint(col[t:]).astype(np.int64),
            municipality_projects=np.bincount(codes, minlength=k),
            municipality_committed=np.bincount(codes, weights=self.committed[rows], minlength=k),
            municipality_disbursed=np.bincount(codes, weights=self.disbursed[rows], minlength=k),
            municipality_reached=np.bincount(codes, weights=self.reached[rows], minlength=k),
            year_first=year_first,
            year_projects=year_projects,
            year_committed=year_committed,
            year_disbursed=year_disbursed,
            sector_committed_known=np.rint(sector_counts[:, 1]).astype(np.int64),
            sector_disbursed_known=np.rint(sector_counts[:, 2]).astype(np.int64),
            community_known=np.rint(cnt[c:]).astype(np.int64),
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
