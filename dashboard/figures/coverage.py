"""The coverage page's figures: the sector x municipality heatmap and the gap map (sites, radius rings,
hazards, the point projects that count). A ``geodata.analysis.coverage_view.CoverageView`` in, ``go.Figure`` out."""

from __future__ import annotations

import html as html_lib
import math
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.data import municipality_label
from dashboard.figures.annotations import chart_annotations, empty_figure, map_annotations
from dashboard.figures.basemap import base_map, fill_layer, label_layer, line_layer, point_features
from dashboard.figures.style import FONT, HAZARD_COLOUR
from geodata.analysis import coverage as cov
from geodata.analysis.coverage_view import CoverageView
from geodata.analysis.formatting import usd

HEATMAP_METRICS = {"projects": "Projects", "committed_usd": "Committed USD"}

UNCOVERED_COLOUR = "#b4232f"
COVERED_COLOUR = "#1f4e79"
SAMPLE_COLOUR = "#d08c2e"
DOCUMENTED_COLOUR = "#33507A"
GAP_MAP_CENTER = {"lat": 42.99, "lon": 20.85}
GAP_MAP_ZOOM = 9.4
GAP_MAP_FIT_PX = (700, 480)  # the map's width and height that a selection's sites and rings are fitted into
GAP_MAP_MAX_ZOOM = 13.0
GAP_MAP_HEIGHT = 580  # px: the map itself, plus the legend below it
GAP_MAP_LEGEND_PX = 56  # the bottom margin the legend (two lines at most) sits in, under the designation note

#: The hazards named on the gap map (the others are in its legend and hover).
LABELLED_HAZARDS = ("smelter", "mine")


SECTOR_LABELS = {
    "health": "Health",
    "economic development": "Economic<br>development",
    "infrastructure": "Infra-<br>structure",
    "housing": "Housing",
    "education": "Education",
    "social protection": "Social<br>protection",
    "environment/remediation": "Environment,<br>remediation",
    "other": "Other<br>(DAC, cluster)",
}


#: Albanian and Serbian names longer than this go on two lines under the English one, so the row labels leave the
#: cells room on a phone (390 px): "Mitrovicë e Veriut /" above "Severna Mitrovica".
_ROW_NAMES_ONE_LINE = 30
#: A heatmap row's height (px), taller when a row label runs to three lines.
_ROW_PX, _ROW_PX_THREE_LINES = 40, 48


def heatmap_row_label(code: str) -> str:
    """English name on the first line, the Albanian and Serbian names (where they differ) below, on two lines
    after the slash when long."""
    label = municipality_label(code)
    if " (" not in label:
        return label
    name, others = label.split(" (", 1)
    others = others.rstrip(")")
    if len(others) > _ROW_NAMES_ONE_LINE and " / " in others:
        albanian, serbian = others.split(" / ", 1)
        lines = [f"{albanian} /", serbian]
    else:
        lines = [others]
    return "<br>".join([name, *(f"<span style='font-size:11px;color:#444'>{line}</span>" for line in lines)])


