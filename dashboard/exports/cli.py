"""``python -m dashboard export``: any file the app exports, from the command line.

    python -m dashboard export --format pptx --out briefing.pptx --sector health --municipality "Mitrovicë e Veriut"
    python -m dashboard export --format pdf --out briefing.pdf --url 'sector=health&from=2018&dataset=documented'
    python -m dashboard export --format png --out figures/            # the map and every chart, 1920 px wide
    python -m dashboard export --format svg --out map.svg --figure map
    python -m dashboard export --format xlsx --out portfolio.xlsx --dataset documented
    python -m dashboard export --format csv --out exact.csv --exact    # counts of people not suppressed

PNG, SVG, PPTX and PDF are the briefing (``dashboard.exports.briefing``); CSV, XLSX, GeoJSON, GeoPackage and HXL
the portfolio with its provenance (``geodata.io.tables``), both through ``dashboard.exports.service``. Filters
take the same values as the explorer's URL (and municipality names in Albanian, Serbian or English, with or
without diacritics). ``--url`` takes the explorer's query string; flags add to it. Every export carries the
filters in words, the data date, the designation footnote and, when sample rows are included, a SAMPLE DATA
mark. Counts of people from 1 to 9 are written as "<10" unless ``--exact`` (portfolio formats only: the person
at the command line has the data files anyway; the web app gives exact figures to signed-in editors only).
Exit codes: 0 written, 1 the export failed (nothing written), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from dashboard.exports import ExportError, images, service
from dashboard.exports import content as C
from dashboard.exports.briefing import FORMATS as BRIEFING_FORMATS
from geodata.analysis.filters import DATASET_CHOICES, FilterState
from geodata.facts.layers import COMMUNITIES, SECTORS
from geodata.facts.names import municipality_or_error
from geodata.io.tables import EXPORT_FORMATS as PORTFOLIO_FORMATS

FORMATS = (*BRIEFING_FORMATS, *PORTFOLIO_FORMATS)
METRICS = ("committed_usd", "disbursed_usd", "projects", "beneficiaries_reached")


class UsageError(ValueError):
    """Bad filter arguments: every problem, one per line."""


# ------------------------------------------------------------------------------------------------ filters


_UNKNOWN_MUNICIPALITY = "unknown municipality {name!r}: give its name (Albanian, Serbian or English) or code"


def state_from_args(pairs: Sequence[tuple[str, str]]) -> tuple[FilterState, str | None]:
    """A ``FilterState`` (and the metric, if given) from URL-style (key, value) pairs, checked strictly:
    unlike ``FilterState.from_query`` (which drops what it cannot use, so any URL opens), the CLI says what
    is wrong. Municipality names are matched in Albanian, Serbian or English."""
    problems: list[str] = []
    clean: list[tuple[str, str]] = []
    metric = None
    for key, raw in pairs:
        for value in [v.strip() for v in str(raw).split(",") if v.strip()] or [""]:
            if key == "sector" and value not in SECTORS:
                problems.append(f"unknown sector {value!r}: choose from {', '.join(SECTORS)}")
            elif key == "community" and value not in COMMUNITIES:
                problems.append(f"unknown community {value!r}: choose from {', '.join(COMMUNITIES)}")
            elif key == "municipality":
                try:
                    clean.append((key, municipality_or_error(value, _UNKNOWN_MUNICIPALITY)))
                except ValueError as exc:
                    problems.append(str(exc))
                continue
            elif key in ("from", "to"):
                if not value.isdigit() or not 1900 <= int(value) <= 2100:
                    problems.append(f"--{key} must be a year such as 2018, not {value!r}")
            elif key == "dataset" and value not in DATASET_CHOICES:
                problems.append(f"unknown dataset {value!r}: choose from {', '.join(DATASET_CHOICES)}")
            elif key == "metric":
                if value not in METRICS:
                    problems.append(f"unknown metric {value!r}: choose from {', '.join(METRICS)}")
                metric = value
                continue
            elif key in ("status", "funder", "org", "id", "q") and not value:
                continue
            clean.append((key, value))
    state = FilterState.from_query(urlencode(clean))
    if state.year_from is not None and state.year_to is not None and state.year_from > state.year_to:
        problems.append(f"--from {state.year_from} is after --to {state.year_to}")
    if problems:
        raise UsageError("\n".join(problems))
    return state, metric


def query_pairs(url: str | None) -> list[tuple[str, str]]:
    """(key, value) pairs of a query string or a whole URL ('https://…/briefing?sector=health')."""
    if not url:
        return []
    query = urlsplit(url).query if "://" in url or url.startswith("/") else url.lstrip("?")
    return parse_qsl(query, keep_blank_values=False)


# ------------------------------------------------------------------------------------------------ command line


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m dashboard export",
        description="Export the current view as PNG/SVG figures, a PPTX deck or a PDF, or the portfolio as "
        "CSV, Excel, GeoJSON, GeoPackage or HXL.",
    )
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--out", required=True, type=Path, help="file, or directory for several PNG/SVG figures")
    p.add_argument("--figure", action="append", choices=list(C.FIGURE_TITLES), help="PNG/SVG: only these figures")
    p.add_argument("--url", help="the explorer's query string (or a whole URL); the flags below add to it")
    filters = p.add_argument_group("filters (as in the explorer's URL; repeat a flag or separate values by commas)")
    filters.add_argument("--sector", action="append", default=[], help=", ".join(SECTORS))
    filters.add_argument("--community", action="append", default=[], help=", ".join(COMMUNITIES))
    filters.add_argument("--municipality", action="append", default=[], help="name (sq/sr/en) or code")
    filters.add_argument("--status", action="append", default=[])
    filters.add_argument("--funder", action="append", default=[])
    filters.add_argument("--org", action="append", default=[], help="implementing organisation")
    filters.add_argument("--from", dest="year_from", help="first year (a project counts when active)")
    filters.add_argument("--to", dest="year_to", help="last year")
    filters.add_argument("--q", "--text", dest="text", help="words in the project title")
    filters.add_argument("--dataset", choices=DATASET_CHOICES)
    filters.add_argument("--id", action="append", default=[], help="project id (a map selection)")
    p.add_argument("--metric", choices=METRICS, help="what the map shades (as in the explorer)")
    p.add_argument(
        "--exact",
        action="store_true",
        help="portfolio formats: exact counts of people (not suppressed as <10); for program managers, not publication",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p


def args_to_pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    pairs = query_pairs(args.url)
    for key, attr in (
        ("sector", "sector"),
        ("community", "community"),
        ("municipality", "municipality"),
        ("status", "status"),
        ("funder", "funder"),
        ("org", "org"),
        ("id", "id"),
    ):
        pairs += [(key, v) for v in getattr(args, attr)]
    for key, value in (
        ("from", args.year_from),
        ("to", args.year_to),
        ("q", args.text),
        ("dataset", args.dataset),
        ("metric", args.metric),
    ):
        if value is not None:
            pairs = [(k, v) for k, v in pairs if k != key] + [(key, value)]
    return pairs


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        state, metric = state_from_args(args_to_pairs(args))
    except UsageError as exc:
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
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
    finally:
        images.stop()
    for path in paths:
        print(path)
    return 0
