"""The Data page's layout in named parts (Dash components; the page module composes them and holds the callbacks).

* ``sign_in_prompt()``: what a viewer sees instead of the editor's controls.
* ``editor_page(state)``: the editor's page, from ``import_card()`` (with ``upload_area()``), ``edit_card()`` (with
  ``edit_form()``), ``history_card()`` and ``export_card(state)``.
Every id is a constant in ``dashboard.ids`` (DATA_*); the messages and tables that callbacks refresh are in
``data_blocks``.
"""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import auth, components, ids
from dashboard.pages.data_blocks import export_sentence, history_table, store_info
from dashboard.pages.data_logic import EDIT_CHOICES, FORMAT_LABELS, FROM_FILE, column_defs, data_version
from geodata.analysis.filters import FilterState
from geodata.facts.layers import STATUSES
from geodata.io import edit, store, tables
from geodata.io.importers import MAX_UPLOAD_BYTES, money


def project_options() -> list[dict]:
    """Every project of the current portfolio, searchable by title or id; sample rows say so."""
    projects = store.portfolio()
    return [
        {
            "label": f"{r['title']} · {r['project_id']}" + (" · SAMPLE DATA" if r["is_sample"] else ""),
            "value": r["project_id"],
        }
        for _, r in projects.sort_values("title").iterrows()
    ]


def currency_suggestions() -> list[html.Option]:
    """The currencies the ECB quotes (so a typed amount can be converted to USD), with their English names."""
    return [html.Option(value=code, label=f"{code} · {name}") for code, name in money.convertible_currencies()]


def edit_form() -> html.Div:
    """An input for every editable field (empty until a project is chosen)."""
    wide = {"title", "sources"}
    cols = []
    for name, label in edit.EDITABLE.items():
        cid = ids.DATA_EDIT_FIELDS[name]
        if name in EDIT_CHOICES:
            control = dcc.Dropdown(id=cid, options=EDIT_CHOICES[name], clearable=False)
        elif name == "currency":  # any ISO 4217 code, typed; the ones the ECB quotes are suggested
            control = [
                dbc.Input(
                    id=cid, type="text", size="sm", maxLength=3, list=ids.DATA_EDIT_CURRENCIES, autoComplete="off"
                ),
                html.Datalist(id=ids.DATA_EDIT_CURRENCIES, children=currency_suggestions()),
                html.Div(
                    "ISO 4217 code; amounts are converted to USD at the ECB rate of the start date",
                    className="form-text small",
                ),
            ]
        elif name == "sources":
            control = dbc.Textarea(id=cid, rows=2, size="sm")
        else:
            control = dbc.Input(id=cid, type="text", size="sm")
        controls = control if isinstance(control, list) else [control]
        cols.append(
            dbc.Col([html.Label(label, htmlFor=cid, className="filter-label"), *controls], md=12 if name in wide else 3)
        )
    return html.Div(dbc.Row(cols, className="g-2 mb-2"), id=ids.DATA_EDIT_FORM)


def sign_in_prompt() -> html.Div:
    """What a viewer sees instead of the editor's controls (which are not sent, and whose callbacks the server
    refuses without an editor's session)."""
    account = auth.current_account()
    why = (
        f"You are signed in as {account.name} ({account.role}); loading and correcting data needs an editor account."
        if account
        else "Loading, correcting and rolling back the portfolio, and exports with exact figures, are for program "
        "managers."
    )
    return html.Div(
        [
            html.H1("Data", className="h3"),
            dbc.Alert(
                [why, " ", html.A("Sign in as an editor", href="/login?next=/data", className="alert-link"), "."],
                color="info",
                id=ids.DATA_SIGN_IN_PROMPT,
            ),
            html.P(
                "Everyone can explore the map, the coverage and the briefing, and download their data with small "
                "counts suppressed.",
                className="small text-muted",
            ),
        ],
        className="data-page",
    )


