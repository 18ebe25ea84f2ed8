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
        explorer-map.figure        a dash.Patch of what changed (``no_update`` when nothing did): the two project
                                   traces' lat/lon (float32), marker.size and marker.color (uint8 sector codes)
                                   and customdata (int32 row positions) as base64 typed arrays when the map's
                                   filter changed; the choropleth's z, hover and annotations when they changed.
                                   Polygons are never resent.
        chart-by-sector.figure, chart-by-municipality.figure, chart-over-time.figure,
        chart-by-community.figure  small patches, each only when its chart's content changed
        kpi-<key>-value.children, kpi-<key>-sub.children   (strings; key in components.KPI_KEYS)
        filter-sentence.children, sample-banner.children, empty-state.children
        filter-query.data          FilterState.to_query() (+ "metric=" when not the default): the URL query
        map-points-key.data        the filter whose points the map holds (also a State: the points are resent
                                   only when it changes, so a metric change or a box selection sends no points)
        explorer-drawn.data        digests of the map's other parts and of each chart (also a State)

The table pages on demand (ag-grid's infinite row model): ``table_block`` answers the grid's request for a
block of rows, sorted as asked; a filter change empties the grid's cache in the browser, so the grid asks
again at once, in parallel with the main callback (``TFA_FAST=0``: ``update_table`` sends the whole list).
A map click is moved from the Graph's ``clickData`` into ``explorer-map-click.data`` (numbered) in the
browser; the callbacks below listen to that store.
Other callbacks turn clicks into filter values (``apply_click``), a box/lasso selection into
``filter-selection`` (``select_on_map``), and a click on a project, a camp or a table row into the detail
panel (``open_detail``).
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import urlencode

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import numpy as np
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components, config, figures, ids
from dashboard.camp_key import camp_key, cluster_view, site_view
from dashboard.data import (
    TABLE_COLUMNS,
    Snapshot,
    municipality_label,
    snapshot,
    table_page,
    table_rows,
)
from dashboard.exports import service
from dashboard.map_points import event_rows
from geodata.analysis.filters import DATASET_CHOICES, FilterState, describe
from geodata.analysis.formatting import usd
from geodata.analysis.kpis import site_history, trust_fund_status
from geodata.facts.layers import COMMUNITIES, SECTORS, STATUSES
from geodata.facts.municipality_registry import BY_CODE

dash.register_page(__name__, path="/", name="Explorer", order=0, title="Explorer · Trust Fund Atlas")

#: Who the camps were for and why they matter, in one line (facts: the camps layer's sources, the 2016 Opinion).
INTRO = (
    "Former camps for displaced Roma, Ashkali and Egyptian (RAE) families in northern Kosovo, most of them beside "
    "the waste heaps of the Trepča lead smelter, where many children were lead-poisoned; in 2016 the UN Human "
    "Rights Advisory Panel found that UNMIK had violated their rights."
)

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


# ---------------------------------------------------------------- pure helpers (tested as plain functions)


def state_from_controls(
    snap: Snapshot, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection=None
) -> FilterState:
    """The FilterState the controls describe. The year slider at its full extent means no year filter."""
    year_from = year_to = None
    if years and len(years) == 2:
        year_from = int(years[0]) if int(years[0]) > snap.year_min else None
        year_to = int(years[1]) if int(years[1]) < snap.year_max else None
    return FilterState(
        sectors=tuple(v for v in (sectors or []) if v in SECTORS),
        communities=tuple(v for v in (communities or []) if v in COMMUNITIES),
        municipalities=tuple(v for v in (municipalities or []) if v in BY_CODE),
        statuses=tuple(statuses or ()),
        funders=tuple(funders or ()),
        orgs=tuple(orgs or ()),
        year_from=year_from,
        year_to=year_to,
        text=(text or "").strip(),
        dataset=dataset if dataset in DATASET_CHOICES else "all",
        ids=tuple(selection or ()),
    )


#: The filter controls in the order of ``FILTER_INPUTS`` (and of ``state_from_controls``'s arguments).
CONTROL_KEYS = ("sectors", "communities", "municipalities", "statuses", "funders", "orgs", "years", "text", "dataset")


def controls_from_state(snap: Snapshot, state: FilterState) -> dict:
    """Control values for a state (the inverse of ``state_from_controls``)."""
    return {
        "sectors": list(state.sectors),
        "communities": list(state.communities),
        "municipalities": list(state.municipalities),
        "statuses": list(state.statuses),
        "funders": list(state.funders),
        "orgs": list(state.orgs),
        "years": [
            state.year_from if state.year_from is not None else snap.year_min,
            state.year_to if state.year_to is not None else snap.year_max,
        ],
        "text": state.text,
        "dataset": state.dataset,
        "selection": list(state.ids) or None,
    }


def page_query(state: FilterState, metric: str) -> str:
    """The URL query of the explorer: the shared FilterState query, plus the metric when not the default."""
    query = state.to_query()
    if metric != figures.DEFAULT_METRIC:
        query = "&".join(q for q in (query, urlencode({"metric": metric})) if q)
    return query


def toggle_municipalities(current: list[str] | None, clicked: list[str]) -> list[str]:
    """Clicking a polygon filters to its municipalities; clicking it again (same selection) clears."""
    return [] if sorted(current or []) == sorted(clicked) else list(clicked)


def unit_municipalities(snap: Snapshot, unit: str) -> list[str]:
    m = snap.static.municipalities
    return sorted(m.loc[m["boundary_unit"] == unit, "code"].astype(str))


# ---------------------------------------------------------------- layout


def _label(text: str, target: str) -> html.Label:
    return html.Label(text, htmlFor=target, className="filter-label")


def _dropdown(component_id: str, label: str, options, value, placeholder: str) -> html.Div:
    return html.Div(
        [
            _label(label, component_id),
            dcc.Dropdown(id=component_id, options=options, value=value, multi=True, placeholder=placeholder),
        ],
        className="filter-group",
    )


def _year_marks(lo: int, hi: int) -> dict:
    step = 4 if hi - lo > 12 else 2
    marks = {y: str(y) for y in range(lo, hi + 1, step)}
    marks[hi] = str(hi)
    return marks


def filter_panel(snap: Snapshot, values: dict) -> html.Div:
    municipalities = sorted(BY_CODE, key=lambda c: BY_CODE[c].name_en)
    with_projects = set(snap.municipality_codes)
    muni_options = [
        {"label": municipality_label(c) + ("" if c in with_projects else " — no projects"), "value": c}
        for c in municipalities
    ]
    return html.Div(
        [
            html.H2("Filters", className="h5 mb-2"),
            html.Div(
                [
                    _label("Dataset", ids.DATASET),
                    dbc.RadioItems(
                        id=ids.DATASET,
                        options=[
                            {"label": "Both", "value": "all"},
                            {"label": "Documented", "value": "documented"},
                            {"label": "Sample portfolio", "value": "sample"},
                        ],
                        value=values["dataset"],
                        inline=True,
                        className="dataset-radio",
                    ),
                ],
                className="filter-group",
            ),
            _dropdown(
                ids.SECTOR,
                "Sector",
                [{"label": s.capitalize(), "value": s} for s in SECTORS],
                values["sectors"],
                "Any sector",
            ),
            _dropdown(ids.COMMUNITY, "Target community", list(COMMUNITIES), values["communities"], "Any community"),
            _dropdown(ids.MUNICIPALITY, "Municipality", muni_options, values["municipalities"], "Any municipality"),
            _dropdown(ids.STATUS, "Status", [s for s in STATUSES], values["statuses"], "Any status"),
            _dropdown(ids.FUNDER, "Funder", snap.funders, values["funders"], "Any funder"),
            _dropdown(ids.ORG, "Implementing organisation", snap.orgs, values["orgs"], "Any organisation"),
            html.Div(
                [
                    _label("Active in years", ids.YEARS),
                    dcc.RangeSlider(
                        id=ids.YEARS,
                        min=snap.year_min,
                        max=snap.year_max,
                        step=1,
                        value=values["years"],
                        marks=_year_marks(snap.year_min, snap.year_max),
                        allowCross=False,
                        tooltip={"placement": "bottom", "always_visible": False},
                    ),
                ],
                className="filter-group",
            ),
            html.Div(
                [
                    _label("Search titles", ids.TEXT),
                    dcc.Input(
                        id=ids.TEXT,
                        type="search",
                        value=values["text"],
                        debounce=0.4,
                        placeholder="e.g. health, water, Osterode",
                        className="form-control",
                    ),
                ],
                className="filter-group",
            ),
            dbc.Button(
                "Clear filters", id=ids.CLEAR, color="secondary", outline=True, className="w-100 mt-2", n_clicks=0
            ),
            # Briefing (issue 5): assets/briefing.js points this at /briefing with the current query on click.
            html.A(
                "Present",
                href="/briefing",
                className="btn btn-primary w-100 mt-2 present-link",
                title="Open the briefing (full screen, exports) with these filters",
            ),
            dcc.Store(id=ids.SELECTION, data=values["selection"]),
            dcc.Store(id=ids.MAP_POINTS_KEY, data=None),
            dcc.Store(id=ids.MAP_CLICK, data=None),
            dcc.Store(id=ids.EXPLORER_DRAWN, data=None),
        ],
        className="filter-panel",
        role="search",
        **{"aria-label": "Filters"},
    )


def camp_key_bar(snap: Snapshot) -> html.Div:
    """The numbered key of the camps (the numbers drawn on their markers): each a button that opens the site's
    history and centres the map on it; and buttons that zoom to the Mitrovica cluster and back."""
    items = [
        html.Li(
            html.Button(
                [
                    html.Span(str(item["number"]), className=f"camp-number {item['kind'].split()[0]}"),
                    item["name_en"],
                    html.Span(f" ({item['names']})" if item["names"] else "", className="camp-names"),
                    html.Span(f", {item['kind']}", className="visually-hidden"),
                ],
                id={"type": ids.CAMP_KEY_ITEM, "site": item["site_id"]},
                n_clicks=0,
                className="camp-key-button",
                title=f"{item['name_en']}, {item['kind']}: open its history and show it on the map",
            )
        )
        for item in camp_key(snap.static.camps)
    ]
    return html.Div(
        [
            html.H2("Camps and return site:", className="camp-key-title", id=f"{ids.CAMP_KEY}-title"),
            html.Ol(items, className="camp-key-list", **{"aria-labelledby": f"{ids.CAMP_KEY}-title"}),
            html.Div(
                [
                    dbc.Button(
                        "Zoom to the Mitrovica camps",
                        id=ids.CAMPS_ZOOM,
                        n_clicks=0,
                        size="sm",
                        color="secondary",
                        outline=True,
                    ),
                    dbc.Button(
                        "Whole map", id=ids.MAP_VIEW_RESET, n_clicks=0, size="sm", color="secondary", outline=True
                    ),
                ],
                className="camp-key-actions",
            ),
        ],
        id=ids.CAMP_KEY,
        className="camp-key",
    )


#: Rows per block the table asks the server for (ag-grid's infinite row model), and blocks it keeps.
TABLE_BLOCK_ROWS = 100
TABLE_BLOCKS_KEPT = 10


def table_row_model() -> dict:
    """The grid's row model: pages of rows on demand (``config.FAST``), or the whole (capped) match list."""
    return {"rowModelType": "infinite"} if config.FAST else {"rowData": []}


def table_block_options() -> dict:
    if not config.FAST:
        return {}
    return {"cacheBlockSize": TABLE_BLOCK_ROWS, "maxBlocksInCache": TABLE_BLOCKS_KEPT, "infiniteInitialRowCount": 1}


def _chart(component_id: str, figure) -> dbc.Col:
    return dbc.Col(
        html.Div(
            dcc.Graph(id=component_id, figure=figure, config={"displayModeBar": False, "responsive": True}),
            className="chart-card",
        ),
        lg=6,
    )


def layout(metric: str | None = None, **query) -> html.Div:
    """The explorer for the URL's query (Dash pages passes the query parameters)."""
    snap = snapshot()
    state = FilterState.from_query(query)
    metric = metric if metric in figures.METRICS else figures.DEFAULT_METRIC
    values = controls_from_state(snap, state)
    mask = snap.mask(state)
    charts = figures.chart_figures(snap, mask)
    grid_columns = [
        {"field": "title", "headerName": TABLE_COLUMNS["title"], "flex": 3, "minWidth": 260, "tooltipField": "title"},
        {"field": "sector", "headerName": "Sector", "flex": 1.2, "minWidth": 130},
        {"field": "municipality_name", "headerName": "Municipality", "flex": 1.6, "minWidth": 170},
        {"field": "status", "headerName": "Status", "width": 110},
        {"field": "funder", "headerName": "Funder", "flex": 1.2, "minWidth": 140},
        {"field": "implementing_org", "headerName": "Implementing organisation", "flex": 1.4, "minWidth": 160},
        {
            "field": "committed_usd",
            "headerName": "Committed (USD)",
            "type": "numericColumn",
            "width": 150,
            "valueFormatter": {"function": "params.value == null ? '—' : d3.format(',.0f')(params.value)"},
        },
        {
            "field": "disbursed_usd",
            "headerName": "Disbursed (USD)",
            "type": "numericColumn",
            "width": 150,
            "valueFormatter": {"function": "params.value == null ? '—' : d3.format(',.0f')(params.value)"},
        },
        {"field": "start_date", "headerName": "Start", "width": 115},
        {"field": "end_date", "headerName": "End", "width": 115},
        {
            "field": "dataset",
            "headerName": "Dataset",
            "width": 120,
            "cellClassRules": {"cell-sample": "params.value == 'sample'"},
        },
    ]
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        components.filters_offcanvas(filter_panel(snap, values), ids.FILTERS_PANEL, ids.FILTERS_CLOSE),
                        lg=3,
                        className="sidebar-col",
                    ),
                    dbc.Col(
                        [
                            html.Div(
                                [
                                    html.H1(
                                        "Explorer: former IDP camps and community projects in northern Kosovo",
                                        className="visually-hidden",
                                    ),
                                    components.filters_toggle(ids.FILTERS_PANEL, ids.FILTERS_TOGGLE),
                                ],
                                className="explorer-head",
                            ),
                            html.P(INTRO, id=ids.INTRO, className="explorer-intro small mb-1"),
                            # what the filters show: beside the map on a wide screen (assets/app.css), so the
                            # map never moves when a filter changes these texts (a second click on a polygon
                            # lands on the same polygon)
                            html.Div(
                                [
                                    html.Div(id=ids.SENTENCE, children=components.filter_sentence(describe(state))),
                                    html.Div(
                                        id=ids.FILTER_NOTES,
                                        role="status",
                                        children=components.filter_notes(state.notes),
                                    ),
                                    html.Div(
                                        id=ids.SAMPLE_BANNER,
                                        role="status",
                                        children=components.sample_banner(
                                            int(np.count_nonzero(snap.kpi.is_sample & mask))
                                        ),
                                    ),
                                    html.Div(
                                        id=ids.EMPTY_STATE,
                                        role="status",
                                        children=components.empty_state(int(mask.sum())),
                                    ),
                                    dbc.Row(
                                        [
                                            dbc.Col(
                                                html.Div(
                                                    id=ids.KPIS, children=components.kpi_cards(snap.kpi.kpis(mask))
                                                ),
                                                xl=8,
                                            ),
                                            dbc.Col(
                                                html.Div(
                                                    components.trust_fund_card(
                                                        trust_fund_status(snap.static.trust_fund)
                                                    ),
                                                    id=ids.TRUST_FUND,
                                                ),
                                                xl=4,
                                            ),
                                        ],
                                        className="g-2 summary-row",
                                    ),
                                ],
                                className="explorer-side",
                            ),
                            html.Div(
                                [
                                    html.Div(
                                        [
                                            html.Div(
                                                [
                                                    _label("Shade by", ids.METRIC),
                                                    dcc.Dropdown(
                                                        id=ids.METRIC,
                                                        options=[
                                                            {"label": f"{lbl} ({unit})", "value": k}
                                                            for k, (lbl, unit) in figures.METRICS.items()
                                                        ],
                                                        value=metric,
                                                        clearable=False,
                                                        searchable=False,
                                                        className="metric-dropdown",
                                                    ),
                                                ],
                                                className="map-control",
                                            ),
                                            dbc.Switch(
                                                id=ids.BASE_MAP,
                                                label="OpenStreetMap base map (online)",
                                                value=False,
                                                className="map-control mb-0",
                                            ),
                                        ],
                                        className="map-toolbar",
                                    ),
                                    html.Div(id=ids.BASE_MAP_NOTICE, role="status"),
                                    dcc.Store(id=ids.BASE_MAP_STATUS),
                                    html.Div(
                                        [
                                            dcc.Graph(
                                                id=ids.MAP,
                                                figure=figures.map_figure(
                                                    snap, None, metric, legend=False, tooltip=True
                                                ),
                                                config={
                                                    "scrollZoom": True,
                                                    "displaylogo": False,
                                                    "responsive": True,
                                                    "modeBarButtonsToRemove": ["toImage"],
                                                },
                                                className="explorer-map",
                                                style={"height": "clamp(440px, calc(100vh - 300px), 760px)"},
                                            ),
                                            dcc.Tooltip(
                                                id=ids.MAP_TOOLTIP, direction="bottom", className="map-tooltip"
                                            ),
                                        ],
                                        className="map-frame",
                                    ),
                                    # under the map, so the map starts in the first screen
                                    html.Div(
                                        [components.map_legend(figures.SECTOR_COLOURS), camp_key_bar(snap)],
                                        className="map-keys",
                                    ),
                                    html.P(
                                        "Click a municipality to filter (again to clear) · choose box or lasso "
                                        "select in the map's toolbar to narrow the charts and table · click a "
                                        "point for its details, a camp for its history",
                                        className="map-hint",
                                    ),
                                ],
                                className="map-card",
                            ),
                            dbc.Row(
                                [
                                    _chart(ids.CHART_SECTOR, charts["by_sector"]),
                                    _chart(ids.CHART_MUNICIPALITY, charts["by_municipality"]),
                                    _chart(ids.CHART_TIME, charts["over_time"]),
                                    _chart(ids.CHART_COMMUNITY, charts["by_community"]),
                                ],
                                className="g-2 charts-row",
                            ),
                            html.Div(
                                [
                                    html.Div(
                                        [
                                            html.H2("Projects", className="h5 mb-0"),
                                            html.Span(id=ids.TABLE_NOTE, className="table-note"),
                                            dbc.Button(
                                                "Download CSV",
                                                id=ids.DOWNLOAD_BUTTON,
                                                color="primary",
                                                size="sm",
                                                n_clicks=0,
                                                className="ms-auto",
                                            ),
                                            dcc.Download(id=ids.DOWNLOAD),
                                        ],
                                        className="d-flex align-items-center gap-3 mb-2 flex-wrap",
                                    ),
                                    dag.AgGrid(
                                        id=ids.TABLE,
                                        columnDefs=grid_columns,
                                        **table_row_model(),
                                        defaultColDef={"sortable": True, "resizable": True},
                                        getRowId="params.data.project_id",
                                        dashGridOptions={
                                            **table_block_options(),
                                            "rowSelection": {
                                                "mode": "singleRow",
                                                "checkboxes": False,
                                                "enableClickSelection": True,
                                            },
                                            "tooltipShowDelay": 300,
                                            "animateRows": False,
                                            # every column header in the DOM at any width, in reading order:
                                            # a narrow grid otherwise draws its header row before (or
                                            # without) the cells a screen reader needs
                                            "suppressColumnVirtualisation": True,
                                            "ensureDomOrder": True,
                                        },
                                        className="ag-theme-alpine",
                                        style={"height": "420px", "width": "100%"},
                                    ),
                                ],
                                className="table-card",
                            ),
                        ],
                        lg=9,
                        className="main-col",
                    ),
                ],
                className="g-3",
            ),
            dbc.Offcanvas(
                html.Div(id=ids.DETAIL_BODY),
                id=ids.DETAIL,
                title=html.Span(id=ids.DETAIL_TITLE),
                placement="end",
                is_open=False,
                scrollable=True,
                className="detail-panel",
            ),
        ],
        className="explorer",
    )


