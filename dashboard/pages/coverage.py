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
Hovering a project point on the gap map asks the server for its tooltip (``hover_gap_point``): the figure carries
no project titles, only the points. The named layout parts are in ``coverage_layout``; every component id is in
``dashboard.ids`` (``COVERAGE_*``).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import dash
import dash_bootstrap_components as dbc
import numpy as np
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, dcc, html

from dashboard import components, config, data, filter_query, geo_assets, ids, late_grid
from dashboard.data import Snapshot, snapshot
from dashboard.exports import service
from dashboard.exports.service import gap_frame
from dashboard.figures.coverage import (
    GAP_MAP_FIT_PX,
    GAP_MAP_ZOOM,
    SECTOR_LABELS,
    gap_map_figure,
    heatmap_figure,
    heatmap_row_label,
)
from dashboard.pages.coverage_layout import (
    FirstView,
    controls_card,
    gap_grid,
    gap_map_panel,
    gap_table,
    heatmap_panel,
    page_head,
)
from dashboard.pages.explorer_updates import project_tooltip, tooltip_outputs
from geodata.analysis import coverage as cov
from geodata.analysis import coverage_view as cv
from geodata.analysis.coverage_view import label_positions
from geodata.analysis.filters import FilterState, describe
from geodata.facts.municipality_registry import BY_CODE

dash.register_page(__name__, path="/coverage", name="Coverage", order=1, title="Coverage · Trust Fund Atlas")

__all__ = ["GAP_MAP_FIT_PX", "GAP_MAP_ZOOM", "SECTOR_LABELS", "heatmap_row_label", "label_positions"]


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


def gap_point_tooltip(snap: Snapshot, query: str, hover: dict | None) -> list | None:
    """The gap map's tooltip for a hover event under the page's filters (``query``): the project drawn at the
    hovered point (its title, amount, sector and place; SAMPLE DATA when so), and how many more are drawn at the
    same place. None for a site (it carries its id), a hazard (its text) or a place where no project is drawn."""
    point = ((hover or {}).get("points") or [{}])[0]
    if "customdata" in point or "hovertext" in point:
        return None
    index = data.coverage_inputs(snap).index
    mask = cov.site_project_mask(index, FilterState.from_query(query or ""))
    rows = cv.drawn_at(index, mask, point.get("lon"), point.get("lat"))
    if not len(rows):
        return None
    projects = pd.unique(index.project_ids[rows])
    more = len(projects) - 1
    tooltip = project_tooltip(snap, snapshot_row(snap, index, int(rows[0])), clickable=False)
    if more:
        tooltip.append(
            html.Span(
                f"and {more:,} more {'project' if more == 1 else 'projects'} here", className="d-block tooltip-meta"
            )
        )
    return tooltip


def snapshot_row(snap: Snapshot, index: cov.CoverageIndex, location: int) -> int:
    """The snapshot's row of the project at an index ``location``: its project code, which is the row when the
    index was built from the snapshot's frame (checked by id), else found by id."""
    row, project_id = int(index.project_code[location]), str(index.project_ids[location])
    ids_ = snap.projects["project_id"]
    if row < snap.n and str(ids_.iat[row]) == project_id:
        return row
    return int(np.flatnonzero(ids_.astype(str).to_numpy() == project_id)[0])


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


def layout(radius: str | None = None, allocation: str | None = None, **query) -> html.Div:
    """The coverage view for the URL's query (the explorer's filters, plus ``radius`` and ``allocation``), with its
    first view drawn in (``config.COVERAGE_FIRST_VIEW``; from the same cache as the callback's)."""
    state = FilterState.from_query(query)
    radius_km, rule = parse_radius(radius), parse_allocation(allocation)
    first = (
        FirstView(*coverage_view(snapshot(), state.to_query(), radius_km, rule, "projects"))
        if config.COVERAGE_FIRST_VIEW
        else None
    )
    return html.Div(
        [
            *page_head(state, first),
            dbc.Row(
                [
                    dbc.Col(controls_card(radius_km, rule), lg=3),
                    dbc.Col(heatmap_panel(first), lg=9),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(
                        html.Div(
                            id=ids.COVERAGE_SUMMARY,
                            role="status",
                            children=first.summary if first else None,
                            **{"aria-live": "polite"},
                        ),
                        lg=4,
                    ),
                    dbc.Col(gap_map_panel(first), lg=8),
                ],
                className="mt-2",
            ),
            *gap_table(first),
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
    Output(ids.COVERAGE_GAP_ROWS, "data"),
    Output(ids.COVERAGE_QUERY, "data"),
    Input(ids.COVERAGE_STATE, "data"),
    Input(ids.COVERAGE_RADIUS, "value"),
    Input(ids.COVERAGE_ALLOCATION, "value"),
    Input(ids.COVERAGE_METRIC, "value"),
    # the page's first view comes in its layout (config.COVERAGE_FIRST_VIEW): then only a change asks for a view.
    # Every output is in the page, so that Dash's renderer does not call it as the page appears anyway (it calls a
    # callback of the new page's inputs whose outputs reach outside the page: FILTER_QUERY is copied below)
    prevent_initial_call=config.COVERAGE_FIRST_VIEW,
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
        gap_map_figure(
            view,
            geo_assets.polygons_url(snap.static),
            geo_assets.url(snap.static, "outline") if config.FAST else snap.static.outline,
            geo_assets.hazard_ring_urls(snap.static) if config.FAST else None,
        ),
        components.coverage_summary(view.result),
        components.filter_sentence(f"{describe(state)}; radius {radius_km:g} km"),
        components.sample_banner(view.result.n_sample),
        components.coverage_rules(view.result),
        gap_frame(view.result).to_dict("records"),
        shared_query(state, radius_km),
    )


# The page's query, from its layout or its callback, for the other pages' links
filter_query.pass_on(ids.COVERAGE_QUERY)

# The gap rows reach the grid through a store: the grid may be created after them (config.TABLE_LATE), and then
# takes the latest as it comes
clientside_callback(
    "function (rows) { return rows || window.dash_clientside.no_update; }",
    Output(ids.COVERAGE_GAP_TABLE, "rowData"),
    Input(ids.COVERAGE_GAP_ROWS, "data"),
)
if config.TABLE_LATE:
    late_grid.register(ids.COVERAGE_GAP_SLOT, ids.COVERAGE_GAP_MOUNT, gap_grid)


@callback(
    Output(ids.COVERAGE_GAP_TOOLTIP, "show"),
    Output(ids.COVERAGE_GAP_TOOLTIP, "bbox"),
    Output(ids.COVERAGE_GAP_TOOLTIP, "direction"),
    Output(ids.COVERAGE_GAP_TOOLTIP, "children"),
    Input(ids.COVERAGE_GAP_MAP, "hoverData"),
    State(ids.COVERAGE_STATE, "data"),
    prevent_initial_call=True,
)
def hover_gap_point(hover, query):
    """Hovering a project point shows its tooltip (the figure carries no titles); other points keep their labels."""
    return tooltip_outputs(hover, gap_point_tooltip(snapshot(), query, hover))


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
