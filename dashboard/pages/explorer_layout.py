"""The explorer's layout in named parts (Dash components; the page module composes them and holds the callbacks).

* ``filter_panel(snap, values)``: the filters (sidebar on wide screens, off-canvas on phones).
* ``summary_side(snap, state, mask)``: the filter sentence, link notes, sample banner, empty state, KPIs and the
  Trust Fund card.
* ``map_card(snap, metric, first)``: the metric and base-map controls, the map with its tooltip and its stores (the
  page's first view, when the layout brings it), the legend, the camp key and the hint line.
* ``charts_row(charts)``, ``detail_panel()``; the table's parts are in ``explorer_table``.
Every id is a constant in ``dashboard.ids``.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import numpy as np
from dash import dcc, html

from dashboard import components, figures, geo_assets, ids
from dashboard.camp_key import camp_key
from dashboard.data import Snapshot, municipality_label
from dashboard.pages import explorer_updates
from dashboard.pages.explorer_updates import FirstView
from geodata.analysis.filters import FilterState, describe, name_options
from geodata.analysis.kpis import trust_fund_status
from geodata.facts.layers import COMMUNITIES, SECTORS, STATUSES
from geodata.facts.municipality_registry import BY_CODE

#: Who the camps were for and why they matter, in one line (facts: the camps layer's sources, the 2016 Opinion).
INTRO = (
    "Former camps for displaced Roma, Ashkali and Egyptian (RAE) families in northern Kosovo, most of them beside "
    "the waste heaps of the Trepča lead smelter, where many children were lead-poisoned; in 2016 the UN Human "
    "Rights Advisory Panel found that UNMIK had violated their rights."
)


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
            # the names of the chosen dataset's projects (and any name chosen); the callback on the dataset
            # choice gives each its new list from the store below
            _dropdown(
                ids.FUNDER,
                "Funder",
                name_options(snap.funders[values["dataset"]], values["funders"]),
                values["funders"],
                "Any funder",
            ),
            _dropdown(
                ids.ORG,
                "Implementing organisation",
                name_options(snap.orgs[values["dataset"]], values["orgs"]),
                values["orgs"],
                "Any organisation",
            ),
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
            # not None: a memory Store whose data is None reports its data as changed when it mounts (its store
            # holds nothing yet), which fired both click callbacks at every page load, and the main callback,
            # whose inputs they may set, waited for their answers; no selection is [] for the same reason (the
            # main callback listens to it, and the page's first view is in its layout)
            dcc.Store(id=ids.SELECTION, data=values["selection"] or []),
            dcc.Store(id=ids.NAME_OPTIONS, data={"funders": snap.funders, "orgs": snap.orgs}),
            dcc.Store(id=ids.MAP_CLICK, data={}),
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
            html.H2("Camps and return site:", className="camp-key-title", id=ids.CAMP_KEY_TITLE),
            html.Ol(items, className="camp-key-list", **{"aria-labelledby": ids.CAMP_KEY_TITLE}),
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


def _chart(component_id: str, figure) -> dbc.Col:
    return dbc.Col(
        html.Div(
            dcc.Graph(id=component_id, figure=figure, config={"displayModeBar": False, "responsive": True}),
            className="chart-card",
        ),
        lg=6,
    )


def summary_side(snap: Snapshot, state: FilterState, mask: np.ndarray) -> html.Div:
    """What the filters show, beside the map on a wide screen (assets/app.css), so the map never moves when a
    filter changes these texts (a second click on a polygon lands on the same polygon)."""
    return html.Div(
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
                children=components.sample_banner(int(np.count_nonzero(snap.kpi.is_sample & mask))),
            ),
            html.Div(
                id=ids.EMPTY_STATE,
                role="status",
                children=components.empty_state(int(mask.sum())),
            ),
            dbc.Row(
                [
                    dbc.Col(
                        html.Div(id=ids.KPIS, children=components.kpi_cards(snap.kpi.kpis(mask))),
                        xl=8,
                    ),
                    dbc.Col(
                        html.Div(
                            components.trust_fund_card(trust_fund_status(snap.static.trust_fund)),
                            id=ids.TRUST_FUND,
                        ),
                        xl=4,
                    ),
                ],
                className="g-2 summary-row",
            ),
        ],
        className="explorer-side",
    )


def map_card(snap: Snapshot, metric: str, first: FirstView | None = None) -> html.Div:
    """The metric and base-map controls, the map with its tooltip, shading (``figures.shading``) and project points
    (``figures.points_layer``), then under it the legend, the camp key and the hint line.

    With the page's ``first`` view (``config.EXPLORER_FIRST_VIEW``) the map's stores hold its points and shading
    for the URL's filters, and what the page then holds drawn; without it, the shell shaded over every project,
    and the main callback sends the rest."""
    polygons = geo_assets.polygons_url(snap.static)
    view = first.content if first else None
    return html.Div(
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
                        figure=first.map_figure if first else explorer_updates.map_shell(snap, metric),
                        config={
                            "scrollZoom": True,
                            "displaylogo": False,
                            "responsive": True,
                            "modeBarButtonsToRemove": ["toImage"],
                        },
                        className="explorer-map",
                        style={"height": "clamp(440px, calc(100vh - 300px), 760px)"},
                        clear_on_unhover=True,  # the pointer leaving a project (even off the map) hides its tooltip
                    ),
                    dcc.Tooltip(id=ids.MAP_TOOLTIP, direction="bottom", className="map-tooltip"),
                    dcc.Store(
                        id=ids.MAP_SHADING,
                        data=view.parts["shading"] if view else figures.shell_shading(snap, metric, polygons),
                    ),
                    dcc.Store(id=ids.MAP_POINTS, data=first.points if first else None),
                    dcc.Store(id=ids.MAP_POINTS_SELECTED, data=view.held if view else None),
                    dcc.Store(id=ids.MAP_POINTS_KEY, data=view.points_key if view else None),
                    dcc.Store(id=ids.EXPLORER_DRAWN, data=view.digests if view else None),
                    dcc.Store(id=ids.EXPLORER_QUERY, data=first.query if first else None),
                    dcc.Store(id=ids.MAP_LAYERS, data=""),
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
    )


def charts_row(charts: dict) -> dbc.Row:
    """The four charts, two by two."""
    return dbc.Row(
        [
            _chart(ids.CHART_SECTOR, charts["by_sector"]),
            _chart(ids.CHART_MUNICIPALITY, charts["by_municipality"]),
            _chart(ids.CHART_TIME, charts["over_time"]),
            _chart(ids.CHART_COMMUNITY, charts["by_community"]),
        ],
        className="g-2 charts-row draw-in-view",
    )


def detail_panel() -> dbc.Offcanvas:
    """The off-canvas panel a project's details or a camp's history open in."""
    return dbc.Offcanvas(
        html.Div(id=ids.DETAIL_BODY),
        id=ids.DETAIL,
        title=html.Span(id=ids.DETAIL_TITLE),
        placement="end",
        is_open=False,
        scrollable=True,
        className="detail-panel",
    )