# ---------------------------------------------------------------- the main filter callback


def _chart_patch(update: dict) -> dash.Patch:
    patch = dash.Patch()
    for i, values in enumerate(update["data"]):
        for key, value in values.items():
            patch["data"][i][key] = value
    patch["layout"]["annotations"] = update["annotations"]
    return patch


#: ``no_update`` as the JSON Dash reads it (the main callback returns plain JSON: see ``components.plain``).
NOT_SENT = no_update.to_plotly_json()


def digest(value) -> str:
    """A short fingerprint of what a figure part holds (numpy arrays by their bytes, the rest as JSON)."""
    if isinstance(value, np.ndarray):
        raw = value.tobytes()
    else:
        raw = json.dumps(value, sort_keys=True, default=str, separators=(",", ":")).encode()
    return hashlib.blake2b(raw, digest_size=8).hexdigest()


def map_parts(snap: Snapshot, mask: np.ndarray, metric: str, has_sample: bool) -> dict:
    """The parts of the map a filter or metric change can alter, apart from the project points: the shading
    (``z``), the metric's hover and colour-bar title, the hover's second line, and the annotations."""
    z = figures.choropleth_z(snap, mask, metric)
    return {
        "z": z,
        "metric": [figures.metric_hovertemplate(metric), figures.colorbar_title(metric)],
        "customdata": figures.choropleth_customdata(snap, z, metric),
        "annotations": figures.map_annotations(has_sample, not mask.any()),
    }


