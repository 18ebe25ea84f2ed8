"""The explorer's filters: one state object, its URL and command-line forms, its sentence, and a
fast vectorised mask over the projects layer.

Why one module: the state, its URL and command-line forms and the mask that applies it change together, and
parts of it would import each other (about 500 lines).

``FilterState`` is what every view shares (explorer, coverage, briefing, exports).
``FilterState.from_pairs`` is its one constructor from outside values, with one year range (``YEARS``):
lenient for a URL (``from_query``: what cannot be used is dropped and said in ``notes``, so any link
opens), strict for the command line (``add_filter_arguments`` adds the flags, ``state_from_args`` reads
them: a bad value stops with a message naming the flag and the value, exit 2). A URL without
``dataset=`` shows ``url_default_dataset()``: both datasets, or only documented data once a real
portfolio has been imported (the sample is then opt-in, ``dataset=all`` or ``dataset=sample``); the
command line without ``--dataset`` does the same.

``ProjectIndex`` is built once per projects frame and answers ``mask(state)`` with numpy operations
only, so a filter over 100,000 projects takes milliseconds. A funder or implementing organisation named among
others in its field ("USAID; European Union") is a filter value of its own (``NameLists``, ``listed_names``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, urlencode, urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.facts.layers import COMMUNITIES, SECTORS, STATUSES
from geodata.facts.municipality_registry import BY_CODE
from geodata.facts.names import municipality_or_error, resolve_municipality
from geodata.facts.validate import parse_dates

DATASET_CHOICES = ("documented", "sample", "all")
#: The years a filter may name ("from", "to"), on the command line and in a URL (where others are dropped with a note).
YEARS = (1900, 2100)
URL_YEARS = YEARS


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
    def from_query(cls, query: str | dict, default_dataset: str | None = None, strict: bool = False) -> FilterState:
        """Parse a query string, a whole URL or a dict of lists/strings (as Dash pages pass). Unknown keys are
        ignored. Lenient (the URL): a value that cannot be used is dropped and said in ``notes``, so any URL opens.
        ``strict`` (the command line): raises ``FilterError`` naming each such value. Without a valid ``dataset``,
        the dataset is ``default_dataset`` (by default ``url_default_dataset()``)."""
        if isinstance(query, str):
            pairs = query_pairs(query)
        else:
            pairs = [
                (k, str(x)) for k, v in query.items() if v is not None for x in (v if isinstance(v, list) else [v])
            ]
        return cls.from_pairs(pairs, default_dataset=default_dataset, strict=strict)

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[str, str]], default_dataset: str | None = None, strict: bool = False
    ) -> FilterState:
        """The one constructor from outside values: URL-style (key, value) pairs, in the explorer's keys
        (``sector``, ``community``, ``municipality``, ``status``, ``funder``, ``org``, ``id``, ``from``, ``to``,
        ``q``, ``dataset``). List values may be separated by commas; for the other keys the first value counts.
        Vocabulary is matched whatever the case; municipalities by code or name in any language."""
        lists: dict[str, list[str]] = {key: [] for key in _LIST_ATTRS}
        scalars: dict[str, str] = {}
        problems: list[_Problem] = []
        for key, raw in pairs:
            if key not in _LIST_ATTRS and key not in _SCALAR_KEYS:
                continue
            values = str(raw).split(",") if key in _LIST_ATTRS else [str(raw)]
            for value in (v.strip() for v in values):
                if not value or (key in scalars):
                    continue
                used, problem = _check(key, value)
                if problem is not None:
                    problems.append(problem)
                elif key in _LIST_ATTRS:
                    lists[key].append(used)
                else:
                    scalars[key] = used
        year_from = int(scalars["from"]) if "from" in scalars else None
        year_to = int(scalars["to"]) if "to" in scalars else None
        if strict:
            errors = [p.error for p in problems]
            if year_from is not None and year_to is not None and year_from > year_to:
                errors.append(f"--from {year_from} is after --to {year_to}")
            if errors:
                raise FilterError(errors)
        dataset = scalars.get("dataset") or (url_default_dataset() if default_dataset is None else default_dataset)
        return cls(
            **{attr: tuple(dict.fromkeys(lists[key])) for key, attr in _LIST_ATTRS.items()},
            year_from=year_from,
            year_to=year_to,
            text=scalars.get("q", ""),
            dataset=dataset,
            notes=tuple(p.note for p in problems),
        )

    def with_(self, **changes) -> FilterState:
        return replace(self, **{k: tuple(v) if isinstance(v, list) else v for k, v in changes.items()})


#: URL key -> FilterState attribute, for the keys that take several values.
_LIST_ATTRS = {value: attr for attr, value in FilterState._LIST_KEYS.items()}
_SCALAR_KEYS = ("from", "to", "q", "dataset")
_VOCABULARIES = {"sector": SECTORS, "community": COMMUNITIES, "status": STATUSES, "dataset": DATASET_CHOICES}
_UNKNOWN_MUNICIPALITY = "unknown municipality {name!r}: give its name (Albanian, Serbian or English) or its code"


class FilterError(ValueError):
    """Filter values the command line cannot use; ``problems`` holds one message per value, naming it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class _Problem:
    error: str  # the command line's message: names the argument and the value
    note: str  # the URL's: what was ignored, and why


