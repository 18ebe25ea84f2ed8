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

Its ids are the DATA_* constants of ``dashboard.ids``. The page's parts live beside it: ``data_logic``
(the upload, the preview rows, messages; no Dash),
 ``data_blocks`` (the report, messages and history as components) and ``data_layout`` (the layout in
named parts). This module keeps the page's registration, ``layout`` and the callbacks, and re-exports the names
the tests and the bench read from it.
"""

from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import auth, ids, jobs
from dashboard.exports import service
from dashboard.pages.data_blocks import (  # noqa: F401 (re-exported)
    commit_message,
    correction_block,
    export_sentence,
    file_error_block,
    history_table,
    problem_list,
    refused_block,
    report_block,
    saved_block,
    store_info,
    write_failure_block,
)
from dashboard.pages.data_layout import (  # noqa: F401 (re-exported)
    currency_suggestions,
    edit_card,
    edit_form,
    editor_page,
    export_card,
    history_card,
    import_card,
    project_options,
    sign_in_prompt,
    upload_area,
)
from dashboard.pages.data_logic import (  # noqa: F401 (re-exported)
    AMOUNT_FIELDS,
    COLUMN_HEADERS,
    COLUMN_WIDTHS,
    FORMAT_LABELS,
    HEADER_TOOLTIPS,
    INVALID_STYLE,
    column_defs,
    data_version,
    decode_upload,
    message_text,
    plain,
    preview_records,
    problem_text,
    read_upload,
)
from geodata.analysis.filters import FilterState
from geodata.io import edit, store, tables
from geodata.io.importers import ImportFileError
from geodata.io.importers.preview import ImportRejected

dash.register_page(__name__, path="/data", name="Data", order=3, title="Data · Trust Fund Atlas")


def layout(**query) -> html.Div:
    """The editor's page for an editor (the URL's filters set the export); the sign-in prompt for anyone else."""
    if not auth.can_edit():
        return sign_in_prompt()
    return editor_page(FilterState.from_query(query))


# ---------------------------------------------------------------- callbacks


@callback(
    Output(ids.DATA_REPORT, "children"),
    Output(ids.DATA_GRID, "rowData"),
    Output(ids.DATA_COMMIT_VALID, "disabled"),
    Output(ids.DATA_COMMIT_ALL, "disabled"),
    Output(ids.DATA_CANCEL, "disabled"),
    Output(ids.DATA_REPORT_BUTTON, "disabled"),
    Output(ids.DATA_COMMIT_VALID, "children"),
    Input(ids.DATA_UPLOAD, "contents"),
    Input(ids.DATA_FORMAT, "value"),
    State(ids.DATA_UPLOAD, "filename"),
    Input(ids.DATA_REPLACE_DOCUMENTED, "value"),  # Dash passes arguments in this order
    Input(ids.DATA_CURRENCY, "value"),
    Input(ids.DATA_DEFAULT_STATUS, "value"),
    background=True,
    manager=jobs.MANAGER,
    running=[
        (Output(ids.DATA_BUSY, "children"), [dbc.Spinner(size="sm"), " Checking the file…"], None),
        (Output(ids.DATA_UPLOAD, "disabled"), True, False),
        (Output(ids.DATA_ACTIONS, "style"), {"pointerEvents": "none", "opacity": 0.6}, None),
    ],
    prevent_initial_call=True,
)
def show_preview(contents, fmt, filename, replace_documented=False, currency=None, status=None):
    """Read and check the upload; show the report and the rows (nothing is written)."""
    if not contents:
        return None, [], True, True, True, True, "Commit valid rows"
    try:
        preview = read_upload(contents, filename, fmt, currency, status)
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
    Output(ids.DATA_RESULT, "children"),
    Output(ids.DATA_UPLOAD, "contents"),
    Output(ids.DATA_VERSION, "data"),
    Input(ids.DATA_COMMIT_VALID, "n_clicks"),
    Input(ids.DATA_COMMIT_ALL, "n_clicks"),
    Input(ids.DATA_CANCEL, "n_clicks"),
    State(ids.DATA_UPLOAD, "contents"),
    State(ids.DATA_UPLOAD, "filename"),
    State(ids.DATA_FORMAT, "value"),
    State(ids.DATA_REPLACE_DOCUMENTED, "value"),
    State(ids.DATA_CURRENCY, "value"),
    State(ids.DATA_DEFAULT_STATUS, "value"),
    background=True,
    manager=jobs.MANAGER,
    running=[
        (Output(ids.DATA_BUSY, "children"), [dbc.Spinner(size="sm"), " Writing the import…"], None),
        (Output(ids.DATA_UPLOAD, "disabled"), True, False),
        (Output(ids.DATA_ACTIONS, "style"), {"pointerEvents": "none", "opacity": 0.6}, None),
    ],
    prevent_initial_call=True,
)
def commit_or_cancel(
    _valid, _all, _cancel, contents, filename, fmt, replace_documented=False, currency=None, status=None
):
    """Commit the valid rows, or all rows or none, or drop the upload. Rows that would replace documented data
    are written only when "Replace documented projects" is ticked."""
    if ctx.triggered_id == ids.DATA_CANCEL:
        return dbc.Alert("Cancelled: nothing was written.", color="secondary"), None, no_update
    if not contents:
        raise PreventUpdate
    try:
        preview = read_upload(contents, filename, fmt, currency, status)
        held = [] if replace_documented else preview.held_back
        result = preview.commit(
            valid_only=ctx.triggered_id == ids.DATA_COMMIT_VALID,
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
    Output(ids.DATA_RESULT, "children", allow_duplicate=True),
    Output(ids.DATA_VERSION, "data", allow_duplicate=True),
    Input({"type": ids.DATA_ROLLBACK, "index": ALL}, "submit_n_clicks"),
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
    Output(ids.DATA_EDIT_PROJECT, "options"),
    Output(ids.DATA_HISTORY, "children"),
    Output(ids.DATA_STORE_INFO, "children"),
    Output(ids.DATA_EXPORT_SENTENCE, "children"),
    Input(ids.DATA_VERSION, "data"),
    State(ids.DATA_FILTER, "data"),
    prevent_initial_call=True,
)
def refresh_page(_version, query):
    """After any write: every part of the page that shows stored data, from the store as it now is."""
    state = FilterState.from_query(query or "")
    return project_options(), history_table(store.history()), store_info(), export_sentence(state)


@callback(
    Output(ids.DATA_REPORT_DOWNLOAD, "data"),
    Input(ids.DATA_REPORT_BUTTON, "n_clicks"),
    State(ids.DATA_UPLOAD, "contents"),
    State(ids.DATA_UPLOAD, "filename"),
    State(ids.DATA_FORMAT, "value"),
    State(ids.DATA_CURRENCY, "value"),
    State(ids.DATA_DEFAULT_STATUS, "value"),
    prevent_initial_call=True,
)
def download_report(_n, contents, filename, fmt, currency=None, status=None):
    if not contents:
        raise PreventUpdate
    preview = read_upload(contents, filename, fmt, currency, status)
    return dcc.send_bytes(tables.import_report_csv(preview), f"{Path(filename or 'upload').stem}-report.csv")


@callback(
    Output(ids.DATA_EXPORT_DOWNLOAD, "data"),
    Input(ids.DATA_EXPORT_BUTTON, "n_clicks"),
    State(ids.DATA_EXPORT_FORMAT, "value"),
    State(ids.DATA_FILTER, "data"),
    State(ids.DATA_EXPORT_EXACT, "value"),
    prevent_initial_call=True,
)
def export_view(_n, fmt, query, exact=False):
    """The portfolio filtered as in the URL, in the chosen format, with provenance; exact counts of people when
    the editor ticks it (the server refuses this callback to anyone but an editor: ``security.EDITOR_OUTPUTS``)."""
    file = service.portfolio(fmt, FilterState.from_query(query or ""), exact=bool(exact))
    return dcc.send_bytes(file.data, file.name, type=file.media_type)


_FIELD_VALUES = [State(cid, "value") for cid in ids.DATA_EDIT_FIELDS.values()]


def _typed_values(values: tuple) -> dict:
    return dict(zip(ids.DATA_EDIT_FIELDS, values, strict=True))


@callback(
    *[Output(cid, "value") for cid in ids.DATA_EDIT_FIELDS.values()],
    Output(ids.DATA_EDIT_TOKEN, "data"),
    Output(ids.DATA_EDIT_SAMPLE_NOTE, "children"),
    Output(ids.DATA_EDIT_RESULT, "children"),
    Output(ids.DATA_EDIT_CHECK, "disabled"),
    Output(ids.DATA_EDIT_SAVE, "disabled"),
    Input(ids.DATA_EDIT_PROJECT, "value"),
    prevent_initial_call=True,
)
def fill_correction_form(project_id):
    """Show the chosen project's stored values."""
    if not project_id:
        return *[None] * len(ids.DATA_EDIT_FIELDS), None, None, None, True, True
    row = edit.find(project_id)
    values = edit.form_values(row)
    note = "SAMPLE DATA: an illustrative row; it stays marked as sample." if row["is_sample"] else None
    return *[values[name] for name in ids.DATA_EDIT_FIELDS], edit.row_token(row), note, None, False, False


@callback(
    Output(ids.DATA_EDIT_RESULT, "children", allow_duplicate=True),
    Input(ids.DATA_EDIT_CHECK, "n_clicks"),
    State(ids.DATA_EDIT_PROJECT, "value"),
    *_FIELD_VALUES,
    prevent_initial_call=True,
)
def check_correction(_n, project_id, *values):
    """Every problem of the edited row, or what a save would change (nothing is written)."""
    if not project_id:
        raise PreventUpdate
    return correction_block(edit.check_correction(project_id, _typed_values(values)))


@callback(
    Output(ids.DATA_EDIT_RESULT, "children", allow_duplicate=True),
    Output(ids.DATA_EDIT_TOKEN, "data", allow_duplicate=True),
    Output(ids.DATA_VERSION, "data", allow_duplicate=True),
    Input(ids.DATA_EDIT_SAVE, "n_clicks"),
    State(ids.DATA_EDIT_PROJECT, "value"),
    State(ids.DATA_EDIT_TOKEN, "data"),
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