def upload_area() -> dcc.Upload:
    """The drop zone: a project file, dragged or chosen (it stays in the browser until an action sends it)."""
    return dcc.Upload(
        id=ids.DATA_UPLOAD,
        children=html.Div(
            [
                html.Strong("Drag and drop a project file here, or click to choose one. "),
                html.Span(
                    "CSV, HXL-tagged CSV, Excel (.xlsx), GeoJSON, GeoPackage, zipped Shapefile or IATI activity XML; "
                    f"up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB.",
                    className="small",
                ),
            ]
        ),
        className="data-upload",
        style={
            "border": "2px dashed #6c757d",
            "borderRadius": "8px",
            "padding": "1.5rem",
            "textAlign": "center",
            "cursor": "pointer",
            "background": "#f8f9fa",
        },
        multiple=False,
    )


def _choice(label: str, component_id: str, options: list[dict], value: str, hint: str) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=component_id, className="filter-label"),
            dcc.Dropdown(id=component_id, options=options, value=value, clearable=False),
            html.Div(hint, className="small text-muted"),
        ],
        className="mb-2",
    )


def file_choices() -> html.Div:
    """What the file may not say itself: its format, the currency of its amounts, the status of its rows (a 3W
    sheet often has neither). "From the file" never guesses; a chosen value is noted on each row it fills."""
    from_file = {"label": "From the file", "value": FROM_FILE}
    return html.Div(
        [
            _choice(
                "Format",
                ids.DATA_FORMAT,
                [{"label": "Detect from the file", "value": "auto"}]
                + [{"label": v, "value": k} for k, v in FORMAT_LABELS.items()],
                "auto",
                "",
            ),
            _choice(
                "Currency of amounts",
                ids.DATA_CURRENCY,
                [from_file] + [{"label": code, "value": code} for code in sorted(money.iso_currencies())],
                FROM_FILE,
                "For a file without a currency column; converted to USD at the ECB rate of the row's date.",
            ),
            _choice(
                "Status of rows without one",
                ids.DATA_DEFAULT_STATUS,
                [from_file] + [{"label": s.capitalize(), "value": s} for s in STATUSES],
                FROM_FILE,
                "For a sheet without a status column; noted on each row it fills.",
            ),
        ]
    )


def import_card() -> dbc.Card:
    """Upload, format, the report, the commit/cancel buttons, what a running job is doing, and the preview grid."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Import projects", className="h5"),
                html.P(
                    "Rows are checked against the project schema (places, sectors, amounts, dates, duplicates, "
                    "formula-like cells). Nothing is written until you commit. Imported rows are real data "
                    "(dataset “documented”) unless the file marks them as sample.",
                    className="small text-muted",
                ),
                dbc.Row(
                    [
                        dbc.Col(upload_area(), lg=6),
                        dbc.Col(file_choices(), lg=6),
                    ],
                    className="g-2 mb-2",
                ),
                html.Div(id=ids.DATA_REPORT),
                dbc.Checkbox(
                    id=ids.DATA_REPLACE_DOCUMENTED,
                    label="Replace documented projects: also write the rows listed as needing a choice "
                    "(recorded in the import history)",
                    value=False,
                    className="small mb-2",
                ),
                html.Div(
                    [
                        dbc.Button(
                            "Commit valid rows",
                            id=ids.DATA_COMMIT_VALID,
                            color="primary",
                            className="me-2",
                            disabled=True,
                        ),
                        dbc.Button(
                            "Commit all or nothing",
                            id=ids.DATA_COMMIT_ALL,
                            color="secondary",
                            className="me-2",
                            disabled=True,
                        ),
                        dbc.Button("Cancel", id=ids.DATA_CANCEL, color="link", className="me-2", disabled=True),
                        dbc.Button(
                            "Download error report (CSV)",
                            id=ids.DATA_REPORT_BUTTON,
                            color="outline-secondary",
                            disabled=True,
                        ),
                        dcc.Download(id=ids.DATA_REPORT_DOWNLOAD),
                    ],
                    id=ids.DATA_ACTIONS,
                    className="mb-2",
                ),
                html.Div(id=ids.DATA_BUSY, className="small text-muted mb-2", **{"aria-live": "polite"}),
                html.Div(id=ids.DATA_RESULT, **{"aria-live": "polite"}),
                dag.AgGrid(
                    id=ids.DATA_GRID,
                    columnDefs=column_defs(),
                    rowData=[],
                    defaultColDef={"sortable": True, "resizable": True, "filter": True},
                    dashGridOptions={"tooltipShowDelay": 200, "animateRows": False, "domLayout": "normal"},
                    className="ag-theme-alpine",
                    style={"height": "300px", "width": "100%"},
                ),
            ]
        ),
        className="mb-3",
    )


def edit_card() -> dbc.Card:
    """The correction form: a stored project, its fields, Check and Save."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Correct a project", className="h5"),
                html.P(
                    "Choose a stored project, change its fields and check them: the checks are an import's. A saved "
                    "correction is logged in the history and can be rolled back like an import. Sample rows stay "
                    "marked as SAMPLE DATA.",
                    className="small text-muted",
                ),
                dcc.Dropdown(
                    id=ids.DATA_EDIT_PROJECT,
                    options=project_options(),
                    placeholder="Search a project by title or id…",
                    searchable=True,
                    className="mb-2",
                ),
                html.P(id=ids.DATA_EDIT_SAMPLE_NOTE, className="small mb-2"),
                edit_form(),
                html.Div(
                    [
                        dbc.Button("Check", id=ids.DATA_EDIT_CHECK, color="secondary", className="me-2", disabled=True),
                        dbc.Button("Save correction", id=ids.DATA_EDIT_SAVE, color="primary", disabled=True),
                    ],
                    className="mb-2",
                ),
                html.Div(id=ids.DATA_EDIT_RESULT, **{"aria-live": "polite"}),
                dcc.Store(id=ids.DATA_EDIT_TOKEN),
            ]
        ),
        className="mb-3",
    )


