"""Briefing (path "/briefing"): the current view, presented full screen and exported.

The page takes the explorer's URL query (``FilterState.from_query``), so "Present" in the explorer opens the
same selection. No filter controls: a stack of full-screen panels (title and key figures with the Trust Fund's
status in one line, the Trust Fund, the map, the four charts of the deck, sources), stepped with the arrow keys
or Page Up/Down (``assets/briefing.js``) and printed one panel per landscape page, A4 or Letter
(``assets/briefing.css``). Each figure fills the rest of its panel, and the map's view is fitted to the
matching projects and camps at the panel's size (``data-extent``). Everything shown comes from
``dashboard.exports.content.build_briefing``, the same function the slides and images use; hovering a project on
the map shows the explorer's tooltip (``hover_project``), since the figure carries no text per point.

Exports run as Dash background callbacks with a ``DiskcacheManager``: each job runs in its own process (one
warm Chromium for all its images), reports progress to a progress bar, and never holds a web worker, so
other users' callbacks are not blocked. The job queue lives on disk (``$TFA_JOBS_DIR``, else a directory
under the system temp dir), so it works the same under several gunicorn workers.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import figures, geo_assets, jobs
from dashboard.data import snapshot
from dashboard.exports import ExportError, service
from dashboard.exports import content as C
from dashboard.pages.explorer_updates import marker_tooltip, tooltip_outputs
from geodata.analysis.filters import FilterState

dash.register_page(__name__, path="/briefing", name="Briefing", order=90, title="Briefing · Trust Fund Atlas")

# Component ids of this page (kept here: only this page and its tests use them).
ROOT = "briefing-root"
QUERY = "briefing-query"
COUNTER = "briefing-counter"
PREV = "briefing-prev"
NEXT = "briefing-next"
FULLSCREEN = "briefing-fullscreen"
EXPORT_PPTX = "briefing-export-pptx"
EXPORT_PDF = "briefing-export-pdf"
EXPORT_PNG = "briefing-export-png"
EXPORT_SVG = "briefing-export-svg"
EXPORT_PROGRESS = "briefing-export-progress"
EXPORT_STATUS = "briefing-export-status"
DOWNLOAD = "briefing-download"
MAP_TOOLTIP = "briefing-map-tooltip"  # dcc.Tooltip: the hovered project's title and figures
EXPORT_BUTTONS = {EXPORT_PPTX: "pptx", EXPORT_PDF: "pdf", EXPORT_PNG: "png", EXPORT_SVG: "svg"}
PANEL_CLASS = "briefing-panel"


#: Background export jobs: the app's one manager (``dashboard.jobs``); results expire after an hour.
JOBS = jobs.MANAGER


def _graph(fig: go.Figure, name: str, designation: str) -> dcc.Graph:
    """A figure that fills the rest of its panel (``assets/briefing.css``: the panel is one screen high and the
    graph takes what the heading and caption leave), with presentation-size type. The panel carries the
    designation footnote, so a copy drawn on the figure itself is left out."""
    shown = C.unbounded_spec(fig.to_dict())  # a copy, as plain JSON; the page fits the map's view to its panel
    layout = shown["layout"]
    layout.pop("height", None)
    layout.pop("title", None)
    layout["autosize"] = True
    layout["font"] = {**layout.get("font", {}), "size": 18}
    layout["annotations"] = [a for a in layout.get("annotations", ()) if a.get("text") != designation]
    polygons = geo_assets.polygons_url(snapshot().static)
    for trace in shown["data"]:  # the map's choropleth is the boundary units: loaded once, not carried inline
        if trace.get("type") == "choroplethmap":
            trace["geojson"] = polygons
    return dcc.Graph(
        id=f"briefing-graph-{name}",
        figure=shown,
        config={"displayModeBar": False, "responsive": True},
        className="briefing-graph",
        clear_on_unhover=name == "map",  # the pointer leaving a project hides its tooltip
    )


def _panel(
    key: str, heading: str, body: list, designation: str, caption: str = "", graph: bool = False, **data
) -> html.Section:
    return html.Section(
        [
            html.H2(heading, className="briefing-heading"),
            html.Div(body, className="briefing-body"),
            html.P(caption, className="briefing-caption") if caption else None,
            html.P(designation, className="briefing-designation"),
        ],
        className=f"{PANEL_CLASS} has-graph" if graph else PANEL_CLASS,
        id=f"briefing-panel-{key}",
        tabIndex="-1",
        **{"aria-label": heading, "data-panel": key, **{f"data-{k}": v for k, v in data.items()}},
    )


def _kpis(briefing: C.Briefing) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.Div(k.value, className="briefing-kpi-value"),
                    html.Div(k.label, className="briefing-kpi-label"),
                    html.Div(k.note, className="briefing-kpi-note"),
                ],
                className="briefing-kpi",
            )
            for k in briefing.kpis
        ],
        className="briefing-kpis",
    )


def _sample_mark(briefing: C.Briefing) -> html.Div | None:
    if not briefing.includes_sample:
        return None
    return html.Div(
        [html.Strong("SAMPLE DATA"), html.Span(" " + briefing.sample_warning.removeprefix("SAMPLE DATA: "))],
        className="briefing-sample",
        role="note",
    )


def _link(url: str) -> html.A:
    host = url.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")
    return html.A(host, href=url, target="_blank", rel="noopener noreferrer")


def _toolbar(briefing: C.Briefing, total: int) -> html.Div:
    exit_href = "/" + (f"?{briefing.query}" if briefing.query else "")
    button = {"color": "light", "outline": True, "size": "sm", "className": "briefing-tool"}
    return html.Div(
        [
            html.A("← Explorer", href=exit_href, className="briefing-exit briefing-tool btn btn-sm btn-outline-light"),
            dbc.Button("‹", id=PREV, title="Previous panel (← or Page Up)", **button),
            html.Span(f"1 / {total}", id=COUNTER, className="briefing-counter", **{"aria-live": "polite"}),
            dbc.Button("›", id=NEXT, title="Next panel (→ or Page Down)", **button),
            dbc.Button("Full screen", id=FULLSCREEN, title="Full screen (F)", **button),
            html.Span("Export:", className="briefing-export-label"),
            dbc.Button("Slides (PPTX)", id=EXPORT_PPTX, **button),
            dbc.Button("PDF", id=EXPORT_PDF, **button),
            dbc.Button("Images (PNG)", id=EXPORT_PNG, **button),
            dbc.Button("Images (SVG)", id=EXPORT_SVG, **button),
            html.Div(
                dbc.Progress(id=EXPORT_PROGRESS, value=0, striped=True, animated=True, className="briefing-progress"),
                id=f"{EXPORT_PROGRESS}-wrap",
                style={"display": "none"},
            ),
            html.Span(id=EXPORT_STATUS, className="briefing-export-status", role="status"),
            dcc.Download(id=DOWNLOAD),
        ],
        className="briefing-toolbar",
    )


def layout(metric: str | None = None, **query) -> html.Div:
    """The briefing for the URL's query (the explorer's filters)."""
    state = FilterState.from_query(query)
    # an unknown metric in the URL falls back to the default (as in the explorer), never a failed page
    briefing = C.build_briefing(state, metric=metric if metric in figures.METRICS else figures.DEFAULT_METRIC)
    figs = briefing.figures
    designation = briefing.designation
    tf = briefing.trust_fund
    panels = [
        html.Section(
            [
                html.H1(briefing.title, className="briefing-title"),
                html.P(briefing.filters, className="briefing-filters"),
                html.P(f"Data as of {briefing.data_date}", className="briefing-date"),
                _sample_mark(briefing),
                _kpis(briefing),
                html.P(
                    [html.Strong(f"{tf.heading}: "), tf.headline],
                    className="briefing-tf-cover",
                ),
                html.P(designation, className="briefing-designation"),
            ],
            className=f"{PANEL_CLASS} briefing-cover is-current",
            id="briefing-panel-cover",
            tabIndex="-1",
            **{"aria-label": "Title and key figures", "data-panel": "cover"},
        ),
        _panel(
            "trust-fund",
            tf.heading,
            [
                html.P(tf.headline, className="briefing-tf-headline"),
                html.Ul([html.Li(line) for line in tf.lines], className="briefing-tf-lines"),
                html.P(["Sources: ", *_joined([_link(u) for u in tf.sources])], className="briefing-sources-line"),
            ],
            designation,
        ),
        _panel(
            "map",
            C.FIGURE_TITLES["map"],
            [
                _graph(figs["map"], "map", designation),
                dcc.Tooltip(id=MAP_TOOLTIP, direction="bottom", className="map-tooltip"),
            ],
            designation,
            C.CAPTIONS["map"],
            graph=True,
            extent=",".join(f"{v:.4f}" for v in briefing.map_extent),  # assets/briefing.js fits the view to it
        ),
    ]
    for key in C.PAGE_CHARTS:
        panels.append(
            _panel(
                key,
                C.figure_title(briefing, key),
                [_graph(figs[key], key, designation)],
                designation,
                C.CAPTIONS[key],
                graph=True,
            )
        )
    panels.append(
        _panel(
            "sources",
            "Sources and methods",
            [
                _sample_mark(briefing),
                html.Div(
                    [
                        html.Div(
                            [html.H3("Layers")]
                            + [html.P([html.Strong(s.heading + ". "), s.text]) for s in briefing.sources],
                            className="briefing-sources-col",
                        ),
                        html.Div(
                            [html.H3("Methods"), html.Ul([html.Li(m) for m in briefing.methods])],
                            className="briefing-sources-col",
                        ),
                    ],
                    className="briefing-sources",
                ),
            ],
            designation,
        )
    )
    return html.Div(
        [dcc.Store(id=QUERY, data=briefing.query), _toolbar(briefing, len(panels)), *panels],
        id=ROOT,
        className="briefing-page" + (" has-sample" if briefing.includes_sample else ""),
    )


@callback(
    Output(MAP_TOOLTIP, "show"),
    Output(MAP_TOOLTIP, "bbox"),
    Output(MAP_TOOLTIP, "direction"),
    Output(MAP_TOOLTIP, "children"),
    Input("briefing-graph-map", "hoverData"),
    State(QUERY, "data"),
    prevent_initial_call=True,
)
def hover_project(hover, query):
    """Hovering a project on the map shows its tooltip, as in the explorer (the figure carries no text per point):
    its points are those of the briefing's filter (``query``), mapped to rows by ``dashboard.map_points``."""
    return tooltip_outputs(hover, marker_tooltip(snapshot(), query or "all", hover, clickable=False))


