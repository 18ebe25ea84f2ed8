"""The Data page's messages and tables, as Dash components: the import preview's report, a file that cannot be
read, a failed write, a commit, a correction checked, refused or saved, the store line, the import history with
its rollback buttons and the export sentence. Each is built from one result of ``geodata``.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import ids
from dashboard.pages.data_logic import FORMAT_LABELS, message_text, plain, problem_text
from geodata.analysis.filters import FilterState, describe
from geodata.facts.validate import Problem
from geodata.io import edit, store, tables
from geodata.io.diskfull import write_failure
from geodata.io.importers import ImportFileError, ImportPreview


def write_failure_block(exc: OSError) -> dbc.Alert:
    """A write that failed (a full disk): the sentence the command line prints, without the server path."""
    return dbc.Alert(message_text(write_failure(exc, store.store_path())), color="danger", id="data-write-failed")


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
                id={"type": ids.DATA_ROLLBACK, "index": r.import_id},
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
