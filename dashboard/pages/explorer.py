"""Explorer (path "/"): the map-first view for donors and program managers.

Main filter callback: ``update_explorer``. It is the one callback whose Inputs are the filter controls:

    Inputs  (component id, property), all constants in ``dashboard.ids``:
        filter-sector.value, filter-community.value, filter-municipality.value, filter-status.value,
        filter-funder.value, filter-org.value      (lists of strings; dropdowns)
        filter-years.value                         ([from, to]; the slider's full extent means "any year")
        filter-text.value                          (free text over titles)
        filter-dataset.value                       ("all" | "documented" | "sample")
        filter-metric.value                        (choropleth metric, a key of figures.METRICS)
        filter-selection.data                      (project ids chosen by box/lasso, or null)
    Outputs:
        explorer-map.figure        a dash.Patch of what changed (``no_update`` when nothing did): the colour
                                   bar's top and title and the annotations when they changed; with
                                   ``TFA_POINTS_LAYER=0``, also the two project traces' lat/lon (float32),
                                   marker.size and marker.color (uint8 sector codes) and customdata (int32 row
                                   positions) as base64 typed arrays when the map's filter changed. Polygons are
                                   never resent.
        chart-by-sector.figure, chart-by-municipality.figure, chart-over-time.figure,
        chart-by-community.figure  small patches, each only when its chart's content changed
        kpi-<key>-value.children, kpi-<key>-sub.children   (strings; key in components.KPI_KEYS)
        filter-sentence.children, sample-banner.children, empty-state.children
        explorer-query.data        FilterState.to_query() (+ "metric=" when not the default): the URL query, passed
                                   on to filter-query.data (the navbar's links) by ``dashboard.filter_query``
        map-points-key.data        the filter whose points the map holds (also a State: the points are resent
                                   only when it changes, so a metric change or a box selection sends no points)
        explorer-drawn.data        digests of the map's other parts and of each chart (also a State)
        explorer-map-shading.data  the polygons' colours and hover lines (``figures.shading``), when they changed;
                                   ``assets/map_shading.js`` sets them in place (``TFA_FAST=0``: the choropleth
                                   trace's z, hover and customdata are in the map's patch instead)
        explorer-map-points.data   the project markers (``figures.points_layer``) when the map's filter changed;
                                   ``assets/map_points.js`` draws them (``TFA_POINTS_LAYER=0``: they are the
                                   project traces' patch above)
        explorer-map-selected.data which of those markers a box/lasso selection holds (None: no selection), when
                                   that changed
        project-table-note.children  "N matching" beside the table's heading (sent with the key figures, not with
                                   the table's rows, which wait while the table is out of view)

The table pages on demand (ag-grid's infinite row model): ``table_block`` answers the grid's request for a
block of rows, sorted as asked; a filter change empties the grid's cache in the browser, so the grid asks
again at once, in parallel with the main callback (``TFA_FAST=0``: ``update_table`` sends the whole list). The
request reaches ``table_block`` through ``project-table-request.data``, which ``assets/table_in_view.js`` sets:
at once, except the first while the table is out of view (then as it is scrolled to, or when the page is idle).
A map click is moved from the Graph's ``clickData`` into ``explorer-map-click.data`` (numbered) in the
browser; the callbacks below listen to that store.
Other callbacks turn clicks into filter values (``apply_click``), a box/lasso selection into
``filter-selection`` (``select_on_map``), and a click on a project, a camp or a table row into the detail
panel (``open_detail``).

This module holds the layout's composition and the callbacks' wiring; the named layout parts are in
``explorer_layout`` and ``explorer_table``, what the callbacks compute in ``explorer_updates`` (re-exported here).

Why one module: Dash pages registers a page's callbacks with its module, and every callback of the explorer is
wired here, next to the layout whose ids it reads; the work they do is in the three modules above.
"""

from __future__ import annotations

import json

