"""Coverage (path "/coverage"): which sites and municipalities have projects in which sector, and the gaps.

It shares the explorer's filters through the URL query (``FilterState.to_query()``): the page opens with
the filters of its URL, and every change is written to the shared ``filter-query`` store, which keeps the
address bar and the navbar links in step (so "Explorer" opens with the same filters).

    coverage-state.data        the page's FilterState as a query string (starts from the URL)
    coverage-radius.value      site radius in km (also in the URL as ``radius=`` when not 5)
    coverage-allocation.value  how multi-sector projects are split (geodata.analysis.coverage.ALLOCATIONS)
    coverage-metric.value      heatmap colour: distinct projects or committed USD

``update_coverage`` reads those and makes one call to ``geodata.coverage`` for the matrix (every sector and
municipality: the heatmap's axes ignore the sector and municipality filters and outline the selected cell
instead) and one for the sites, gaps and summary (every filter). Clicking a heatmap cell sets the sector and
municipality filters (``click_cell``); clicking it again clears them.
"""

from __future__ import annotations

import html as html_lib
import math
import threading
from urllib.parse import parse_qs, urlencode

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html

from dashboard import components, config, figures, ids
from dashboard.data import Snapshot, municipality_label, snapshot
from dashboard.exports import service
from dashboard.exports.service import GAP_COLUMNS, gap_frame
from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterState, describe
from geodata.analysis.formatting import usd
from geodata.facts.municipality_registry import BY_CODE

dash.register_page(__name__, path="/coverage", name="Coverage", order=1, title="Coverage · Trust Fund Atlas")

# Component ids of this page (kept here, prefixed "coverage-").
STATE = "coverage-state"
RADIUS = "coverage-radius"
ALLOCATION = "coverage-allocation"
METRIC = "coverage-metric"
HEATMAP = "coverage-heatmap"
GAP_MAP = "coverage-gap-map"
SUMMARY = "coverage-summary"
SENTENCE = "coverage-sentence"
SAMPLE_BANNER = "coverage-sample-banner"
RULES = "coverage-rules"
GAP_TABLE = "coverage-gap-table"
DOWNLOAD_BUTTON = "coverage-download-button"
DOWNLOAD = "coverage-download"
CLEAR = "coverage-clear-cell"

# 1 and 2 km sit about 10 px apart on a 1280 px screen: 2 keeps its tick but no label, so the labels don't collide
RADIUS_MARKS = {1: "1", 2: "", 5: "5", 10: "10", 15: "15", 20: "20", 25: "25 km"}
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
#: Sites closer than this (m) to another site have their names pushed away from their neighbours' centre, so the
#: Mitrovica camps (a few hundred metres apart) show their names on different sides instead of on top of each other.
LABEL_NEIGHBOUR_M = 1000.0
#: The hazards named on the gap map (the others are in its legend and hover).
LABELLED_HAZARDS = ("smelter", "mine")


# ---------------------------------------------------------------- data per snapshot (built once per version)

_lock = threading.Lock()
_cache: dict[str, object] = {}


