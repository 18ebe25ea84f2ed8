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
core, camp ring and fill, the 14 project traces (7 sectors x site-level / municipality-level), the legend
entry explaining faded markers, and the highlight ring of a selected project.
"""

from __future__ import annotations

import base64
import html

import geopandas as gpd
import numpy as np
import plotly.graph_objects as go

from dashboard import config
from dashboard.data import LEVELS, N_PROJECT_TRACES, Snapshot, build_snapshot, municipality_label
from geodata.filters import FilterState
from geodata.kpis import SUPPRESSED_LABEL, population_observations
from geodata.layers import SECTORS
from geodata.municipality_registry import BY_CODE

DESIGNATION = (
    "This designation is without prejudice to positions on status, and is in line with UNSCR 1244/1999 "
    "and the ICJ Opinion on the Kosovo declaration of independence."
)
WATERMARK = "SAMPLE DATA"

#: Okabe-Ito: distinguishable with the common colour-vision deficiencies.
SECTOR_COLOURS: dict[str, str] = dict(
    zip(SECTORS, ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"), strict=True)
)
COMMITTED_COLOUR = "#33507A"
HAZARD_COLOUR = "#6B2C00"
DISBURSED_COLOUR = "#9DB6D8"
CHOROPLETH_SCALE = [[0.0, "#F7F7F7"], [0.5, "#BDBDBD"], [1.0, "#525252"]]
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

_FIXED = ("choropleth", "settlements", "hazard_halo", "hazard_core", "camp_ring", "camp_fill")
TRACE: dict[str, int] = {name: i for i, name in enumerate(_FIXED)}
PROJECT_TRACE_START = len(_FIXED)
TRACE["precision_legend"] = PROJECT_TRACE_START + N_PROJECT_TRACES
TRACE["highlight"] = TRACE["precision_legend"] + 1

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
    return PROJECT_TRACE_START + sector_index * len(LEVELS) + level


def project_trace_arrays(snap: Snapshot, mask: np.ndarray) -> list[dict[str, np.ndarray]]:
    """For each project trace, in order: lat/lon (float32), size (uint8) and customdata (int32 row positions
    in ``snap.projects``, which the click handler looks up)."""
    out = []
    for rows in snap.split_by_trace(mask):
        out.append(
            {
                "lat": snap.lat[rows],
                "lon": snap.lon[rows],
                "size": snap.size[rows],
                "customdata": rows.astype(np.int32),
            }
        )
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


def _annotation_designation() -> dict:
    return dict(
        text=DESIGNATION,
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


def map_annotations(has_sample: bool, empty: bool) -> list[dict]:
    """The map's annotations: designation footnote, plus the watermark and the empty-state message."""
    notes = [_annotation_designation()]
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
        margin=dict(l=8, r=12, t=36, b=8),
        font=dict(family=FONT, size=13, color="#222"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel=dict(font=dict(family=FONT, size=13)),
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
    fmt = ":,.2f" if metric == "usd_per_rae_resident" else ":,.0f"
    return "%{text}<br>" + f"{label}: %{{z{fmt}}} {unit}" + "<br>%{customdata}<extra></extra>"


def colorbar_title(metric: str) -> str:
    label, unit = METRICS[metric]
    return f"{label}<br>({unit})"


def choropleth_z(snap: Snapshot, mask: np.ndarray, metric: str) -> np.ndarray:
    """Values per boundary unit, NaN where not computable (funding per resident without a sourced population)."""
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


def map_figure(
    snap: Snapshot,
    mask: np.ndarray | None,
    metric: str = DEFAULT_METRIC,
    base_map: str = "white-bg",
    has_sample: bool | None = None,
) -> go.Figure:
    """The explorer map. ``mask`` None draws no project points (they arrive by patch); a mask draws them."""
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
            customdata=list(static.unit_rae_note) if metric == "usd_per_rae_resident" else [""] * len(static.units),
            hovertemplate=metric_hovertemplate(metric),
            colorscale=CHOROPLETH_SCALE,
            marker=dict(opacity=0.55, line=dict(width=0.8, color="#8a8a8a")),
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
            mode="markers",
            marker=dict(size=5, color="#6b6b6b"),
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
    cp = static.camps
    fill = ["#FFFFFF" if t == "camp" else "#9E9E9E" for t in cp["site_type"]]
    traces.append(
        go.Scattermap(
            lat=cp.geometry.y,
            lon=cp.geometry.x,
            mode="markers",
            hoverinfo="skip",
            marker=dict(size=21, color="#000000"),
            name="Former IDP camp (white) / return site (grey)",
        )
    )
    traces.append(
        go.Scattermap(
            lat=cp.geometry.y,
            lon=cp.geometry.x,
            mode="markers",
            marker=dict(size=13, color=fill),
            customdata=list(cp["site_id"]),
            hovertext=[_camp_hover(r) for _, r in cp.iterrows()],
            hovertemplate="%{hovertext}<extra></extra>",
            name="camp fill",
            showlegend=False,
        )
    )
    arrays = project_trace_arrays(snap, shown)
    for s, sector in enumerate(SECTORS):
        for level, level_name in enumerate(LEVELS):
            a = arrays[s * len(LEVELS) + level]
            where = (
                "near a site (IATI precision 2)" if level == 0 else "municipality level, drawn at the municipal seat"
            )
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
                    hovertemplate=f"<b>{html.escape(sector.capitalize())} project</b><br>{where}<br>"
                    "Click for details<extra></extra>",
                    meta={"sector": sector, "level": level_name},
                )
            )
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
            style=base_map,
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
    )
    return fig


