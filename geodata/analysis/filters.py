"""The explorer's filters: one state object, its URL form, its sentence, and a
fast vectorised mask over the projects layer.

``FilterState`` is what every view shares (explorer, coverage, briefing,
exports). A URL without ``dataset=`` shows ``url_default_dataset()``: both
datasets, or only documented data once a real portfolio has been imported (the
sample is then opt-in, ``dataset=all`` or ``dataset=sample``).

``ProjectIndex`` is built once per projects frame and answers
``mask(state)`` with numpy operations only, so a filter over 100,000 projects
takes milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs, urlencode

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.facts.layers import COMMUNITIES, SECTORS
from geodata.facts.municipality_registry import BY_CODE
from geodata.facts.names import resolve_municipality
from geodata.facts.validate import parse_dates

DATASET_CHOICES = ("documented", "sample", "all")
#: Years a URL may filter by ("from", "to"); others are ignored with a note.
URL_YEARS = (1900, 2100)


def url_default_dataset() -> str:
    """The dataset a URL without ``dataset=`` shows: "documented" once the portfolio holds imported real projects,
    else "all" (see ``geodata.io.store.default_dataset``)."""
    from geodata.io import store

    return store.default_dataset()


#: Open-ended projects (ongoing or pipeline with no end date) count as active up to this year.
OPEN_END_YEAR = 9999


@dataclass(frozen=True)
class FilterState:
    """Every filter the explorer offers. Empty tuples mean "no restriction"."""

    sectors: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    funders: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    text: str = ""
    dataset: str = "all"
    ids: tuple[str, ...] = ()  # a map selection (box/lasso) or a clicked project
    #: What the URL asked for but could not be used, in words (e.g. an ambiguous municipality name).
    notes: tuple[str, ...] = field(default=(), compare=False)

    # ---- URL query string
    _LIST_KEYS = {
        "sectors": "sector",
        "communities": "community",
        "municipalities": "municipality",
        "statuses": "status",
        "funders": "funder",
        "orgs": "org",
        "ids": "id",
    }

    def to_query(self, default_dataset: str | None = None) -> str:
        """The state as a URL query string (without '?'); defaults are left out, the dataset when it is
        ``default_dataset`` (by default ``url_default_dataset()``, so that the URL opens the same view)."""
        pairs: list[tuple[str, str]] = []
        for attr, key in self._LIST_KEYS.items():
            for value in getattr(self, attr):
                pairs.append((key, value))
        if self.year_from is not None:
            pairs.append(("from", str(self.year_from)))
        if self.year_to is not None:
            pairs.append(("to", str(self.year_to)))
        if self.text:
            pairs.append(("q", self.text))
        if self.dataset != (url_default_dataset() if default_dataset is None else default_dataset):
            pairs.append(("dataset", self.dataset))
        return urlencode(pairs)

    @classmethod
    def from_query(cls, query: str | dict, default_dataset: str | None = None) -> FilterState:
        """Parse a query string (or a dict of lists/strings, as Dash pages pass). Unknown keys are ignored;
        invalid values are dropped rather than raising, so any URL opens. Without a valid ``dataset``, the
        dataset is ``default_dataset`` (by default ``url_default_dataset()``)."""
        if isinstance(query, str):
            params = parse_qs(query.lstrip("?"), keep_blank_values=False)
        else:
            params = {k: v if isinstance(v, list) else [v] for k, v in query.items() if v is not None}

        def many(key: str) -> tuple[str, ...]:
            values: list[str] = []
            for v in params.get(key, []):
                values += [x for x in str(v).split(",") if x]
            return tuple(dict.fromkeys(values))

        bad: list[str] = []

        def year(key: str) -> int | None:
            raw = params.get(key, [None])[0]
            if raw is None or str(raw).strip() == "":
                return None
            shown = str(raw)[:24] + ("…" if len(str(raw)) > 24 else "")
            try:
                value = int(str(raw).strip())
            except ValueError:
                bad.append(f"{key}={shown!r} ignored: not a year")
                return None
            if not URL_YEARS[0] <= value <= URL_YEARS[1]:
                bad.append(f"{key}={shown} ignored: not a year from {URL_YEARS[0]} to {URL_YEARS[1]}")
                return None
            return value

        dataset = str(params.get("dataset", [""])[0])
        if dataset not in DATASET_CHOICES:
            dataset = url_default_dataset() if default_dataset is None else default_dataset
        municipalities, notes = _municipalities(many("municipality"))
        return cls(
            sectors=tuple(s for s in many("sector") if s in SECTORS),
            communities=tuple(c for c in many("community") if c in COMMUNITIES),
            municipalities=municipalities,
            statuses=many("status"),
            funders=many("funder"),
            orgs=many("org"),
            year_from=year("from"),
            year_to=year("to"),
            text=str(params.get("q", [""])[0]).strip(),
            dataset=dataset,
            ids=many("id"),
            notes=notes + tuple(bad),
        )

    def with_(self, **changes) -> FilterState:
        return replace(self, **{k: tuple(v) if isinstance(v, list) else v for k, v in changes.items()})


def _municipalities(values: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Codes for the URL's municipality values (codes or names in any language), and a note for each value
    left out because it is ambiguous or unknown."""
    codes: list[str] = []
    notes: list[str] = []
    for value in values:
        found = resolve_municipality(value)
        if found.code is not None:
            codes.append(found.code)
        elif found.status == "ambiguous":
            options = " or ".join(BY_CODE[c].name_en for c in found.candidates)
            notes.append(f"municipality {value!r} ignored: it may be {options}")
        else:
            notes.append(f"municipality {value!r} ignored: not a Kosovo municipality")
    return tuple(dict.fromkeys(codes)), tuple(notes)


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def describe(state: FilterState) -> str:
    """The active filters in one sentence, e.g.
    "Health and infrastructure projects in North Mitrovica, 2018–2024, documented data"."""
    subject = (
        _join([s.capitalize() if i == 0 else s for i, s in enumerate(state.sectors)]) + " projects"
        if state.sectors
        else "All projects"
    )
    parts = [subject]
    if state.communities:
        parts[0] += f" for {_join(list(state.communities))} communities"
    if state.municipalities:
        parts[0] += " in " + _join([BY_CODE[m].name_en for m in state.municipalities])
    if state.year_from is not None or state.year_to is not None:
        a = state.year_from if state.year_from is not None else "…"
        b = state.year_to if state.year_to is not None else "…"
        parts.append(f"{a}–{b}" if a != b else f"{a}")
    if state.statuses:
        parts.append("status " + _join(list(state.statuses)))
    if state.funders:
        parts.append("funded by " + _join(list(state.funders)))
    if state.orgs:
        parts.append("implemented by " + _join(list(state.orgs)))
    if state.text:
        parts.append(f"matching “{state.text}”")
    if state.ids:
        parts.append(f"{len(state.ids)} selected on the map")
    parts.append(
        {
            "documented": "documented data",
            "sample": "sample portfolio (illustrative)",
            "all": "documented data and sample portfolio",
        }[state.dataset]
    )
    return ", ".join(parts)


