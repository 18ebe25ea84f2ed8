"""What a briefing shows for one ``FilterState``: the same content for the
/briefing page, the PPTX/PDF deck and the image exports.

``build_briefing(state)`` filters the explorer's prepared snapshot of the
projects (``dashboard.data.snapshot``), takes the headline figures and the Trust
Fund status from ``geodata.kpis`` and the map and charts from
``dashboard.figures.snapshot_figures`` (the explorer's own figures, so a briefing
never disagrees with the explorer). Everything else
here is formatting: numbers as words a room can read, each with its source.

Why one module: the ``Briefing`` and its translations (to the page, to chart specs,
to the deck's input) are one vocabulary; each part would import the others' helpers.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.camp_key import numbers_by_site
from dashboard.exports import mapview
from dashboard.exports.deck_input import ChartSeries, ChartSpec, DeckInput, KpiCard, Picture, SourceNote, TableSpec
from geodata import config
from geodata.analysis.filters import OPEN_END_YEAR, FilterState, active_years, describe
from geodata.analysis.formatting import usd
from geodata.analysis.kpis import KPI_CARDS, SUPPRESS_BELOW, kpi_lines, trust_fund_status
from geodata.facts.layers import LAYERS, PRECISION_CODES
from geodata.facts.municipality_registry import BY_CODE
from geodata.io import store
from geodata.io.load import boundary_credit, layer_provenance, load_layer

TITLE = "Assistance to Roma, Ashkali and Egyptian communities"
#: The figures a briefing uses, in deck order, with their slide titles.
FIGURE_TITLES: dict[str, str] = {
    "map": "Where the projects are",
    "by_sector": "Funding by sector",
    "by_municipality": "Funding by municipality",
    "over_time": "Funding over time",
    "by_community": "People reached, by community",
}
#: The charts the /briefing page shows, in the deck's order.
PAGE_CHARTS: tuple[str, ...] = ("by_sector", "by_municipality", "over_time", "by_community")
#: Excel number formats of the native charts: compact US dollars ("$4.7m", "$512k"), or plain counts.
USD_FORMAT = '[>=1000000]"$"#,##0.0,,"m";[>=1000]"$"#,##0,"k";"$"#,##0'
COUNT_FORMAT = "#,##0"
TOP_PROJECTS = 10
SAMPLE_WARNING = (
    "SAMPLE DATA: {n:,} of these {total:,} projects are an illustrative sample portfolio, generated for "
    "demonstration. They are not real projects and must not be quoted as facts."
)
PROJECTS_SOURCE = (
    "Source: projects layer. Documented projects cite their reports per row; sample projects are generated "
    "(geodata/facts/sample.py) and are not real."
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
    #: (west, south, east, north) of the municipalities with a matching project, the matching projects and the
    #: camps: what the map must show whole.
    map_extent: mapview.Extent = mapview.KOSOVO
    #: The numbered camps and return site on the map, in the order of their numbers' key (English names).
    camp_names: tuple[str, ...] = ()

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


def data_date(when: float | None = None) -> str:
    """When the project data last changed (``when``, a POSIX time, if given): the newest entry of the store's
    log (an import, a correction or a rollback, on either store backend), or, without a store, the date the
    embedded layers were compiled (``geodata.config.EMBEDDED_DATA_DATE``; a checkout's file times mean nothing)."""
    if when is not None:
        day = dt.datetime.fromtimestamp(when).date()
    else:
        logged = [r.imported_at for r in store.history()] if store.exists() else []
        day = dt.datetime.fromisoformat(max(logged)).date() if logged else config.EMBEDDED_DATA_DATE
    return f"{day.day} {day:%B %Y}"


def kpi_cards(figures: dict) -> tuple[KpiCard, ...]:
    """The headline figures of ``kpis.kpis`` as cards, in the explorer's words (``kpi_lines``): a figure
    no project gives is "not reported", each total says how many projects it covers, and every line that
    includes sample rows says "(sample data)"."""
    lines = kpi_lines(figures)
    return tuple(KpiCard(label, *lines[key]) for key, label in KPI_CARDS.items())


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


def _top_candidates(committed: np.ndarray, n: int) -> np.ndarray:
    """The rows that can be among the ``n`` largest by ``committed``: every row with at least the n-th largest
    amount (ties included), or every row when no more than ``n`` give an amount (unknown amounts come last).
    Sorting only these gives the same first ``n`` as sorting all, without sorting 100,000 titles' ids."""
    known = ~np.isnan(committed)
    count = int(known.sum())
    if n <= 0:
        return np.zeros(len(committed), dtype=bool)
    if count <= n:
        return np.ones(len(committed), dtype=bool)
    nth = np.partition(committed[known], count - n)[count - n]
    return known & (committed >= nth)


def largest_projects(projects: pd.DataFrame, n: int = TOP_PROJECTS) -> TableSpec:
    """The ``n`` largest projects by committed USD (unknown amounts last) as a table; sample rows say SAMPLE."""
    committed = pd.to_numeric(projects["committed_usd"], errors="coerce")
    top = (
        projects[_top_candidates(committed.to_numpy(dtype=float), n)]
        .assign(_c=committed)
        .sort_values(["_c", "project_id"], ascending=[False, True], na_position="last", kind="stable")[:n]
    )
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
    camps = snap.static.camps.geometry
    # the map shows whole the municipalities with a matching project, every matching point and the camps
    munis = snap.static.municipalities
    shown = munis[munis["code"].isin(set(matched["municipality"].astype(str)))]
    corners = shown.total_bounds if len(shown) else ()
    lons = np.concatenate([snap.lon[mask], camps.x.to_numpy(dtype=float), np.asarray(corners[0::2], dtype=float)])
    lats = np.concatenate([snap.lat[mask], camps.y.to_numpy(dtype=float), np.asarray(corners[1::2], dtype=float)])
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
        map_extent=mapview.extent(lons, lats, pad=0.02),
        camp_names=camp_names(snap.static.camps),
    )


