"""Data (path "/data"): load, check, correct and export the project portfolio.

Upload a file (drag and drop) -> a preview with every invalid cell highlighted (hover for the reason) and the
report -> "Commit valid rows", "Commit all or nothing" or "Cancel". Nothing is written before a commit. The
import history lists every import with a rollback button; the error report downloads as CSV; "Export current
view" writes the portfolio filtered by the URL's filters (the explorer's) with provenance.

The upload stays in the browser (``dcc.Upload.contents``) and each action re-reads it, so any server worker
can answer. Every callback makes one call into ``geodata`` (importers, store, edit, export).

The preview and the commit are background callbacks (``dashboard.jobs``): a large file is read and checked, or
written, in a job process while the page shows what it is doing ("Checking the file…", "Writing the import…") and
holds the upload and the buttons, and the web worker goes on serving other visitors. The request guard refuses
them without an editor's session before a job starts, and again on every poll; the job records the editor who
started it. A full disk (or any failed write) is said in one sentence naming the file, and nothing is written.

Every write (a commit, a saved correction, a rollback) sets ``data-version`` to a token of the store's new state;
``refresh_page`` then rebuilds everything that shows stored data (the project picker, the history, the store line
and the export counts), so the page is current without a reload. The page shows file names and counts, never a
server path, and values as people write them (``22000``, not ``np.float64(22000.0)``).

"Correct a project" edits one stored project's main fields: "Check" lists every problem (the importers' row checks
and the layer validation, through ``geodata.edit``), "Save correction" writes only a correction without problems,
as a logged edit that the history can roll back like an import.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from pathlib import Path

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import auth, components, jobs
from dashboard.data import municipality_label
from dashboard.exports import service
from geodata.analysis.filters import FilterState, describe
from geodata.facts.layers import SECTORS, STATUSES
from geodata.facts.municipality_registry import BY_CODE, MUNICIPALITIES
from geodata.facts.validate import Problem
from geodata.io import edit, store, tables
from geodata.io.diskfull import write_failure
from geodata.io.importers import FORMATS, MAX_UPLOAD_BYTES, ImportFileError, ImportPreview, money, preview_bytes
from geodata.io.importers.base import file_error
from geodata.io.importers.preview import ImportRejected

dash.register_page(__name__, path="/data", name="Data", order=3, title="Data · Trust Fund Atlas")

# Component ids (this page's own; prefixed "data-").
UPLOAD = "data-upload"
FORMAT = "data-format"
REPORT = "data-report"
GRID = "data-preview-grid"
ACTIONS = "data-actions"
COMMIT_VALID = "data-commit-valid"
COMMIT_ALL = "data-commit-all"
CANCEL = "data-cancel"
REPLACE_DOCUMENTED = "data-replace-documented"  # the explicit choice to replace documented projects (logged)
REPORT_BUTTON = "data-report-button"
REPORT_DOWNLOAD = "data-report-download"
RESULT = "data-result"
BUSY = "data-busy"  # what a running preview or commit is doing (set while its job runs)
HISTORY = "data-history"
STORE_INFO = "data-store-info"
ROLLBACK = "data-rollback"  # pattern: {"type": ROLLBACK, "index": import_id}
FILTER = "data-filter-query"
EXPORT_FORMAT = "data-export-format"
EXPORT_BUTTON = "data-export-button"
EXPORT_DOWNLOAD = "data-export-download"
EXPORT_SENTENCE = "data-export-sentence"
EXPORT_EXACT = "data-export-exact"
EDIT_PROJECT = "data-edit-project"
EDIT_FORM = "data-edit-form"
EDIT_SAMPLE_NOTE = "data-edit-sample-note"
EDIT_CHECK = "data-edit-check"
EDIT_SAVE = "data-edit-save"
EDIT_RESULT = "data-edit-result"
EDIT_TOKEN = "data-edit-token"  # the stored row the form was filled from (edit.row_token)
EDIT_CURRENCIES = "data-edit-currencies"  # the currency field's suggestions: the codes the ECB quotes
VERSION = "data-version"  # a token of the store's state, set by every write (data_version)
#: One input per editable field: "data-edit-title", "data-edit-committed", ...
EDIT_FIELDS = {name: f"data-edit-{name.replace('_', '-')}" for name in edit.EDITABLE}
#: Fields chosen from a vocabulary (the rest are typed and parsed like an imported cell).
EDIT_CHOICES = {
    "sector": [{"label": s, "value": s} for s in SECTORS],
    "status": [{"label": s, "value": s} for s in STATUSES],
    "municipality": [
        {"label": " / ".join(dict.fromkeys((m.name_en, m.name_sq, m.name_sr))), "value": m.code}
        for m in sorted(MUNICIPALITIES, key=lambda m: m.name_en)
    ],
}

FORMAT_LABELS = {
    "csv": "CSV",
    "hxl": "HXL-tagged CSV",
    "xlsx": "Excel (.xlsx)",
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "shapefile": "Zipped Shapefile",
    "iati": "IATI activity XML",
}
#: Preview grid columns, in order: what the row is, where, how much (amount, currency, USD) and the rest.
COLUMN_HEADERS = {
    "row": "Row",
    "outcome": "Outcome",
    "project_id": "ID",
    "title": "Title",
    "municipality": "Municipality",
    "committed": "Amount",
    "currency": "Cur.",
    "committed_usd": "USD",
    "coordinates": "Lat, lon",
    "sector": "Sector",
    "disbursed": "Disbursed",
    "disbursed_usd": "Disbursed (USD)",
    "location_precision": "Precision",
    "site_id": "Site",
    "status": "Status",
    "start_date": "Start",
    "end_date": "End",
    "target_communities": "Communities",
    "sectors": "Sectors",
    "implementing_org": "Implementing org.",
    "funder": "Funder",
    "beneficiaries_reached": "People reached",
    "is_sample": "Sample?",
    "sources": "Sources",
}
HEADER_TOOLTIPS = {
    "committed": "Committed amount, in the file's currency",
    "currency": "Currency of the amounts",
    "committed_usd": "Committed amount in USD (empty: the file gives no USD value)",
    "coordinates": "Latitude, longitude (WGS 84)",
}
AMOUNT_FIELDS = ("committed", "committed_usd", "disbursed", "disbursed_usd")
#: Grid column widths (px; default 110), so that the row, its place and its amount fit a 1280 px screen.
COLUMN_WIDTHS = {
    "project_id": 95,
    "municipality": 175,
    "committed": 115,
    "currency": 95,
    "committed_usd": 140,
    "coordinates": 165,
    "disbursed_usd": 140,
    "title": 210,
    "sources": 220,
}
INVALID_STYLE = {"backgroundColor": "#f8d7da", "color": "#58151c", "fontWeight": "600"}


# ---------------------------------------------------------------- pure helpers (tested as plain functions)


def decode_upload(contents: str, filename: str = "upload") -> bytes:
    """The bytes of a ``dcc.Upload`` data URL ("data:<type>;base64,<data>")."""
    _, _, payload = (contents or "").partition(",")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise file_error(filename, "the upload could not be decoded; try again") from None


def read_upload(contents: str, filename: str, fmt: str | None) -> ImportPreview:
    """The preview of an upload; raises ``ImportFileError`` when it cannot be read."""
    data = decode_upload(contents, filename or "upload")
    return preview_bytes(data, filename or "upload", format=fmt if fmt in FORMATS else None)


def column_defs() -> list[dict]:
    """Grid columns: each cell with a problem is shaded and explains itself on hover."""
    defs = []
    for field, header in COLUMN_HEADERS.items():
        col: dict = {"field": field, "headerName": header, "minWidth": 70, "width": COLUMN_WIDTHS.get(field, 110)}
        if field in HEADER_TOOLTIPS:
            col["headerTooltip"] = HEADER_TOOLTIPS[field]
        if field != "outcome":
            col["tooltipField"] = f"_why_{field}"
            col["cellClassRules"] = {"data-cell-invalid": f"params.data && params.data._why_{field} != null"}
            col["cellStyle"] = {
                "styleConditions": [
                    {"condition": f"params.data && params.data._why_{field} != null", "style": INVALID_STYLE}
                ]
            }
        if field == "row":
            col.update(pinned="left", width=80, minWidth=70)
        if field == "outcome":
            col.update(pinned="left", width=110)
            col["cellClassRules"] = {"data-row-rejected": "params.value === 'rejected'"}
            col["cellStyle"] = {
                "styleConditions": [{"condition": "params.value === 'rejected'", "style": INVALID_STYLE}]
            }
        if field in AMOUNT_FIELDS:
            col["type"] = "numericColumn"
            col["valueFormatter"] = {
                "function": "params.value == null ? '' : Number(params.value).toLocaleString('en-GB', "
                "{maximumFractionDigits: 2})"
            }
        defs.append(col)
    return defs


def plain(value: object) -> str:
    """A value as people write it: 22000 (not np.float64(22000.0)), 42.91, text as it is; '' for no value."""
    shown = edit.display_value(value)
    return str(shown) if not isinstance(shown, bool) else ("yes" if shown else "no")


def problem_text(problem: Problem) -> str:
    """One problem: file, row and field, why, and the value as it was written."""
    where = problem.file
    if problem.row is not None:
        where += f", row {problem.row}"
    if problem.field:
        where += f", field {problem.field}"
    value = plain(problem.value) if problem.value is not None else ""
    return f"{where}: {problem.why}" + (f" (value: {value})" if value != "" else "")


def preview_records(preview: ImportPreview) -> list[dict]:
    """The preview's rows for the grid: municipality names instead of codes (a value that is not a known
    municipality stays as written), and the coordinates in one column, flagged with the location's problems."""
    records = []
    for rec in preview.table_records():
        rec = dict(rec)
        code = rec.get("municipality")
        if code in BY_CODE:
            rec["municipality"] = municipality_label(code)
        lat, lon = rec.pop("lat", None), rec.pop("lon", None)
        rec["coordinates"] = f"{lat:.5f}, {lon:.5f}" if lat is not None and lon is not None else None
        why = list(dict.fromkeys(w for w in (rec.pop("_why_lat", None), rec.pop("_why_lon", None)) if w))
        if why:
            rec["_why_coordinates"] = "; ".join(why)
        records.append(rec)
    return records


