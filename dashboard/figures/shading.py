"""The explorer's municipal shading as a MapLibre layer of its own, recoloured in place (the fast path).

A Plotly ``choroplethmap`` trace hands its whole GeoJSON to MapLibre again on every redraw, so each filter click
cut the 38 polygons (6,380 vertices) into tiles again although only their colours had changed (110-150 ms of the
map's update at 10,000 projects; with this layer the update takes about 20% less, bench/README, seventh round).
Here the polygons are a GeoJSON source that MapLibre loads once from the
page's polygon URL (``dashboard.geo_assets``), and a click sends only what changes: a colour and a hover text per
unit (``shading``), which ``assets/map_shading.js`` sets as each polygon's feature state.

What the trace gave for free is kept:
* the colours: the same scale (``CHOROPLETH_SCALE``) from 0 to ``colour_top``, interpolated as Plotly does, a
  unit with no value (NaN) unshaded and without an outline;
* the colour bar: drawn by ``colour_key``, a trace with one point that is never drawn (a trace with no points is
  hidden, bar and all), in the choropleth's place among the traces (``TRACE["choropleth"]``);
* the hover: the same lines as ``metric_hovertemplate`` (name, value, note), shown by the script;
* a click: the script hands the Graph a ``clickData`` of the same shape as the trace's (``curveNumber``,
  ``location``), so the page's callbacks read a polygon click as before.

Exports and the briefing draw their maps without this server or script: they keep the trace (``map._choropleth``).
"""

from __future__ import annotations

import numpy as np
import plotly.colors
import plotly.graph_objects as go

from dashboard.data import Snapshot
from dashboard.figures.style import CHOROPLETH_SCALE, METRICS

#: The fill's opacity and the outline's colour, as the trace drew them (the trace's outline was 0.8 px wide; the
#: layer's is MapLibre's 1 px fill outline, at the fill's opacity as the trace's was).
FILL_OPACITY = 0.5
OUTLINE_COLOUR = "#8a8a8a"


def unit_colours(z: np.ndarray, top: float) -> list[str]:
    """Each unit's fill on ``CHOROPLETH_SCALE`` from 0 to ``top`` ("rgb(r, g, b)", the scale's colours linearly
    interpolated as Plotly interpolates them), or "" for a unit with no value (not shaded)."""
    z = np.asarray(z, dtype=np.float64)
    shaded = np.isfinite(z)
    fractions = np.clip(z[shaded] / top, 0.0, 1.0) if top > 0 else np.zeros(int(shaded.sum()))
    sampled = iter(plotly.colors.sample_colorscale(CHOROPLETH_SCALE, list(fractions)) if fractions.size else ())
    return [next(sampled) if s else "" for s in shaded]


def hover_value(metric: str, value: float, shown: str) -> str:
    """The value line of a unit's hover, formatted as ``metric_hovertemplate`` formats it; ``shown`` is the
    people-reached figure as it may be shown (never the count itself below the threshold)."""
    label, unit = METRICS[metric]
    if metric == "beneficiaries_reached":
        return f"{label}: {shown} {unit}"
    number = f"{value:,.2f}" if metric == "usd_per_rae_resident" else f"{value:,.0f}"
    return f"{label}: {number} {unit}"


def hover_lines(text: str) -> list[list]:
    """A unit's hover text (``StaticLayers.unit_hover``: lines joined by "<br>", a line in "<b>" bold) as
    ``[line, bold]`` pairs, for the script to set as text: nothing in it is read as HTML."""
    lines = []
    for line in text.split("<br>"):
        bold = line.startswith("<b>") and line.endswith("</b>")
        lines.append([line[3:-4] if bold else line, bold])
    return lines


def shading(
    snap: Snapshot, z: np.ndarray, top: float, metric: str, customdata: list[str], url: str, curve: int
) -> dict:
    """What the script needs to draw the shading: the polygons' ``url``, the units (the polygons' ``unit``
    property), each unit's ``fill`` ("" unshaded) and ``hover`` lines (None unshaded: no hover, as the trace), the
    fill ``opacity``, the ``outline`` colour, and ``curve``, the trace index a polygon click is reported under."""
    static = snap.static
    fills = unit_colours(z, top)
    hover = []
    for i, unit_text in enumerate(static.unit_hover):
        if not fills[i]:
            hover.append(None)
            continue
        lines = [*hover_lines(unit_text), [hover_value(metric, float(z[i]), customdata[i]), False]]
        if customdata[i] and metric != "beneficiaries_reached":
            lines.append([customdata[i], False])
        hover.append(lines)
    return {
        "url": url,
        "units": list(static.units),
        "fill": fills,
        "hover": hover,
        "opacity": FILL_OPACITY,
        "outline": OUTLINE_COLOUR,
        "curve": curve,
    }


def colour_key(top: float, name: str, colorbar: dict) -> go.Scattermap:
    """The shading's colour bar, carried by a trace whose single point has no position (so nothing is drawn and
    nothing hovers): Plotly hides a trace without points, and its colour bar with it."""
    return go.Scattermap(
        lat=[None],
        lon=[None],
        mode="markers",
        marker=dict(
            color=[0.0],
            cmin=0,
            cmax=top,
            colorscale=CHOROPLETH_SCALE,
            showscale=True,
            colorbar=colorbar,
        ),
        hoverinfo="skip",
        name=name,
        showlegend=False,
        uid="shading-key",
    )
