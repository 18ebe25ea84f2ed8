"""The explorer's four charts: funding by sector, committed by municipality, funding over time, people reached by
community. ``chart_updates`` gives what a filter changes (plain lists, sent as a ``dash.Patch``);
``chart_specs`` the complete figures as plain JSON (the explorer's first render), ``chart_figures`` as plotly
figures (exports, briefing). Both apply the updates to each chart's fixed styling, built once as JSON: plotly's
figure objects check every property they are given, which took most of the explorer page's server time."""

from __future__ import annotations

import functools

import numpy as np
import plotly.graph_objects as go

from dashboard.data import Snapshot, municipality_label
from dashboard.figures.annotations import SUPPRESSION_NOTE, chart_annotations, unreported_note
from dashboard.figures.style import COMMITTED_COLOUR, DISBURSED_COLOUR, base_layout
from geodata.analysis.kpis import NOT_REPORTED, Aggregates, running_known
from geodata.analysis.privacy import suppress, suppressed_mask
from geodata.analysis.ranking import top_municipalities
from geodata.facts.layers import COMMUNITIES, SECTORS
from geodata.facts.municipality_registry import BY_CODE


def _known_or_none(values: np.ndarray, projects: np.ndarray, known: np.ndarray) -> list[float | None]:
    """Plain floats (rounded to cents), None where there are projects but none gives the figure: plotly draws
    no bar or point for None, so an unknown is never drawn as 0."""
    return [
        None if p > 0 and k == 0 else round(float(v), 2)
        for v, p, k in zip(np.asarray(values), np.asarray(projects), np.asarray(known), strict=True)
    ]


def _coverage_text(known: np.ndarray, projects: np.ndarray) -> list[str]:
    """Per bar: 'from k of n projects with a sourced amount' (the hover says what a total covers)."""
    return [
        f"from {int(k):,} of {int(p):,} project{'s' if p != 1 else ''} with a sourced amount"
        for k, p in zip(np.asarray(known), np.asarray(projects), strict=True)
    ]


def _unreported(names: list[str], what: str) -> list[str]:
    return [f"{what} not reported for {', '.join(names)}"] if names else []


def _sector_data(snap: Snapshot, a: Aggregates) -> list[dict]:
    labels = [s.capitalize() for s in SECTORS]
    p = a.sector_projects
    return [
        {
            "y": labels,
            "x": _known_or_none(a.sector_committed, p, a.sector_committed_known),
            "customdata": list(SECTORS),
            "hovertext": _coverage_text(a.sector_committed_known, p),
        },
        {
            "y": labels,
            "x": _known_or_none(a.sector_disbursed, p, a.sector_disbursed_known),
            "customdata": list(SECTORS),
            "hovertext": _coverage_text(a.sector_disbursed_known, p),
        },
    ]


def _sector_unreported(snap: Snapshot, a: Aggregates) -> list[str]:
    p = a.sector_projects

    def names(known: np.ndarray) -> list[str]:
        return [s.capitalize() for s, n, k in zip(SECTORS, p, known, strict=True) if n and not k]

    return _unreported(names(a.sector_committed_known), "Committed") + _unreported(
        names(a.sector_disbursed_known), "Disbursed"
    )


def _municipality_keep(snap: Snapshot, a: Aggregates, top: int = 12) -> list[int]:
    return top_municipalities(
        snap.kpi.municipalities, a.municipality_projects, a.municipality_committed, a.municipality_committed_known, top
    )


def _municipality_data(snap: Snapshot, a: Aggregates, top: int = 12) -> list[dict]:
    codes_all = snap.kpi.municipalities
    keep = _municipality_keep(snap, a, top)
    codes = [codes_all[i] for i in keep]
    p, k = a.municipality_projects[keep], a.municipality_committed_known[keep]
    return [
        {
            "y": [BY_CODE[c].name_en if c in BY_CODE else c for c in codes],
            "x": _known_or_none(a.municipality_committed[keep], p, k),
            "customdata": codes,
            "text": [
                f"{int(n)} project{'s' if n != 1 else ''}" + (f", {int(known)} with an amount" if known < n else "")
                for n, known in zip(p, k, strict=True)
            ],
            "hovertext": [municipality_label(c) for c in codes],
        }
    ]