def _map_patch(snap: Snapshot, parts: dict, changed: set[str], mask: np.ndarray, points: bool):
    """A patch of the map holding only the ``changed`` parts (and the project points when ``points``), or
    ``no_update`` when nothing changed: then the browser does not redraw the map at all."""
    changed = changed & set(parts)
    if not changed and not points:
        return NOT_SENT
    patch = dash.Patch()
    choropleth = patch["data"][figures.TRACE["choropleth"]]
    if "z" in changed:
        choropleth["z"] = figures.typed(parts["z"])
    if "metric" in changed:
        choropleth["hovertemplate"], choropleth["colorbar"]["title"]["text"] = parts["metric"]
    if "customdata" in changed:
        choropleth["customdata"] = parts["customdata"]
    if points:
        for i, specs in enumerate(figures.project_trace_specs(snap, mask)):
            trace = patch["data"][figures.PROJECT_TRACE_START + i]
            trace["lat"] = specs["lat"]
            trace["lon"] = specs["lon"]
            trace["marker"]["size"] = specs["size"]
            trace["customdata"] = specs["customdata"]
            if "color" in specs:  # one trace per level: each point's sector code
                trace["marker"]["color"] = specs["color"]
    if "annotations" in changed:
        patch["layout"]["annotations"] = parts["annotations"]
    return patch


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
    Output(ids.FILTER_QUERY, "data"),
    Output(ids.MAP_POINTS_KEY, "data"),
    Output(ids.EXPLORER_DRAWN, "data"),
    *FILTER_INPUTS,
    Input(ids.METRIC, "value"),
    Input(ids.SELECTION, "data"),
    State(ids.MAP_POINTS_KEY, "data"),
    State(ids.EXPLORER_DRAWN, "data"),
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
    """Filter once, then send only what changed: the map's project points when the map's filter changed, each
    other map part and each chart only when its digest differs from what the browser holds (``drawn``); an
    unchanged figure is ``no_update`` and is not redrawn. ``config.FAST`` off sends everything every time."""
    snap = snapshot()
    metric = metric if metric in figures.METRICS else figures.DEFAULT_METRIC
    state = state_from_controls(
        snap, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection
    )
    map_mask = snap.mask(state.with_(ids=()))  # the map keeps every filtered point; a selection narrows the rest
    mask = map_mask & snap.index.ids.isin(state.ids) if state.ids else map_mask
    count_sample = int(np.count_nonzero(snap.kpi.is_sample & mask))
    agg = snap.kpi.aggregate(mask)
    updates = figures.chart_updates(snap, mask, agg)
    parts = map_parts(snap, map_mask, metric, bool(np.count_nonzero(snap.kpi.is_sample & map_mask)))
    digests = {**{k: digest(v) for k, v in parts.items()}, **{k: digest(v) for k, v in updates.items()}}
    before = (drawn or {}) if config.FAST else {}
    changed = {key for key, value in digests.items() if before.get(key) != value}
    charts = {key: _chart_patch(update) if key in changed else NOT_SENT for key, update in updates.items()}
    kpi = components.kpi_texts(snap.kpi.kpis(agg=agg))
    points_key = state.with_(ids=()).to_query() or "all"
    points = points_key != drawn_key  # resend points only when the map's filter changed
    # plain JSON (no component or Patch objects): Dash's encoder then serialises it in one orjson call
    return components.plain(
        (
            _map_patch(snap, parts, changed, map_mask, points),
            charts["by_sector"],
            charts["by_municipality"],
            charts["over_time"],
            charts["by_community"],
            *[text for key in components.KPI_KEYS for text in kpi[key]],
            components.filter_sentence(describe(state)),
            components.sample_banner(count_sample),
            components.empty_state(int(np.count_nonzero(mask))),
            page_query(state, metric),
            points_key,
            digests,
        )
    )


