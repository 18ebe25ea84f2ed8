"""Coverage (path "/coverage"): which sites and municipalities have projects in which sector, and the gaps.

It shares the explorer's filters through the URL query (``FilterState.to_query()``): the page opens with
the filters of its URL, and every change is written to the shared ``filter-query`` store, which keeps the
address bar and the navbar links in step (so "Explorer" opens with the same filters).

    coverage-state.data        the page's FilterState as a query string (starts from the URL)
    coverage-radius.value      site radius in km (also in the URL as ``radius=`` when not 5)
    coverage-allocation.value  how multi-sector projects are split (geodata.analysis.coverage.ALLOCATIONS)
    coverage-metric.value      heatmap colour: distinct projects or committed USD

``update_coverage`` reads those, makes one analysis call (``dashboard.data.coverage_analysis``: the matrix over
every sector and municipality, since the heatmap's axes ignore the sector and municipality filters and outline
the selected cell instead, and the sites, gaps and summary under every filter) and one figure call per figure
(``dashboard.figures.coverage``); a view drawn before is kept per data version (``dashboard.data.coverage_views``).
Clicking a heatmap cell sets the sector and municipality filters (``click_cell``); clicking it again clears them.
Every component id is in ``dashboard.ids`` (``COVERAGE_*``).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html

from dashboard import components, config, data, ids
from dashboard.data import Snapshot, snapshot
from dashboard.exports import service
from dashboard.exports.service import GAP_COLUMNS, gap_frame
from dashboard.figures.coverage import (
    GAP_MAP_FIT_PX,
    GAP_MAP_HEIGHT,
    GAP_MAP_ZOOM,
    HEATMAP_METRICS,
    SECTOR_LABELS,
    gap_map_figure,
    heatmap_figure,
    heatmap_row_label,
)
from geodata.analysis import coverage as cov
from geodata.analysis import coverage_view as cv
from geodata.analysis.coverage_view import label_positions
from geodata.analysis.filters import FilterState, describe
from geodata.facts.municipality_registry import BY_CODE

dash.register_page(__name__, path="/coverage", name="Coverage", order=1, title="Coverage · Trust Fund Atlas")

__all__ = ["GAP_MAP_FIT_PX", "GAP_MAP_ZOOM", "SECTOR_LABELS", "heatmap_row_label", "label_positions"]

# 1 and 2 km sit about 10 px apart on a 1280 px screen: 2 keeps its tick but no label, so the labels don't collide
RADIUS_MARKS = {1: "1", 2: "", 5: "5", 10: "10", 15: "15", 20: "20", 25: "25 km"}


# ---------------------------------------------------------------- data per snapshot (dashboard.data)


def coverage_inputs(snap: Snapshot) -> tuple[cov.CoverageIndex, object, object]:
    """(index, sites, hazard rings) of a snapshot, built once per snapshot (``dashboard.data.coverage_inputs``)."""
    inputs = data.coverage_inputs(snap)
    return inputs.index, inputs.sites, inputs.hazard_rings


def analyse(
    snap: Snapshot, state: FilterState, radius_km: float, allocation: str
) -> tuple[cov.CoverageResult, cov.CoverageResult]:
    """(full, filtered): the matrix over every sector and municipality, and the filtered sites and gaps."""
    return cv.analyse(data.coverage_inputs(snap), state, radius_km, allocation, one_pass=config.FAST)


# ---------------------------------------------------------------- pure helpers (tested as plain functions)


def parse_radius(value: object) -> float:
    try:
        r = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return cov.DEFAULT_RADIUS_KM
    return r if 0 < r <= 50 else cov.DEFAULT_RADIUS_KM


def parse_allocation(value: object) -> str:
    return value if value in cov.ALLOCATIONS else cov.DEFAULT_ALLOCATION  # type: ignore[return-value]


def shared_query(state: FilterState, radius_km: float) -> str:
    """The URL query: the explorer's FilterState query, plus ``radius`` when not the default."""
    query = state.to_query()
    if radius_km != cov.DEFAULT_RADIUS_KM:
        query = "&".join(q for q in (query, urlencode({"radius": f"{radius_km:g}"})) if q)
    return query


_SECTOR_BY_LABEL = {label: sector for sector, label in SECTOR_LABELS.items()}
_CODE_BY_ROW_LABEL = {heatmap_row_label(code): code for code in BY_CODE}


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


