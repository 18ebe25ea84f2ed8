"""Headline figures and aggregations over the projects layer (pure, vectorised).

Two ways in, one implementation:

* Frame functions for one-off use (exports, the briefing page, tests)::

      kpis(projects)                      # dict, see KPI_KEYS
      by_sector(projects)                 # committed/disbursed per sector, split by sector shares
      by_municipality(projects)           # per municipality code
      cumulative_by_year(projects)        # committed/disbursed by start year, and running totals
      beneficiaries_by_community(projects)  # reached per community, counts below 10 suppressed

* ``KpiArrays.build(projects)`` once, then the same methods with a boolean
  ``mask`` (from ``geodata.filters.ProjectIndex.mask``): every aggregation is a
  ``np.bincount`` or a matrix product over precomputed codes, so the explorer
  can run them on every filter change over 100,000 projects.

Conventions (they are what the dashboard's tooltips say):

* Amounts are USD as stored in ``committed_usd`` / ``disbursed_usd``; a missing
  amount is not counted as zero: it is counted in ``*_unknown``.
* ``disbursed_pct`` is disbursed / committed over the projects where both are known.
* A project with several sectors ("health:60;education:40") counts its money in
  each sector by share (equal shares when none are given).
* Over time: a project's money is placed in its start year.
* Beneficiary counts by community between 1 and 9 are suppressed ("<10"), so no
  small group can be singled out.

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

from geodata.filters import active_years
from geodata.layers import COMMUNITIES, METRIC_CRS, SECTORS

#: Counts below this (and above zero) are never shown: they are replaced by "<10".
SUPPRESS_BELOW = 10
SUPPRESSED_LABEL = f"<{SUPPRESS_BELOW}"

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
)

#: One-line definitions, used as the KPI tooltips.
KPI_DEFINITIONS: dict[str, str] = {
    "projects": "Projects that pass every active filter (documented and/or sample, as chosen).",
    "committed_usd": "Sum of committed amounts in US dollars (converted where the source gave euros: see fx_note). "
    "Projects whose amount no source gives are not counted as zero; they are counted separately.",
    "disbursed_usd": "Sum of disbursed amounts in US dollars. The percentage is disbursed ÷ committed over the "
    "projects where both amounts are known.",
    "beneficiaries": "People reached, as reported, over people targeted (projects that report them). "
    "Counts below 10 are shown as <10.",
    "municipalities_covered": "Current municipalities (of 38) with at least one matching project.",
}


def suppress(count: float | int | None) -> str:
    """A count for display: '—' when unknown, '<10' from 1 to 9, else with thousands separators."""
    if count is None or (isinstance(count, float) and np.isnan(count)):
        return "—"
    if 0 < count < SUPPRESS_BELOW:
        return SUPPRESSED_LABEL
    return f"{int(round(count)):,}"


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


def _known(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(arr)
    return np.where(known, arr, 0.0), known


@dataclass(frozen=True)
class KpiArrays:
    """Numpy arrays over a projects frame, for aggregations under any boolean mask."""

    n: int
    committed: np.ndarray
    committed_known: np.ndarray
    disbursed: np.ndarray
    disbursed_known: np.ndarray
    reached: np.ndarray
    reached_known: np.ndarray
    targeted: np.ndarray
    targeted_known: np.ndarray
    municipality: np.ndarray  # int32 codes into ``municipalities``
    municipalities: tuple[str, ...]
    shares: np.ndarray  # (n, len(SECTORS)) float32
    start_year: np.ndarray  # int32, 0 when unknown
    community_reached: np.ndarray  # (n, len(COMMUNITIES)) int64
    is_sample: np.ndarray

    @classmethod
    def build(cls, projects: pd.DataFrame) -> KpiArrays:
        committed, committed_known = _known(projects["committed_usd"])
        disbursed, disbursed_known = _known(projects["disbursed_usd"])
        reached, reached_known = _known(projects["beneficiaries_reached"])
        targeted, targeted_known = _known(projects["beneficiaries_targeted"])
        cat = pd.Categorical(projects["municipality"].fillna("").astype(str))
        sectors = projects["sectors"] if "sectors" in projects else projects["sector"]
        start, _ = active_years(projects)
        return cls(
            n=len(projects),
            committed=committed,
            committed_known=committed_known,
            disbursed=disbursed,
            disbursed_known=disbursed_known,
            reached=reached,
            reached_known=reached_known,
            targeted=targeted,
            targeted_known=targeted_known,
            municipality=cat.codes.astype(np.int32),
            municipalities=tuple(str(c) for c in cat.categories),
            shares=sector_shares(sectors, projects["sector"]),
            start_year=start,
            community_reached=community_counts(
                projects.get("beneficiaries_by_community", pd.Series([""] * len(projects)))
            ),
            is_sample=projects["is_sample"].to_numpy(dtype=bool),
        )

    def _mask(self, mask: np.ndarray | None) -> np.ndarray:
        return np.ones(self.n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)

    def kpis(self, mask: np.ndarray | None = None) -> dict:
        """The headline figures (keys: ``KPI_KEYS``) for the projects in ``mask``."""
        m = self._mask(mask)
        both = m & self.committed_known & self.disbursed_known
        committed_both = float(self.committed[both].sum())
        muni = np.bincount(self.municipality[m], minlength=len(self.municipalities))
        covered = sum(1 for code, c in zip(self.municipalities, muni, strict=True) if c and code)
        sample_projects = int(np.count_nonzero(self.is_sample & m))
        return {
            "projects": int(np.count_nonzero(m)),
            "committed_usd": float(self.committed[m].sum()),
            "committed_unknown": int(np.count_nonzero(m & ~self.committed_known)),
            "disbursed_usd": float(self.disbursed[m].sum()),
            "disbursed_unknown": int(np.count_nonzero(m & ~self.disbursed_known)),
            "disbursed_pct": 100.0 * float(self.disbursed[both].sum()) / committed_both if committed_both else None,
            "beneficiaries_reached": int(self.reached[m].sum()),
            "beneficiaries_targeted": int(self.targeted[m].sum()),
            "municipalities_covered": covered,
            "has_sample": sample_projects > 0,
            "sample_projects": sample_projects,
        }

    def by_sector(self, mask: np.ndarray | None = None) -> pd.DataFrame:
        """One row per sector (all of ``SECTORS``, in order): committed and disbursed USD split by
        sector share, and the number of projects with a share in the sector."""
        m = self._mask(mask)
        shares = self.shares[m]
        return pd.DataFrame(
            {
                "sector": list(SECTORS),
                "committed_usd": self.committed[m] @ shares,
                "disbursed_usd": self.disbursed[m] @ shares,
                "projects": np.count_nonzero(shares > 0, axis=0),
            }
        )

    def by_municipality(self, mask: np.ndarray | None = None) -> pd.DataFrame:
        """One row per municipality code with at least one project in ``mask``, by committed USD descending."""
        m = self._mask(mask)
        k = len(self.municipalities)
        codes = self.municipality[m]
        frame = pd.DataFrame(
            {
                "municipality": list(self.municipalities),
                "projects": np.bincount(codes, minlength=k),
                "committed_usd": np.bincount(codes, weights=self.committed[m], minlength=k),
                "disbursed_usd": np.bincount(codes, weights=self.disbursed[m], minlength=k),
                "beneficiaries_reached": np.bincount(codes, weights=self.reached[m], minlength=k).astype(np.int64),
            }
        )
        frame = frame[(frame["projects"] > 0) & (frame["municipality"] != "")]
        return frame.sort_values(["committed_usd", "projects"], ascending=False, kind="stable").reset_index(drop=True)

    def cumulative_by_year(self, mask: np.ndarray | None = None) -> pd.DataFrame:
        """Per start year (from the first to the last with a project): projects started, committed and
        disbursed USD, and their running totals. Empty frame when nothing matches."""
        m = self._mask(mask) & (self.start_year > 0)
        if not m.any():
            return pd.DataFrame(
                columns=[
                    "year",
                    "projects",
                    "committed_usd",
                    "disbursed_usd",
                    "cumulative_committed_usd",
                    "cumulative_disbursed_usd",
                ]
            )
        years = self.start_year[m]
        first = int(years.min())
        offset = years - first
        k = int(offset.max()) + 1
        committed = np.bincount(offset, weights=self.committed[m], minlength=k)
        disbursed = np.bincount(offset, weights=self.disbursed[m], minlength=k)
        return pd.DataFrame(
            {
                "year": np.arange(first, first + k),
                "projects": np.bincount(offset, minlength=k),
                "committed_usd": committed,
                "disbursed_usd": disbursed,
                "cumulative_committed_usd": np.cumsum(committed),
                "cumulative_disbursed_usd": np.cumsum(disbursed),
            }
        )

    def by_community(self, mask: np.ndarray | None = None) -> pd.DataFrame:
        """People reached per community (from ``beneficiaries_by_community``). ``reached`` is <NA> where the
        count is suppressed (1-9); ``label`` is what to display."""
        m = self._mask(mask)
        totals = self.community_reached[m].sum(axis=0)
        suppressed = (totals > 0) & (totals < SUPPRESS_BELOW)
        return pd.DataFrame(
            {
                "community": list(COMMUNITIES),
                "reached": pd.Series(totals, dtype="Int64").mask(suppressed),
                "label": [suppress(int(t)) for t in totals],
                "suppressed": suppressed,
            }
        )


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
