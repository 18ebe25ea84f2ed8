"""Briefing files: the current view as PNG/SVG figures (one, or a zip with a README), a PPTX deck or a PDF.

``briefing_bytes`` makes one file in memory (the briefing page's download buttons, through
``dashboard.exports.service.briefing``); ``write_briefing`` writes one or several to disk (the command line,
``python -m dashboard export``). Every file carries the filters in words, the data date, the designation footnote
and, when sample rows are included, a SAMPLE DATA watermark. No Dash import here.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from dashboard.exports import ExportError, images, maplabels, vectormap
from dashboard.exports import content as C
from dashboard.exports.pdf import pptx_to_pdf
from geodata.analysis.filters import FilterState
from geodata.io.atomic import write_bytes_atomic

FORMATS = ("png", "svg", "pptx", "pdf")
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
        fig = images.for_export(briefing.figures[name], _context(briefing, name), footer=footer)
        if name == "map":  # the whole extent in the map's frame (inside the title's and the footer's margins)
            frame = maplabels.map_frame(fig.layout.to_plotly_json(), *layout)
            fig = vectormap.export_spec(C.fitted_map(fig, briefing.map_extent, frame.width, frame.height), *layout)
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


def briefing_bytes(
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
    from dashboard.exports.deck import deck_bytes  # python-pptx loads with the first deck, not with the app

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


def write_briefing(
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
            write_bytes_atomic(out / f"{name}.{fmt}", data, mode=0o666)
            paths.append(out / f"{name}.{fmt}")
        return paths
    _, data = briefing_bytes(state, fmt, names=names, metric=metric, progress=progress)
    write_bytes_atomic(out, data, mode=0o666)
    return [out]