_NUMPY_REPR = re.compile(r"np\.(?:float|int|uint)\d*\(([-+\d.eE]+|nan)\)")
_NUMPY_STR = re.compile(r"np\.str_\(('[^']*'|\"[^\"]*\")\)")


def message_text(exc: Exception) -> str:
    """An error's message for the page: the store's location is not shown (it is a server path), and numbers
    read as numbers (``np.float64(22000.0)`` -> ``22000``)."""
    text = str(exc)
    for place in sorted({str(store.store_path()), str(store.store_path().parent)}, key=len, reverse=True):
        text = text.replace(place, "the project store")
    text = _NUMPY_REPR.sub(lambda m: plain(float(m.group(1))), text)
    return _NUMPY_STR.sub(lambda m: m.group(1), text)


def write_failure_block(exc: OSError) -> dbc.Alert:
    """A write that failed (a full disk): the sentence the command line prints, without the server path."""
    return dbc.Alert(message_text(write_failure(exc, store.store_path())), color="danger", id="data-write-failed")


def data_version() -> str:
    """A token of the store's state (none yet: the shipped portfolio); it changes with every write."""
    return hashlib.sha256((store.version() or "shipped portfolio").encode()).hexdigest()[:16]


def problem_list(problems, limit: int = 12) -> html.Ul:
    items = [html.Li(problem_text(p) if isinstance(p, Problem) else str(p)) for p in problems[:limit]]
    if len(problems) > limit:
        items.append(html.Li(f"… and {len(problems) - limit} more: download the error report for all of them."))
    return html.Ul(items, className="small mb-0")


