"""What a briefing shows for one ``FilterState``: the same content for the
/briefing page, the PPTX/PDF deck and the image exports.

``build_briefing(state)`` filters the explorer's prepared snapshot of the
projects (``dashboard.data.snapshot``), takes the headline figures and the Trust
Fund status from ``geodata.kpis`` and the map and charts from
``dashboard.figures.snapshot_figures`` (the explorer's own figures, so a briefing
never disagrees with the explorer). Everything else
here is formatting: numbers as words a room can read, each with its source.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import plotly.graph_objects as go

from dashboard.exports.deck import DeckInput, KpiCard, Picture, SourceNote, TableSpec
from geodata import config
from geodata.filters import OPEN_END_YEAR, FilterState, active_years, describe
from geodata.formatting import usd  # noqa: F401  (used by the deck and images)
from geodata.kpis import SUPPRESS_BELOW, suppress, trust_fund_status
from geodata.layers import LAYERS, PRECISION_CODES
from geodata.load import boundary_credit, layer_path, layer_provenance, load_layer
from geodata.municipality_registry import BY_CODE, MUNICIPALITIES

TITLE = "Assistance to Roma, Ashkali and Egyptian communities"
#: The figures a briefing uses, in deck order, with their slide titles.
FIGURE_TITLES: dict[str, str] = {
    "map": "Where the projects are",
    "by_sector": "Funding by sector",
    "by_municipality": "Funding by municipality",
    "over_time": "Funding over time",
    "by_community": "People reached, by community",
}
#: The charts the /briefing page shows (the deck has them all).
PAGE_CHARTS: tuple[str, ...] = ("by_sector", "over_time", "by_community")
TOP_PROJECTS = 10
SAMPLE_WARNING = (
    "SAMPLE DATA: {n} of these {total} projects are an illustrative sample portfolio, generated for "
    "demonstration. They are not real projects and must not be quoted as facts."
)
PROJECTS_SOURCE = (
    "Source: projects layer. Documented projects cite their reports per row; sample projects are generated "
    "(geodata/sample.py) and are not real."
)
CAPTIONS: dict[str, str] = {
    "map": "Project points: IATI precision 2 (near a camp or site) or 3 (drawn at the municipality's anchor). "
    "Camps placed from sourced descriptions, 1–3 km uncertainty.",
    "by_sector": PROJECTS_SOURCE + " Multi-sector projects are split by their stated shares.",
    "by_municipality": PROJECTS_SOURCE,
    "over_time": PROJECTS_SOURCE + " Money is placed in each project's start year.",
    "by_community": PROJECTS_SOURCE + f" Counts from 1 to {SUPPRESS_BELOW - 1} are shown as <{SUPPRESS_BELOW}.",
}
METHODS: tuple[str, ...] = (
    "Amounts are US dollars as stored; where a source gave euros the conversion is stated per project (fx_note). "
    "A missing amount is not counted as zero.",
    "A project counts in a year when it was active then; the over-time chart places money in the start year.",
    "Projects with several sectors are split across them by their stated shares (equal shares when none).",
    "Project points: " + "; ".join(f"{k} = {PRECISION_CODES[k]}" for k in (2, 3)) + ".",
    f"Counts of people from 1 to {SUPPRESS_BELOW - 1} are shown as <{SUPPRESS_BELOW}; no personal data is held.",
    "Distances and areas are measured in UTM zone 34N (EPSG:32634).",
)


@dataclass(frozen=True)
class TrustFundSummary:
    heading: str
    headline: str  # one line: target and what was received
    lines: tuple[str, ...]  # dated observations, oldest first
    sources: tuple[str, ...]  # URLs


@dataclass(frozen=True)
class Briefing:
    state: FilterState
    title: str
    filters: str
    data_date: str
    n_projects: int
    n_sample: int
    kpis: tuple[KpiCard, ...]
    trust_fund: TrustFundSummary
    table: TableSpec
    sources: tuple[SourceNote, ...]
    methods: tuple[str, ...]
    designation: str
    figures: dict[str, go.Figure] = field(default_factory=dict, repr=False)

    @property
    def includes_sample(self) -> bool:
        return self.n_sample > 0

    @property
    def sample_warning(self) -> str:
        return SAMPLE_WARNING.format(n=self.n_sample, total=self.n_projects) if self.includes_sample else ""

    @property
    def query(self) -> str:
        return self.state.to_query()


# ------------------------------------------------------------------------------------------------ formatting


def long_date(value: str) -> str:
    """'2023-09-14' -> '14 September 2023', '2017-09' -> 'September 2017', '2024' -> '2024'."""
    parts = str(value).split("-")
    try:
        if len(parts) == 3:
            d = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return f"{d.day} {d:%B %Y}"
        if len(parts) == 2:
            return f"{dt.date(int(parts[0]), int(parts[1]), 1):%B %Y}"
    except ValueError:
        return str(value)
    return str(value)


def place_name(code: str) -> str:
    """A municipality as both communities write it: 'Mitrovicë e Veriut/Severna Mitrovica', 'Zubin Potok'."""
    m = BY_CODE.get(code)
    if m is None:
        return code or "—"
    return m.name_sq if m.name_sq == m.name_sr else f"{m.name_sq}/{m.name_sr}"


# ------------------------------------------------------------------------------------------------ parts


def data_date(projects_path_mtime: float | None = None) -> str:
    """When the project data last changed: the last write to the user's store, or, for the embedded layers,
    the date they were compiled (``geodata.config.EMBEDDED_DATA_DATE``; a checkout's file times mean nothing)."""
    if projects_path_mtime is None:
        path = layer_path(LAYERS["projects"])
        if path.resolve().is_relative_to(config.DATA_DIR.resolve()) or not path.exists():
            day = config.EMBEDDED_DATA_DATE
            return f"{day.day} {day:%B %Y}"
        projects_path_mtime = path.stat().st_mtime
    day = dt.datetime.fromtimestamp(projects_path_mtime).date()
    return f"{day.day} {day:%B %Y}"


def kpi_cards(figures: dict) -> tuple[KpiCard, ...]:
    """The headline figures of ``geodata.kpis.kpis`` as cards, each with its definition or caveat."""
    n = figures["projects"]
    pct = figures.get("disbursed_pct")
    committed_note = "Committed, in US dollars"
    if figures.get("committed_unknown"):
        committed_note += f"; {figures['committed_unknown']} project(s) give no amount"
    reached, targeted = figures["beneficiaries_reached"], figures["beneficiaries_targeted"]
    return (
        KpiCard(
            "Projects",
            f"{n:,}",
            f"of which {figures['sample_projects']:,} sample (not real)" if figures.get("has_sample") else "documented",
        ),
        KpiCard("Committed", usd(figures["committed_usd"]), committed_note),
        KpiCard(
            "Disbursed",
            usd(figures["disbursed_usd"]),
            f"{pct:.0f}% of committed, where both are known" if pct is not None else "no project gives both amounts",
        ),
        KpiCard(
            "People reached",
            suppress(reached) if reached else "—",
            f"of {suppress(targeted)} targeted, as reported" if targeted else "as reported; none targeted given",
        ),
        KpiCard("Municipalities", f"{figures['municipalities_covered']} of {len(MUNICIPALITIES)}", "with a project"),
    )


def trust_fund_summary(trust_fund: pd.DataFrame) -> TrustFundSummary:
    """The UN Trust Fund's funding status as the sources report it; nothing inferred beyond them."""
    status = trust_fund_status(trust_fund)
    target = usd(status["target_usd"]) if status["target_usd"] is not None else "no target given"
    if status["received_usd"] is not None:
        when = long_date(status["received_as_of"])
        received = f"received {usd(status['received_usd'])} as last reported in figures ({when})"
        if status["received_usd"] == 0:
            received = f"nothing received as reported ({when}, the last reported figure)"
    else:
        received = "no source reports an amount received"
    announced = f"Announced {long_date(status['announced'])}. " if status["announced"] else ""
    headline = f"{announced}Target {target}; {received}."
    lines = tuple(f"{long_date(o['date'])}: {o['event']}" for o in status["observations"] if o["status"] != "announced")
    sources = tuple(dict.fromkeys(url for o in status["observations"] for url in o["sources"]))
    return TrustFundSummary("UN Trust Fund for RAE communities", headline, lines, sources)


def largest_projects(projects: pd.DataFrame, n: int = TOP_PROJECTS) -> TableSpec:
    """The ``n`` largest projects by committed USD (unknown amounts last) as a table; sample rows say SAMPLE."""
    top = projects.assign(_c=pd.to_numeric(projects["committed_usd"], errors="coerce")).sort_values(
        ["_c", "project_id"], ascending=[False, True], na_position="last", kind="stable"
    )[:n]
    start, end = active_years(top)
    rows = []
    for (_, row), a, b in zip(top.iterrows(), start, end, strict=True):
        years = "—" if not a else f"{a}–" if b == OPEN_END_YEAR else f"{a}" if b == a else f"{a}–{b}"
        rows.append(
            (
                str(row["title"]),
                str(row["sector"]),
                place_name(str(row["municipality"])),
                years,
                str(row["status"]),
                usd(row["_c"]),
                usd(pd.to_numeric(row["disbursed_usd"], errors="coerce")),
                "SAMPLE" if bool(row["is_sample"]) else "documented",
            )
        )
    shown = len(rows)
    note = f"The {shown} largest of {len(projects):,} matching projects by committed amount" + (
        "; projects without an amount come last." if shown else "."
    )
    return TableSpec(
        title="Largest projects",
        columns=("Project", "Sector", "Municipality", "Years", "Status", "Committed", "Disbursed", "Data"),
        rows=tuple(rows),
        note=note,
        widths=(4.2, 1.7, 2.6, 1.1, 1.1, 1.2, 1.2, 1.2),
        numeric=(5, 6),
    )


def map_caption() -> str:
    """The map's caption: how points are placed, and the boundaries in use with their source and licence."""
    return f"{CAPTIONS['map']} {boundary_credit()}."


def methods() -> tuple[str, ...]:
    """The methods slide: the fixed rules, then the municipal boundaries in use and how precise they are."""
    prov = layer_provenance("municipalities")
    return (*METHODS, f"{boundary_credit()}. {prov['precision']}.")


def source_notes() -> tuple[SourceNote, ...]:
    """Each layer's provenance, precision, licence and credit line as in use (an installed boundary file
    names the source and licence its installer stated)."""
    notes = []
    for spec in LAYERS.values():
        prov = layer_provenance(spec.name)
        text = f"{prov['source']}. Precision: {prov['precision']}. Licence: {prov['license']}."
        if prov["attribution"]:
            text += f" {prov['attribution']}."
        notes.append(SourceNote(spec.title, text))
    return tuple(notes)


# ------------------------------------------------------------------------------------------------ assembly


def build_briefing(
    state: FilterState,
    projects: gpd.GeoDataFrame | None = None,
    *,
    metric: str = "committed_usd",
    with_figures: bool = True,
    when: float | None = None,
) -> Briefing:
    """Everything a briefing shows for ``state``. ``projects`` defaults to the explorer's current snapshot
    (the projects layer or store at its current version), so the briefing matches the explorer."""
    from dashboard import data as D  # the explorer's prepared snapshot and figures (no Dash import)
    from dashboard import figures as F

    snap = D.snapshot() if projects is None else D.build_snapshot(projects)
    mask = snap.mask(state)
    matched = snap.projects[mask]
    headline = snap.kpi.kpis(mask)
    return Briefing(
        state=state,
        title=TITLE,
        filters=describe(state),
        data_date=data_date(when),
        n_projects=int(headline["projects"]),
        n_sample=int(headline["sample_projects"]),
        kpis=kpi_cards(headline),
        trust_fund=trust_fund_summary(load_layer("trust_fund")),
        table=largest_projects(matched),
        sources=source_notes(),
        methods=methods(),
        designation=F.DESIGNATION,
        figures=F.snapshot_figures(snap, state, metric) if with_figures else {},
    )


def figure_title(briefing: Briefing, key: str) -> str:
    """A figure's own title (which names its unit) where it has one, else ours."""
    fig = briefing.figures.get(key)
    text = fig.layout.title.text if fig is not None and fig.layout.title else None
    return str(text) if text else FIGURE_TITLES[key]


def deck_input(briefing: Briefing, images: dict[str, bytes], generated: str = "", link: str = "") -> DeckInput:
    """The deck for a briefing, with PNG ``images`` keyed like ``FIGURE_TITLES`` (missing keys are skipped)."""
    pictures = {
        k: Picture(figure_title(briefing, k), images[k], map_caption() if k == "map" else CAPTIONS[k])
        for k in FIGURE_TITLES
        if k in images
    }
    tf = briefing.trust_fund
    return DeckInput(
        title=briefing.title,
        filters=briefing.filters,
        data_date=briefing.data_date,
        designation=briefing.designation,
        includes_sample=briefing.includes_sample,
        kpis=briefing.kpis,
        table=briefing.table,
        map=pictures.get("map"),
        charts=tuple(p for k, p in pictures.items() if k != "map"),
        status_heading=tf.heading,
        status_lines=(tf.headline, *tf.lines),
        sources=briefing.sources,
        methods=briefing.methods,
        sample_warning=briefing.sample_warning,
        generated=generated,
        link=link,
    )
