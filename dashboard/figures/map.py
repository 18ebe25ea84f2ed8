"""The explorer map: boundary units shaded by a metric, settlements, hazards, the project points and the camps.

Map traces, in this fixed order (``TRACE``): the choropleth of boundary units, settlements, hazard halo and
core, the project traces (site-level, then municipality-level; each point coloured by its sector through a
discrete colour scale over ``sector_code``; ``TFA_FAST=0``: one trace per sector and level), the legend entry
explaining faded markers, the highlight ring of a selected project, then the camps on top (ring, numbered fill,
name labels), so they stay visible and clickable under dense project markers. With ``legend=True`` one
legend-only entry per sector follows (no points).
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from dashboard.camp_key import numbers_by_site
from dashboard.data import LEVELS, N_PROJECT_TRACES, TRACE_PER_SECTOR, Snapshot, municipality_label
from dashboard.figures import basemap
from dashboard.figures.annotations import map_annotations
from dashboard.figures.encoding import project_trace_arrays
from dashboard.figures.style import CHOROPLETH_SCALE, DEFAULT_METRIC, FONT, HAZARD_COLOUR, METRICS, SECTOR_COLOURS
from dashboard.figures.unshaded import unreported_units, unshaded_text
from geodata.analysis.kpis import population_observations
from geodata.analysis.privacy import SUPPRESS_BELOW, SUPPRESSED_LABEL, suppress, suppressed_mask
from geodata.facts.layers import SECTORS

_FIXED = ("choropleth", "settlements", "hazard_halo", "hazard_core")
TRACE: dict[str, int] = {name: i for i, name in enumerate(_FIXED)}
PROJECT_TRACE_START = len(_FIXED)
for _offset, _name in enumerate(("precision_legend", "highlight", "camp_ring", "camp_fill", "camp_names")):
    TRACE[_name] = PROJECT_TRACE_START + N_PROJECT_TRACES + _offset


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


#: Marker fills of the numbered sites (opaque; black numbers): a former camp, the return site (as the legend says).
CAMP_FILL = "#FFFFFF"
RETURN_SITE_FILL = "#B39DDB"


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
    shaded = np.ones(snap.n, dtype=bool) if mask is None else mask  # the rows the polygons are shaded by
    z = choropleth_z(snap, shaded, metric)
    label = METRICS[metric][0]
    traces: list[go.BaseTraceType] = [
        go.Choroplethmap(
            geojson=static.polygons,
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
        map=basemap.base_map(static.outline, style=base_map),
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
