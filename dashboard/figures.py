"""The explorer's figures: GeoDataFrame (or a prepared ``Snapshot``) in, ``go.Figure`` out. Plotly only.

Public interface (stable; the coverage, briefing and export modules use it):

* ``explorer_figures(projects, state, metric="committed_usd") -> dict[str, go.Figure]`` with keys "map",
  "by_sector", "by_municipality", "over_time", "by_community": complete static figures (first render, exports
  at 1920 px, briefing). Any figure that includes sample rows carries a visible "SAMPLE DATA" watermark.
* ``empty_figure(message)``: a blank figure that says ``message``.
* ``DESIGNATION``: the footnote every map and export carries.
* ``METRICS``: choropleth metrics, key -> (label, unit).
* ``SECTOR_COLOURS``: the colour-blind-safe sector palette (Okabe-Ito).

For the explorer's fast path (``dash.Patch``), ``project_trace_arrays`` gives the per-trace numpy arrays and
``typed`` encodes one as a plotly typed array (base64), so a filter response carries only numbers.

Map traces, in this fixed order (``TRACE``): the choropleth of boundary units, settlements, hazard halo and
core, the project traces (site-level, then municipality-level; each point coloured by its sector through a
discrete colour scale over ``sector_code``; ``TFA_FAST=0``: one trace per sector and level), the legend entry
explaining faded markers, the highlight ring of a selected project, then the camps on top (ring, numbered fill,
name labels), so they stay visible and clickable under dense project markers. With ``legend=True`` one
legend-only entry per sector follows (no points).
"""

from __future__ import annotations

import base64
import html

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import config
from dashboard.camp_key import numbers_by_site
from dashboard.data import (
    LEVELS,
    N_PROJECT_TRACES,
    TRACE_PER_SECTOR,
    Snapshot,
    build_snapshot,
    municipality_label,
)
from geodata.analysis.filters import FilterState
from geodata.analysis.kpis import (
    NOT_REPORTED,
    SUPPRESS_BELOW,
    SUPPRESSED_LABEL,
    Aggregates,
    population_observations,
    running_known,
    suppress,
)
from geodata.facts.designation import DESIGNATION
from geodata.facts.layers import COMMUNITIES, SECTORS
from geodata.facts.municipality_registry import BY_CODE
from geodata.io.load import boundary_credit

WATERMARK = "SAMPLE DATA"