# ---------------------------------------------------------------- layout: named parts


def gap_grid_columns() -> list[dict]:
    """The gap table's columns."""
    # long names (both languages) and long "missing" texts wrap instead of being cut off at 1280 px
    wrap = {"wrapText": True, "autoHeight": True}
    return [
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


def controls_card(radius_km: float, allocation: str) -> dbc.Card:
    """Radius, allocation and heatmap colour; the button that clears the cell; the link to the other filters."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Label("Radius around each site (km)", htmlFor=ids.COVERAGE_RADIUS, className="filter-label"),
                dcc.Slider(
                    id=ids.COVERAGE_RADIUS,
                    min=0.5,
                    max=25,
                    step=0.5,
                    value=radius_km,
                    marks=RADIUS_MARKS,
                    tooltip={"placement": "bottom", "always_visible": False},
                    updatemode="mouseup",
                ),
                html.Label(
                    "Projects with several sectors", htmlFor=ids.COVERAGE_ALLOCATION, className="filter-label mt-2"
                ),
                dbc.RadioItems(
                    id=ids.COVERAGE_ALLOCATION,
                    value=allocation,
                    options=[{"label": v, "value": k} for k, v in cov.ALLOCATIONS.items()],
                    className="small",
                ),
                html.Label("Heatmap colour", htmlFor=ids.COVERAGE_METRIC, className="filter-label mt-2"),
                dbc.RadioItems(
                    id=ids.COVERAGE_METRIC,
                    value="projects",
                    inline=True,
                    options=[{"label": v, "value": k} for k, v in HEATMAP_METRICS.items()],
                ),
                dbc.Button(
                    "Clear sector and municipality",
                    id=ids.COVERAGE_CLEAR,
                    color="secondary",
                    outline=True,
                    size="sm",
                    className="mt-2",
                ),
                html.P(
                    [dcc.Link("Change the other filters in the Explorer", href="/", id=ids.COVERAGE_EXPLORER_LINK)],
                    className="small mt-2 mb-0",
                ),
            ]
        ),
        className="mb-3",
    )


def page_head(state: FilterState) -> list:
    """Title, the filters in words, what the link asked for that was left out, the sample banner."""
    return [
        dcc.Store(id=ids.COVERAGE_STATE, data=state.to_query()),
        html.H1("Coverage: where projects are, and where they are missing", className="h4"),
        html.Div(id=ids.COVERAGE_SENTENCE, children=components.filter_sentence(describe(state))),
        html.Div(id=ids.FILTER_NOTES, role="status", children=components.filter_notes(state.notes)),
        html.Div(id=ids.COVERAGE_SAMPLE_BANNER, role="status"),
    ]


def heatmap_panel() -> list:
    return [
        html.H2("Sector × municipality (click a cell to filter)", className="h6"),
        dcc.Graph(id=ids.COVERAGE_HEATMAP, config={"displaylogo": False, "displayModeBar": False}),
        html.Div(id=ids.COVERAGE_RULES),
    ]


def gap_map_panel() -> list:
    return [
        html.H2("Gap map: sites, radius rings, hazards", className="h6"),
        dcc.Graph(
            id=ids.COVERAGE_GAP_MAP,
            config={"displaylogo": False, "scrollZoom": True},
            style={"height": f"{GAP_MAP_HEIGHT}px"},
        ),
    ]


def gap_table() -> list:
    """The gaps heading with its Download CSV button, and the grid."""
    return [
        html.Div(
            [
                html.H2("Gaps", className="h6 d-inline-block me-3"),
                dbc.Button("Download CSV", id=ids.COVERAGE_DOWNLOAD_BUTTON, color="primary", size="sm"),
                dcc.Download(id=ids.COVERAGE_DOWNLOAD),
            ],
            className="mt-3 mb-2",
        ),
        dag.AgGrid(
            id=ids.COVERAGE_GAP_TABLE,
            columnDefs=gap_grid_columns(),
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
    ]


def layout(radius: str | None = None, allocation: str | None = None, **query) -> html.Div:
    """The coverage view for the URL's query (the explorer's filters, plus ``radius`` and ``allocation``)."""
    state = FilterState.from_query(query)
    return html.Div(
        [
            *page_head(state),
            dbc.Row(
                [
                    dbc.Col(controls_card(parse_radius(radius), parse_allocation(allocation)), lg=3),
                    dbc.Col(heatmap_panel(), lg=9),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(html.Div(id=ids.COVERAGE_SUMMARY, role="status", **{"aria-live": "polite"}), lg=4),
                    dbc.Col(gap_map_panel(), lg=8),
                ],
                className="mt-2",
            ),
            *gap_table(),
        ],
        className="coverage-page",
    )


# ---------------------------------------------------------------- callbacks


@callback(
    Output(ids.COVERAGE_HEATMAP, "figure"),
    Output(ids.COVERAGE_HEATMAP, "style"),
    Output(ids.COVERAGE_GAP_MAP, "figure"),
    Output(ids.COVERAGE_SUMMARY, "children"),
    Output(ids.COVERAGE_SENTENCE, "children"),
    Output(ids.COVERAGE_SAMPLE_BANNER, "children"),
    Output(ids.COVERAGE_RULES, "children"),
    Output(ids.COVERAGE_GAP_TABLE, "rowData"),
    Output(ids.FILTER_QUERY, "data", allow_duplicate=True),
    Input(ids.COVERAGE_STATE, "data"),
    Input(ids.COVERAGE_RADIUS, "value"),
    Input(ids.COVERAGE_ALLOCATION, "value"),
    Input(ids.COVERAGE_METRIC, "value"),
    prevent_initial_call="initial_duplicate",
)
def update_coverage(query, radius, allocation, metric):
    """The view for these settings, drawn once per data version (``coverage_view``)."""
    return coverage_view(snapshot(), query or "", parse_radius(radius), parse_allocation(allocation), metric)


def coverage_view(snap: Snapshot, query: str, radius_km: float, allocation: str, metric: str) -> tuple:
    """The callback's outputs for these settings, kept per data version (``dashboard.data.coverage_views``,
    bounded, emptied when the data changes): the analysis and both figures are pure functions of the snapshot
    and the settings, so a view drawn before is answered without analysing or drawing again."""
    if not config.FAST:  # TFA_FAST=0: drawn on every request, as before
        return draw_view(snap, query, radius_km, allocation, metric)
    settings = (query, radius_km, allocation, metric)
    return data.coverage_views.get(snap, settings, lambda: draw_view(snap, *settings))


def warm_default_view() -> None:
    """Build the coverage index and draw the default view ahead of the first visit (``dashboard.warmup``)."""
    if config.FAST:
        query = FilterState.from_query("").to_query()
        coverage_view(snapshot(), query, cov.DEFAULT_RADIUS_KM, cov.DEFAULT_ALLOCATION, "projects")


def draw_view(snap: Snapshot, query: str, radius_km: float, allocation: str, metric: str) -> tuple:
    """One analysis, one figure call per figure; the texts; the query shared with the other pages."""
    state = FilterState.from_query(query)
    view = data.coverage_analysis(snap, state, radius_km, allocation)
    heatmap = heatmap_figure(view, metric)
    return (
        heatmap,
        {"height": f"{heatmap.layout.height}px"},  # the graph's box follows the figure (rows vary)
        gap_map_figure(view, snap.static.polygons, snap.static.outline),
        components.coverage_summary(view.result),
        components.filter_sentence(f"{describe(state)}; radius {radius_km:g} km"),
        components.sample_banner(view.result.n_sample),
        components.coverage_rules(view.result),
        gap_frame(view.result).to_dict("records"),
        shared_query(state, radius_km),
    )


@callback(
    Output(ids.COVERAGE_STATE, "data"),
    Input(ids.COVERAGE_HEATMAP, "clickData"),
    Input(ids.COVERAGE_CLEAR, "n_clicks"),
    State(ids.COVERAGE_STATE, "data"),
    prevent_initial_call=True,
)
def click_cell(click, _clear, query):
    """A heatmap cell sets the sector and municipality filters; the button clears them."""
    state = FilterState.from_query(query or "")
    if dash.ctx.triggered_id == ids.COVERAGE_CLEAR:
        return state.with_(sectors=(), municipalities=()).to_query()
    return cell_click_state(state, click).to_query()


@callback(
    Output(ids.COVERAGE_DOWNLOAD, "data"),
    Input(ids.COVERAGE_DOWNLOAD_BUTTON, "n_clicks"),
    State(ids.COVERAGE_STATE, "data"),
    State(ids.COVERAGE_RADIUS, "value"),
    State(ids.COVERAGE_ALLOCATION, "value"),
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