def report_block(preview: ImportPreview) -> list:
    """The preview's report: what would happen, the file's problems and warnings."""
    diff = preview.diff()
    head = (
        f"{preview.file_name} ({FORMAT_LABELS.get(preview.format, preview.format)}): {len(preview.rows)} "
        f"{preview.row_label}(s) read, numbered as in the file."
    )
    summary = (
        f"{preview.n_valid} valid: {len(diff['add'])} new, {len(diff['update'])} update(s) of existing projects, "
        f"{len(diff['unchanged'])} unchanged. {preview.n_rejected} rejected."
    )
    out: list = [
        dbc.Alert(
            [html.Strong("Nothing is written yet. "), head, html.Br(), summary],
            color="success" if preview.ok else "warning",
            className="mb-2",
            id="data-report-summary",
        )
    ]
    if preview.file_problems:
        out.append(
            dbc.Alert(
                [html.Strong("The file has problems that affect every row:"), problem_list(preview.file_problems)],
                color="danger",
            )
        )
    row_problems = [p for p in preview.problems if p.row is not None]
    if row_problems:
        out.append(
            html.Details(
                [
                    html.Summary(f"{len(row_problems)} problem(s) in {preview.n_rejected} row(s)"),
                    problem_list(row_problems),
                ],
                open=True,
                className="mb-2",
            )
        )
    held = preview.held_back
    if held:
        out.append(
            dbc.Alert(
                [
                    html.Strong(
                        f"{len(held)} row(s) would replace documented data. They are written only if you tick "
                        "“Replace documented projects”; the history records the choice, and a rollback undoes it."
                    ),
                    problem_list(held),
                ],
                color="warning",
                className="mb-2",
                id="data-held-back",
            )
        )
    if preview.warnings:
        out.append(
            html.Details(
                [html.Summary(f"{len(preview.warnings)} note(s)"), problem_list(preview.warnings)], className="mb-2"
            )
        )
    if preview.ignored:
        out.append(html.P(f"Columns not imported: {', '.join(preview.ignored)}.", className="small text-muted"))
    return out