def _municipality_unreported(snap: Snapshot, a: Aggregates) -> list[str]:
    codes_all = snap.kpi.municipalities
    names = [
        BY_CODE[codes_all[i]].name_en if codes_all[i] in BY_CODE else codes_all[i]
        for i in _municipality_keep(snap, a)
        if a.municipality_committed_known[i] == 0
    ]
    return _unreported(names, "Committed amount")


def _time_data(snap: Snapshot, a: Aggregates) -> list[dict]:
    years = list(range(a.year_first, a.year_first + len(a.year_projects)))
    started = np.cumsum(a.year_projects)

    def line(values: np.ndarray, known: np.ndarray) -> tuple[list, list[str]]:
        running = running_known(values, known)
        ys = [None if np.isnan(v) else round(float(v), 2) for v in running]
        return ys, _coverage_text(np.cumsum(known), started)

    committed, committed_cover = line(a.year_committed, a.year_committed_known)
    disbursed, disbursed_cover = line(a.year_disbursed, a.year_disbursed_known)
    return [
        {
            "x": years,
            "y": committed,
            "customdata": [int(p) for p in a.year_projects],
            "hovertext": committed_cover,
        },
        {"x": years, "y": disbursed, "hovertext": disbursed_cover},
    ]


def _time_unreported(snap: Snapshot, a: Aggregates) -> list[str]:
    if not len(a.year_projects):
        return []
    return [
        f"No matching project gives a {what} amount"
        for what, known in (("committed", a.year_committed_known), ("disbursed", a.year_disbursed_known))
        if not known.any()
    ]


def _community_data(snap: Snapshot, a: Aggregates) -> list[dict]:
    totals, known = a.community_reached, a.community_known
    shown = np.where(suppressed_mask(totals), 0, totals)
    return [
        {
            "x": list(COMMUNITIES),
            "y": [None if not k else float(v) for v, k in zip(shown, known, strict=True)],
            "text": [NOT_REPORTED if not k else suppress(int(v)) for v, k in zip(totals, known, strict=True)],
            "customdata": list(COMMUNITIES),
        }
    ]


def _community_unreported(snap: Snapshot, a: Aggregates) -> list[str]:
    if not a.totals["projects"]:
        return []
    names = [c for c, k in zip(COMMUNITIES, a.community_known, strict=True) if not k]
    if len(names) == len(COMMUNITIES):
        return ["No matching project reports people reached by community"]
    return _unreported(names, "People reached")


_CHART_DATA = {
    "by_sector": _sector_data,
    "by_municipality": _municipality_data,
    "over_time": _time_data,
    "by_community": _community_data,
}
#: Per chart: what no matching project reports (a note under the chart; those bars and points are not drawn).
_CHART_UNREPORTED = {
    "by_sector": _sector_unreported,
    "by_municipality": _municipality_unreported,
    "over_time": _time_unreported,
    "by_community": _community_unreported,
}


def chart_updates(snap: Snapshot, mask: np.ndarray, agg: Aggregates | None = None) -> dict[str, dict]:
    """What changes in each chart when the filters change: per chart key, ``data`` (one dict of plain lists per
    trace) and ``annotations``. The explorer sends these as a ``dash.Patch``; the figure builders apply them to
    their fixed styling. Cheap: numpy aggregations and short lists, no plotly objects."""
    agg = agg or snap.kpi.aggregate(mask)
    has_sample = agg.totals["sample"] > 0
    empty = agg.totals["projects"] == 0
    out = {}
    for key, func in _CHART_DATA.items():
        notes = chart_annotations(has_sample, empty)
        if key == "by_community":
            notes = notes + [SUPPRESSION_NOTE]
        unreported = _CHART_UNREPORTED[key](snap, agg)
        if unreported and not empty:
            notes = notes + [unreported_note(unreported)]
        out[key] = {"data": func(snap, agg), "annotations": notes}
    return out