def heatmap_figure(view: CoverageView, metric: str) -> go.Figure:
    """Sector x municipality heatmap of the matrix (``metric``: a key of ``HEATMAP_METRICS``, else projects); the
    selected cell outlined; SAMPLE DATA watermark."""
    full, state, rows = view.full, view.state, view.rows
    metric = metric if metric in HEATMAP_METRICS else "projects"
    if not rows:
        return empty_figure("No municipality has a project, a site or a sourced RAE population.")
    m = full.matrix.set_index(["municipality", "sector"])
    sectors = list(dict.fromkeys(full.matrix["sector"]))  # the reported ones ("other" only when used)
    z, text, custom = [], [], []
    for code in rows:
        zr, tr, cr = [], [], []
        for sector in sectors:
            c = m.loc[(code, sector)]
            value = float(c["projects"]) if metric == "projects" else float(np.nan_to_num(c["committed_usd"]))
            zr.append(value)
            tr.append(
                str(int(c["projects"]))
                if metric == "projects"
                else (usd(c["committed_usd"], unknown="n/s", unit=False) if c["projects"] else "0")
            )
            per = c["committed_usd_per_rae_resident"]
            cr.append(
                [
                    code,
                    sector,
                    int(c["projects"]),
                    usd(c["committed_usd"], unknown="not sourced", exact=True),
                    usd(c["disbursed_usd"], unknown="not sourced", exact=True),
                    int(c["sample_projects"]),
                    f"{usd(per, exact=True)} per RAE resident "
                    f"({int(c['rae_population']):,} in {c['rae_population_year']})"
                    if pd.notna(per)
                    else "RAE population not sourced",
                    int(c["municipality_level_projects"]),
                ]
            )
        z.append(zr)
        text.append(tr)
        custom.append(cr)
    labels = [heatmap_row_label(c) for c in rows]
    columns = [SECTOR_LABELS[s] for s in sectors]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=columns,
            y=labels,
            text=text,
            texttemplate="%{text}",
            customdata=custom,
            # zero (no project: a gap) is pale grey, then light to dark blue
            colorscale=[[0, "#f2f2f2"], [1e-9, "#deebf7"], [1, "#08306b"]],
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate=(
                "<b>%{y}</b><br>%{x}: %{customdata[2]} project(s), %{customdata[7]} at municipality level"
                "<br>Committed %{customdata[3]}, disbursed %{customdata[4]}"
                "<br>%{customdata[6]}<br>Sample projects: %{customdata[5]}"
                f"<br><i>USD: {html_lib.escape(full.allocation_label)}</i><br>Click to filter<extra></extra>"
            ),
        )
    )
    shapes = []
    if (
        len(state.sectors) == 1
        and len(state.municipalities) == 1
        and state.municipalities[0] in rows
        and state.sectors[0] in sectors
    ):
        i, j = rows.index(state.municipalities[0]), sectors.index(state.sectors[0])
        shapes.append(
            dict(
                type="rect",
                xref="x",
                yref="y",
                x0=j - 0.5,
                x1=j + 0.5,
                y0=i - 0.5,
                y1=i + 0.5,
                line=dict(color=UNCOVERED_COLOUR, width=3),
            )
        )
    row_px = _ROW_PX_THREE_LINES if any(label.count("<br>") > 1 for label in labels) else _ROW_PX
    fig.update_layout(
        template="none",
        height=max(280, row_px * len(rows) + 90),
        margin=dict(l=8, r=8, t=40, b=8),
        font=dict(family=FONT, size=13, color="#222"),
        # the sector names level where they fit, turned vertical where they would overlap (a phone)
        xaxis=dict(side="top", autotickangles=[0, 90], automargin=True, fixedrange=True),
        yaxis=dict(automargin=True, autorange="reversed", fixedrange=True),
        shapes=shapes,
        annotations=chart_annotations(full.has_sample, full.n_projects == 0),
        clickmode="event",
        # the page sets the margins from the labels' widths in its own fonts before the first drawing
        # (assets/label_margins.js): plotly.js's automargin otherwise draws the heatmap twice
        meta={"margins_from_labels": True},
    )
    return fig


def map_label(site: pd.Series) -> str:
    """A site's name on the gap map: the Albanian and Serbian forms where they differ, else the one name."""
    sq, sr = str(site["name_sq"]), str(site["name_sr"])
    return f"{sq}/{sr}" if sq != sr else str(site["name_en"])