def file_error_block(filename: str, exc: ImportFileError) -> dbc.Alert:
    problems = exc.problems or []
    why = problem_list(problems) if problems else html.P("The upload could not be decoded.")
    return dbc.Alert(
        [html.Strong(f"{filename or 'The file'} could not be read. Nothing was written."), why],
        color="danger",
        id="data-file-error",
    )


def store_info() -> str:
    if not store.exists():
        return (
            "No project store yet: the shipped portfolio (documented projects and the SAMPLE DATA portfolio) is in "
            "use. The first import creates the store."
        )
    projects = store.current_projects()
    n_sample = int(projects["is_sample"].sum())
    return (
        f"Project store: {len(projects)} projects ({n_sample} SAMPLE DATA), "
        f"{len(store.history())} import(s) and correction(s) in the log."
    )


def history_table(records: list[store.ImportRecord]) -> html.Div:
    """The import log with a rollback button (confirmed in a dialog) for each active import."""
    if not records:
        return html.P("No imports yet.", className="text-muted", id="data-history-empty")
    header = html.Thead(
        html.Tr(
            [
                html.Th(h)
                for h in ("#", "When (UTC)", "File", "SHA-256", "Added", "Updated", "Unchanged", "Rejected", "User", "")
            ]
        )
    )
    rows = []
    for r in records:
        if r.status == store.ACTIVE:
            action = dcc.ConfirmDialogProvider(
                dbc.Button("Roll back", color="outline-danger", size="sm"),
                id={"type": ROLLBACK, "index": r.import_id},
                message=(
                    f"Roll back import {r.import_id} ({r.file_name})? Its {r.rows_added} added row(s) are removed "
                    f"and its {r.rows_updated} replaced row(s) restored."
                ),
            )
        else:
            by = f" by {r.rolled_back_by}" if r.rolled_back_by else ""
            action = html.Span(f"rolled back {r.rolled_back_at}{by}", className="small text-muted")
        rows.append(
            html.Tr(
                [
                    html.Td(r.import_id),
                    html.Td(r.imported_at.replace("+00:00", "")),
                    html.Td(
                        [r.file_name]
                        + (
                            [html.Br(), html.Small(f"replaced documented: {', '.join(r.replaced_documented_ids)}")]
                            if r.replaced_documented
                            else []
                        )
                    ),
                    html.Td(html.Code(r.sha256[:12] + "…", title=r.sha256)),
                    html.Td(r.rows_added),
                    html.Td(r.rows_updated),
                    html.Td(r.rows_unchanged),
                    html.Td(r.rows_rejected),
                    html.Td(r.user or "—"),
                    html.Td(action),
                ],
                className="text-muted" if r.status != store.ACTIVE else None,
            )
        )
    return dbc.Table([header, html.Tbody(rows)], size="sm", hover=True, responsive=True, className="data-history")


def export_sentence(state: FilterState) -> list:
    projects = tables.filtered_portfolio(state)
    n_sample = int(projects["is_sample"].sum())
    text = f"{describe(state)}: {len(projects)} project(s)."
    out: list = [text]
    if n_sample:
        out += [
            " ",
            html.Strong("SAMPLE DATA: "),
            f"{n_sample} of them are illustrative sample rows (marked in the file).",
        ]
    return out