def table_note(total: int, shown: int | None = None) -> str:
    if shown is None or total <= shown:
        return f"{total:,} matching"
    return f"showing the {shown:,} largest of {total:,} matching; the CSV has all"


def update_table(sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection):
    """The whole-list table (``TFA_FAST=0``): the largest commitments among the matching projects (at most
    config.TABLE_ROW_LIMIT), sent in one response."""
    snap = snapshot()
    state = state_from_controls(
        snap, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection
    )
    rows, total = table_rows(snap, snap.mask(state), config.TABLE_ROW_LIMIT)
    return rows, table_note(total, len(rows))


def table_block(
    request, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection
):
    """One block of the table for the grid's request (rows ``startRow`` to ``endRow`` in its ``sortModel``), and
    the count of matching projects. Every matching project can be reached by scrolling; the CSV has them all."""
    if not request:
        raise PreventUpdate
    snap = snapshot()
    state = state_from_controls(
        snap, sectors, communities, municipalities, statuses, funders, orgs, years, text, dataset, selection
    )
    rows, total = table_page(
        snap, snap.mask(state), request.get("startRow", 0), request.get("endRow", 0), request.get("sortModel")
    )
    return {"rowData": rows, "rowCount": total}, table_note(total)


if config.FAST:
    callback(
        Output(ids.TABLE, "getRowsResponse"),
        Output(ids.TABLE_NOTE, "children"),
        Input(ids.TABLE, "getRowsRequest"),
        *FILTER_STATES,
        State(ids.SELECTION, "data"),
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
        Output(ids.TABLE_NOTE, "children"),
        *FILTER_INPUTS,
        Input(ids.SELECTION, "data"),
    )(update_table)


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
        return (*[v[k] for k in CONTROL_KEYS], None, no_update)
    if trigger == ids.MAP_CLICK:
        if map_click is None:
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