def _chart_shell(key: str) -> go.Figure:
    """A chart's fixed styling, with empty traces."""
    if key == "by_sector":
        fig = go.Figure(
            [
                go.Bar(
                    orientation="h",
                    name="Committed",
                    marker_color=COMMITTED_COLOUR,
                    hovertemplate="%{y}: %{x:$,.0f} committed<br>%{hovertext}<extra></extra>",
                ),
                go.Bar(
                    orientation="h",
                    name="Disbursed",
                    marker_color=DISBURSED_COLOUR,
                    hovertemplate="%{y}: %{x:$,.0f} disbursed<br>%{hovertext}<extra></extra>",
                ),
            ]
        )
        fig.update_layout(
            base_layout(300),
            title=dict(text="Funding by sector (USD)", x=0.01, font=dict(size=15)),
            barmode="group",
            legend=dict(orientation="h", x=1, xanchor="right", y=1.12),
            yaxis=dict(autorange="reversed"),
            xaxis=dict(tickformat="$~s", gridcolor="#eee"),
        )
    elif key == "by_municipality":
        fig = go.Figure(
            go.Bar(
                orientation="h",
                marker_color=COMMITTED_COLOUR,
                textposition="auto",
                hovertemplate="%{hovertext}<br>%{x:$,.0f} committed, %{text}<extra></extra>",
                name="Committed",
            )
        )
        fig.update_layout(
            base_layout(300),
            title=dict(text="Committed by municipality (USD)", x=0.01, font=dict(size=15)),
            yaxis=dict(autorange="reversed"),
            xaxis=dict(tickformat="$~s", gridcolor="#eee"),
            showlegend=False,
        )
    elif key == "over_time":
        fig = go.Figure(
            [
                go.Scatter(
                    mode="lines+markers",
                    name="Committed",
                    line=dict(color=COMMITTED_COLOUR, width=3),
                    hovertemplate="%{x}: %{y:$,.0f} committed (cumulative, %{hovertext})<br>%{customdata} projects "
                    "started<extra></extra>",
                ),
                go.Scatter(
                    mode="lines+markers",
                    name="Disbursed",
                    line=dict(color="#E69F00", width=3, dash="dash"),
                    hovertemplate="%{x}: %{y:$,.0f} disbursed (cumulative, %{hovertext})<extra></extra>",
                ),
            ]
        )
        fig.update_layout(
            base_layout(300),
            title=dict(text="Funding over time (cumulative, by start year)", x=0.01, font=dict(size=15)),
            legend=dict(orientation="h", x=1, xanchor="right", y=1.12),
            xaxis=dict(dtick=2, gridcolor="#eee"),
            # from 0: a running total with one known value must not read as five ticks of "$2.03199M"
            yaxis=dict(tickformat="$~s", gridcolor="#eee", rangemode="tozero"),
        )
    else:
        fig = go.Figure(
            go.Bar(
                textposition="outside",
                marker_color=["#0072B2", "#009E73", "#CC79A7"],
                hovertemplate="%{x}: %{text} people reached<extra></extra>",
                cliponaxis=False,
                name="People reached",
            )
        )
        fig.update_layout(
            base_layout(300),
            title=dict(text="People reached by community", x=0.01, font=dict(size=15)),
            yaxis=dict(gridcolor="#eee", rangemode="tozero"),
            showlegend=False,
        )
    fig.update_layout(margin_b=44)  # room for the note on what no project reports
    return fig


@functools.cache
def _shell_spec(key: str) -> dict:
    """A chart's fixed styling as plain JSON, built once (never changed: ``chart_spec`` copies what it sets)."""
    return _chart_shell(key).to_dict()


def chart_spec(key: str, update: dict) -> dict:
    """A chart as plain JSON: its fixed styling with ``update`` applied as the explorer's patch applies it (each
    trace's keys replaced, the annotations replaced)."""
    shell = _shell_spec(key)
    return {
        "data": [{**trace, **values} for trace, values in zip(shell["data"], update["data"], strict=True)],
        "layout": {**shell["layout"], "annotations": update["annotations"]},
    }


def chart_specs(snap: Snapshot, mask: np.ndarray) -> dict[str, dict]:
    """The four charts, complete, as plain JSON: funding by sector, by municipality, over time, people reached by
    community."""
    return {key: chart_spec(key, update) for key, update in chart_updates(snap, mask).items()}


def chart_figures(snap: Snapshot, mask: np.ndarray) -> dict[str, go.Figure]:
    """The four charts as plotly figures (``chart_specs``)."""
    return {key: go.Figure(spec) for key, spec in chart_specs(snap, mask).items()}