def commit_message(result: store.CommitResult, held: list[Problem] | None = None) -> dbc.Alert:
    """What a commit wrote, and the rows it held back because they would replace documented data."""
    kept = (
        f" Not written: {', '.join(str(p.value) for p in held)} (would replace documented data; tick “Replace "
        "documented projects” to replace them)."
        if held
        else ""
    )
    if result.record is None:
        return dbc.Alert(result.summary() + "." + kept, color="info", id="data-commit-message")
    return dbc.Alert(
        [html.Strong("Imported. "), result.summary(), ". Roll it back from the history below if needed.", kept],
        color="success",
        id="data-commit-message",
    )


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
        cid = EDIT_FIELDS[name]
        if name in EDIT_CHOICES:
            control = dcc.Dropdown(id=cid, options=EDIT_CHOICES[name], clearable=False)
        elif name == "currency":  # any ISO 4217 code, typed; the ones the ECB quotes are suggested
            control = [
                dbc.Input(id=cid, type="text", size="sm", maxLength=3, list=EDIT_CURRENCIES, autoComplete="off"),
                html.Datalist(id=EDIT_CURRENCIES, children=currency_suggestions()),
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
    return html.Div(dbc.Row(cols, className="g-2 mb-2"), id=EDIT_FORM)


def correction_block(correction: edit.Correction) -> dbc.Alert:
    """What "Check" found: every problem (field, value, why), or the changes a save would write."""
    if not correction.ok:
        return dbc.Alert(
            [
                html.Strong(f"{len(correction.problems)} problem(s); nothing can be saved until they are fixed:"),
                html.Ul([html.Li(edit.describe(p)) for p in correction.problems], className="small mb-0"),
            ],
            color="danger",
            id="data-edit-problems",
        )
    if not correction.changes:
        return dbc.Alert("No problems, and nothing to save: the values are the stored ones.", color="info")
    changes = [
        html.Li([html.Code(c), f": {plain(b) or '(empty)'} → {plain(a) or '(empty)'}"])
        for c, b, a in correction.changed_fields()
    ]
    notes = [html.P(n, className="small mb-0") for n in correction.notes]
    return dbc.Alert(
        [html.Strong("No problems. Saving will change:"), html.Ul(changes, className="small mb-1"), *notes],
        color="success",
        id="data-edit-checked",
    )


def refused_block(exc: store.StoreError) -> dbc.Alert:
    problems = getattr(exc, "problems", None)
    body = (
        html.Ul([html.Li(edit.describe(p)) for p in problems], className="small mb-0")
        if problems
        else html.P(message_text(exc), className="small mb-0")
    )
    return dbc.Alert([html.Strong("Not saved; nothing was written."), body], color="danger", id="data-edit-problems")


def saved_block(correction: edit.Correction, result: store.CommitResult) -> dbc.Alert:
    if result.record is None:
        return dbc.Alert("Nothing saved: the values are the stored ones.", color="info", id="data-edit-saved")
    fields = ", ".join(c for c, _, _ in correction.changed_fields())
    return dbc.Alert(
        [
            html.Strong(f"Saved as import {result.record.import_id}. "),
            f"{correction.project_id}: {fields} corrected. Roll it back from the history below if needed.",
        ],
        color="success",
        id="data-edit-saved",
    )


# ---------------------------------------------------------------- layout


SIGN_IN_PROMPT = "data-sign-in-prompt"


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
                id=SIGN_IN_PROMPT,
            ),
            html.P(
                "Everyone can explore the map, the coverage and the briefing, and download their data with small "
                "counts suppressed.",
                className="small text-muted",
            ),
        ],
        className="data-page",
    )


