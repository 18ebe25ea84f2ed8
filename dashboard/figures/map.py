"""The explorer map: boundary units shaded by a metric, the project points, and the fixed parts (settlements,
hazards, camps: ``map_places``).

Only what is filtered, hovered or clicked is a trace, in this fixed order (``TRACE``): the choropleth of boundary
units (on the explorer page a trace that draws nothing: the page shades the polygons and draws their key itself,
``figures.shading``), the
project traces (site-level, then municipality-level; each point coloured by its sector through a
discrete colour scale over ``sector_code``), the highlight ring of a selected project, then the places (the
hazards, then the camps' numbered fills), on top so they stay visible and clickable under dense project markers.
With ``legend=True`` (exports) legend-only entries follow (no points). Every trace is a set of MapLibre sources
that Plotly sets again, and MapLibre lays out again, on every redraw; what never changes with a filter is drawn
by layout layers, which Plotly sets once.

``TFA_FAST=0`` restores the previous map: everything as traces (settlements, hazard halo and core, one project
trace per sector and level, the faded-marker legend entry, the highlight, the camps' ring, fill and names).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.data import LEVELS, N_PROJECT_TRACES, TRACE_PER_SECTOR, Snapshot
from dashboard.figures import basemap
from dashboard.figures import shading as shading_layer
from dashboard.figures.annotations import map_annotations
from dashboard.figures.encoding import project_trace_arrays
from dashboard.figures.map_places import (
    STATIC_LAYERS,
    anchored,
    fixed_traces_above,
    fixed_traces_below,
    highlight_trace,
    legend_entries,
    places_trace,
    sector_legend_traces,
    static_layers,
)
from dashboard.figures.style import (
    CHOROPLETH_SCALE,
    DEFAULT_METRIC,
    FONT,
    METRICS,
    PROJECT_OPACITY,
    SECTOR_COLOURS,
)
from dashboard.figures.unshaded import unreported_units, unshaded_text
from geodata.analysis.coverage_view import VersionCache
from geodata.analysis.privacy import SUPPRESS_BELOW, SUPPRESSED_LABEL, suppress, suppressed_mask
from geodata.facts.layers import SECTORS

_FIXED = ("choropleth",) if STATIC_LAYERS else ("choropleth", "settlements", "hazard_halo", "hazard_core")
_AFTER = (
    ("highlight", "places")
    if STATIC_LAYERS
    else ("precision_legend", "highlight", "camp_ring", "camp_fill", "camp_names")
)
TRACE: dict[str, int] = {name: i for i, name in enumerate(_FIXED)}
PROJECT_TRACE_START = len(_FIXED)
for _offset, _name in enumerate(_AFTER):
    TRACE[_name] = PROJECT_TRACE_START + N_PROJECT_TRACES + _offset
#: The trace whose points are the camps (clicked for a camp's history): the places, or the old camp fill.
CAMP_TRACE = TRACE["places"] if STATIC_LAYERS else TRACE["camp_fill"]
#: Stable trace ids (MapLibre's layer ids are made from them).
PROJECT_UID = "projects"
#: The explorer page shades the polygons with a MapLibre layer of its own, recoloured in place, and draws their
#: colour key (``figures.shading``); its map's first trace then draws nothing. ``TFA_FAST=0``: the Plotly trace.
SHADING_LAYER = STATIC_LAYERS


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


def choropleth_z(snap: Snapshot, mask: np.ndarray, metric: str) -> np.ndarray:
    """Values per boundary unit, NaN where not computable (funding per resident without a sourced population) or
    not reported (the unit has projects but none gives the figure: unknown is not drawn as 0). People reached of
    1-9 are shaded as ``_SMALL_SHADE`` and their hover says "<10"."""
    values = _choropleth_values(snap, mask, metric)
    values[unreported_units(snap, mask, metric)] = np.nan
    if metric == "beneficiaries_reached":
        values[suppressed_mask(values)] = _SMALL_SHADE
    return values


def colour_top(z: np.ndarray) -> float:
    """The top of the shading's colour bar, whose bottom is 0 (every metric is a count or an amount): the largest
    value shown, or 1 when every shaded unit is 0 (Plotly would otherwise centre the bar on 0 and show
    negative ticks)."""
    finite = z[np.isfinite(z)]
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


def _choropleth_values(snap: Snapshot, mask: np.ndarray, metric: str) -> np.ndarray:
    return snap.unit_values(mask, metric).astype(np.float64)


def _project_traces(snap: Snapshot, shown: np.ndarray) -> list[go.Scattermap]:
    """The project traces (see the module docstring), holding the rows in ``shown``. They have no hover label and
    no text of their own: a page shows a hovered project's tooltip from the server (title, amount, sector, place,
    SAMPLE DATA), so no figure carries a text per point."""
    arrays = project_trace_arrays(snap, shown)
    traces = []
    if not TRACE_PER_SECTOR:
        for level in range(len(LEVELS)):
            a = arrays[level]
            traces.append(
                go.Scattermap(
                    lat=a["lat"],
                    lon=a["lon"],
                    customdata=a["customdata"],
                    mode="markers",
                    marker=dict(
                        size=a["size"],
                        color=a["color"],
                        colorscale=sector_colorscale(),
                        cmin=0,
                        cmax=max(len(SECTORS) - 1, 1),
                        showscale=False,
                        opacity=PROJECT_OPACITY[level],
                    ),
                    name=f"Projects, {LEVELS[level]} level",
                    showlegend=False,
                    hoverinfo="none",
                    meta={"level": LEVELS[level]},
                    uid=f"{PROJECT_UID}-{LEVELS[level]}",
                    **anchored(f"projects-{LEVELS[level]}"),
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
                    marker=dict(size=a["size"], color=SECTOR_COLOURS[sector], opacity=PROJECT_OPACITY[level]),
                    name=sector.capitalize(),
                    legendgroup=sector,
                    showlegend=level == 0,
                    hoverinfo="none",
                    meta={"sector": sector, "level": level_name},
                )
            )
    return traces


def map_figure(
    snap: Snapshot,
    mask: np.ndarray | None,
    metric: str = DEFAULT_METRIC,
    base_map: str = "white-bg",
    has_sample: bool | None = None,
    legend: bool = True,
    polygons: str | None = None,
    shading: bool = False,
    outline: str | None = None,
) -> go.Figure:
    """The explorer map. ``mask`` None draws no project points (they arrive by patch); a mask draws them.
    ``legend=False`` leaves the legend to the page (the explorer draws it in HTML above the map). A project
    point's hover is the page's tooltip (the explorer's and the briefing's, through ``dashboard.map_points``).
    ``polygons``, a URL, is where the browser loads the boundary units from (``dashboard.geo_assets``); without
    it they are inline (exports); ``outline``, a URL, the same for the Kosovo outline. ``shading=True`` leaves the
    polygons and their colour key to the page's shading layer (``figures.shading``: the explorer page, fast path):
    the first trace then draws nothing."""
    static = snap.static
    shown = np.zeros(snap.n, dtype=bool) if mask is None else mask
    shaded = np.ones(snap.n, dtype=bool) if mask is None else mask  # the rows the polygons are shaded by
    first = shading_layer.placeholder(_shading_name(metric)) if shading else _choropleth(snap, shaded, metric, polygons)
    traces: list[go.BaseTraceType] = [first]
    if STATIC_LAYERS:
        traces.extend(_project_traces(snap, shown))
        traces.extend([highlight_trace(), places_trace(snap)])
        if legend:
            traces.extend(legend_entries())
        layers = static_layers(snap)
    else:
        traces.extend(fixed_traces_below(snap))
        traces.extend(_project_traces(snap, shown))
        traces.extend(fixed_traces_above(snap))
        if legend and not TRACE_PER_SECTOR:
            traces.extend(sector_legend_traces())
        layers = []
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
        map=basemap.base_map(static.outline if outline is None else outline, style=base_map, layers=layers),
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
        annotations=map_annotations(
            has_sample,
            mask is not None and not mask.any(),
            unshaded_text(snap, shaded, metric),
        ),
        showlegend=legend,
    )
    return fig


#: The explorer's first map per data version and metric (``map_shell``), and its shading (``shell_shading``).
_SHELLS = VersionCache(2 * len(METRICS))


def map_shell(
    snap: Snapshot, metric: str = DEFAULT_METRIC, polygons: str | None = None, outline: str | None = None
) -> dict:
    """The explorer map as the page first sends it, as plain JSON: the boundary units shaded over every project
    (loaded from the URL ``polygons`` when given; by the page's shading layer, ``shell_shading``, on the fast
    path), the Kosovo outline (from the URL ``outline`` when given), no points (the page's first callback sends
    them), the legend left to the page. The same for every visitor of a data version, so it is built once per
    version, metric and URLs; callers must not change it."""
    return _SHELLS.get(
        snap,
        (metric, polygons, outline),
        lambda: map_figure(
            snap, None, metric, legend=False, polygons=polygons, shading=SHADING_LAYER, outline=outline
        ).to_dict(),
    )


def shell_shading(snap: Snapshot, metric: str, polygons: str) -> dict | None:
    """The shading layer's first state, over every project (as ``map_shell``), or None without the layer. Built
    once per data version, metric and URL, as the shell is; callers must not change it."""
    if not SHADING_LAYER:
        return None
    return _SHELLS.get(
        snap,
        ("shading", metric, polygons),
        lambda: shading_data(snap, choropleth_z(snap, np.ones(snap.n, dtype=bool), metric), metric, polygons),
    )


def _colorbar(metric: str) -> dict:
    return dict(
        title=dict(text=colorbar_title(metric), font=dict(size=12)),
        thickness=12,
        len=0.45,
        x=0.99,
        xanchor="right",
        y=0.98,
        yanchor="top",
        bgcolor="rgba(255,255,255,0.8)",
    )


def _shading_name(metric: str) -> str:
    return f"Municipalities: {METRICS[metric][0]}"


def shading_data(snap: Snapshot, z: np.ndarray, metric: str, polygons: str) -> dict:
    """The explorer's shading layer (``figures.shading``) for the units' values ``z`` (``choropleth_z``), its
    polygons loaded from the URL ``polygons``, with its colour key."""
    customdata = choropleth_customdata(snap, z, metric)
    return shading_layer.shading(
        snap, z, colour_top(z), metric, customdata, polygons, TRACE["choropleth"], colorbar_title(metric)
    )


def _choropleth(snap: Snapshot, shaded: np.ndarray, metric: str, polygons: str | None = None) -> go.Choroplethmap:
    """The boundary units shaded by ``metric`` over the rows in ``shaded``; their GeoJSON inline, or the URL
    ``polygons`` the browser loads it from."""
    static = snap.static
    z = choropleth_z(snap, shaded, metric)
    return go.Choroplethmap(
        geojson=static.polygons if polygons is None else polygons,
        locations=list(static.units),
        featureidkey="id",
        z=z,
        zmin=0,
        zmax=colour_top(z),
        text=list(static.unit_hover),
        customdata=choropleth_customdata(snap, z, metric),
        hovertemplate=metric_hovertemplate(metric),
        colorscale=CHOROPLETH_SCALE,
        marker=dict(opacity=0.5, line=dict(width=0.8, color="#8a8a8a")),
        colorbar=_colorbar(metric),
        name=_shading_name(metric),
        showlegend=False,
        **anchored("choropleth"),
    )