#: Okabe-Ito: distinguishable with the common colour-vision deficiencies.
SECTOR_COLOURS: dict[str, str] = dict(
    zip(SECTORS, ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"), strict=True)
)
COMMITTED_COLOUR = "#33507A"
HAZARD_COLOUR = "#6B2C00"
DISBURSED_COLOUR = "#9DB6D8"
CHOROPLETH_SCALE = [[0.0, "#FAFAFA"], [0.5, "#C9C9C9"], [1.0, "#7A7A7A"]]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

#: Choropleth metrics: key -> (label, unit).
METRICS: dict[str, tuple[str, str]] = {
    "projects": ("Projects", "projects"),
    "committed_usd": ("Committed", "USD"),
    "disbursed_usd": ("Disbursed", "USD"),
    "beneficiaries_reached": ("People reached", "people"),
    "usd_per_rae_resident": ("Committed per RAE resident", "USD per resident (where sourced)"),
}
DEFAULT_METRIC = "committed_usd"

_FIXED = ("choropleth", "settlements", "hazard_halo", "hazard_core")
TRACE: dict[str, int] = {name: i for i, name in enumerate(_FIXED)}
PROJECT_TRACE_START = len(_FIXED)
for _offset, _name in enumerate(("precision_legend", "highlight", "camp_ring", "camp_fill", "camp_names")):
    TRACE[_name] = PROJECT_TRACE_START + N_PROJECT_TRACES + _offset

_DTYPE = {"f4": "f4", "f8": "f8", "i1": "i1", "u1": "u1", "i2": "i2", "u2": "u2", "i4": "i4", "u4": "u4"}


def typed(values: np.ndarray) -> dict | list:
    """A numpy array as a plotly typed-array spec ({"dtype", "bdata"}: base64 of little-endian bytes), which
    plotly.js decodes into a typed array. Empty arrays become [] (nothing to decode)."""
    arr = np.ascontiguousarray(values)
    if arr.size == 0:
        return []
    code = arr.dtype.str[1:]
    if code not in _DTYPE or arr.dtype.byteorder == ">":
        raise TypeError(f"no plotly typed array for dtype {arr.dtype}")
    return {"dtype": _DTYPE[code], "bdata": base64.b64encode(arr.tobytes()).decode("ascii")}


def trace_index(sector_index: int, level: int) -> int:
    """The map trace of a sector (index in SECTORS) at a level (0 site, 1 municipality)."""
    if not TRACE_PER_SECTOR:
        return PROJECT_TRACE_START + level
    return PROJECT_TRACE_START + sector_index * len(LEVELS) + level


def sector_colorscale() -> list[list]:
    """A discrete colour scale over sector codes 0..n-1 (``cmin=0``, ``cmax=n-1``): code i is sector i's colour."""
    colours = [SECTOR_COLOURS[s] for s in SECTORS]
    last = max(len(colours) - 1, 1)
    return [[i / last, c] for i, c in enumerate(colours)]


def project_trace_arrays(snap: Snapshot, mask: np.ndarray) -> list[dict[str, np.ndarray]]:
    """For each project trace, in order: lat/lon (float32), size (uint8), customdata (int32 row positions
    in ``snap.projects``, which the click handler looks up) and, with one trace per level, color (uint8
    sector codes)."""
    return [_trace_arrays(snap, rows) for rows in snap.split_by_trace(mask)]


def project_trace_specs(snap: Snapshot, mask: np.ndarray) -> list[dict[str, dict | list]]:
    """``project_trace_arrays`` as typed-array specs, ready for a patch. A trace whose points all pass the
    filter reuses the specs cached on the snapshot, and an empty one is ``[]``, so only partly filtered traces
    are gathered and encoded."""
    out = []
    for i, rows in enumerate(snap.group_rows):
        keep = mask[rows]
        n_keep = int(np.count_nonzero(keep))
        if n_keep == len(rows):
            if i not in snap.full_trace_specs:
                snap.full_trace_specs[i] = {key: typed(v) for key, v in _trace_arrays(snap, rows).items()}
            out.append(snap.full_trace_specs[i])
        elif n_keep == 0:
            out.append({key: [] for key in _TRACE_KEYS})
        else:
            out.append({key: typed(v) for key, v in _trace_arrays(snap, rows[keep]).items()})
    return out


_TRACE_KEYS = ("lat", "lon", "size", "customdata") + (() if TRACE_PER_SECTOR else ("color",))


def _trace_arrays(snap: Snapshot, rows: np.ndarray) -> dict[str, np.ndarray]:
    out = {"lat": snap.lat[rows], "lon": snap.lon[rows], "size": snap.size[rows], "customdata": rows.astype(np.int32)}
    if not TRACE_PER_SECTOR:
        out["color"] = snap.sector_code[rows]
    return out


def _annotation_watermark() -> dict:
    return dict(
        text=WATERMARK,
        name="watermark",
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        textangle=-18,
        font=dict(size=44, color="rgba(190, 30, 45, 0.28)", family=FONT),
    )


def _annotation_empty(message: str) -> dict:
    return dict(
        text=html.escape(message),
        name="empty",
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font=dict(size=15, color="#555", family=FONT),
    )


#: Marker fills of the numbered sites (opaque; black numbers): a former camp, the return site (as the legend says).
CAMP_FILL = "#FFFFFF"
RETURN_SITE_FILL = "#B39DDB"


def designation_lines(text: str = DESIGNATION) -> str:
    """The designation footnote on two lines (after its first comma), so it fits a map about 600 px wide."""
    head, sep, tail = text.partition(", ")
    return f"{head},<br>{tail}" if sep else text


def _annotation_designation() -> dict:
    return dict(
        text=designation_lines(),
        name="designation",
        xref="paper",
        yref="paper",
        x=0.0,
        y=0.0,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        align="left",
        bgcolor="rgba(255,255,255,0.85)",
        font=dict(size=10, color="#333", family=FONT),
    )


def _annotation_boundary_credit() -> dict:
    """The credit line the boundary licence asks for (CC BY-SA: geoBoundaries / OpenStreetMap), or the
    installed official file's stated source and licence."""
    return dict(
        text=boundary_credit(),
        name="boundary-credit",
        xref="paper",
        yref="paper",
        x=1.0,
        y=0.0,
        yshift=28,  # above the designation footnote, whose two lines run along the bottom edge
        xanchor="right",
        yanchor="bottom",
        showarrow=False,
        align="right",
        bgcolor="rgba(255,255,255,0.85)",
        font=dict(size=9, color="#333", family=FONT),
    )


def map_annotations(has_sample: bool, empty: bool) -> list[dict]:
    """The map's annotations: designation footnote and boundary credit, plus the watermark and the
    empty-state message."""
    notes = [_annotation_designation(), _annotation_boundary_credit()]
    if has_sample:
        notes.append(_annotation_watermark())
    if empty:
        notes.append(_annotation_empty("No projects match these filters. Clear a filter to see more."))
    return notes


def chart_annotations(has_sample: bool, empty: bool) -> list[dict]:
    notes = []
    if has_sample:
        notes.append(_annotation_watermark())
    if empty:
        notes.append(_annotation_empty("No projects match these filters."))
    return notes


def empty_figure(message: str) -> go.Figure:
    """A blank figure (no axes) that says ``message``."""
    fig = go.Figure()
    fig.update_layout(_base_layout(height=260))
    fig.update_layout(annotations=[_annotation_empty(message)], xaxis_visible=False, yaxis_visible=False)
    return fig


def _base_layout(height: int) -> dict:
    return dict(
        template="none",
        height=height,
        margin=dict(l=12, r=18, t=48, b=12, pad=2),
        font=dict(family=FONT, size=13, color="#222"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel=dict(font=dict(family=FONT, size=13)),
        xaxis=dict(automargin=True, showline=True, linecolor="#999", ticks="outside", tickcolor="#999"),
        yaxis=dict(automargin=True, showline=True, linecolor="#999", ticks="outside", tickcolor="#999"),
    )


def _money(v: float) -> str:
    if v >= 1e6:
        return f"${v / 1e6:,.1f}m"
    if v >= 1e3:
        return f"${v / 1e3:,.0f}k"
    return f"${v:,.0f}"


# ---------------------------------------------------------------- map


def metric_hovertemplate(metric: str) -> str:
    label, unit = METRICS[metric]
    if metric == "beneficiaries_reached":  # the suppressed label, never the shading value
        return "%{text}<br>" + f"{label}: %{{customdata}} {unit}<extra></extra>"
    fmt = ":,.2f" if metric == "usd_per_rae_resident" else ":,.0f"
    return "%{text}<br>" + f"{label}: %{{z{fmt}}} {unit}" + "<br>%{customdata}<extra></extra>"


def choropleth_customdata(snap: Snapshot, z: np.ndarray, metric: str) -> list[str]:
    """The line under each polygon's hover: the RAE population note (per-resident metric) or the people-reached
    figure as it may be shown ("<10" for 1-9, see ``geodata.privacy``)."""
    if metric == "usd_per_rae_resident":
        return list(snap.static.unit_rae_note)
    if metric == "beneficiaries_reached":
        return [SUPPRESSED_LABEL if v == _SMALL_SHADE else suppress(v) for v in z]
    return [""] * len(snap.static.units)


def colorbar_title(metric: str) -> str:
    label, unit = METRICS[metric]
    return f"{label}<br>({unit})"


#: The shading value of a polygon whose people-reached count is 1-9: the count itself never reaches the browser.
_SMALL_SHADE = SUPPRESS_BELOW / 2
_KNOWN_FOR_METRIC = {
    "committed_usd": "committed_known",
    "usd_per_rae_resident": "committed_known",
    "disbursed_usd": "disbursed_known",
    "beneficiaries_reached": "reached_known",
}


def choropleth_z(snap: Snapshot, mask: np.ndarray, metric: str) -> np.ndarray:
    """Values per boundary unit, NaN where not computable (funding per resident without a sourced population) or
    not reported (the unit has projects but none gives the figure: unknown is not drawn as 0). People reached of
    1-9 are shaded as ``_SMALL_SHADE`` and their hover says "<10"."""
    values = _choropleth_values(snap, mask, metric)
    known = _KNOWN_FOR_METRIC.get(metric)
    if known is not None and snap.n:
        k = len(snap.static.units) + 1
        projects = np.bincount(snap.unit_of_project, weights=mask.astype(np.float64), minlength=k)[:-1]
        reported = np.bincount(snap.unit_of_project, weights=getattr(snap.kpi, known) & mask, minlength=k)[:-1]
        values[(projects > 0) & (reported == 0)] = np.nan
    if metric == "beneficiaries_reached":
        values[(values > 0) & (values < SUPPRESS_BELOW)] = _SMALL_SHADE
    return values


def _choropleth_values(snap: Snapshot, mask: np.ndarray, metric: str) -> np.ndarray:
    return snap.unit_values(mask, metric).astype(np.float64)


def _camp_hover(row) -> str:
    names = " / ".join(dict.fromkeys(str(x) for x in (row["name_sq"], row["name_sr"]) if x and str(x) != "nan"))
    kind = "Return site" if row["site_type"] == "return site" else "Former IDP camp"
    lines = [f"<b>{html.escape(str(row['name_en']))}</b> ({html.escape(names)})", kind]
    opened, closed = row.get("opened"), row.get("closed")
    lines.append(f"Opened {opened or 'date not sourced'}; closed {closed or '—'}")
    obs = population_observations(row.get("population_observations"))
    if obs:
        lines.append("Population: " + "; ".join(f"{o['date']}: {o['figure']:,} {o.get('unit', '')}" for o in obs[:4]))
    lines.append(f"Location approximate (±{int(row['location_uncertainty_m']) / 1000:.0f} km). Click for its history.")
    return "<br>".join(lines)


_LEVEL_WHERE = ("near a site (IATI precision 2)", "municipality level, drawn at the municipal seat")


def _project_traces(snap: Snapshot, shown: np.ndarray, tooltip: bool) -> list[go.Scattermap]:
    """The project traces (see the module docstring), holding the rows in ``shown``."""
    arrays = project_trace_arrays(snap, shown)
    traces = []
    if not TRACE_PER_SECTOR:
        for level, where in enumerate(_LEVEL_WHERE):
            a = arrays[level]
            names = np.array([s.capitalize() for s in SECTORS], dtype=object)
            traces.append(
                go.Scattermap(
                    lat=a["lat"],
                    lon=a["lon"],
                    customdata=a["customdata"],
                    text=None if tooltip else list(names[a["color"]]),
                    mode="markers",
                    marker=dict(
                        size=a["size"],
                        color=a["color"],
                        colorscale=sector_colorscale(),
                        cmin=0,
                        cmax=max(len(SECTORS) - 1, 1),
                        showscale=False,
                        opacity=0.9 if level == 0 else 0.4,
                    ),
                    name=f"Projects, {LEVELS[level]} level",
                    showlegend=False,
                    hovertemplate=f"<b>%{{text}} project</b><br>{where}<br>Click for details<extra></extra>",
                    hoverinfo="none" if tooltip else None,
                    meta={"level": LEVELS[level]},
                )
            )
        return traces
    for s, sector in enumerate(SECTORS):
        for level, level_name in enumerate(LEVELS):
            a = arrays[s * len(LEVELS) + level]
            traces.append(
                go.Scattermap(
                    lat=a["lat"],
                    lon=a["lon"],
                    customdata=a["customdata"],
                    mode="markers",
                    marker=dict(size=a["size"], color=SECTOR_COLOURS[sector], opacity=0.9 if level == 0 else 0.4),
                    name=sector.capitalize(),
                    legendgroup=sector,
                    showlegend=level == 0,
                    hovertemplate=f"<b>{html.escape(sector.capitalize())} project</b><br>{_LEVEL_WHERE[level]}<br>"
                    "Click for details<extra></extra>",
                    hoverinfo="none" if tooltip else None,
                    meta={"sector": sector, "level": level_name},
                )
            )
    return traces


def _sector_legend_traces() -> list[go.Scattermap]:
    """One legend entry per sector colour (no points: the projects are drawn by the level traces)."""
    return [
        go.Scattermap(
            lat=[None],
            lon=[None],
            mode="markers",
            marker=dict(size=12, color=SECTOR_COLOURS[sector], opacity=0.9),
            name=sector.capitalize(),
            legendgroup=sector,
            legendrank=100 + i,  # listed first, as when each sector was its own trace
            hoverinfo="skip",
        )
        for i, sector in enumerate(SECTORS)
    ]


def map_figure(
    snap: Snapshot,
    mask: np.ndarray | None,
    metric: str = DEFAULT_METRIC,
    base_map: str = "white-bg",
    has_sample: bool | None = None,
    legend: bool = True,
    tooltip: bool = False,
) -> go.Figure:
    """The explorer map. ``mask`` None draws no project points (they arrive by patch); a mask draws them.
    ``legend=False`` leaves the legend to the page (the explorer draws it in HTML above the map);
    ``tooltip=True`` leaves the project hover label to the page (a tooltip with title, amount and SAMPLE)."""
    static = snap.static
    shown = np.zeros(snap.n, dtype=bool) if mask is None else mask
    z = choropleth_z(snap, np.ones(snap.n, dtype=bool) if mask is None else mask, metric)
    label = METRICS[metric][0]
    traces: list[go.BaseTraceType] = [
        go.Choroplethmap(
            geojson=static.polygons,
            locations=list(static.units),
            featureidkey="id",
            z=z,
            text=list(static.unit_hover),
            customdata=choropleth_customdata(snap, z, metric),
            hovertemplate=metric_hovertemplate(metric),
            colorscale=CHOROPLETH_SCALE,
            marker=dict(opacity=0.5, line=dict(width=0.8, color="#8a8a8a")),
            colorbar=dict(
                title=dict(text=colorbar_title(metric), font=dict(size=12)),
                thickness=12,
                len=0.45,
                x=0.99,
                xanchor="right",
                y=0.98,
                yanchor="top",
                bgcolor="rgba(255,255,255,0.8)",
            ),
            name=f"Municipalities: {label}",
            showlegend=False,
        )
    ]
    st = static.settlements
    traces.append(
        go.Scattermap(
            lat=st.geometry.y.to_numpy(),
            lon=st.geometry.x.to_numpy(),
            mode="markers+text",
            marker=dict(size=5, color="#6b6b6b"),
            text=st["name"].tolist(),
            textposition="top right",
            textfont=dict(size=11, color="#555555"),
            name="Settlement (GeoNames)",
            hovertext=[
                f"{html.escape(str(n))} (settlement, {municipality_label(str(m))})"
                for n, m in zip(st["name"], st["municipality"], strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    hz = static.hazards
    hz_text = [
        f"<b>{html.escape(str(r['name_en']))}</b> ({html.escape(str(r['name_sq']))} / {html.escape(str(r['name_sr']))})"
        f"<br>{html.escape(str(r['hazard_type']).capitalize())}; "
        f"location ±{int(r['location_uncertainty_m']) / 1000:g} km"
        for _, r in hz.iterrows()
    ]
    traces.append(
        go.Scattermap(
            lat=hz.geometry.y,
            lon=hz.geometry.x,
            mode="markers",
            hoverinfo="skip",
            marker=dict(size=30, color=HAZARD_COLOUR, opacity=0.22),
            showlegend=False,
            name="hazard halo",
        )
    )
    traces.append(
        go.Scattermap(
            lat=hz.geometry.y,
            lon=hz.geometry.x,
            mode="markers",
            hovertext=hz_text,
            hovertemplate="%{hovertext}<extra></extra>",
            marker=dict(size=9, color=HAZARD_COLOUR),
            name="Smelter, mine or tailings",
        )
    )
    traces.extend(_project_traces(snap, shown, tooltip))
    traces.append(
        go.Scattermap(
            lat=[None],
            lon=[None],
            mode="markers",
            marker=dict(size=12, color="#999", opacity=0.4),
            name="Faded: municipality-level project",
            hoverinfo="skip",
        )
    )
    traces.append(
        go.Scattermap(
            lat=[],
            lon=[],
            mode="markers",
            hoverinfo="skip",
            showlegend=False,
            marker=dict(size=34, color="#000000", opacity=0.35),
            name="highlight",
        )
    )
    cp = static.camps
    numbers = numbers_by_site(cp)
    fill = [CAMP_FILL if t == "camp" else RETURN_SITE_FILL for t in cp["site_type"]]
    opaque = dict(marker=dict(opacity=1))  # a box/lasso selection never dims the camps
    traces.append(
        go.Scattermap(
            lat=cp.geometry.y,
            lon=cp.geometry.x,
            mode="markers",
            hoverinfo="skip",
            marker=dict(size=25, color="#000000", opacity=1),
            selected=opaque,
            unselected=opaque,
            name="Former IDP camp (white) / return site (violet)",
        )
    )
    traces.append(
        go.Scattermap(
            lat=cp.geometry.y,
            lon=cp.geometry.x,
            mode="markers+text",
            marker=dict(size=19, color=fill, opacity=1),
            selected=opaque,
            unselected=opaque,
            text=[str(numbers[site]) for site in cp["site_id"]],
            textposition="middle center",
            textfont=dict(size=12, color="#000000"),
            customdata=list(cp["site_id"]),
            hovertext=[f"{numbers[r['site_id']]}. " + _camp_hover(r) for _, r in cp.iterrows()],
            hovertemplate="%{hovertext}<extra></extra>",
            name="camp fill",
            showlegend=False,
        )
    )
    traces.append(
        go.Scattermap(
            lat=cp.geometry.y,
            lon=cp.geometry.x,
            mode="markers+text",  # text alone would ask the style for a marker icon it does not have
            marker=dict(size=25, opacity=0),  # invisible: places the name beside the numbered marker
            text=[str(n) for n in cp["name_en"]],
            textposition="middle right",
            textfont=dict(size=13, color="#000000"),
            hoverinfo="skip",
            name="camp names",
            showlegend=False,
        )
    )
    if legend and not TRACE_PER_SECTOR:
        traces.extend(_sector_legend_traces())
    fig = go.Figure(traces)
    if has_sample is None:
        has_sample = bool(snap.kpi.is_sample[shown].any()) if mask is not None else False
    fig.update_layout(
        template="none",
        font=dict(family=FONT, size=13, color="#222"),
        margin=dict(l=0, r=0, t=0, b=0),
        uirevision="explorer-map",
        clickmode="event",
        dragmode="pan",
        hoverlabel=dict(font=dict(family=FONT, size=13), align="left"),
        map=dict(
            style=config.map_style(base_map),
            center=config.MAP_CENTER,
            zoom=config.MAP_ZOOM,
            bounds=config.MAP_BOUNDS,
            layers=[
                dict(
                    sourcetype="geojson",
                    source=static.outline,
                    type="line",
                    color="#222222",
                    line=dict(width=2.2),
                    below="traces",
                ),
            ],
        ),
        legend=dict(
            x=0.01,
            y=0.98,
            xanchor="left",
            yanchor="top",
            bgcolor="rgba(255,255,255,0.88)",
            bordercolor="#ccc",
            borderwidth=1,
            font=dict(size=12),
            itemclick="toggle",
        ),
        annotations=map_annotations(has_sample, mask is not None and not mask.any()),
        showlegend=legend,
    )
    return fig


# ---------------------------------------------------------------- charts


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
    codes_all = snap.kpi.municipalities
    committed = np.where(a.municipality_committed_known > 0, a.municipality_committed, -1.0)  # unknown last
    return [
        i for i in np.lexsort((-a.municipality_projects, -committed)) if a.municipality_projects[i] > 0 and codes_all[i]
    ][:top]


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
    shown = np.where((totals > 0) & (totals < SUPPRESS_BELOW), 0, totals)
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


def _annotation_unreported(lines: list[str]) -> dict:
    return dict(
        text=html.escape("; ".join(lines)) + ".",
        name="unreported",
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-34,
        showarrow=False,
        align="left",
        font=dict(size=11, color="#555", family=FONT),
    )


_SUPPRESSION_NOTE = dict(
    text=f"Counts of 1-9 are shown as {SUPPRESSED_LABEL}.",
    name="suppression",
    xref="paper",
    yref="paper",
    x=1,
    y=1.08,
    xanchor="right",
    showarrow=False,
    font=dict(size=11, color="#555"),
)
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
            notes = notes + [_SUPPRESSION_NOTE]
        unreported = _CHART_UNREPORTED[key](snap, agg)
        if unreported and not empty:
            notes = notes + [_annotation_unreported(unreported)]
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
            _base_layout(300),
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
            _base_layout(300),
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
            _base_layout(300),
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
            _base_layout(300),
            title=dict(text="People reached by community", x=0.01, font=dict(size=15)),
            yaxis=dict(gridcolor="#eee", rangemode="tozero"),
            showlegend=False,
        )
    fig.update_layout(margin_b=44)  # room for the note on what no project reports
    return fig


def chart_figures(snap: Snapshot, mask: np.ndarray) -> dict[str, go.Figure]:
    """The four charts, complete: funding by sector, by municipality, over time, people reached by community."""
    figs = {}
    for key, update in chart_updates(snap, mask).items():
        fig = _chart_shell(key)
        for trace, values in zip(fig.data, update["data"], strict=True):
            trace.update(values)
        fig.update_layout(annotations=update["annotations"])
        figs[key] = fig
    return figs


def camp_timeline_figure(history: dict) -> go.Figure:
    """A site's population observations on a timeline (dates as the sources give them; units differ, so each
    point is labelled with its unit, families drawn as squares, and the points are not joined), with opening
    and closing marked."""
    obs = history["population"]
    if not obs:
        return empty_figure("No population observations recorded.")
    dates = [_as_date(o["date"]) for o in obs]
    fig = go.Figure(
        go.Scatter(
            x=dates,
            y=[o["figure"] for o in obs],
            mode="markers+text",  # not joined by a line: the observations count different things
            marker=dict(
                size=11,
                color="#000",
                symbol=["square" if "famil" in str(o.get("unit", "")) else "circle" for o in obs],
            ),
            text=[f"{o['figure']:,} {str(o.get('unit', '')).split(' ')[0].strip(',;')}".strip() for o in obs],
            cliponaxis=False,
            textposition="top center",
            customdata=[[str(o["date"]), str(o.get("unit", "")), str(o.get("source", ""))] for o in obs],
            hovertemplate="%{customdata[0]}: %{y:,} %{customdata[1]}<br>%{customdata[2]}<extra></extra>",
            name="Population",
        )
    )
    shapes = []
    for key, label in (("opened", "opened"), ("closed", "closed")):
        when = _as_date(history.get(key) or "")
        if when:
            shapes.append(
                dict(
                    type="line",
                    x0=when,
                    x1=when,
                    yref="paper",
                    y0=0,
                    y1=1,
                    line=dict(color="#7B3294", width=1, dash="dash"),
                    label=dict(text=label, textposition="end"),
                )
            )
    fig.update_layout(
        _base_layout(230),
        title=dict(text="Population observations", x=0.01, font=dict(size=14)),
        shapes=shapes,
        showlegend=False,
        xaxis=dict(gridcolor="#eee", range=_padded_years(dates)),
        yaxis=dict(gridcolor="#eee", range=[0, 1.35 * max(o["figure"] for o in obs)]),
    )
    return fig


def _padded_years(dates: list) -> list | None:
    """An x range a year wider on each side than the observations, so their labels fit."""
    known = [pd.Timestamp(d) for d in dates if d]
    if not known:
        return None
    return [(min(known) - pd.DateOffset(years=1)).isoformat(), (max(known) + pd.DateOffset(years=1)).isoformat()]


def _as_date(text: str) -> str | None:
    """'2006' -> '2006-07-01' (mid-year), '2006-04' -> '2006-04-15', a full date as is; else None."""
    parts = str(text).split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return None
    if len(parts) == 1:
        return f"{parts[0]}-07-01"
    if len(parts) == 2:
        return f"{parts[0]}-{parts[1]}-15"
    return "-".join(parts[:3])


def snapshot_figures(
    snap: Snapshot, state: FilterState, metric: str = DEFAULT_METRIC, base_map: str = "white-bg"
) -> dict[str, go.Figure]:
    """Every explorer figure, complete, for a prepared snapshot."""
    mask = snap.mask(state)
    figures = {"map": map_figure(snap, mask, metric, base_map)}
    figures.update(chart_figures(snap, mask))
    return figures


def explorer_figures(
    projects: gpd.GeoDataFrame, state: FilterState, metric: str = DEFAULT_METRIC
) -> dict[str, go.Figure]:
    """Complete static figures of the explorer for ``projects`` under ``state``: keys "map", "by_sector",
    "by_municipality", "over_time", "by_community". Figures that include sample rows carry the watermark;
    the map carries ``DESIGNATION``."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    return snapshot_figures(build_snapshot(projects), state, metric)