def layout(**query) -> html.Div:
    if not auth.can_edit():
        return sign_in_prompt()
    state = FilterState.from_query(query)
    upload = dcc.Upload(
        id=UPLOAD,
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
    import_card = dbc.Card(
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
                        dbc.Col(upload, md=9),
                        dbc.Col(
                            [
                                html.Label("Format", htmlFor=FORMAT, className="filter-label"),
                                dcc.Dropdown(
                                    id=FORMAT,
                                    options=[{"label": "Detect from the file", "value": "auto"}]
                                    + [{"label": v, "value": k} for k, v in FORMAT_LABELS.items()],
                                    value="auto",
                                    clearable=False,
                                ),
                            ],
                            md=3,
                        ),
                    ],
                    className="g-2 mb-2",
                ),
                html.Div(id=REPORT),
                dbc.Checkbox(
                    id=REPLACE_DOCUMENTED,
                    label="Replace documented projects: also write the rows listed as needing a choice "
                    "(recorded in the import history)",
                    value=False,
                    className="small mb-2",
                ),
                html.Div(
                    [
                        dbc.Button(
                            "Commit valid rows", id=COMMIT_VALID, color="primary", className="me-2", disabled=True
                        ),
                        dbc.Button(
                            "Commit all or nothing", id=COMMIT_ALL, color="secondary", className="me-2", disabled=True
                        ),
                        dbc.Button("Cancel", id=CANCEL, color="link", className="me-2", disabled=True),
                        dbc.Button(
                            "Download error report (CSV)", id=REPORT_BUTTON, color="outline-secondary", disabled=True
                        ),
                        dcc.Download(id=REPORT_DOWNLOAD),
                    ],
                    id=ACTIONS,
                    className="mb-2",
                ),
                html.Div(id=BUSY, className="small text-muted mb-2", **{"aria-live": "polite"}),
                html.Div(id=RESULT, **{"aria-live": "polite"}),
                dag.AgGrid(
                    id=GRID,
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
    edit_card = dbc.Card(
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
                    id=EDIT_PROJECT,
                    options=project_options(),
                    placeholder="Search a project by title or id…",
                    searchable=True,
                    className="mb-2",
                ),
                html.P(id=EDIT_SAMPLE_NOTE, className="small mb-2"),
                edit_form(),
                html.Div(
                    [
                        dbc.Button("Check", id=EDIT_CHECK, color="secondary", className="me-2", disabled=True),
                        dbc.Button("Save correction", id=EDIT_SAVE, color="primary", disabled=True),
                    ],
                    className="mb-2",
                ),
                html.Div(id=EDIT_RESULT, **{"aria-live": "polite"}),
                dcc.Store(id=EDIT_TOKEN),
            ]
        ),
        className="mb-3",
    )
    history_card = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Import history", className="h5"),
                html.P(store_info(), id=STORE_INFO, className="small text-muted"),
                html.Div(history_table(store.history()), id=HISTORY),
            ]
        ),
        className="mb-3",
    )
    export_card = dbc.Card(
        dbc.CardBody(
            [
                html.H2("Export current view", className="h5"),
                html.P(export_sentence(state), id=EXPORT_SENTENCE, className="small"),
                html.P(
                    "The file carries its provenance (source files, import ids, export time, filters); spreadsheet "
                    "cells that could run as formulas are escaped.",
                    className="small text-muted",
                ),
                dbc.Row(
                    [
                        dbc.Col(
                            dcc.Dropdown(
                                id=EXPORT_FORMAT,
                                options=[{"label": FORMAT_LABELS.get(f, f), "value": f} for f in tables.EXPORT_FORMATS],
                                value="csv",
                                clearable=False,
                            ),
                            md=4,
                        ),
                        dbc.Col(dbc.Button("Export", id=EXPORT_BUTTON, color="primary"), md="auto"),
                        dbc.Col(
                            dbc.Checkbox(
                                id=EXPORT_EXACT,
                                label="Exact figures (editors): counts of people from 1 to 9 as they are, not <10; "
                                "the file says so. Not for publication.",
                                value=False,
                            ),
                            md=12,
                        ),
                    ],
                    className="g-2",
                ),
                dcc.Download(id=EXPORT_DOWNLOAD),
                dcc.Store(id=FILTER, data=state.to_query()),
                dcc.Store(id=VERSION, data=data_version()),
            ]
        ),
        className="mb-3",
    )
    return html.Div(
        [
            html.H1("Data", className="h3"),
            components.filter_sentence(
                "Load, check, correct and export the project portfolio. A failed or rejected import changes nothing."
            ),
            import_card,
            edit_card,
            history_card,
            export_card,
        ],
        className="data-page",
    )


# ---------------------------------------------------------------- callbacks


