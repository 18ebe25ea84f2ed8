"""Build the Dash app: the outer layout (navbar, shared filter store, error alert) and ``dash.page_container``.

``create_app(projects=None)`` loads and validates every layer first, so bad data stops start-up with the
file, row, field and value of each problem (a ``LayerError``), never a half-drawn map. ``projects`` replaces
the projects layer (the benchmark's synthetic portfolios, tests). Pages live in ``dashboard/pages``; each
registers itself and owns its callbacks.
"""

from __future__ import annotations

import logging

import dash
import dash_bootstrap_components as dbc
import geopandas as gpd
from dash import ALL, Dash, Input, Output, State, dcc, html, set_props

from dashboard import auth, config, data, geo_assets, heap, ids, jobs, page_scripts, security, transfer
from geodata import LAYERS, load
from geodata.io.leftovers import clean_leftovers

log = logging.getLogger("dashboard")

ERROR_MESSAGE = "Couldn't update the view. The error has been logged."

#: Dash's page template with the page language declared (screen readers pick their voice from it).
INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def check_layers() -> None:
    """Load (and so validate) every layer; raises ``LayerError`` listing every problem."""
    for name in LAYERS:
        load(name)


def on_error(err: Exception) -> None:
    """One handler for unexpected callback failures: log the traceback, tell the user plainly."""
    log.error("callback failed", exc_info=err)
    set_props(ids.ERROR_ALERT, {"children": jobs.job_failure_message(err) or ERROR_MESSAGE, "is_open": True})


def account_nav_item() -> dbc.NavItem:
    """'Sign in', or the signed-in account and 'Sign out' (a form that posts to /logout)."""
    account = auth.current_account()
    if account is None:
        return dbc.NavItem(dbc.NavLink("Sign in", href="/login", id=ids.SIGN_IN))
    return dbc.NavItem(
        html.Form(
            [
                html.Span(f"{account.name} ({account.role})", className="navbar-text me-2"),
                dbc.Button("Sign out", type="submit", size="sm", color="light", outline=True),
            ],
            action="/logout",
            method="POST",
            className="d-flex align-items-center ms-lg-2",
        ),
        id=ids.ACCOUNT,
    )


def navbar() -> dbc.Navbar:
    links = [
        dbc.NavItem(
            dbc.NavLink(
                page["name"],
                href=page["relative_path"],
                active="exact",
                id={"type": "nav-link", "path": page["relative_path"]},
            )
        )
        for page in dash.page_registry.values()
        if page.get("path") and not page.get("hidden")
    ]
    links.append(account_nav_item())
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [
                        html.Span("Trust Fund Atlas", className="brand-name"),
                        html.Span(
                            "Former IDP camps of northern Kosovo and Roma, Ashkali and Egyptian community projects",
                            className="brand-tagline d-none d-md-inline",
                        ),
                    ],
                    href="/",
                ),
                dbc.Nav(links, navbar=True, className="ms-auto"),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="mb-3 app-navbar",
        id=ids.NAVBAR,
    )


def outer_layout() -> html.Div:
    return html.Div(
        [
            html.A("Skip to content", href="#main", className="visually-hidden-focusable skip-link"),
            navbar(),
            dcc.Store(id=ids.FILTER_QUERY, storage_type="memory"),
            html.Div(id="url-sync", hidden=True),
            dbc.Container(
                [
                    dbc.Alert(id=ids.ERROR_ALERT, color="danger", is_open=False, dismissable=True),
                    # tabIndex -1: the skip link moves keyboard focus here, not just the scroll position
                    html.Main(dash.page_container, id="main", tabIndex=-1),
                ],
                fluid=True,
            ),
        ]
    )


# Keep the address bar and the navbar links in step with the filters, without reloading the page
# (history.replaceState does not notify the pages router).
_SYNC_URL = """
function(query, linkIds) {
    const q = query ? "?" + query : "";
    if (query !== undefined && query !== null && window.location.search !== q) {
        window.history.replaceState(window.history.state, "", window.location.pathname + q);
    }
    return (linkIds || []).map(function(id) { return id.path + q; });
}
"""


def create_app(projects: gpd.GeoDataFrame | None = None) -> Dash:
    """The Dash app over the embedded layers, or over ``projects`` instead of the projects layer."""
    clean_leftovers()  # temporary store files a crashed write left behind
    check_layers()
    data.use_projects(projects)
    data.snapshot()  # build the arrays and polygons now, not on the first request
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(config.PAGES_DIR),
        assets_folder=str(config.ASSETS_DIR),
        # TFA_FAST=0 keeps Dash's full plotly.js, as before the bundle (assets/vendor/), for comparison
        assets_path_ignore=[] if config.FAST else ["^vendor$"],
        title=config.TITLE,
        index_string=INDEX_STRING,
        update_title=None,
        on_error=on_error,
        # Pages add their components later; and Dash would otherwise send every page's layout (the Data page's
        # editor content too) to every visitor as its validation layout
        suppress_callback_exceptions=True,
        serve_locally=True,
        meta_tags=[
            {"name": "viewport", "content": "width=device-width, initial-scale=1"},
            # read by assets/map_frames.js: "0" restores MapLibre's own frames with the other fast paths
            {"name": "tfa-fast-paths", "content": "1" if config.FAST else "0"},
        ],
    )
    app.layout = outer_layout
    if config.FAST and not config.PLOTLY_BUNDLE.exists():
        log.warning(
            "%s is not built (make plotly-bundle): the pages load the full plotly.js, about a second slower",
            config.PLOTLY_BUNDLE.relative_to(config.ROOT),
        )
    if page_scripts.polyfill_left_out():
        page_scripts.leave_out_polyfill()  # Dash's Babel polyfill: only its regeneratorRuntime is needed, built apart
    security.install(app)  # sign-in, per-callback roles, cross-site checks, body limits, security headers
    geo_assets.install(app.server, app.config.routes_pathname_prefix)  # the polygons the maps load by URL
    transfer.install(
        app.server, app.config.assets_url_path, config.ASSETS_DIR
    )  # compressed text; assets kept by their version
    heap.install(app.server)  # freed memory goes back to the system whenever the last request has been sent
    app.clientside_callback(
        _SYNC_URL,
        Output({"type": "nav-link", "path": ALL}, "href"),
        Input(ids.FILTER_QUERY, "data"),
        State({"type": "nav-link", "path": ALL}, "id"),
    )
    heap.release()  # what reading and indexing the data freed
    return app