import dash
import dash_bootstrap_components as dbc
import numpy as np
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components, config, figures, filter_query, ids, late_grid
from dashboard.camp_key import cluster_view, site_view
from dashboard.data import snapshot, table_page, table_rows
from dashboard.exports import service
from dashboard.map_points import event_stacks
from dashboard.pages.explorer_layout import (
    INTRO,
    charts_row,
    detail_panel,
    filter_panel,
    map_card,
    summary_side,
)
from dashboard.pages.explorer_table import table_card, table_grid
from dashboard.pages.explorer_updates import (
    CONTROL_KEYS,
    camp_panel,
    controls_from_state,
    explorer_outputs,
    first_view,
    highlight,
    marker_tooltip,
    page_query,
    project_panel,
    selected_ids,
    set_view,
    stack_note,
    state_from_controls,
    toggle_municipalities,
    tooltip_outputs,
    unit_municipalities,
)
from geodata.analysis.filters import FilterState

dash.register_page(__name__, path="/", name="Explorer", order=0, title="Explorer · Trust Fund Atlas")

__all__ = ["CONTROL_KEYS", "controls_from_state", "page_query", "selected_ids", "toggle_municipalities"]

FILTER_INPUTS = [
    Input(ids.SECTOR, "value"),
    Input(ids.COMMUNITY, "value"),
    Input(ids.MUNICIPALITY, "value"),
    Input(ids.STATUS, "value"),
    Input(ids.FUNDER, "value"),
    Input(ids.ORG, "value"),
    Input(ids.YEARS, "value"),
    Input(ids.TEXT, "value"),
    Input(ids.DATASET, "value"),
]
FILTER_STATES = [State(i.component_id, i.component_property) for i in FILTER_INPUTS]


# ---------------------------------------------------------------- layout


def layout(metric: str | None = None, **query) -> html.Div:
    """The explorer for the URL's query (Dash pages passes the query parameters), with its first view
    (``config.EXPLORER_FIRST_VIEW``: the map's points and shading for these filters; the charts, key figures and
    texts are always the layout's)."""
    snap = snapshot()
    state = FilterState.from_query(query)
    metric = metric if metric in figures.METRICS else figures.DEFAULT_METRIC
    first = first_view(snap, state, metric) if config.EXPLORER_FIRST_VIEW else None
    mask = first.content.mask if first else snap.mask(state)
    main = [
        html.Div(
            [
                html.H1(
                    "Explorer: former IDP camps and community projects in northern Kosovo", className="visually-hidden"
                ),
                components.filters_toggle(ids.FILTERS_PANEL, ids.FILTERS_TOGGLE),
            ],
            className="explorer-head",
        ),
        html.P(INTRO, id=ids.INTRO, className="explorer-intro small mb-1"),
        summary_side(snap, state, mask),
        map_card(snap, metric, first),
        charts_row(figures.chart_specs(snap, mask)),
        table_card(first.table_note if first else None),
    ]
    panel = filter_panel(snap, controls_from_state(snap, state))
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        components.filters_offcanvas(panel, ids.FILTERS_PANEL, ids.FILTERS_CLOSE),
                        lg=3,
                        className="sidebar-col",
                    ),
                    dbc.Col(main, lg=9, className="main-col"),
                ],
                className="g-3",
            ),
            detail_panel(),
        ],
        className="explorer",
    )


def warm_default_view() -> None:
    """Build what every first visit sends (the map's shell for the default metric, the charts' styling) ahead
    of the first visit (``dashboard.warmup``)."""
    layout()


# ---------------------------------------------------------------- the main filter callback


@callback(
    Output(ids.MAP, "figure"),
    Output(ids.CHART_SECTOR, "figure"),
    Output(ids.CHART_MUNICIPALITY, "figure"),
    Output(ids.CHART_TIME, "figure"),
    Output(ids.CHART_COMMUNITY, "figure"),
    *[Output(components.kpi_id(key, part), "children") for key in components.KPI_KEYS for part in ("value", "sub")],
    Output(ids.SENTENCE, "children"),
    Output(ids.SAMPLE_BANNER, "children"),
    Output(ids.EMPTY_STATE, "children"),
    Output(ids.EXPLORER_QUERY, "data"),
    Output(ids.MAP_POINTS_KEY, "data"),
    Output(ids.EXPLORER_DRAWN, "data"),
    Output(ids.MAP_SHADING, "data"),
    Output(ids.MAP_POINTS, "data"),
    Output(ids.MAP_POINTS_SELECTED, "data"),
    Output(ids.TABLE_NOTE, "children"),
    *FILTER_INPUTS,
    Input(ids.METRIC, "value"),
    Input(ids.SELECTION, "data"),
    State(ids.MAP_POINTS_KEY, "data"),
    State(ids.EXPLORER_DRAWN, "data"),
    # the page's first view comes in its layout (config.EXPLORER_FIRST_VIEW): then only a change asks for a view.
    # Every output is in the page (the query goes out through dashboard.filter_query), or Dash's renderer would call
    # it as the page appears anyway.
    prevent_initial_call=config.EXPLORER_FIRST_VIEW,
)
def update_explorer(
    sectors,
    communities,
    municipalities,
    statuses,
    funders,
    orgs,
    years,
    text,
    dataset,
    metric,
    selection,
    drawn_key=None,
    drawn=None,
):
    """The controls' state, then ``explorer_outputs``: only what changed is sent (see there)."""
    snap = snapshot()
    state = state_from_controls(
        snap, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection
    )
    return explorer_outputs(snap, state, metric, drawn_key, drawn)