def history_card() -> dbc.Card:
    """The store line and the import history with its rollback buttons."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Import history", className="h5"),
                html.P(store_info(), id=ids.DATA_STORE_INFO, className="small text-muted"),
                html.Div(history_table(store.history()), id=ids.DATA_HISTORY),
            ]
        ),
        className="mb-3",
    )


def export_card(state: FilterState) -> dbc.Card:
    """Export the view the URL's filters describe; the filter and the store's version kept for the callbacks."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2("Export current view", className="h5"),
                html.P(export_sentence(state), id=ids.DATA_EXPORT_SENTENCE, className="small"),
                html.P(
                    "The file carries its provenance (source files, import ids, export time, filters); spreadsheet "
                    "cells that could run as formulas are escaped.",
                    className="small text-muted",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            dcc.Dropdown(
                                id=ids.DATA_EXPORT_FORMAT,
                                options=[{"label": FORMAT_LABELS.get(f, f), "value": f} for f in tables.EXPORT_FORMATS],
                                value="csv",
                                clearable=False,
                            ),
                            md=4,
                        ),
                        dbc.Col(dbc.Button("Export", id=ids.DATA_EXPORT_BUTTON, color="primary"), md="auto"),
                        dbc.Col(
                            dbc.Checkbox(
                                id=ids.DATA_EXPORT_EXACT,
                                label="Exact figures (editors): counts of people from 1 to 9 as they are, not <10; "
                                "the file says so. Not for publication.",
                                value=False,
                            ),
                            md=12,
                        ),
                    ],
                    className="g-2",
                ),
                dcc.Download(id=ids.DATA_EXPORT_DOWNLOAD),
                dcc.Store(id=ids.DATA_FILTER, data=state.to_query()),
                dcc.Store(id=ids.DATA_VERSION, data=data_version()),
            ]
        ),
        className="mb-3",
    )


def editor_page(state: FilterState) -> html.Div:
    """The editor's page: import, correct, history, export (in this order)."""
    return html.Div(
        [
            html.H1("Data", className="h3"),
            components.filter_sentence(
                "Load, check, correct and export the project portfolio. A failed or rejected import changes nothing."
            ),
            import_card(),
            edit_card(),
            history_card(),
            export_card(state),
        ],
        className="data-page",
    )