@callback(
    Output(REPORT, "children"),
    Output(GRID, "rowData"),
    Output(COMMIT_VALID, "disabled"),
    Output(COMMIT_ALL, "disabled"),
    Output(CANCEL, "disabled"),
    Output(REPORT_BUTTON, "disabled"),
    Output(COMMIT_VALID, "children"),
    Input(UPLOAD, "contents"),
    Input(FORMAT, "value"),
    State(UPLOAD, "filename"),
    Input(REPLACE_DOCUMENTED, "value"),  # Dash passes arguments in this order
    background=True,
    manager=jobs.MANAGER,
    running=[
        (Output(BUSY, "children"), [dbc.Spinner(size="sm"), " Checking the file…"], None),
        (Output(UPLOAD, "disabled"), True, False),
        (Output(ACTIONS, "style"), {"pointerEvents": "none", "opacity": 0.6}, None),
    ],
    prevent_initial_call=True,
)
def show_preview(contents, fmt, filename, replace_documented=False):
    """Read and check the upload; show the report and the rows (nothing is written)."""
    if not contents:
        return None, [], True, True, True, True, "Commit valid rows"
    try:
        preview = read_upload(contents, filename, fmt)
    except ImportFileError as exc:
        return file_error_block(filename, exc), [], True, True, False, True, "Commit valid rows"
    writable = int(preview.writable_mask(bool(replace_documented)).sum())
    return (
        report_block(preview),
        preview_records(preview),
        writable == 0,
        not preview.rows or bool(preview.file_problems),
        False,
        not (preview.problems or preview.warnings or preview.held_back),
        f"Commit {writable} valid row(s)",
    )


@callback(
    Output(RESULT, "children"),
    Output(UPLOAD, "contents"),
    Output(VERSION, "data"),
    Input(COMMIT_VALID, "n_clicks"),
    Input(COMMIT_ALL, "n_clicks"),
    Input(CANCEL, "n_clicks"),
    State(UPLOAD, "contents"),
    State(UPLOAD, "filename"),
    State(FORMAT, "value"),
    State(REPLACE_DOCUMENTED, "value"),
    background=True,
    manager=jobs.MANAGER,
    running=[
        (Output(BUSY, "children"), [dbc.Spinner(size="sm"), " Writing the import…"], None),
        (Output(UPLOAD, "disabled"), True, False),
        (Output(ACTIONS, "style"), {"pointerEvents": "none", "opacity": 0.6}, None),
    ],
    prevent_initial_call=True,
)
def commit_or_cancel(_valid, _all, _cancel, contents, filename, fmt, replace_documented=False):
    """Commit the valid rows, or all rows or none, or drop the upload. Rows that would replace documented data
    are written only when "Replace documented projects" is ticked."""
    if ctx.triggered_id == CANCEL:
        return dbc.Alert("Cancelled: nothing was written.", color="secondary"), None, no_update
    if not contents:
        raise PreventUpdate
    try:
        preview = read_upload(contents, filename, fmt)
        held = [] if replace_documented else preview.held_back
        result = preview.commit(
            valid_only=ctx.triggered_id == COMMIT_VALID,
            user=auth.account_name(),
            replace_documented=bool(replace_documented),
        )
    except ImportFileError as exc:
        return file_error_block(filename, exc), no_update, no_update
    except (ImportRejected, store.StoreError) as exc:
        return dbc.Alert(message_text(exc), color="warning", id="data-commit-message"), no_update, no_update
    except OSError as exc:
        return write_failure_block(exc), no_update, no_update
    return commit_message(result, held), None, data_version()


@callback(
    Output(RESULT, "children", allow_duplicate=True),
    Output(VERSION, "data", allow_duplicate=True),
    Input({"type": ROLLBACK, "index": ALL}, "submit_n_clicks"),
    prevent_initial_call=True,
)
def roll_back(clicks):
    """Undo the import whose (confirmed) button was pressed."""
    if not ctx.triggered_id or not any(clicks or []):
        raise PreventUpdate
    try:
        record = store.rollback(int(ctx.triggered_id["index"]), user=auth.account_name())
    except store.StoreError as exc:
        return dbc.Alert(message_text(exc), color="warning"), no_update
    except OSError as exc:
        return write_failure_block(exc), no_update
    message = dbc.Alert(
        f"Rolled back import {record.import_id} ({record.file_name}): {record.rows_added} added row(s) removed, "
        f"{record.rows_updated} replaced row(s) restored.",
        color="success",
        id="data-rollback-message",
    )
    return message, data_version()