def camp_names(camps) -> tuple[str, ...]:
    """The camps' English names in the order of the map's numbers."""
    numbers = numbers_by_site(camps)
    ranked = sorted(zip([numbers[s] for s in camps["site_id"]], camps["name_en"], strict=True))
    return tuple(str(name) for _, name in ranked)


def fitted_map(fig: go.Figure, box: mapview.Extent, width: float, height: float) -> go.Figure:
    """A copy of the map ``fig`` whose view shows ``box`` whole at ``width`` x ``height`` pixels, clear of the
    legend (top left) and the colour bar (right)."""
    out = go.Figure(fig)
    font = out.layout.legend.font.size or out.layout.font.size or 13
    names = [t.name for t in out.data if t.showlegend is not False and t.name]
    legend = mapview.legend_width_px(names, font) if out.layout.showlegend is not False else 0
    center, zoom = mapview.fit(box, width, height, padding=(16, 110, 16, legend + 16))
    out.update_layout(map={"center": center, "zoom": zoom})
    return unbounded(out)


def unbounded(fig: go.Figure) -> go.Figure:
    """``fig`` without the explorer's pan limits (``map.bounds``): MapLibre would otherwise refuse to zoom out
    far enough to show the extent whole in a wide or short frame."""
    return go.Figure(unbounded_spec(fig.to_dict()))


def unbounded_spec(spec: dict) -> dict:
    """``unbounded`` for a figure as plain JSON (changed in place and returned)."""
    spec["layout"].get("map", {}).pop("bounds", None)
    return spec


def figure_title(briefing: Briefing, key: str) -> str:
    """A figure's own title (which names its unit) where it has one, else ours."""
    fig = briefing.figures.get(key)
    text = fig.layout.title.text if fig is not None and fig.layout.title else None
    return str(text) if text else FIGURE_TITLES[key]


# ------------------------------------------------------------------------------------------------ deck figures


def _plain(text: object) -> str:
    return re.sub(r"<[^>]+>", "", str(text or "")).strip()


