"""``python -m geodata import|history|rollback|export``: the project store from the command line.

Exit codes of ``import``: 0 when every row was imported (or, with --dry-run,
would be), 1 when rows were rejected or held back, 2 when the file could not be
read (or the store could not be written).

Rows that would replace a documented project (shipped, or imported with its own
sources) or turn a sample row into documented data are held back and listed;
``--replace-documented`` writes them, and the import log records which.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geodata.analysis.filters import FilterError, add_filter_arguments, state_from_args
from geodata.facts.layers import STATUSES
from geodata.io import store, tables
from geodata.io.diskfull import write_failure
from geodata.io.importers import FORMATS, ImportFileError, ImportRejected, preview_file
from geodata.io.importers.money import iso_currencies

EXIT_OK, EXIT_REJECTED, EXIT_UNREADABLE = 0, 1, 2


def _print_problems(exc: ImportFileError) -> None:
    for p in exc.problems:
        print(f"  {p}", file=sys.stderr)


def _currency(text: str) -> str:
    """An ISO 4217 code, as --currency takes it (any case)."""
    code = text.strip().upper()
    if code not in iso_currencies():
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 4217 currency code (e.g. EUR, GBP, CHF)")
    return code


def cmd_import(args: argparse.Namespace) -> int:
    try:
        preview = preview_file(args.file, format=args.format, crs=args.crs, currency=args.currency, status=args.status)
    except ImportFileError as exc:
        print(f"{args.file}: could not be read; nothing was written", file=sys.stderr)
        _print_problems(exc)
        return EXIT_UNREADABLE
    print("\n".join(preview.report_lines()))
    if args.report:
        Path(args.report).write_bytes(tables.import_report_csv(preview))
        print(f"report written to {args.report}")
    held = [] if args.replace_documented else preview.held_back
    code = EXIT_OK if preview.ok and not held else EXIT_REJECTED
    if held:
        print(
            f"{len(held)} row(s) would replace documented data (listed above): they are written only with "
            "--replace-documented, and the import log records the choice."
        )
    if args.dry_run:
        print("dry run: nothing was written")
        return code
    if not preview.ok and not args.commit_valid:
        how = "--commit-valid imports the valid rows only" if preview.n_valid else "no row is valid"
        print(f"nothing was written: {preview.n_rejected} row(s) have problems. Fix them and import again ({how}).")
        return EXIT_REJECTED
    if held and not args.commit_valid:
        print(
            "nothing was written: import again with --replace-documented to replace them, or with --commit-valid "
            "to import the other rows only."
        )
        return EXIT_REJECTED
    try:
        result = preview.commit(valid_only=True, user=args.user, replace_documented=args.replace_documented)
    except ImportRejected as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REJECTED
    except store.StoreError as exc:
        print(f"nothing was written: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except OSError as exc:
        print(write_failure(exc, store.store_path()), file=sys.stderr)
        return EXIT_UNREADABLE
    print(result.summary())
    if result.record is not None:
        print(f"store: {store.location()}  (undo with: python -m geodata rollback {result.record.import_id})")
    return code


def cmd_history(args: argparse.Namespace) -> int:
    records = store.history()
    if args.json:
        print(json.dumps([r.as_dict() for r in records], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not records:
        where = store.location() if store.exists() else "no store yet: the shipped portfolio is in use"
        print(f"no imports ({where})")
        return EXIT_OK
    for r in records:
        state = r.status if r.status == store.ACTIVE else f"{r.status} {r.rolled_back_at} by {r.rolled_back_by or '?'}"
        replaced = f"  replaced documented: {' '.join(r.replaced_documented_ids)}" if r.replaced_documented else ""
        print(
            f"{r.import_id:>4}  {r.imported_at}  {r.file_name}  +{r.rows_added} ~{r.rows_updated} "
            f"={r.rows_unchanged} x{r.rows_rejected}  {r.user or '?'}  [{state}]  sha256 {r.sha256[:12]}…{replaced}"
        )
    print("columns: id, time (UTC), file, +added ~updated =unchanged xrejected, user, status")
    return EXIT_OK


def cmd_rollback(args: argparse.Namespace) -> int:
    try:
        record = store.rollback(args.id, user=args.user)
    except store.StoreError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REJECTED
    print(
        f"rolled back import {record.import_id} ({record.file_name}): removed {record.rows_added} added row(s), "
        f"restored {record.rows_updated} replaced row(s)"
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    try:
        state = state_from_args(args)
    except FilterError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return EXIT_UNREADABLE
    data = tables.export_portfolio(args.format, state, out=args.out)
    rows = len(tables.filtered_portfolio(state))
    print(
        f"wrote {args.out}: {rows} project(s), {len(data)} bytes, {args.format}; filters: {state.to_query() or 'none'}"
    )
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    imp = subparsers.add_parser(
        "import",
        help="check a project file and import it into the store (exit 0 all imported, 1 rows rejected, 2 unreadable)",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--format", choices=FORMATS, help="the file's format (default: from its content and name)")
    imp.add_argument("--dry-run", action="store_true", help="print the report, write nothing")
    choice = imp.add_mutually_exclusive_group()
    choice.add_argument("--commit-valid", action="store_true", help="import the valid rows, list the others")
    choice.add_argument("--reject-all", action="store_true", help="import nothing if any row has a problem (default)")
    imp.add_argument("--crs", help="CRS of coordinate columns when the file does not declare one, e.g. EPSG:32634")
    imp.add_argument(
        "--currency",
        type=_currency,
        help="ISO 4217 currency of amounts when the file has no currency column (converted at the ECB rate)",
    )
    imp.add_argument(
        "--status",
        choices=STATUSES,
        help="status of rows that give none (a 3W sheet without a status column); noted on each such row",
    )
    imp.add_argument(
        "--replace-documented",
        action="store_true",
        help="also write rows that replace a documented project or turn a sample row into documented data "
        "(the import log records them)",
    )
    imp.add_argument("--user", help="who imports (default: the login name)")
    imp.add_argument("--report", metavar="CSV", help="also write the problem report as CSV")
    imp.set_defaults(func=cmd_import)

    hist = subparsers.add_parser("history", help="the import log, newest first")
    hist.add_argument("--json", action="store_true")
    hist.set_defaults(func=cmd_history)

    rb = subparsers.add_parser("rollback", help="undo an import (default: the last active one)")
    rb.add_argument("id", nargs="?", type=int)
    rb.add_argument("--user")
    rb.set_defaults(func=cmd_rollback)

    exp = subparsers.add_parser("export", help="export the (filtered) portfolio with provenance")
    exp.add_argument("--format", required=True, choices=tables.EXPORT_FORMATS)
    exp.add_argument("--out", required=True, type=Path)
    add_filter_arguments(exp)
    exp.set_defaults(func=cmd_export)
