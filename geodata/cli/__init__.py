"""Trust Fund Atlas layers and project portfolio: inspect, build, validate, import, export.

``python -m geodata`` is the one command-line entry; each module here adds its subcommands:

- ``layers``: info, validate, build, use-boundaries
- ``coverage``: coverage matrices and gap reports
- ``data``: import, history, rollback, export of the project portfolio
- ``db``: the shared PostgreSQL + PostGIS store (schema upgrade, copy between backends)

The explorer's filters are the same flags everywhere (``geodata.analysis.filters.add_filter_arguments``).

Bad data never gives a traceback: every ``LayerError`` is printed as a list of
problems (file, row, field, value, why) and the command exits 1. A write that fails (a full disk) never gives one
either: one sentence naming the file (``geodata.io.diskfull``), and the command exits 2. Temporary files an
interrupted write left in the user data directory are removed first (``geodata.io.leftovers``).
"""

from __future__ import annotations

import argparse
import sys

from geodata.cli import coverage, data, db, layers
from geodata.facts.validate import LayerError
from geodata.io.diskfull import write_failure
from geodata.io.leftovers import clean_leftovers

__all__ = ["coverage", "data", "db", "layers", "main", "parser"]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m geodata", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    for module in (layers, coverage, data, db):
        module.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    clean_leftovers()  # temporary files an interrupted write left in the user data directory
    try:
        return args.func(args)
    except LayerError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    except OSError as exc:  # a write that failed (a full disk): one sentence naming the file, no traceback
        print(write_failure(exc, getattr(args, "out", None)), file=sys.stderr)
        return 2