# The page's query, from its layout or its callback, for the other pages' links
filter_query.pass_on(ids.EXPLORER_QUERY)


def update_table(sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection):
    """The whole-list table (``TFA_FAST=0``): the largest commitments among the matching projects (at most
    config.TABLE_ROW_LIMIT), sent in one response. The table's note comes from the main callback."""
    snap = snapshot()
    state = state_from_controls(
        snap, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection
    )
    rows, _ = table_rows(snap, snap.mask(state), config.TABLE_ROW_LIMIT)
    return rows


def table_block(
    request, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection
):
    """One block of the table for the grid's request (rows ``startRow`` to ``endRow`` in its ``sortModel``), with
    the count of matching projects the grid scrolls through (the note beside the table's heading comes from the
    main callback, at once). Every matching project can be reached by scrolling; the CSV has them all."""
    if not request:
        raise PreventUpdate
    snap = snapshot()
    state = state_from_controls(
        snap, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection
    )
    rows, total = table_page(
        snap, snap.mask(state), request.get("startRow", 0), request.get("endRow", 0), request.get("sortModel")
    )
    return {"rowData": rows, "rowCount": total}


if config.FAST:
    # The grid's request for rows passes through assets/table_in_view.js: at once when the table is near the
    # viewport or has had rows; the first, while the page loads with the table out of view, when it comes near
    # or the page is idle (without the asset, at once).
    clientside_callback(
        "function (request) { const t = window.tfaTableInView;"
        " return t ? t.gate(request, __IDS__) : request || window.dash_clientside.no_update; }".replace(
            "__IDS__", f"{json.dumps(ids.TABLE)}, {json.dumps(ids.TABLE_REQUEST)}"
        ),
        Output(ids.TABLE_REQUEST, "data"),
        Input(ids.TABLE, "getRowsRequest"),
        prevent_initial_call=True,
    )
    callback(
        Output(ids.TABLE, "getRowsResponse"),
        Input(ids.TABLE_REQUEST, "data"),
        *FILTER_STATES,
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,  # the store holds no request yet
    )(table_block)
    # A filter change empties the grid's cache, so it asks for its first block again (with the new filters as
    # States); the request goes out at once, beside the map's and charts' callback, not after it.
    clientside_callback(
        """
        function() {
            const grid = window.dash_ag_grid && window.dash_ag_grid.getApiAsync;
            if (grid) { grid(__ID__).then(api => api.purgeInfiniteCache()).catch(() => null); }
            return window.dash_clientside.no_update;
        }
        """.replace("__ID__", json.dumps(ids.TABLE)),
        Output(ids.TABLE, "getRowsResponse", allow_duplicate=True),
        *FILTER_INPUTS,
        Input(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
else:
    callback(
        Output(ids.TABLE, "rowData"),
        *FILTER_INPUTS,
        Input(ids.SELECTION, "data"),
    )(update_table)

# A clicked cell, passed on to the detail panel through a store outside the grid
clientside_callback(
    "function (cell) { return cell || window.dash_clientside.no_update; }",
    Output(ids.TABLE_CLICK, "data"),
    Input(ids.TABLE, "cellClicked"),
    prevent_initial_call=True,
)

if config.TABLE_LATE:  # the grid is created in its slot as it nears the view or in idle time
    late_grid.register(ids.TABLE_SLOT, ids.TABLE_MOUNT, table_grid)


# ---------------------------------------------------------------- clicks and selections -> filters


@callback(
    Output(ids.SECTOR, "value"),
    Output(ids.COMMUNITY, "value"),
    Output(ids.MUNICIPALITY, "value"),
    Output(ids.STATUS, "value"),
    Output(ids.FUNDER, "value"),
    Output(ids.ORG, "value"),
    Output(ids.YEARS, "value"),
    Output(ids.TEXT, "value"),
    Output(ids.DATASET, "value"),
    Output(ids.SELECTION, "data", allow_duplicate=True),
    Input(ids.CLEAR, "n_clicks"),
    Input(ids.MAP_CLICK, "data"),
    Input(ids.CHART_SECTOR, "clickData"),
    Input(ids.CHART_MUNICIPALITY, "clickData"),
    Input(ids.CHART_TIME, "clickData"),
    Input(ids.CHART_COMMUNITY, "clickData"),
    State(ids.MUNICIPALITY, "value"),
    prevent_initial_call=True,
)
def apply_click(_clear, map_click, sector_click, muni_click, time_click, community_click, current_munis):
    """Clear filters; a polygon click toggles its municipalities; a bar or year click filters to it.

    ``map_click`` is the map's click as numbered in the browser (``explorer-map-click``), so a second click on
    the same polygon counts too."""
    snap = snapshot()
    keep = [no_update] * 10
    trigger = ctx.triggered_id
    if trigger == ids.CLEAR:
        v = controls_from_state(snap, FilterState.from_query(""))  # the default view, dataset included
        return (*[v[k] for k in CONTROL_KEYS], None)  # the controls, and no selection
    if trigger == ids.MAP_CLICK:
        if not map_click:  # the store's empty first state
            raise PreventUpdate
        point = map_click.get("points", [{}])[0]
        if point.get("curveNumber") == figures.TRACE["choropleth"] and point.get("location"):
            keep[2] = toggle_municipalities(current_munis, unit_municipalities(snap, point["location"]))
        return tuple(keep)
    click = {
        ids.CHART_SECTOR: sector_click,
        ids.CHART_MUNICIPALITY: muni_click,
        ids.CHART_TIME: time_click,
        ids.CHART_COMMUNITY: community_click,
    }.get(trigger)
    point = (click or {}).get("points", [{}])[0]
    if trigger == ids.CHART_TIME and point.get("x") is not None:
        keep[6] = [int(point["x"]), int(point["x"])]
    elif point.get("customdata") is not None:
        slot = {ids.CHART_SECTOR: 0, ids.CHART_MUNICIPALITY: 2, ids.CHART_COMMUNITY: 1}[trigger]
        keep[slot] = [point["customdata"]]
    else:
        raise PreventUpdate
    return tuple(keep)


# A click on the map is taken from the Graph into a store, numbered, and the Graph's clickData set back to None
# in the same step, in the browser. Dash fires callbacks only when a property changes, so without the reset
# a second click on the same polygon or point would do nothing. The reset must not come from a server
# callback: it changed the input of every other callback still answering the click, and Dash drops the answer
# of a callback whose input changed while it ran (the detail panel of a clicked project or camp never opened).
clientside_callback(
    """function (click, previous) {
        const no = window.dash_clientside.no_update;
        if (!click) { return [no, no]; }
        return [Object.assign({}, click, {n: ((previous && previous.n) || 0) + 1}), null];
    }""",
    Output(ids.MAP_CLICK, "data"),
    Output(ids.MAP, "clickData"),
    Input(ids.MAP, "clickData"),
    State(ids.MAP_CLICK, "data"),
    prevent_initial_call=True,
)

# The funder and organisation menus offer the names of the chosen dataset's projects (and whatever is chosen, so
# a choice never disappears from its control, and a name of another dataset goes once it is unchosen): with
# "Documented" chosen, no sample donor is offered. The lists are in a store, so a change needs no request.
clientside_callback(
    """function (dataset, funders, orgs, lists) {
        const options = (names, chosen) => Array.from(new Set([...(names[dataset] || names.all), ...(chosen || [])]))
            .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        return [options(lists.funders, funders), options(lists.orgs, orgs)];
    }""",
    Output(ids.FUNDER, "options"),
    Output(ids.ORG, "options"),
    Input(ids.DATASET, "value"),
    Input(ids.FUNDER, "value"),
    Input(ids.ORG, "value"),
    State(ids.NAME_OPTIONS, "data"),
    prevent_initial_call=True,
)

# The project points are drawn in the browser as MapLibre layers of the page's own (``figures.points_layer``,
# assets/map_points.js); a hover or click on one comes back as the Graph's hoverData or clickData, as the traces' did.
# Both this and the shading's callback below set ``MAP_LAYERS`` only so that they have an output: Dash's renderer
# (4.4) does not call a callback without one as its page appears, and the page's layout holds the first points and
# shading (config.EXPLORER_FIRST_VIEW).
clientside_callback(
    "function (points, held) {"
    " if (window.tfaPoints) { window.tfaPoints.show(" + json.dumps(ids.MAP) + ", points, held); }"
    " return points ? 'points ' + points.key : window.dash_clientside.no_update; }",
    Output(ids.MAP_LAYERS, "data", allow_duplicate=True),
    Input(ids.MAP_POINTS, "data"),
    Input(ids.MAP_POINTS_SELECTED, "data"),
    prevent_initial_call="initial_duplicate",
)

# The polygons' shading is set on the map in the browser, in place (``figures.shading``, assets/map_shading.js);
# a click on a polygon comes back as the Graph's clickData, as the choropleth trace's did.
clientside_callback(
    "function (shading) {"
    " if (window.tfaShading) { window.tfaShading.show(" + json.dumps(ids.MAP) + ", shading); }"
    " return shading ? 'shading' : window.dash_clientside.no_update; }",
    Output(ids.MAP_LAYERS, "data", allow_duplicate=True),
    Input(ids.MAP_SHADING, "data"),
    prevent_initial_call="initial_duplicate",
)


@callback(
    Output(ids.SELECTION, "data"),
    Input(ids.MAP, "selectedData"),
    State(ids.MAP_POINTS_KEY, "data"),
    prevent_initial_call=True,
)
def select_on_map(selected, points_key):
    """A box or lasso selection on the map narrows the table, KPIs and charts to the selected projects."""
    return selected_ids(snapshot(), points_key, selected)


@callback(
    Output(ids.MAP_TOOLTIP, "show"),
    Output(ids.MAP_TOOLTIP, "bbox"),
    Output(ids.MAP_TOOLTIP, "direction"),
    Output(ids.MAP_TOOLTIP, "children"),
    Input(ids.MAP, "hoverData"),
    State(ids.MAP_POINTS_KEY, "data"),
    prevent_initial_call=True,
)
def hover_project(hover, points_key):
    """Hovering a project point shows its tooltip; other points keep their own hover labels."""
    return tooltip_outputs(hover, marker_tooltip(snapshot(), points_key, hover))


# ---------------------------------------------------------------- detail panel


@callback(
    Output(ids.DETAIL, "is_open"),
    Output(ids.DETAIL_TITLE, "children"),
    Output(ids.DETAIL_BODY, "children"),
    Output(ids.MAP, "figure", allow_duplicate=True),
    Input(ids.MAP_CLICK, "data"),
    Input(ids.TABLE_CLICK, "data"),
    Input({"type": ids.CAMP_KEY_ITEM, "site": ALL}, "n_clicks"),
    State(ids.MAP_POINTS_KEY, "data"),
    prevent_initial_call=True,
)
def open_detail(map_click, cell, _key_clicks=None, points_key=None):
    """A project (map point or table row) opens its details and is ringed on the map; a camp (its marker or
    its entry in the key) opens its history, and the key also centres the map on it."""
    snap = snapshot()
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and trigger.get("type") == ids.CAMP_KEY_ITEM:
        if not ctx.triggered or not ctx.triggered[0].get("value"):
            raise PreventUpdate  # the key was (re)drawn, not clicked
        site = str(trigger["site"])
        clicks = int(ctx.triggered[0]["value"])
        return (
            True,
            *camp_panel(snap, site),
            set_view(highlight(snap, None), site_view(snap.static.camps, site), f"{site}-{clicks}"),
        )
    if trigger == ids.TABLE_CLICK:
        project_id = (cell or {}).get("rowId")
        rows = np.flatnonzero(snap.index.ids == project_id) if project_id else []
        if len(rows) == 0:
            raise PreventUpdate
        row = int(rows[0])
        return (True, *project_panel(snap, row), highlight(snap, row))
    point = (map_click or {}).get("points", [{}])[0]
    curve = point.get("curveNumber")
    if curve == figures.CAMP_TRACE:
        if not point.get("customdata"):  # a hazard: its hover says all there is
            raise PreventUpdate
        return (True, *camp_panel(snap, str(point["customdata"])), highlight(snap, None))
    stacks = event_stacks(snap, points_key, map_click)
    if stacks:
        row = int(stacks[0][0])
        title, body = project_panel(snap, row)
        if len(stacks[0]) > 1:
            at = 1 if snap.kpi.is_sample[row] else 0  # after the SAMPLE DATA notice, which comes first
            body = [*body[:at], stack_note(len(stacks[0])), *body[at:]]
        return (True, title, body, highlight(snap, row))
    raise PreventUpdate


@callback(
    Output(ids.MAP, "figure", allow_duplicate=True),
    Input(ids.CAMPS_ZOOM, "n_clicks"),
    Input(ids.MAP_VIEW_RESET, "n_clicks"),
    prevent_initial_call=True,
)
def zoom_map(camps_clicks, reset_clicks):
    """Zoom to the Mitrovica camps (their markers then lie well apart), or back to the opening view."""
    if ctx.triggered_id == ids.CAMPS_ZOOM:
        return set_view(dash.Patch(), cluster_view(snapshot().static.camps), f"camps-{camps_clicks}")
    if ctx.triggered_id == ids.MAP_VIEW_RESET:
        view = {"center": config.MAP_CENTER, "zoom": config.MAP_ZOOM}
        return set_view(dash.Patch(), view, f"whole-{reset_clicks}")
    raise PreventUpdate


#: URL the browser fetches to learn whether OpenStreetMap's tiles can be reached (the world at zoom 0).
OSM_PROBE_URL = "https://tile.openstreetmap.org/0/0/0.png"
OSM_UNREACHABLE = (
    "OpenStreetMap could not be reached (no internet connection?), so the map stays on its offline "
    "background: every layer of this atlas is still drawn."
)

# The switch asks the browser, not the server, whether OpenStreetMap answers: the tiles load in the browser.
# Only when they can be reached does the map switch style; otherwise the switch turns back off and a notice
# says why (instead of a blank map and tile errors in the console).
clientside_callback(
    """
    async function(online) {
        const url = __URL__;
        if (!online) { return [false, {style: "white-bg", reachable: null}]; }
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(), 6000);
        try {
            await fetch(url, {mode: "no-cors", cache: "no-store", signal: abort.signal});
            return [true, {style: "open-street-map", reachable: true}];
        } catch (e) {
            return [false, {style: "white-bg", reachable: false}];
        } finally {
            clearTimeout(timer);
        }
    }
    """.replace("__URL__", json.dumps(OSM_PROBE_URL)),
    Output(ids.BASE_MAP, "value"),
    Output(ids.BASE_MAP_STATUS, "data"),
    Input(ids.BASE_MAP, "value"),
    prevent_initial_call=True,
)


def base_map_notice(status: dict | None):
    """The notice for what the browser found: None unless OpenStreetMap was asked for and could not be reached."""
    if not status or status.get("reachable") is not False:
        return None
    return components.user_error(OSM_UNREACHABLE, color="info", className="base-map-notice py-2 mb-2")


@callback(
    Output(ids.MAP, "figure", allow_duplicate=True),
    Output(ids.BASE_MAP_NOTICE, "children"),
    Input(ids.BASE_MAP_STATUS, "data"),
    prevent_initial_call=True,
)
def switch_base_map(status):
    """Switch between the offline white background and OpenStreetMap tiles, as the browser found them."""
    patch = dash.Patch()
    style = (status or {}).get("style")
    patch["layout"]["map"]["style"] = config.map_style("open-street-map" if style == "open-street-map" else "white-bg")
    return patch, base_map_notice(status)


@callback(
    Output(ids.DOWNLOAD, "data"),
    Input(ids.DOWNLOAD_BUTTON, "n_clicks"),
    *FILTER_STATES,
    State(ids.SELECTION, "data"),
    prevent_initial_call=True,
)
def download_csv(_n, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection):
    """Every project that matches (what the table shows, without its row limit), with a provenance header."""
    snap = snapshot()
    state = state_from_controls(
        snap, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection
    )
    file = service.explorer_csv(state, snap=snap)
    return dcc.send_bytes(file.data, file.name, type=file.media_type)
