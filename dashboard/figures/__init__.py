"""The dashboard's figures: GeoDataFrame (or a prepared ``Snapshot``) in, ``go.Figure`` out. Plotly only: no
module of this package imports Dash.

Modules: ``style`` (palette, font, metrics, a chart's base layout), ``annotations`` (the one watermark,
designation footnote, boundary credit, empty-state and unreported notes), ``basemap`` (the one base-map
builder), ``map`` (the explorer map), ``shading`` (the explorer page's municipal shading, a MapLibre layer
recoloured in place), ``points_layer`` (the explorer page's project points, MapLibre layers of the page's own),
``unshaded`` (the polygons the map leaves unshaded, and its note on them),
``charts`` (the explorer's four charts), ``timeline`` (a camp's population timeline), ``coverage`` (the coverage
page's heatmap and gap map), ``encoding`` (typed-array patch encoding).

Public interface (stable; the pages, briefing and export modules use it), re-exported here:

* ``explorer_figures(projects, state, metric="committed_usd") -> dict[str, go.Figure]`` with keys "map",
  "by_sector", "by_municipality", "over_time", "by_community": complete static figures (first render, exports
  at 1920 px, briefing). Any figure that includes sample rows carries a visible "SAMPLE DATA" watermark.
* ``snapshot_figures(snap, state, metric)``: the same for a prepared snapshot.
* ``empty_figure(message)``: a blank figure that says ``message``.
* ``watermark(size=44)``: the SAMPLE DATA watermark annotation (every figure's, exports included).
* ``DESIGNATION``: the footnote every map and export carries.
* ``METRICS``: choropleth metrics, key -> (label, unit).
* ``SECTOR_COLOURS``: the colour-blind-safe sector palette (Okabe-Ito).

For the explorer's fast path (``dash.Patch``), ``project_trace_arrays`` gives the per-trace numpy arrays and
``typed`` encodes one as a plotly typed array (base64), so a filter response carries only numbers.
"""

from __future__ import annotations

import geopandas as gpd
import plotly.graph_objects as go

from dashboard.data import Snapshot, build_snapshot
from dashboard.figures.annotations import (
    WATERMARK,
    chart_annotations,
    designation_lines,
    empty_figure,
    map_annotations,
    watermark,
)
from dashboard.figures.charts import chart_figures, chart_specs, chart_updates
from dashboard.figures.encoding import project_trace_arrays, project_trace_specs, typed
from dashboard.figures.map import (
    CAMP_TRACE,
    PROJECT_TRACE_START,
    SHADING_LAYER,
    TRACE,
    choropleth_customdata,
    choropleth_z,
    colorbar_title,
    colour_top,
    map_figure,
    map_shell,
    metric_hovertemplate,
    sector_colorscale,
    shading_data,
    shell_shading,
    trace_index,
    unshaded_text,
)
from dashboard.figures.map_places import CAMP_FILL, RETURN_SITE_FILL, STATIC_LAYERS
from dashboard.figures.style import (
    CHOROPLETH_SCALE,
    COMMITTED_COLOUR,
    DEFAULT_METRIC,
    DISBURSED_COLOUR,
    FONT,
    HAZARD_COLOUR,
    METRICS,
    SECTOR_COLOURS,
)
from dashboard.figures.timeline import camp_timeline_figure
from geodata.analysis.filters import FilterState
from geodata.facts.designation import DESIGNATION

__all__ = [
    "CAMP_FILL",
    "CHOROPLETH_SCALE",
    "COMMITTED_COLOUR",
    "DEFAULT_METRIC",
    "DESIGNATION",
    "DISBURSED_COLOUR",
    "FONT",
    "HAZARD_COLOUR",
    "METRICS",
    "CAMP_TRACE",
    "STATIC_LAYERS",
    "SHADING_LAYER",
    "PROJECT_TRACE_START",
    "RETURN_SITE_FILL",
    "SECTOR_COLOURS",
    "TRACE",
    "WATERMARK",
    "camp_timeline_figure",
    "chart_annotations",
    "chart_figures",
    "chart_specs",
    "chart_updates",
    "choropleth_customdata",
    "choropleth_z",
    "colour_top",
    "colorbar_title",
    "designation_lines",
    "empty_figure",
    "explorer_figures",
    "map_annotations",
    "map_figure",
    "map_shell",
    "metric_hovertemplate",
    "project_trace_arrays",
    "project_trace_specs",
    "sector_colorscale",
    "shading_data",
    "shell_shading",
    "snapshot_figures",
    "trace_index",
    "unshaded_text",
    "typed",
    "watermark",
]


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