def gap_map_view(sites: gpd.GeoDataFrame, radius_km: float, selected: bool) -> tuple[dict, float]:
    """(center, zoom) of the gap map: the whole north by default; with a municipality selected, its sites and
    their radius rings, fitted into ``GAP_MAP_FIT_PX`` (web Mercator: 256 px a world at zoom 0)."""
    if not selected or sites.empty:
        return GAP_MAP_CENTER, GAP_MAP_ZOOM
    lat, lon = sites.geometry.y.to_numpy(), sites.geometry.x.to_numpy()
    mid_lat = float((lat.min() + lat.max()) / 2)
    cos = math.cos(math.radians(mid_lat))
    pad_lat = radius_km / 111.32
    pad_lon = pad_lat / cos
    lon_span = float(lon.max() - lon.min()) + 2 * pad_lon
    lat_span = (float(lat.max() - lat.min()) + 2 * pad_lat) / cos  # in degrees of longitude at this latitude
    width, height = GAP_MAP_FIT_PX
    zoom = min(math.log2(width * 360 / (256 * lon_span)), math.log2(height * 360 / (256 * lat_span)))
    center = {"lat": mid_lat, "lon": float((lon.min() + lon.max()) / 2)}
    return center, round(min(zoom, GAP_MAP_MAX_ZOOM), 2)


#: The names' text sizes (px) and the markers they sit beside (px; Plotly's gap between a trace's text and its marker)
SITE_NAME_PX, SITE_MARKER_PX = 12, 16
HAZARD_NAME_PX, HAZARD_MARKER_PX = 11, 10


def site_label_layers(sites: gpd.GeoDataFrame) -> list[dict]:
    """The sites' names as layout layers, one per label position (a layer takes one position for all its points):
    above every other layer, beside the site markers as a text trace put them. A text trace (an invisible marker
    carrying the label, as a text-only map trace is not drawn) cost the map four GeoJSON sources and four layers;
    a layer costs one of each. (The figure drawn alone into a loaded page: 0.73 -> 0.55 s; the coverage page's
    load did not move, bench/README.md, nineteenth round.)"""
    if sites.empty:
        return []
    return [
        label_layer(
            point_features(part, {"name": [map_label(r) for _, r in part.iterrows()]}),
            "name",
            where,
            SITE_NAME_PX,
            "#111111",
            marker_px=SITE_MARKER_PX,
        )
        for where, part in sites.groupby(sites["label_position"], sort=True)
    ]


def _geojson(frame: gpd.GeoDataFrame) -> dict:
    return frame[["geometry"]].__geo_interface__ if len(frame) else {"type": "FeatureCollection", "features": []}