def selected_ids(snap: Snapshot, points_key: str | None, selected: dict | None) -> list[str] | None:
    """Project ids in a box/lasso selection (points of the project traces only, mapped to rows through the
    filter the points were drawn for: see dashboard.map_points); None when nothing is selected."""
    rows = event_rows(snap, points_key, selected)
    return [str(x) for x in snap.projects["project_id"].iloc[rows]] or None


@callback(
    Output(ids.SELECTION, "data"),
    Input(ids.MAP, "selectedData"),
    State(ids.MAP_POINTS_KEY, "data"),
    prevent_initial_call=True,
)
def select_on_map(selected, points_key):
    """A box or lasso selection on the map narrows the table, KPIs and charts to the selected projects."""
    return selected_ids(snapshot(), points_key, selected)


def project_tooltip(snap: Snapshot, row: int) -> list:
    """What hovering a project shows: its title, committed amount, sector and place, and SAMPLE DATA if so."""
    record = snap.projects.iloc[row]
    sample = bool(record.get("is_sample"))
    level = "near a site" if snap.group[row] % 2 == 0 else "municipality level, drawn at the municipal seat"
    return [
        html.Strong("SAMPLE DATA", className="tooltip-sample d-block") if sample else None,
        html.Strong(str(record["title"]), className="d-block"),
        html.Span(f"Committed: {usd(record.get('committed_usd'), unknown='not given')}", className="d-block"),
        html.Span(
            f"{str(record['sector']).capitalize()} · {municipality_label(str(record['municipality']))} · {level}",
            className="d-block tooltip-meta",
        ),
        html.Span("Click for details", className="d-block tooltip-meta"),
    ]