@callback(
    Output(EDIT_PROJECT, "options"),
    Output(HISTORY, "children"),
    Output(STORE_INFO, "children"),
    Output(EXPORT_SENTENCE, "children"),
    Input(VERSION, "data"),
    State(FILTER, "data"),
    prevent_initial_call=True,
)
def refresh_page(_version, query):
    """After any write: every part of the page that shows stored data, from the store as it now is."""
    state = FilterState.from_query(query or "")
    return project_options(), history_table(store.history()), store_info(), export_sentence(state)


@callback(
    Output(REPORT_DOWNLOAD, "data"),
    Input(REPORT_BUTTON, "n_clicks"),
    State(UPLOAD, "contents"),
    State(UPLOAD, "filename"),
    State(FORMAT, "value"),
    prevent_initial_call=True,
)
def download_report(_n, contents, filename, fmt):
    if not contents:
        raise PreventUpdate
    preview = read_upload(contents, filename, fmt)
    return dcc.send_string(preview.report_csv(), f"{Path(filename or 'upload').stem}-report.csv")


@callback(
    Output(EXPORT_DOWNLOAD, "data"),
    Input(EXPORT_BUTTON, "n_clicks"),
    State(EXPORT_FORMAT, "value"),
    State(FILTER, "data"),
    State(EXPORT_EXACT, "value"),
    prevent_initial_call=True,
)
def export_view(_n, fmt, query, exact=False):
    """The portfolio filtered as in the URL, in the chosen format, with provenance; exact counts of people when
    the editor ticks it (the server refuses this callback to anyone but an editor: ``security.EDITOR_OUTPUTS``)."""
    file = service.portfolio(fmt, FilterState.from_query(query or ""), exact=bool(exact))
    return dcc.send_bytes(file.data, file.name, type=file.media_type)


_FIELD_VALUES = [State(cid, "value") for cid in EDIT_FIELDS.values()]


def _typed_values(values: tuple) -> dict:
    return dict(zip(EDIT_FIELDS, values, strict=True))


@callback(
    *[Output(cid, "value") for cid in EDIT_FIELDS.values()],
    Output(EDIT_TOKEN, "data"),
    Output(EDIT_SAMPLE_NOTE, "children"),
    Output(EDIT_RESULT, "children"),
    Output(EDIT_CHECK, "disabled"),
    Output(EDIT_SAVE, "disabled"),
    Input(EDIT_PROJECT, "value"),
    prevent_initial_call=True,
)
def fill_correction_form(project_id):
    """Show the chosen project's stored values."""
    if not project_id:
        return *[None] * len(EDIT_FIELDS), None, None, None, True, True
    row = edit.find(project_id)
    values = edit.form_values(row)
    note = "SAMPLE DATA: an illustrative row; it stays marked as sample." if row["is_sample"] else None
    return *[values[name] for name in EDIT_FIELDS], edit.row_token(row), note, None, False, False


@callback(
    Output(EDIT_RESULT, "children", allow_duplicate=True),
    Input(EDIT_CHECK, "n_clicks"),
    State(EDIT_PROJECT, "value"),
    *_FIELD_VALUES,
    prevent_initial_call=True,
)
def check_correction(_n, project_id, *values):
    """Every problem of the edited row, or what a save would change (nothing is written)."""
    if not project_id:
        raise PreventUpdate
    return correction_block(edit.check_correction(project_id, _typed_values(values)))


@callback(
    Output(EDIT_RESULT, "children", allow_duplicate=True),
    Output(EDIT_TOKEN, "data", allow_duplicate=True),
    Output(VERSION, "data", allow_duplicate=True),
    Input(EDIT_SAVE, "n_clicks"),
    State(EDIT_PROJECT, "value"),
    State(EDIT_TOKEN, "data"),
    *_FIELD_VALUES,
    prevent_initial_call=True,
)
def save_correction(_n, project_id, token, *values):
    """Write the correction when it has no problems (and the row is still the one the form shows)."""
    if not project_id:
        raise PreventUpdate
    try:
        correction, result = edit.save_correction(
            project_id, _typed_values(values), expected=token, user=auth.account_name()
        )
    except store.StoreError as exc:
        return refused_block(exc), no_update, no_update
    except OSError as exc:
        return write_failure_block(exc), no_update, no_update
    new_token = edit.row_token(edit.find(project_id))
    return saved_block(correction, result), new_token, data_version()