# ---------------------------------------------------------------- charts


def sector_figure(snap: Snapshot, mask: np.ndarray, has_sample: bool) -> go.Figure:
    """Committed vs disbursed USD per sector (horizontal bars; click a bar to filter by its sector)."""
    table = snap.kpi.by_sector(mask)
    labels = [s.capitalize() for s in table["sector"]]
    fig = go.Figure(
        [
            go.Bar(
                y=labels,
                x=table["committed_usd"],
                orientation="h",
                name="Committed",
                marker_color=COMMITTED_COLOUR,
                customdata=list(table["sector"]),
                hovertemplate="%{y}: %{x:$,.0f} committed<extra></extra>",
            ),
            go.Bar(
                y=labels,
                x=table["disbursed_usd"],
                orientation="h",
                name="Disbursed",
                marker_color=DISBURSED_COLOUR,
                customdata=list(table["sector"]),
                hovertemplate="%{y}: %{x:$,.0f} disbursed<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        _base_layout(300),
        title=dict(text="Funding by sector (USD)", x=0.01, font=dict(size=15)),
        barmode="group",
        legend=dict(orientation="h", x=1, xanchor="right", y=1.12),
        yaxis=dict(autorange="reversed", automargin=True),
        xaxis=dict(tickformat="$~s", gridcolor="#eee"),
        annotations=chart_annotations(has_sample, not mask.any()),
    )
    return fig


def municipality_figure(snap: Snapshot, mask: np.ndarray, has_sample: bool, top: int = 12) -> go.Figure:
    """Committed USD per municipality (top ``top``; click a bar to filter by it)."""
    table = snap.kpi.by_municipality(mask).head(top)
    names = [BY_CODE[c].name_en if c in BY_CODE else c for c in table["municipality"]]
    fig = go.Figure(
        go.Bar(
            y=names,
            x=table["committed_usd"],
            orientation="h",
            marker_color=COMMITTED_COLOUR,
            customdata=list(table["municipality"]),
            text=[f"{p} project{'s' if p != 1 else ''}" for p in table["projects"]],
            textposition="auto",
            hovertext=[municipality_label(c) for c in table["municipality"]],
            hovertemplate="%{hovertext}<br>%{x:$,.0f} committed, %{text}<extra></extra>",
            name="Committed",
        )
    )
    fig.update_layout(
        _base_layout(300),
        title=dict(text="Committed by municipality (USD)", x=0.01, font=dict(size=15)),
        yaxis=dict(autorange="reversed", automargin=True),
        xaxis=dict(tickformat="$~s", gridcolor="#eee"),
        showlegend=False,
        annotations=chart_annotations(has_sample, not mask.any()),
    )
    return fig


def time_figure(snap: Snapshot, mask: np.ndarray, has_sample: bool) -> go.Figure:
    """Cumulative committed and disbursed USD by start year (click a year to filter to it)."""
    table = snap.kpi.cumulative_by_year(mask)
    fig = go.Figure(
        [
            go.Scatter(
                x=table["year"],
                y=table["cumulative_committed_usd"],
                mode="lines+markers",
                name="Committed",
                line=dict(color=COMMITTED_COLOUR, width=3),
                customdata=table["projects"],
                hovertemplate="%{x}: %{y:$,.0f} committed since the first year<br>%{customdata} projects started"
                "<extra></extra>",
            ),
            go.Scatter(
                x=table["year"],
                y=table["cumulative_disbursed_usd"],
                mode="lines+markers",
                name="Disbursed",
                line=dict(color="#E69F00", width=3, dash="dash"),
                hovertemplate="%{x}: %{y:$,.0f} disbursed (cumulative)<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        _base_layout(300),
        title=dict(text="Funding over time (cumulative, by start year)", x=0.01, font=dict(size=15)),
        legend=dict(orientation="h", x=1, xanchor="right", y=1.12),
        xaxis=dict(dtick=2, gridcolor="#eee"),
        yaxis=dict(tickformat="$~s", gridcolor="#eee"),
        annotations=chart_annotations(has_sample, not mask.any()),
    )
    return fig


def community_figure(snap: Snapshot, mask: np.ndarray, has_sample: bool) -> go.Figure:
    """People reached per community, from the projects that break their count down; 1-9 shown as <10."""
    table = snap.kpi.by_community(mask)
    heights = table["reached"].fillna(0).astype(float).to_numpy()
    fig = go.Figure(
        go.Bar(
            x=list(table["community"]),
            y=heights,
            text=list(table["label"]),
            textposition="outside",
            customdata=list(table["community"]),
            marker_color=["#0072B2", "#009E73", "#CC79A7"],
            hovertemplate="%{x}: %{text} people reached<extra></extra>",
            cliponaxis=False,
            name="People reached",
        )
    )
    note = f"Counts of 1-9 are shown as {SUPPRESSED_LABEL}."
    fig.update_layout(
        _base_layout(300),
        title=dict(text="People reached by community", x=0.01, font=dict(size=15)),
        yaxis=dict(gridcolor="#eee", rangemode="tozero"),
        showlegend=False,
        annotations=chart_annotations(has_sample, not mask.any())
        + [
            dict(
                text=note,
                xref="paper",
                yref="paper",
                x=1,
                y=1.08,
                xanchor="right",
                showarrow=False,
                font=dict(size=11, color="#555"),
            )
        ],
    )
    return fig


def camp_timeline_figure(history: dict) -> go.Figure:
    """A site's population observations on a timeline (dates as the sources give them; units differ, so each
    point is labelled with its unit), with opening and closing marked."""
    obs = history["population"]
    if not obs:
        return empty_figure("No population observations recorded.")
    dates = [_as_date(o["date"]) for o in obs]
    fig = go.Figure(
        go.Scatter(
            x=dates,
            y=[o["figure"] for o in obs],
            mode="markers+lines+text",
            line=dict(color="#999", dash="dot"),
            marker=dict(size=11, color="#000"),
            text=[f"{o['figure']:,}" for o in obs],
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
        xaxis=dict(gridcolor="#eee"),
        yaxis=dict(gridcolor="#eee", rangemode="tozero"),
    )
    return fig


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


def chart_figures(snap: Snapshot, mask: np.ndarray) -> dict[str, go.Figure]:
    has_sample = bool(snap.kpi.is_sample[mask].any())
    return {
        "by_sector": sector_figure(snap, mask, has_sample),
        "by_municipality": municipality_figure(snap, mask, has_sample),
        "over_time": time_figure(snap, mask, has_sample),
        "by_community": community_figure(snap, mask, has_sample),
    }


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