@callback(
    Output(ids.MAP_TOOLTIP, "show"),
    Output(ids.MAP_TOOLTIP, "bbox"),
    Output(ids.MAP_TOOLTIP, "children"),
    Input(ids.MAP, "hoverData"),
    State(ids.MAP_POINTS_KEY, "data"),
    prevent_initial_call=True,
)
def hover_project(hover, points_key):
    """Hovering a project point shows its tooltip; other points keep their own hover labels."""
    rows = event_rows(snapshot(), points_key, hover)
    if not rows:
        return False, no_update, no_update
    bbox = hover["points"][0].get("bbox")
    return True, bbox, project_tooltip(snapshot(), rows[0])


# ---------------------------------------------------------------- detail panel


def project_panel(snap: Snapshot, row: int) -> tuple[str, list]:
    record = snap.projects.drop(columns="geometry").iloc[row].to_dict()
    title = str(record["title"]) + (" (SAMPLE)" if record.get("is_sample") else "")
    return title, components.project_detail(record, municipality_label(str(record["municipality"])))


def camp_panel(snap: Snapshot, site_id: str) -> tuple[str, list]:
    history = site_history(snap.static.camps, snap.static.hazards, site_id)
    return history["name_en"], components.camp_detail(history, figures.camp_timeline_figure(history))