def _number(value: object) -> float | None:
    """A chart value as a float; None (not reported) stays None, never 0."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def chart_spec(briefing: Briefing, key: str) -> ChartSpec:
    """A native chart of the explorer's figure ``key``: the same categories and numbers (read from the figure, so
    the deck never disagrees with the page), municipalities named in Albanian and Serbian, counts of 1-9 kept as
    the figure's "<10" (the figure holds 0 there, never the count), what no project reports in the caption."""
    fig = briefing.figures[key]
    traces = [t for t in fig.data if t.type in ("bar", "scatter")]
    first = traces[0]
    horizontal = first.type == "bar" and first.orientation == "h"
    kind = "line" if first.type == "scatter" else "bar" if horizontal else "column"
    if key == "by_municipality":
        categories = tuple(place_name(str(c)) for c in first.customdata)
    else:
        categories = tuple(str(c) for c in (first.y if horizontal else first.x))
    money = key != "by_community"
    series = []
    for trace in traces:
        values = tuple(_number(v) for v in (trace.x if horizontal else trace.y))
        colour = trace.line.color if kind == "line" else trace.marker.color
        point_colours = tuple(colour) if isinstance(colour, (list, tuple)) else ()
        if kind == "line":
            labels: tuple[str, ...] = ()
        elif money:
            labels = tuple("not reported" if v is None else usd(v) for v in values)
        else:  # the figure's own labels: suppressed counts stay "<10"
            labels = tuple(str(t) for t in trace.text)
        series.append(
            ChartSeries(
                name=str(trace.name),
                values=values,
                colour=colour if isinstance(colour, str) else "",
                point_colours=point_colours,
                labels=labels,
            )
        )
    notes = [_plain(a.text) for a in fig.layout.annotations if a.name == "unreported"]
    caption = " ".join([CAPTIONS[key], *notes])
    # the figure's own empty-state message ("No projects match these filters."), else why nothing is charted
    empty = [_plain(a.text) for a in fig.layout.annotations if a.name == "empty"]
    if empty:
        message = empty[0]
    elif not categories:
        message = f"None of the {briefing.n_projects:,} projects shown gives what this chart needs."
    else:
        message = ""  # the chart is drawn
    return ChartSpec(
        title=figure_title(briefing, key),
        kind=kind,
        categories=categories,
        series=tuple(series),
        number_format=USD_FORMAT if money else COUNT_FORMAT,
        caption=caption,
        empty_message=message,
    )


def map_alt_text(briefing: Briefing, metric: str = "committed_usd", most: int = 3) -> str:
    """The map in words: what is shaded and where it is highest, how many projects are drawn, which camps."""
    from dashboard import figures as F

    fig = briefing.figures["map"]
    label, unit = F.METRICS.get(metric, (metric, ""))
    shading = next((t for t in fig.data if t.type == "choroplethmap"), None)
    parts = [f"Map of Kosovo's municipalities shaded by {label.lower()} ({unit})"]
    if shading is not None and shading.z is not None:
        ranked = sorted(
            ((float(z), _plain(name)) for z, name in zip(shading.z, shading.text, strict=True) if z == z and z > 0),
            reverse=True,
        )[:most]
        if ranked:
            shown = [f"{name}, {usd(z) if unit == 'USD' else f'{z:,.0f}'}" for z, name in ranked]
            parts[0] += "; highest: " + "; ".join(shown)
    parts.append(
        f"{briefing.n_projects:,} matching project{'s' if briefing.n_projects != 1 else ''} drawn as points coloured "
        "by sector, those placed at a municipality's seat faded"
    )
    camps = list(briefing.camp_names)
    if camps:
        parts.append("the former camps and return site marked and numbered: " + ", ".join(_plain(c) for c in camps))
    parts.append("the Trepča smelter, mine and tailings marked as hazards")
    return ". ".join(parts) + "."


def deck_input(
    briefing: Briefing,
    images: dict[str, bytes],
    generated: str = "",
    link: str = "",
    charts: tuple[str, ...] | None = None,
    metric: str = "committed_usd",
) -> DeckInput:
    """The deck for a briefing: the map from the PNG in ``images["map"]`` (skipped when missing) and the
    ``charts`` (default: every chart in ``FIGURE_TITLES``) as native charts."""
    charts = tuple(k for k in FIGURE_TITLES if k != "map") if charts is None else charts
    tf = briefing.trust_fund
    shown_map = (
        Picture(figure_title(briefing, "map"), images["map"], map_caption(), map_alt_text(briefing, metric))
        if "map" in images
        else None
    )
    return DeckInput(
        title=briefing.title,
        filters=briefing.filters,
        data_date=briefing.data_date,
        designation=briefing.designation,
        includes_sample=briefing.includes_sample,
        kpis=briefing.kpis,
        table=briefing.table,
        map=shown_map,
        charts=tuple(chart_spec(briefing, k) for k in charts),
        status_heading=tf.heading,
        status_lines=(tf.headline, *tf.lines),
        sources=briefing.sources,
        methods=briefing.methods,
        sample_warning=briefing.sample_warning,
        generated=generated,
        link=link,
    )
