"""``python -m dashboard.export``: the current view as images, slides or PDF, from the command line.

    python -m dashboard.export --format pptx --out briefing.pptx --sector health --municipality "Mitrovicë e Veriut"
    python -m dashboard.export --format pdf --out briefing.pdf --url 'sector=health&from=2018&dataset=documented'
    python -m dashboard.export --format png --out figures/            # the map and every chart, 1920 px wide
    python -m dashboard.export --format svg --out map.svg --figure map

Filters take the same values as the explorer's URL (and municipality names in Albanian, Serbian or English,
with or without diacritics). ``--url`` takes the explorer's query string; flags add to it. Every export
carries the filters in words, the data date, the designation footnote and, when sample rows are included,
a SAMPLE DATA watermark. Exit codes: 0 written, 1 the export failed (nothing written), 2 bad arguments.

The same functions (``export_bytes``) serve the briefing page's download buttons.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from dashboard.exports import ExportError, images
from dashboard.exports import content as C
from dashboard.exports.deck import deck_bytes
from dashboard.exports.pdf import pptx_to_pdf, write_atomic
from geodata.analysis.filters import DATASET_CHOICES, FilterState
from geodata.facts.layers import COMMUNITIES, SECTORS
from geodata.facts.names import municipality_or_error

FORMATS = ("png", "svg", "pptx", "pdf")
METRICS = ("committed_usd", "disbursed_usd", "projects", "beneficiaries_reached")
#: The deck's map: laid out at 1280 x 576 CSS px and rendered at 1.5x (1920 x 864), the shape of a slide's body.
DECK_LAYOUT = (1280, 576)
MEDIA_TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "zip": "application/zip",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}

#: progress(done, total, what): called as each step finishes.
Progress = Callable[[int, int, str], None]


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


# ------------------------------------------------------------------------------------------------ exports


def _context(briefing: C.Briefing, key: str) -> images.Context:
    return images.Context(
        filters=briefing.filters,
        data_date=briefing.data_date,
        designation=briefing.designation,
        includes_sample=briefing.includes_sample,
        title=C.FIGURE_TITLES[key],
    )


def render_figures(
    briefing: C.Briefing,
    fmt: str,
    names: Sequence[str],
    *,
    footer: bool = True,
    layout: tuple[int, int] = (images.LAYOUT_WIDTH, images.LAYOUT_HEIGHT),
    progress: Progress | None = None,
    done: int = 0,
    total: int = 0,
) -> dict[str, bytes]:
    """The named figures of a briefing as PNG/SVG bytes, each carrying its context (see ``images.for_export``)."""
    out: dict[str, bytes] = {}
    for name in names:
        fig = briefing.figures[name]
        if name == "map":  # the whole extent in this frame, less the footer's band
            fig = C.fitted_map(fig, briefing.map_extent, layout[0], layout[1] - (images.FOOTER_PX if footer else 0))
        fig = images.for_export(fig, _context(briefing, name), footer=footer)
        out[name] = images.render(fig, fmt, width=layout[0], height=layout[1])
        done += 1
        if progress:
            progress(done, total, f"Rendered {C.FIGURE_TITLES[name].lower()}")
    return out


def steps(fmt: str, names: Sequence[str]) -> int:
    """How many progress steps an export has (a deck renders only the map; its charts are native)."""
    if fmt in ("png", "svg"):
        return 1 + len(names)
    return 1 + ("map" in names) + {"pptx": 1, "pdf": 2}[fmt]


def export_bytes(
    state: FilterState,
    fmt: str,
    *,
    names: Sequence[str] | None = None,
    metric: str = "committed_usd",
    progress: Progress | None = None,
    link: str = "",
) -> tuple[str, bytes]:
    """(file name, bytes) of one export. PNG/SVG of several figures come as one zip. Raises ``ExportError``."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    names = list(names or C.FIGURE_TITLES)
    total = steps(fmt, names)
    briefing = C.build_briefing(state, metric=metric)
    if progress:
        progress(1, total, "Filtered the projects")
    stamp = dt.date.today().isoformat()
    base = f"trust-fund-atlas-{stamp}"
    if fmt in ("png", "svg"):
        rendered = render_figures(briefing, fmt, names, progress=progress, done=1, total=total)
        if len(rendered) == 1:
            ((name, data),) = rendered.items()
            return f"{base}-{name}.{fmt}", data
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in rendered.items():
                zf.writestr(f"{name}.{fmt}", data)
            zf.writestr("README.txt", _readme(briefing))
        return f"{base}-{fmt}.zip", buf.getvalue()
    # Only the map is a picture; the charts are native PowerPoint charts built from the same figures.
    pictures = render_figures(
        briefing, "png", [n for n in names if n == "map"], footer=False, layout=DECK_LAYOUT, progress=progress,
        done=1, total=total,
    )  # fmt: skip
    charts = tuple(n for n in names if n != "map")
    deck = deck_bytes(C.deck_input(briefing, pictures, generated=stamp, link=link, charts=charts, metric=metric))
    if progress:
        progress(total - (1 if fmt == "pdf" else 0), total, "Built the slides")
    if fmt == "pptx":
        return f"{base}.pptx", deck
    pdf = pptx_to_pdf(deck)
    if progress:
        progress(total, total, "Converted to PDF")
    return f"{base}.pdf", pdf


def _readme(briefing: C.Briefing) -> str:
    lines = [
        "Trust Fund Atlas: figures",
        f"Filters: {briefing.filters}",
        f"Data as of {briefing.data_date}",
        briefing.designation,
    ]
    if briefing.includes_sample:
        lines.append(briefing.sample_warning)
    lines += ["", "Sources:"] + [f"- {s.heading}: {s.text}" for s in briefing.sources]
    return "\n".join(lines) + "\n"


def write_export(
    state: FilterState,
    fmt: str,
    out: Path,
    *,
    names: Sequence[str] | None = None,
    metric: str = "committed_usd",
    progress: Progress | None = None,
) -> list[Path]:
    """Write an export to ``out``; PNG/SVG of several figures go into the directory ``out`` (or a .zip).
    Nothing is written unless every part was made."""
    out = Path(out)
    many = fmt in ("png", "svg") and len(list(names or C.FIGURE_TITLES)) > 1
    if many and out.suffix.lower() != ".zip":
        if out.exists() and not out.is_dir():
            raise ExportError(f"{out} is a file; for several {fmt.upper()} figures give a directory or a .zip path")
        briefing = C.build_briefing(state, metric=metric)
        chosen = list(names or C.FIGURE_TITLES)
        total = 1 + len(chosen)
        if progress:
            progress(1, total, "Filtered the projects")
        rendered = render_figures(briefing, fmt, chosen, progress=progress, done=1, total=total)
        paths = []
        for name, data in rendered.items():
            write_atomic(out / f"{name}.{fmt}", data)
            paths.append(out / f"{name}.{fmt}")
        return paths
    _, data = export_bytes(state, fmt, names=names, metric=metric, progress=progress)
    write_atomic(out, data)
    return [out]


# ------------------------------------------------------------------------------------------------ CLI


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m dashboard.export",
        description="Export the current view as PNG/SVG figures, a PPTX deck or a PDF.",
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

    def report(done: int, total: int, what: str) -> None:
        if not args.quiet:
            print(f"[{done}/{total}] {what}", file=sys.stderr)

    try:
        paths = write_export(
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


if __name__ == "__main__":
    sys.exit(main())