def _codes(values: pd.Series) -> tuple[np.ndarray, dict[str, int]]:
    cat = pd.Categorical(values.fillna("").astype(str))
    return cat.codes.astype(np.int32), {c: i for i, c in enumerate(cat.categories)}


def _membership(values: pd.Series, vocabulary: tuple[str, ...]) -> np.ndarray:
    """(n, len(vocabulary)) bool: which vocabulary items each ';'-list mentions ('health:60' counts)."""
    codes, uniques = pd.factorize(values.fillna("").astype(str))  # few distinct lists: test each once
    text = pd.Series(uniques, dtype=object)
    distinct = np.zeros((len(text), len(vocabulary)), dtype=bool)
    padded = ";" + text.str.replace(r":\d+(\.\d+)?", "", regex=True) + ";"
    for j, word in enumerate(vocabulary):
        distinct[:, j] = padded.str.contains(f";{word};", regex=False).to_numpy(dtype=bool)
    return distinct[codes] if len(codes) else np.zeros((0, len(vocabulary)), dtype=bool)


def active_years(projects: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """First and last year each project is active. A missing end: the start year for finished or cancelled
    projects, open-ended for ongoing and pipeline ones."""
    start = parse_dates(projects["start_date"]).dt.year
    end = parse_dates(projects["end_date"], end=True).dt.year
    open_end = projects["status"].isin(["ongoing", "pipeline"]).to_numpy()
    end = end.where(end.notna(), np.where(open_end, OPEN_END_YEAR, start))
    return start.fillna(0).to_numpy(dtype=np.int32), end.fillna(OPEN_END_YEAR).to_numpy(dtype=np.int32)


@dataclass
class ProjectIndex:
    """Precomputed arrays over a projects frame, for fast masks. Build once, reuse for every filter."""

    n: int
    sector_matrix: np.ndarray
    community_matrix: np.ndarray
    municipality: np.ndarray
    municipality_lookup: dict[str, int]
    status: np.ndarray
    status_lookup: dict[str, int]
    funder: np.ndarray
    funder_lookup: dict[str, int]
    org: np.ndarray
    org_lookup: dict[str, int]
    start_year: np.ndarray
    end_year: np.ndarray
    title_lower: np.ndarray
    is_sample: np.ndarray
    ids: pd.Index = field(repr=False)

    @classmethod
    def build(cls, projects: gpd.GeoDataFrame | pd.DataFrame) -> ProjectIndex:
        sectors = projects["sectors"].where(projects["sectors"].fillna("") != "", projects["sector"])
        municipality, m_lookup = _codes(projects["municipality"])
        status, s_lookup = _codes(projects["status"])
        funder, f_lookup = _codes(projects["funder"])
        org, o_lookup = _codes(projects["implementing_org"])
        start, end = active_years(projects)
        return cls(
            n=len(projects),
            sector_matrix=_membership(sectors, SECTORS),
            community_matrix=_membership(projects["target_communities"], COMMUNITIES),
            municipality=municipality,
            municipality_lookup=m_lookup,
            status=status,
            status_lookup=s_lookup,
            funder=funder,
            funder_lookup=f_lookup,
            org=org,
            org_lookup=o_lookup,
            start_year=start,
            end_year=end,
            title_lower=projects["title"].fillna("").astype(str).str.lower().to_numpy(dtype=object),
            is_sample=projects["is_sample"].to_numpy(dtype=bool),
            ids=pd.Index(projects["project_id"].astype(str)),
        )

    @staticmethod
    def _isin(codes: np.ndarray, lookup: dict[str, int], wanted: tuple[str, ...]) -> np.ndarray:
        keys = np.array([lookup[w] for w in wanted if w in lookup], dtype=np.int32)
        return np.isin(codes, keys)

    def mask(self, state: FilterState) -> np.ndarray:
        """Boolean array: which projects pass every filter in ``state``."""
        m = np.ones(self.n, dtype=bool)
        if state.dataset == "documented":
            m &= ~self.is_sample
        elif state.dataset == "sample":
            m &= self.is_sample
        if state.sectors:
            m &= self.sector_matrix[:, [SECTORS.index(s) for s in state.sectors]].any(axis=1)
        if state.communities:
            m &= self.community_matrix[:, [COMMUNITIES.index(c) for c in state.communities]].any(axis=1)
        if state.municipalities:
            m &= self._isin(self.municipality, self.municipality_lookup, state.municipalities)
        if state.statuses:
            m &= self._isin(self.status, self.status_lookup, state.statuses)
        if state.funders:
            m &= self._isin(self.funder, self.funder_lookup, state.funders)
        if state.orgs:
            m &= self._isin(self.org, self.org_lookup, state.orgs)
        if state.year_to is not None:
            m &= self.start_year <= state.year_to
        if state.year_from is not None:
            m &= self.end_year >= state.year_from
        if state.text:
            needle = state.text.lower()
            m &= np.fromiter((needle in t for t in self.title_lower), dtype=bool, count=self.n)
        if state.ids:
            m &= self.ids.isin(state.ids)
        return m


def filter_projects(projects: gpd.GeoDataFrame, state: FilterState) -> gpd.GeoDataFrame:
    """The projects that pass ``state`` (a convenience over ``ProjectIndex`` for one-off use)."""
    return projects[ProjectIndex.build(projects).mask(state)]