def _check(key: str, value: str) -> tuple[str, _Problem | None]:
    """One (key, value): the value in its canonical form (a municipality's code, a sector as spelled in
    ``SECTORS``...), or the problem with it."""
    shown = value[:24] + ("…" if len(value) > 24 else "")
    if key in _VOCABULARIES:
        words = _VOCABULARIES[key]
        for word in words:
            if value.lower() == word.lower():
                return word, None
        return value, _Problem(
            f"unknown {key} {value!r}; choose from: {', '.join(words)}",
            f"{key} {shown!r} ignored: choose from {', '.join(words)}",
        )
    if key == "municipality":
        try:
            return municipality_or_error(value, _UNKNOWN_MUNICIPALITY), None
        except ValueError as exc:
            found = resolve_municipality(value)
            if found.status == "ambiguous":
                note = f"it may be {' or '.join(BY_CODE[c].name_en for c in found.candidates)}"
                return value, _Problem(f"--municipality {exc}", f"municipality {value!r} ignored: {note}")
            return value, _Problem(str(exc), f"municipality {value!r} ignored: not a Kosovo municipality")
    if key in ("from", "to"):
        error = f"--{key} must be a year from {YEARS[0]} to {YEARS[1]}, such as 2018, not {value!r}"
        try:
            year = int(value)
        except ValueError:
            return value, _Problem(error, f"{key}={shown!r} ignored: not a year")
        if not YEARS[0] <= year <= YEARS[1]:
            return value, _Problem(error, f"{key}={shown} ignored: not a year from {YEARS[0]} to {YEARS[1]}")
        return str(year), None
    return value, None  # funder, org, id, q: free text


def query_pairs(url: str | None) -> list[tuple[str, str]]:
    """(key, value) pairs of a query string or a whole URL ('https://…/briefing?sector=health')."""
    if not url:
        return []
    query = urlsplit(url).query if "://" in url or url.startswith("/") else url.lstrip("?")
    return parse_qsl(query, keep_blank_values=False)


# ---------------------------------------------------------------------------------------------- command line


_FLAG_HELP = {
    "sector": ", ".join(SECTORS),
    "community": ", ".join(COMMUNITIES),
    "municipality": "code or name (Albanian, Serbian or English); Mitrovica alone is ambiguous",
    "status": ", ".join(STATUSES),
    "funder": "funder, as written in the data (one of several listed with ';' counts)",
    "org": "implementing organisation (one of several listed with ';' counts)",
    "id": "project id (a map selection)",
}


def _flag(key: str) -> Callable[[str], tuple[str, ...] | str]:
    """The argparse ``type`` of one filter flag: its values checked strictly, in canonical form (a tuple for
    the flags that take several values, comma-separated or repeated)."""

    def parse(text: str) -> tuple[str, ...] | str:
        values = [v.strip() for v in text.split(",") if v.strip()] if key in _LIST_ATTRS else [text.strip()]
        used = []
        for value in values:
            canonical, problem = _check(key, value)
            if problem is not None:
                raise argparse.ArgumentTypeError(problem.error.removeprefix(f"--{key} "))
            used.append(canonical)
        return tuple(used) if key in _LIST_ATTRS else used[0]

    return parse


