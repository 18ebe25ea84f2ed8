"""The coverage page's named layout parts: the head, the controls, the heatmap and gap-map panels and the gap
table, each with the page's first view where the layout brings it (``FirstView``, ``config.COVERAGE_FIRST_VIEW``).
``dashboard.pages.coverage`` composes them and wires their callbacks."""

from __future__ import annotations

from typing import NamedTuple

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import components, config, ids, late_grid
from dashboard.exports.service import GAP_COLUMNS
from dashboard.figures.coverage import GAP_MAP_HEIGHT, HEATMAP_METRICS
from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterState, describe

GAP_TABLE_HEIGHT_PX = 420
# 1 and 2 km sit about 10 px apart on a 1280 px screen: 2 keeps its tick but no label, so the labels don't collide
RADIUS_MARKS = {1: "1", 2: "", 5: "5", 10: "10", 15: "15", 20: "20", 25: "25 km"}


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


class FirstView(NamedTuple):
    """The page's first view, as ``dashboard.pages.coverage.update_coverage`` answers it (the same order)."""

    heatmap: go.Figure
    heatmap_style: dict
    gap_map: go.Figure
    summary: object
    sentence: object
    sample_banner: object
    rules: object
    gap_rows: list
    query: str


def page_head(state: FilterState, first: FirstView | None = None) -> list:
    """Title, the filters in words, what the link asked for that was left out, the sample banner; the page's query
    for the other pages' links (``first``: the page's first view, else the page's callback brings them)."""
    return [
        dcc.Store(id=ids.COVERAGE_STATE, data=state.to_query()),
        dcc.Store(id=ids.COVERAGE_QUERY, data=first.query if first else None),
        html.H1("Coverage: where projects are, and where they are missing", className="h4"),
        html.Div(
            id=ids.COVERAGE_SENTENCE, children=first.sentence if first else components.filter_sentence(describe(state))
        ),
        html.Div(id=ids.FILTER_NOTES, role="status", children=components.filter_notes(state.notes)),
        html.Div(id=ids.COVERAGE_SAMPLE_BANNER, role="status", children=first.sample_banner if first else None),
    ]


def heatmap_panel(first: FirstView | None = None) -> list:
    return [
        html.H2("Sector × municipality (click a cell to filter)", className="h6"),
        dcc.Graph(
            id=ids.COVERAGE_HEATMAP,
            config={"displaylogo": False, "displayModeBar": False},
            **({"figure": first.heatmap, "style": first.heatmap_style} if first else {}),
        ),
        html.Div(id=ids.COVERAGE_RULES, children=first.rules if first else None),
    ]


def gap_map_panel(first: FirstView | None = None) -> list:
    return [
        html.H2("Gap map: sites, radius rings, hazards", className="h6"),
        html.Div(
            [
                dcc.Graph(
                    id=ids.COVERAGE_GAP_MAP,
                    config={"displaylogo": False, "scrollZoom": True},
                    style={"height": f"{GAP_MAP_HEIGHT}px"},
                    clear_on_unhover=True,  # the pointer leaving a point hides its tooltip
                    **({"figure": first.gap_map} if first else {}),
                ),
                dcc.Tooltip(id=ids.COVERAGE_GAP_TOOLTIP, direction="bottom", className="map-tooltip"),
            ],
            className="map-frame",
        ),
    ]


def gap_grid() -> dag.AgGrid:
    """The gap grid; its rows come from the ``COVERAGE_GAP_ROWS`` store."""
    return dag.AgGrid(
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
        style={"height": f"{GAP_TABLE_HEIGHT_PX}px"},
        className="ag-theme-alpine coverage-gap-grid",
    )


def gap_table(first: FirstView | None = None) -> list:
    """The gaps heading with its Download CSV button, and the grid (``first``: with the first view's rows)."""
    return [
        html.Div(
            [
                html.H2("Gaps", className="h6 d-inline-block me-3"),
                dbc.Button("Download CSV", id=ids.COVERAGE_DOWNLOAD_BUTTON, color="primary", size="sm"),
                dcc.Download(id=ids.COVERAGE_DOWNLOAD),
            ],
            className="mt-3 mb-2",
        ),
        *(
            late_grid.slot(ids.COVERAGE_GAP_SLOT, ids.COVERAGE_GAP_MOUNT, GAP_TABLE_HEIGHT_PX, "The gap table")
            if config.TABLE_LATE
            else [gap_grid()]
        ),
        # the rows, passed on to the grid (dashboard.pages.coverage)
        dcc.Store(id=ids.COVERAGE_GAP_ROWS, data=first.gap_rows if first else None),
    ]