def coverage_inputs(snap: Snapshot) -> tuple[cov.CoverageIndex, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """(index, sites, hazard rings) for a snapshot; rebuilt only when the snapshot changes."""
    with _lock:
        if _cache.get("snap") is not snap:
            static = snap.static
            index = cov.CoverageIndex.build(snap.projects, static.municipalities, snap.index)
            sites = cov.coverage_sites(static.camps, static.settlements)
            rings = cov.buffer_rings(static.hazards, cov.HAZARD_RING_KM)
            _cache.update(snap=snap, value=(index, sites, rings))
        return _cache["value"]  # type: ignore[return-value]


def analyse(
    snap: Snapshot, state: FilterState, radius_km: float, allocation: str
) -> tuple[cov.CoverageResult, cov.CoverageResult]:
    """(full, filtered): the matrix over every sector and municipality, and the filtered sites and gaps."""
    index, sites, _ = coverage_inputs(snap)
    static = snap.static
    filtered = cov.coverage(index, sites, static.municipalities, state, radius_km, allocation, hazards=static.hazards)
    if config.FAST and not state.sectors and not state.municipalities:  # no axis filter: the same matrix
        return filtered, filtered
    full = cov.coverage(index, sites, static.municipalities, state, radius_km, allocation, axis_filters=False)
    return full, filtered


# ---------------------------------------------------------------- pure helpers (tested as plain functions)


def parse_radius(value: object) -> float:
    try:
        r = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return cov.DEFAULT_RADIUS_KM
    return r if 0 < r <= 50 else cov.DEFAULT_RADIUS_KM


def shared_query(state: FilterState, radius_km: float) -> str:
    """The URL query: the explorer's FilterState query, plus ``radius`` when not the default."""
    query = state.to_query()
    if radius_km != cov.DEFAULT_RADIUS_KM:
        query = "&".join(q for q in (query, urlencode({"radius": f"{radius_km:g}"})) if q)
    return query


def cell_click_state(state: FilterState, click: dict | None) -> FilterState:
    """Clicking a cell filters to its sector and municipality; clicking the selected cell clears both."""
    point = (click or {}).get("points", [{}])[0]
    # heatmap click events carry the axis labels (not customdata): map them back
    sector = _SECTOR_BY_LABEL.get(str(point.get("x")))
    code = _CODE_BY_ROW_LABEL.get(str(point.get("y")))
    if sector is None or code is None:
        return state
    if state.sectors == (sector,) and state.municipalities == (code,):
        return state.with_(sectors=(), municipalities=())
    return state.with_(sectors=(sector,), municipalities=(code,))


def matrix_rows(full: cov.CoverageResult, state: FilterState, site_municipalities: set[str]) -> list[str]:
    """Heatmap rows: municipalities with a project, a site, a sourced RAE population, or a filter on them."""
    t = full.totals[full.totals["municipality"] != "all"]
    keep = (
        (t["projects"] > 0)
        | t["municipality"].isin(site_municipalities)
        | t["rae_population"].notna()
        | t["municipality"].isin(state.municipalities)
    )
    rows = t.loc[keep, ["municipality", "name_en"]].sort_values("name_en")
    return list(rows["municipality"])


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


def heatmap_row_label(code: str) -> str:
    """English name on the first line, the Albanian and Serbian names (where they differ) below."""
    label = municipality_label(code)
    if " (" not in label:
        return label
    name, others = label.split(" (", 1)
    return f"{name}<br><span style='font-size:11px;color:#444'>{others.rstrip(')')}</span>"


_SECTOR_BY_LABEL = {label: sector for sector, label in SECTOR_LABELS.items()}
_CODE_BY_ROW_LABEL = {heatmap_row_label(code): code for code in BY_CODE}


def heatmap_figure(full: cov.CoverageResult, state: FilterState, rows: list[str], metric: str) -> go.Figure:
    """Sector x municipality heatmap of the matrix; the selected cell outlined; SAMPLE DATA watermark."""
    if not rows:
        return figures.empty_figure("No municipality has a project, a site or a sourced RAE population.")
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
    fig.update_layout(
        template="none",
        height=max(280, 40 * len(rows) + 90),
        margin=dict(l=8, r=8, t=40, b=8),
        font=dict(family=figures.FONT, size=13, color="#222"),
        xaxis=dict(side="top", tickangle=0, automargin=True, fixedrange=True),
        yaxis=dict(automargin=True, autorange="reversed", fixedrange=True),
        shapes=shapes,
        annotations=figures.chart_annotations(full.has_sample, full.n_projects == 0),
        clickmode="event",
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


def label_positions(sites: gpd.GeoDataFrame) -> pd.Series:
    """Where each site's name goes (a plotly textposition): "top right" of a lone site; beside a site with
    neighbours within ``LABEL_NEIGHBOUR_M``, on the side facing away from their centre (measured in UTM 34N)."""
    g = sites.geometry.to_crs(cov.METRIC_CRS)
    x, y = g.x.to_numpy(), g.y.to_numpy()
    out = []
    for i in range(len(x)):
        d = np.hypot(x - x[i], y - y[i])
        near = (d < LABEL_NEIGHBOUR_M) & (d > 0)
        if not near.any():
            out.append("top right")
            continue
        dx, dy = x[i] - x[near].mean(), y[i] - y[near].mean()
        vertical = "middle" if abs(dy) < 0.5 * abs(dx) else ("top" if dy > 0 else "bottom")
        out.append(f"{vertical} {'right' if dx >= 0 else 'left'}")
    return pd.Series(out, index=sites.index, dtype=object)


def site_label_traces(sites: gpd.GeoDataFrame) -> list[go.Scattermap]:
    """The sites' names, one text trace per label position (a map trace takes one position for all its points)."""
    if sites.empty:
        return []
    position = label_positions(sites)
    return [
        go.Scattermap(
            lat=part.geometry.y,
            lon=part.geometry.x,
            mode="markers+text",  # a text-only map trace is not drawn: an invisible marker carries the label
            marker=dict(size=16, opacity=0),
            text=[map_label(r) for _, r in part.iterrows()],
            textposition=where,
            textfont=dict(size=12, color="#111111"),
            name="Site names",
            showlegend=False,
            hoverinfo="skip",
        )
        for where, part in sites.groupby(position, sort=True)
    ]


def _geojson(frame: gpd.GeoDataFrame) -> dict:
    return frame[["geometry"]].__geo_interface__ if len(frame) else {"type": "FeatureCollection", "features": []}


def site_status(result: cov.CoverageResult) -> pd.DataFrame:
    """One row per site: which reported sectors have no project within the radius."""
    s = result.sites
    if s.empty:
        return pd.DataFrame(columns=["site_id", "label", "kind", "missing", "n_missing", "n_sectors"])
    missing = s[~s["covered"]].groupby("site_id", sort=False)["sector"].agg(lambda x: ", ".join(x))
    first = s.drop_duplicates("site_id").set_index("site_id")
    out = pd.DataFrame({"site_id": first.index, "label": first["label"].to_numpy(), "kind": first["kind"].to_numpy()})
    out["missing"] = out["site_id"].map(missing).astype(object).fillna("")
    out["n_missing"] = out["site_id"].map(s[~s["covered"]].groupby("site_id").size()).fillna(0).astype(int)
    out["n_sectors"] = s["sector"].nunique()
    for col in ("smelter_km", "nearest_hazard", "nearest_hazard_km"):
        out[col] = out["site_id"].map(first[col]) if col in first.columns else np.nan
    return out


def gap_map_figure(
    snap: Snapshot,
    result: cov.CoverageResult,
    sites: gpd.GeoDataFrame,
    hazard_rings: gpd.GeoDataFrame,
    mask: np.ndarray,
    index: cov.CoverageIndex,
    selected: bool = False,
) -> go.Figure:
    """Sites (uncovered in red, each named), their radius rings, hazards with 1/2/5 km rings, and the point
    projects that count for the sites (``mask``: every filter but the municipality; sample ones in orange)."""
    static = snap.static
    status = site_status(result)
    shown = sites[sites["site_id"].isin(status["site_id"])].merge(status, on="site_id", suffixes=("", "_s"))
    rings = cov.buffer_rings(shown, (result.radius_km,), id_column="site_id") if len(shown) else shown
    uncovered = set(status.loc[status["n_missing"] > 0, "site_id"])
    layers = [
        dict(
            sourcetype="geojson",
            source=static.polygons,
            type="line",
            color="#9a9a9a",
            line=dict(width=0.8),
            below="traces",
        ),
        dict(
            sourcetype="geojson",
            source=static.outline,
            type="line",
            color="#222222",
            line=dict(width=2),
            below="traces",
        ),
    ]
    for r, opacity in zip(sorted(cov.HAZARD_RING_KM, reverse=True), (0.08, 0.12, 0.18), strict=False):
        layers.append(
            dict(
                sourcetype="geojson",
                source=_geojson(hazard_rings[hazard_rings["radius_km"] == r]),
                type="fill",
                color=figures.HAZARD_COLOUR,
                opacity=opacity,
                below="traces",
            )
        )
    if len(rings):
        for covered, colour in ((False, UNCOVERED_COLOUR), (True, COVERED_COLOUR)):
            part = rings[rings["site_id"].isin(uncovered) != covered]
            layers.append(
                dict(
                    sourcetype="geojson",
                    source=_geojson(part),
                    type="line",
                    color=colour,
                    line=dict(width=2 if not covered else 1.2),
                    below="traces",
                )
            )
    traces: list[go.BaseTraceType] = []
    pts = np.flatnonzero(mask & index.is_point)
    if len(pts):
        lonlat = gpd.GeoSeries(gpd.points_from_xy(index.x[pts], index.y[pts]), crs=cov.METRIC_CRS).to_crs(4326)
        sample = index.is_sample[pts]
        for is_sample, colour, name in (
            (False, DOCUMENTED_COLOUR, "Documented project"),
            (True, SAMPLE_COLOUR, "SAMPLE project (not real)"),
        ):
            sel = sample == is_sample
            if sel.any():
                traces.append(
                    go.Scattermap(
                        lat=lonlat.y.to_numpy()[sel],
                        lon=lonlat.x.to_numpy()[sel],
                        mode="markers",
                        marker=dict(size=7, color=colour, opacity=0.85),
                        name=name,
                        hovertext=[html_lib.escape(str(t)) for t in index.titles[pts][sel]],
                        hovertemplate="%{hovertext}<extra>" + name + "</extra>",
                    )
                )
    hz = static.hazards
    named = hz["hazard_type"].isin(LABELLED_HAZARDS).to_numpy()
    traces.append(
        go.Scattermap(
            lat=hz.geometry.y,
            lon=hz.geometry.x,
            mode="markers",
            marker=dict(size=10, color=figures.HAZARD_COLOUR),
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
    traces += site_label_traces(shown)
    if named.any():  # in a trace of their own: an empty label still takes room and would hide a site's name
        traces.append(
            go.Scattermap(
                lat=hz.geometry.y[named],
                lon=hz.geometry.x[named],
                mode="markers+text",
                marker=dict(size=10, opacity=0),
                text=list(hz["name_en"][named].astype(str)),
                textposition="bottom left",
                textfont=dict(size=11, color=figures.HAZARD_COLOUR),
                name="Hazard names",
                showlegend=False,
                hoverinfo="skip",
            )
        )
    fig = go.Figure(traces)
    center, zoom = gap_map_view(shown, result.radius_km, selected)
    fig.update_layout(
        template="none",
        height=GAP_MAP_HEIGHT,
        font=dict(family=figures.FONT, size=12, color="#222"),
        margin=dict(l=0, r=0, t=0, b=GAP_MAP_LEGEND_PX),
        # the user's pan and zoom are kept until the selection changes (then the view fits the new sites)
        uirevision=f"coverage-gap-map:{zoom}:{center['lat']:.4f}:{center['lon']:.4f}",
        map=dict(
            style=config.map_style("white-bg"),
            center=center,
            zoom=zoom,
            bounds=config.MAP_BOUNDS,
            layers=layers,
        ),
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
        annotations=figures.map_annotations(result.has_sample, result.n_projects == 0),
    )
    return fig


def summary_block(result: cov.CoverageResult) -> list:
    return [
        html.P(html.Strong(result.summary), className="coverage-headline mb-1"),
        html.Ul([html.Li(d) for d in result.details], className="coverage-details small mb-0"),
    ]


def rules_note(result: cov.CoverageResult) -> html.P:
    return html.P(
        [
            f"Site coverage: point projects (IATI location precision 1, 2 or 5) within {result.radius_km:g} km "
            f"of the site, distances in UTM 34N (EPSG:32634); {cov.SITE_RULE}, so choosing a municipality picks "
            "its sites without dropping projects across its border. Municipality-level projects are counted in "
            "the matrix. "
            f"USD: {result.allocation_label}; {cov.LOCATION_RULE}. ",
            "A cell counts distinct projects; a multi-sector project appears in each of its sectors, so "
            "counts are not added across cells. Point projects count in the municipality their point lies in "
            "(where several municipalities share one polygon, the project's own municipality decides). ",
            f"{result.n_without_amount} project(s) have no sourced amount." if result.n_without_amount else "",
        ],
        className="small text-muted mb-2",
    )


# ---------------------------------------------------------------- layout


def layout(radius: str | None = None, allocation: str | None = None, **query) -> html.Div:
    """The coverage view for the URL's query (the explorer's filters, plus ``radius`` and ``allocation``)."""
    state = FilterState.from_query(query)
    radius_km = parse_radius(radius)
    allocation = allocation if allocation in cov.ALLOCATIONS else cov.DEFAULT_ALLOCATION
    # long names (both languages) and long "missing" texts wrap instead of being cut off at 1280 px
    wrap = {"wrapText": True, "autoHeight": True}
    grid_columns = [
        {"field": "level", "headerName": GAP_COLUMNS["level"], "width": 115},
        {
            "field": "name",
            "headerName": GAP_COLUMNS["name"],
            "flex": 2,
            "minWidth": 190,
            "tooltipField": "name",
            **wrap,
        },
        {"field": "kind", "headerName": GAP_COLUMNS["kind"], "width": 135, **wrap},
        {
            "field": "municipality_name",
            "headerName": GAP_COLUMNS["municipality_name"],
            "flex": 1.5,
            "minWidth": 150,
            "tooltipField": "municipality_name",
            **wrap,
        },
        {
            "field": "sector",
            "headerName": GAP_COLUMNS["sector"],
            "flex": 1,
            "minWidth": 130,
            # "environment/remediation" may wrap after the slash (a zero-width space), not inside a word
            "valueFormatter": {"function": "params.value ? params.value.split('/').join('/\u200b') : ''"},
            **wrap,
        },
        {
            "field": "missing",
            "headerName": GAP_COLUMNS["missing"],
            "flex": 3,
            "minWidth": 240,
            "tooltipField": "missing",
            **wrap,
        },
        {
            "field": "nearest_km",
            "headerName": "Nearest (km)",
            "headerTooltip": GAP_COLUMNS["nearest_km"],
            "type": "numericColumn",
            "width": 140,
        },
    ]
    controls = dbc.Card(
        dbc.CardBody(
            [
                html.Label("Radius around each site (km)", htmlFor=RADIUS, className="filter-label"),
                dcc.Slider(
                    id=RADIUS,
                    min=0.5,
                    max=25,
                    step=0.5,
                    value=radius_km,
                    marks=RADIUS_MARKS,
                    tooltip={"placement": "bottom", "always_visible": False},
                    updatemode="mouseup",
                ),
                html.Label("Projects with several sectors", htmlFor=ALLOCATION, className="filter-label mt-2"),
                dbc.RadioItems(
                    id=ALLOCATION,
                    value=allocation,
                    options=[{"label": v, "value": k} for k, v in cov.ALLOCATIONS.items()],
                    className="small",
                ),
                html.Label("Heatmap colour", htmlFor=METRIC, className="filter-label mt-2"),
                dbc.RadioItems(
                    id=METRIC,
                    value="projects",
                    inline=True,
                    options=[{"label": v, "value": k} for k, v in HEATMAP_METRICS.items()],
                ),
                dbc.Button(
                    "Clear sector and municipality",
                    id=CLEAR,
                    color="secondary",
                    outline=True,
                    size="sm",
                    className="mt-2",
                ),
                html.P(
                    [dcc.Link("Change the other filters in the Explorer", href="/", id="coverage-explorer-link")],
                    className="small mt-2 mb-0",
                ),
            ]
        ),
        className="mb-3",
    )
    return html.Div(
        [
            dcc.Store(id=STATE, data=state.to_query()),
            html.H1("Coverage: where projects are, and where they are missing", className="h4"),
            html.Div(id=SENTENCE, children=components.filter_sentence(describe(state))),
            html.Div(id=ids.FILTER_NOTES, role="status", children=components.filter_notes(state.notes)),
            html.Div(id=SAMPLE_BANNER, role="status"),
            dbc.Row(
                [
                    dbc.Col(controls, lg=3),
                    dbc.Col(
                        [
                            html.H2("Sector × municipality (click a cell to filter)", className="h6"),
                            dcc.Graph(id=HEATMAP, config={"displaylogo": False, "displayModeBar": False}),
                            html.Div(id=RULES),
                        ],
                        lg=9,
                    ),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(html.Div(id=SUMMARY, role="status", **{"aria-live": "polite"}), lg=4),
                    dbc.Col(
                        [
                            html.H2("Gap map: sites, radius rings, hazards", className="h6"),
                            dcc.Graph(
                                id=GAP_MAP,
                                config={"displaylogo": False, "scrollZoom": True},
                                style={"height": f"{GAP_MAP_HEIGHT}px"},
                            ),
                        ],
                        lg=8,
                    ),
                ],
                className="mt-2",
            ),
            html.Div(
                [
                    html.H2("Gaps", className="h6 d-inline-block me-3"),
                    dbc.Button("Download CSV", id=DOWNLOAD_BUTTON, color="primary", size="sm"),
                    dcc.Download(id=DOWNLOAD),
                ],
                className="mt-3 mb-2",
            ),
            dag.AgGrid(
                id=GAP_TABLE,
                columnDefs=grid_columns,
                rowData=[],
                defaultColDef={"sortable": True, "filter": True, "resizable": True, "cellClass": "coverage-cell"},
                dashGridOptions={
                    "tooltipShowDelay": 300,
                    # plain text (an HTML overlay template is blocked by AG Grid as code it would evaluate)
                    "localeText": {
                        "noRowsToShow": "No gaps: every shown site and municipality has a project in each shown sector."
                    },
                },
                style={"height": "420px"},
                className="ag-theme-alpine coverage-gap-grid",
            ),
        ],
        className="coverage-page",
    )


# ---------------------------------------------------------------- callbacks


@callback(
    Output(HEATMAP, "figure"),
    Output(HEATMAP, "style"),
    Output(GAP_MAP, "figure"),
    Output(SUMMARY, "children"),
    Output(SENTENCE, "children"),
    Output(SAMPLE_BANNER, "children"),
    Output(RULES, "children"),
    Output(GAP_TABLE, "rowData"),
    Output(ids.FILTER_QUERY, "data", allow_duplicate=True),
    Input(STATE, "data"),
    Input(RADIUS, "value"),
    Input(ALLOCATION, "value"),
    Input(METRIC, "value"),
    prevent_initial_call="initial_duplicate",
)
def update_coverage(query, radius, allocation, metric):
    """The view for these settings, drawn once per data version (``coverage_view``)."""
    radius_km = parse_radius(radius)
    allocation = allocation if allocation in cov.ALLOCATIONS else cov.DEFAULT_ALLOCATION
    return coverage_view(snapshot(), query or "", radius_km, allocation, metric)


#: Views kept per data version (the default view and the last few settings people chose).
VIEWS_KEPT = 16
_views: dict[tuple, tuple] = {}
_views_snap: list = [None]


def coverage_view(snap: Snapshot, query: str, radius_km: float, allocation: str, metric: str) -> tuple:
    """The callback's outputs for these settings, kept per data version: the analysis and both figures are
    pure functions of the snapshot and the settings, so a view drawn before (the default one, or one a user
    returns to) is answered without analysing or building figures again. Bounded (``VIEWS_KEPT``); emptied
    when the data changes."""
    if not config.FAST:  # TFA_FAST=0: drawn on every request, as before
        return _draw_view(snap, query, radius_km, allocation, metric)
    key = (query, radius_km, allocation, metric)
    with _lock:
        if _views_snap[0] is not snap:
            _views.clear()
            _views_snap[0] = snap
        if key in _views:
            return _views[key]
    out = _draw_view(snap, query, radius_km, allocation, metric)
    with _lock:
        if _views_snap[0] is snap:
            if len(_views) >= VIEWS_KEPT:
                _views.pop(next(iter(_views)))
            _views[key] = out
    return out


def warm_default_view() -> None:
    """Build the coverage index and draw the default view ahead of the first visit (``dashboard.warmup``)."""
    if config.FAST:
        coverage_view(
            snapshot(), FilterState.from_query("").to_query(), cov.DEFAULT_RADIUS_KM, cov.DEFAULT_ALLOCATION, "projects"
        )


def _draw_view(snap: Snapshot, query: str, radius_km: float, allocation: str, metric: str) -> tuple:
    """Analyse (once when no sector or municipality is chosen, else once for the matrix and once for the
    sites); draw; share the query with the other pages."""
    state = FilterState.from_query(query)
    full, result = analyse(snap, state, radius_km, allocation)
    index, sites, hazard_rings = coverage_inputs(snap)
    rows = matrix_rows(full, state, set(sites["municipality"]))
    mask = cov.site_project_mask(index, state)  # the projects that count for the sites (and are drawn)
    heatmap = heatmap_figure(full, state, rows, metric if metric in HEATMAP_METRICS else "projects")
    return (
        heatmap,
        {"height": f"{heatmap.layout.height}px"},  # the graph's box follows the figure (rows vary)
        gap_map_figure(snap, result, sites, hazard_rings, mask, index, selected=bool(state.municipalities)),
        summary_block(result),
        components.filter_sentence(f"{describe(state)}; radius {radius_km:g} km"),
        components.sample_banner(result.n_sample),
        rules_note(result),
        gap_frame(result).to_dict("records"),
        shared_query(state, radius_km),
    )


@callback(
    Output(STATE, "data"),
    Input(HEATMAP, "clickData"),
    Input(CLEAR, "n_clicks"),
    State(STATE, "data"),
    prevent_initial_call=True,
)
def click_cell(click, _clear, query):
    """A heatmap cell sets the sector and municipality filters; the button clears them."""
    state = FilterState.from_query(query or "")
    if dash.ctx.triggered_id == CLEAR:
        return state.with_(sectors=(), municipalities=()).to_query()
    return cell_click_state(state, click).to_query()


@callback(
    Output(DOWNLOAD, "data"),
    Input(DOWNLOAD_BUTTON, "n_clicks"),
    State(STATE, "data"),
    State(RADIUS, "value"),
    State(ALLOCATION, "value"),
    prevent_initial_call=True,
)
def download_gaps(_n, query, radius, allocation):
    state = FilterState.from_query(query or "")
    allocation = allocation if allocation in cov.ALLOCATIONS else cov.DEFAULT_ALLOCATION
    _, result = analyse(snapshot(), state, parse_radius(radius), allocation)
    file = service.gap_csv(result)
    return dcc.send_bytes(file.data, file.name, type=file.media_type)


def query_params(query: str) -> dict:
    """A query string as the keyword arguments Dash pages passes to ``layout`` (for tests)."""
    return {k: v[0] for k, v in parse_qs(query).items()}