def _url(text: str) -> list[tuple[str, str]]:
    """The argparse ``type`` of ``--url``: the explorer's query string (or a whole URL), every value checked."""
    pairs = query_pairs(text)
    try:
        FilterState.from_pairs(pairs, default_dataset="all", strict=True)
    except FilterError as exc:
        raise argparse.ArgumentTypeError("; ".join(exc.problems)) from None
    return pairs


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The explorer's filters as command-line flags, in a group of their own. A bad value stops argparse
    (exit 2) with a message naming the flag and the value. Read them back with ``state_from_args``."""
    g = parser.add_argument_group("filters (as in the explorer's URL; repeat a flag or separate values by commas)")
    g.add_argument(
        "--url",
        "--query",
        dest="url",
        type=_url,
        default=[],
        help="the explorer's query string or a whole URL, e.g. 'sector=health&dataset=documented'; "
        "the flags below add to it",
    )
    for attr, key in FilterState._LIST_KEYS.items():  # --sector → args.sectors (a list of tuples)
        g.add_argument(
            f"--{key}",
            action="append",
            default=[],
            type=_flag(key),
            help=_FLAG_HELP[key],
            dest=attr,
            metavar=key.upper(),
        )
    g.add_argument("--from", dest="year_from", type=_flag("from"), metavar="YEAR", help="active in or after this year")
    g.add_argument("--to", dest="year_to", type=_flag("to"), metavar="YEAR", help="active in or before this year")
    g.add_argument("--text", "--q", "-q", dest="text", metavar="WORDS", help="words in the project title")
    g.add_argument(
        "--dataset", type=_flag("dataset"), help=f"{', '.join(DATASET_CHOICES)} (default: as a URL without it)"
    )


def state_from_args(args: argparse.Namespace, default_dataset: str | None = None) -> FilterState:
    """The ``FilterState`` of the flags ``add_filter_arguments`` added: ``--url`` first, then each list flag
    adds to it and each single-value flag replaces it; built by ``FilterState.from_pairs``, strictly. Raises
    ``FilterError`` for what no single flag shows (``--from`` after ``--to``)."""
    pairs = list(args.url or [])
    for attr, key in FilterState._LIST_KEYS.items():
        pairs += [(key, value) for values in getattr(args, attr) for value in values]
    for key, attr in (("from", "year_from"), ("to", "year_to"), ("q", "text"), ("dataset", "dataset")):
        value = getattr(args, attr)
        if value is not None and str(value).strip():
            pairs = [(k, v) for k, v in pairs if k != key] + [(key, str(value))]
    return FilterState.from_pairs(pairs, default_dataset=default_dataset, strict=True)


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


def list_names(value: object) -> list[str]:
    """The names in a funder or implementing-organisation field: one name, or several separated by ';'
    ("USAID; European Union"), trimmed, blanks dropped."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # None, NaN, or the store's pd.NA
        return []
    return [name.strip() for name in str(value).split(";") if name.strip()]


def listed_names(values: Iterable[object]) -> list[str]:
    """Every name listed in ``values`` (see ``list_names``), once each, sorted: a filter's options."""
    return sorted({name for value in values for name in list_names(value)})


def names_by_dataset(values: pd.Series, is_sample: np.ndarray) -> dict[str, list[str]]:
    """A name filter's options for each dataset choice (see ``DATASET_CHOICES``): the names listed by documented
    projects, by sample projects, and by all. A donor who has chosen documented data is not offered the sample
    portfolio's invented funders."""
    sample = np.asarray(is_sample, dtype=bool)
    return {
        "documented": listed_names(values[~sample]),
        "sample": listed_names(values[sample]),
        "all": listed_names(values),
    }


def name_options(names: list[str], chosen: Iterable[str]) -> list[str]:
    """``names`` with every chosen name that is not among them (chosen in another dataset, or from a link), sorted:
    a choice is never hidden from the control that holds it."""
    return sorted({*names, *chosen})


@dataclass(frozen=True)
class NameLists:
    """Which projects list which names in a ';'-list field (funders, implementing organisations): a project
    matches every name it lists, alone or among others, and its field's whole text (as a link made before
    names were split still says)."""

    codes: np.ndarray  # per project: the code of its field's text
    names: tuple[frozenset[str], ...]  # per code: the names that text lists, and the text itself

    @classmethod
    def build(cls, values: pd.Series) -> NameLists:
        codes, texts = pd.factorize(values.fillna("").astype(str))  # few distinct texts: split each once
        names = tuple(frozenset([*list_names(t), t.strip()]) - {""} for t in texts)
        return cls(codes=codes.astype(np.int32), names=names)

    def matching(self, wanted: Iterable[str]) -> np.ndarray:
        """Boolean per project: it lists any of ``wanted``."""
        wanted = {w.strip() for w in wanted}
        hit = np.fromiter((bool(n & wanted) for n in self.names), dtype=bool, count=len(self.names))
        return hit[self.codes] if len(self.codes) else np.zeros(0, dtype=bool)


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
    funder: NameLists
    org: NameLists
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
        start, end = active_years(projects)
        return cls(
            n=len(projects),
            sector_matrix=_membership(sectors, SECTORS),
            community_matrix=_membership(projects["target_communities"], COMMUNITIES),
            municipality=municipality,
            municipality_lookup=m_lookup,
            status=status,
            status_lookup=s_lookup,
            funder=NameLists.build(projects["funder"]),
            org=NameLists.build(projects["implementing_org"]),
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
            m &= self.funder.matching(state.funders)
        if state.orgs:
            m &= self.org.matching(state.orgs)
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
