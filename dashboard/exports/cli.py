"""``python -m dashboard export``: any file the app exports, from the command line.

    python -m dashboard export --format pptx --out briefing.pptx --sector health --municipality "Mitrovicë e Veriut"
    python -m dashboard export --format pdf --out briefing.pdf --url 'sector=health&from=2018&dataset=documented'
    python -m dashboard export --format png --out figures/            # the map and every chart, 1920 px wide
    python -m dashboard export --format svg --out map.svg --figure map
    python -m dashboard export --format xlsx --out portfolio.xlsx --dataset documented
    python -m dashboard export --format csv --out exact.csv --exact    # counts of people not suppressed

PNG, SVG, PPTX and PDF are the briefing (``dashboard.exports.briefing``); CSV, XLSX, GeoJSON, GeoPackage and HXL
the portfolio with its provenance (``geodata.io.tables``), both through ``dashboard.exports.service``. Filters
are the flags every command line of the project takes (``geodata.analysis.filters.add_filter_arguments``): the
explorer's URL values, municipality names in Albanian, Serbian or English with or without diacritics, ``--url``
for the explorer's query string (the flags add to it). Every export carries the filters in words, the data date,
the designation footnote and, when sample rows are included, a SAMPLE DATA mark. Counts of people from 1 to 9 are
written as "<10" unless ``--exact`` (portfolio formats only: the person at the command line has the data files
anyway; the web app gives exact figures to signed-in editors only).
Exit codes: 0 written, 1 the export failed (nothing written), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard.exports import ExportError, images, service
from dashboard.exports import content as C
from dashboard.exports.briefing import FORMATS as BRIEFING_FORMATS
from geodata.analysis.filters import FilterError, add_filter_arguments, state_from_args
from geodata.io.diskfull import write_failure
from geodata.io.tables import EXPORT_FORMATS as PORTFOLIO_FORMATS

FORMATS = (*BRIEFING_FORMATS, *PORTFOLIO_FORMATS)
METRICS = ("committed_usd", "disbursed_usd", "projects", "beneficiaries_reached")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m dashboard export",
        description="Export the current view as PNG/SVG figures, a PPTX deck or a PDF, or the portfolio as "
        "CSV, Excel, GeoJSON, GeoPackage or HXL.",
    )
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--out", required=True, type=Path, help="file, or directory for several PNG/SVG figures")
    p.add_argument("--figure", action="append", choices=list(C.FIGURE_TITLES), help="PNG/SVG: only these figures")
    add_filter_arguments(p)  # the explorer's filters, as every command line takes them (geodata.analysis.filters)
    p.add_argument("--metric", choices=METRICS, help="what the map shades (as in the explorer; or metric= in --url)")
    p.add_argument(
        "--exact",
        action="store_true",
        help="portfolio formats: exact counts of people (not suppressed as <10); for program managers, not publication",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p


def metric_of(args: argparse.Namespace) -> str | None:
    """``--metric``, else the last ``metric=`` of ``--url``; None when neither gives one."""
    from_url = [v for k, v in (args.url or []) if k == "metric"]
    return args.metric or (from_url[-1] if from_url else None)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed why (a bad flag or filter value names itself); --help is 0
        return int(exc.code or 0)
    try:
        state = state_from_args(args)
    except FilterError as exc:
        for line in exc.problems:
            print(f"error: {line}", file=sys.stderr)
        return 2
    metric = metric_of(args)
    if metric is not None and metric not in METRICS:
        print(f"error: unknown metric {metric!r}: choose from {', '.join(METRICS)}", file=sys.stderr)
        return 2
    if args.figure and args.format not in ("png", "svg"):
        print("error: --figure applies to --format png or svg; decks always hold every figure", file=sys.stderr)
        return 2
    if args.exact and args.format not in PORTFOLIO_FORMATS:
        print(
            f"error: --exact applies to the portfolio formats ({', '.join(PORTFOLIO_FORMATS)}); briefing files "
            "always suppress small counts",
            file=sys.stderr,
        )
        return 2

    def report(done: int, total: int, what: str) -> None:
        if not args.quiet:
            print(f"[{done}/{total}] {what}", file=sys.stderr)

    try:
        if args.format in PORTFOLIO_FORMATS:
            paths = [service.write(service.portfolio(args.format, state, exact=args.exact), args.out)]
        else:
            paths = service.write_briefing(
                state, args.format, args.out, names=args.figure, metric=metric or "committed_usd", progress=report
            )
    except ExportError as exc:
        print(f"error: {exc} (nothing was written)", file=sys.stderr)
        return 1
    except OSError as exc:  # a full disk: one sentence naming the file, never a traceback
        print(f"error: {write_failure(exc, args.out)}", file=sys.stderr)
        return 2
    finally:
        images.stop()
    for path in paths:
        print(path)
    return 0