def _highlight(snap: Snapshot, row: int | None) -> dash.Patch:
    patch = dash.Patch()
    trace = patch["data"][figures.TRACE["highlight"]]
    trace["lat"] = [] if row is None else [float(snap.lat[row])]
    trace["lon"] = [] if row is None else [float(snap.lon[row])]
    return patch


def _view(patch: dash.Patch, view: dict, revision: str) -> dash.Patch:
    """Set the map's view; a new ``map.uirevision`` makes it win over where the user had panned."""
    patch["layout"]["map"]["center"] = view["center"]
    patch["layout"]["map"]["zoom"] = view["zoom"]
    patch["layout"]["map"]["uirevision"] = revision
    return patch


@callback(
    Output(ids.DETAIL, "is_open"),
    Output(ids.DETAIL_TITLE, "children"),
    Output(ids.DETAIL_BODY, "children"),
    Output(ids.MAP, "figure", allow_duplicate=True),
    Input(ids.MAP_CLICK, "data"),
    Input(ids.TABLE, "cellClicked"),
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
            _view(_highlight(snap, None), site_view(snap.static.camps, site), f"{site}-{clicks}"),
        )
    if trigger == ids.TABLE:
        project_id = (cell or {}).get("rowId")
        rows = np.flatnonzero(snap.index.ids == project_id) if project_id else []
        if len(rows) == 0:
            raise PreventUpdate
        row = int(rows[0])
        return (True, *project_panel(snap, row), _highlight(snap, row))
    point = (map_click or {}).get("points", [{}])[0]
    curve = point.get("curveNumber")
    if curve == figures.TRACE["camp_fill"]:
        return (True, *camp_panel(snap, str(point["customdata"])), _highlight(snap, None))
    rows = event_rows(snap, points_key, map_click)
    if rows:
        return (True, *project_panel(snap, rows[0]), _highlight(snap, rows[0]))
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
        return _view(dash.Patch(), cluster_view(snapshot().static.camps), f"camps-{camps_clicks}")
    if ctx.triggered_id == ids.MAP_VIEW_RESET:
        view = {"center": config.MAP_CENTER, "zoom": config.MAP_ZOOM}
        return _view(dash.Patch(), view, f"whole-{reset_clicks}")
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