def gap_map_figure(
    view: CoverageView, polygons: dict | str, outline: dict | str, hazard_urls: Mapping[float, str] | None = None
) -> go.Figure:
    """Sites (uncovered in red, each named), their radius rings, hazards with 1/2/5 km rings, and the point
    projects that count for the sites (every filter but the municipality; sample ones in orange), over the
    municipal ``polygons`` and the Kosovo ``outline`` (each GeoJSON, or the URL the browser loads it from). The
    hazards' bands are the view's, inline, or loaded from ``hazard_urls`` (a URL per radius). A project
    point has no hover text and no ``customdata`` (sites have their id, hazards their text): the page's tooltip
    finds the projects drawn there (``geodata.analysis.coverage_view.drawn_at``)."""
    result, shown, rings, hazard_rings = view.result, view.shown_sites, view.site_rings, view.hazard_rings
    uncovered = set(shown.loc[shown["n_missing"] > 0, "site_id"]) if len(shown) else set()
    layers = []
    for r, opacity in zip(sorted(cov.HAZARD_RING_KM, reverse=True), (0.08, 0.12, 0.18), strict=False):
        band = hazard_urls[r] if hazard_urls else _geojson(hazard_rings[hazard_rings["radius_km"] == r])
        layers.append(fill_layer(band, HAZARD_COLOUR, opacity))
    if len(rings):
        for covered, colour in ((False, UNCOVERED_COLOUR), (True, COVERED_COLOUR)):
            part = rings[rings["site_id"].isin(uncovered) != covered]
            layers.append(line_layer(_geojson(part), colour, 2 if not covered else 1.2))
    traces: list[go.BaseTraceType] = []
    pts = view.points
    for is_sample, colour, name in (
        (False, DOCUMENTED_COLOUR, "Documented project"),
        (True, SAMPLE_COLOUR, "SAMPLE project (not real)"),
    ):
        part = pts[pts["is_sample"] == is_sample]
        if len(part):
            # no text: a hovered point's title comes from the server (the page's tooltip), so the figure does
            # not carry a title per project (2.4 MB a view at 100,000 projects, kept in the view cache)
            traces.append(
                go.Scattermap(
                    lat=part["lat"].to_numpy(dtype=np.float32),
                    lon=part["lon"].to_numpy(dtype=np.float32),
                    mode="markers",
                    marker=dict(size=7, color=colour, opacity=0.85),
                    name=name,
                    hoverinfo="none",
                )
            )
    hz = view.hazards
    named = hz["hazard_type"].isin(LABELLED_HAZARDS).to_numpy()
    traces.append(
        go.Scattermap(
            lat=hz.geometry.y,
            lon=hz.geometry.x,
            mode="markers",
            marker=dict(size=10, color=HAZARD_COLOUR),
            name="Smelter, mine or tailings (rings 1, 2, 5 km)",
            hovertext=[
                f"<b>{html_lib.escape(str(n))}</b> ({html_lib.escape(str(t))})"
                for n, t in zip(hz["name_en"], hz["hazard_type"], strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        )
    )
    for is_gap, colour, name in (
        (False, COVERED_COLOUR, f"Site: every sector within {result.radius_km:g} km"),
        (True, UNCOVERED_COLOUR, f"Site with a gap within {result.radius_km:g} km"),
    ):
        part = shown[(shown["n_missing"] > 0) == is_gap]
        if part.empty:
            continue
        hover = []
        for _, row in part.iterrows():
            lines = [f"<b>{html_lib.escape(row['label'])}</b> ({row['kind']})"]
            lines.append(
                f"No project within {result.radius_km:g} km: {html_lib.escape(row['missing'])}"
                if row["missing"]
                else f"A project in every shown sector within {result.radius_km:g} km"
            )
            if pd.notna(row.get("smelter_km")):
                lines.append(
                    f"Smelter {row['smelter_km']:.1f} km; nearest hazard: "
                    f"{html_lib.escape(str(row['nearest_hazard']))} {row['nearest_hazard_km']:.1f} km"
                )
            hover.append("<br>".join(lines))
        traces.append(
            go.Scattermap(
                lat=part.geometry.y,
                lon=part.geometry.x,
                mode="markers",
                marker=dict(size=16 if is_gap else 13, color=colour),
                name=name,
                customdata=list(part["site_id"]),
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    # the names last, above every layer and trace: the sites', then the hazards' (which MapLibre places first)
    layers += site_label_layers(shown)
    if named.any():  # in a layer of their own: an empty label still takes room and would hide a site's name
        layers.append(
            label_layer(
                point_features(hz[named], {"name": list(hz["name_en"][named].astype(str))}),
                "name",
                "bottom left",
                HAZARD_NAME_PX,
                HAZARD_COLOUR,
                marker_px=HAZARD_MARKER_PX,
            )
        )
    fig = go.Figure(traces)
    center, zoom = gap_map_view(shown, result.radius_km, bool(view.state.municipalities))
    fig.update_layout(
        template="none",
        height=GAP_MAP_HEIGHT,
        font=dict(family=FONT, size=12, color="#222"),
        margin=dict(l=0, r=0, t=0, b=GAP_MAP_LEGEND_PX),
        # the user's pan and zoom are kept until the selection changes (then the view fits the new sites)
        uirevision=f"coverage-gap-map:{zoom}:{center['lat']:.4f}:{center['lon']:.4f}",
        map=base_map(outline, center=center, zoom=zoom, outline_width=2, borders=polygons, layers=layers),
        # a horizontal legend under the map (plotly widens the bottom margin for it), so it covers no site or ring
        legend=dict(
            orientation="h",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            bgcolor="rgba(255,255,255,0)",
            font=dict(size=12),
            itemsizing="constant",
        ),
        annotations=map_annotations(result.has_sample, result.n_projects == 0),
    )
    return fig
