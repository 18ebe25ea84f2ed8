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
* the colour bar: drawn by the script beside the map (``key``: the metric's title, the scale, round ticks from 0
  to the top labelled as Plotly labels a colour bar), not by Plotly: a Plotly colour bar is drawn from a trace's
  ``cmax``, and a change to it made Plotly redraw the whole map, every trace's source again (100-190 ms at 10,000
  projects, against about 30 ms for a change to the annotations alone). In the choropleth's place among the
  traces (``TRACE["choropleth"]``) stays a trace that draws nothing (``placeholder``), so every trace keeps its
  number;
* the hover: the same lines as ``metric_hovertemplate`` (name, value, note), shown by the script;
* a click: the script hands the Graph a ``clickData`` of the same shape as the trace's (``curveNumber``,
  ``location``), so the page's callbacks read a polygon click as before.

Exports and the briefing draw their maps without this server or script: they keep the trace (``map._choropleth``).
"""

from __future__ import annotations

import math

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


def tick_label(value: float) -> str:
    """A colour-key tick as Plotly labels a colour bar's ticks: SI suffixes (k, M, B), no trailing zeros."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def colour_ticks(top: float) -> list[list]:
    """The colour key's ticks from 0 to ``top``: ``[fraction of the bar, label]`` at a round step (1, 2 or 5 times
    a power of ten) of at least a quarter of the range, so the short key holds two to five of them."""
    top = top if top > 0 else 1.0
    least = top / 4
    power = 10.0 ** math.floor(math.log10(least))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= least * (1 - 1e-9))
    count = int(math.floor(top / step + 1e-9))
    return [[k * step / top, tick_label(k * step)] for k in range(count + 1)]


def key(top: float, title: str) -> dict:
    """The colour key the script draws beside the map: the ``title`` lines (a "<br>" starts a line), the
    ``scale`` (``CHOROPLETH_SCALE``: 0 at the bottom, ``top`` at the top) and the ``ticks``."""
    return {"title": title.split("<br>"), "scale": CHOROPLETH_SCALE, "ticks": colour_ticks(top)}


def shading(
    snap: Snapshot,
    z: np.ndarray,
    top: float,
    metric: str,
    customdata: list[str],
    url: str,
    curve: int,
    title: str = "",
) -> dict:
    """What the script needs to draw the shading: the polygons' ``url``, the units (the polygons' ``unit``
    property), each unit's ``fill`` ("" unshaded) and ``hover`` lines (None unshaded: no hover, as the trace), the
    fill ``opacity``, the ``outline`` colour, ``curve``, the trace index a polygon click is reported under, and
    the colour ``key`` (``title`` over the scale from 0 to ``top``)."""
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
        "key": key(top, title),
    }


def placeholder(name: str) -> go.Scattermap:
    """The trace in the choropleth's place on the explorer's map: one point without a position, so nothing is
    drawn and nothing hovers (the page draws the shading and its key)."""
    return go.Scattermap(
        lat=[None], lon=[None], mode="markers", hoverinfo="skip", name=name, showlegend=False, uid="shading-key"
    )