def _joined(items: list) -> list:
    out: list = []
    for i, item in enumerate(items):
        out += ([", "] if i else []) + [item]
    return out


@callback(
    Output(DOWNLOAD, "data"),
    Output(EXPORT_STATUS, "children"),
    Input(EXPORT_PPTX, "n_clicks"),
    Input(EXPORT_PDF, "n_clicks"),
    Input(EXPORT_PNG, "n_clicks"),
    Input(EXPORT_SVG, "n_clicks"),
    State(QUERY, "data"),
    background=True,
    manager=JOBS,
    progress=[Output(EXPORT_PROGRESS, "value"), Output(EXPORT_PROGRESS, "label")],
    running=[
        *[(Output(b, "disabled"), True, False) for b in EXPORT_BUTTONS],
        (Output(f"{EXPORT_PROGRESS}-wrap", "style"), {"display": "block"}, {"display": "none"}),
    ],
    prevent_initial_call=True,
)
def export_briefing(set_progress, _pptx, _pdf, _png, _svg, query: str | None):
    """Make the export the clicked button asks for, in a background process, reporting each step."""
    fmt = EXPORT_BUTTONS.get(ctx.triggered_id)
    if fmt is None:
        return no_update, no_update
    state = FilterState.from_query(query or "")
    set_progress((2, "Starting"))
    try:
        file = service.briefing(
            fmt, state, progress=lambda done, total, what: set_progress((round(100 * done / total), what))
        )
    except ExportError as exc:
        return no_update, f"Export failed: {exc}"
    return dcc.send_bytes(file.data, file.name, type=file.media_type), f"Ready: {file.name}"
