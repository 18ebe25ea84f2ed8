"""Server-side rendering of Plotly figures to PNG and SVG with kaleido and Chromium.

One warm kaleido server (``kaleido.start_sync_server``) is started on first use
and reused for every later image in the process, which brings a chart from
about 2.5 s (cold Chromium) to a fraction of a second. The server is a
process-wide singleton that is not safe for concurrent callers, so renders go
through one lock. MathJax is switched off and plotly.js is the copy shipped
with plotly.py, so rendering needs no network. The briefing's map reaches
here as vectors (a geo subplot, ``vectormap``); a MapLibre map uses the
white-bg style with our own layers, which needs no tiles.

Figures are laid out at 1280 x 720 CSS pixels (the size they are designed for
on screen) and rendered at scale 1.5, so PNGs are 1920 px wide with type that
stays readable on a projector. SVGs keep the 1280 x 720 viewBox and declare a
1920 x 1080 size.
"""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass

import kaleido
import plotly.graph_objects as go

from dashboard.exports import ExportError
from dashboard.figures.annotations import WATERMARK, watermark

FORMATS: tuple[str, ...] = ("png", "svg")
#: Layout size in CSS pixels, and the scale that gives presentation resolution.
LAYOUT_WIDTH, LAYOUT_HEIGHT, SCALE = 1280, 720, 1.5
SAMPLE_TEXT = WATERMARK
#: Extra bottom margin (layout px) that holds the context line and the designation footnote.
FOOTER_PX = 64

_lock = threading.Lock()


@dataclass(frozen=True)
class Context:
    """What every exported image must carry besides the figure itself."""

    filters: str
    data_date: str
    designation: str
    includes_sample: bool
    title: str = ""


def start() -> None:
    """Start the warm kaleido server if it is not running (idempotent, thread-safe)."""
    with _lock:
        _start_locked()


def _start_locked() -> None:
    if not kaleido._global_server.is_running():  # the public API only warns on a double start
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)


def stop() -> None:
    """Stop the warm server (tests and short-lived scripts call this; the app keeps it)."""
    with _lock:
        kaleido.stop_sync_server(silence_warnings=True)


def render(
    fig: go.Figure | dict,
    fmt: str = "png",
    width: int = LAYOUT_WIDTH,
    height: int = LAYOUT_HEIGHT,
    scale: float = SCALE,
) -> bytes:
    """The figure as PNG or SVG bytes. PNG pixels are ``width*scale`` x ``height*scale``."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown image format {fmt!r}; choose one of {', '.join(FORMATS)}")
    spec = fig.to_dict() if isinstance(fig, go.Figure) else fig
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    with _lock:
        _start_locked()
        try:
            data = kaleido.calc_fig_sync(spec, opts=opts)
        except Exception as exc:  # kaleido raises its own error types for Chromium and JS failures
            raise ExportError(f"Chromium could not render the figure ({type(exc).__name__}: {exc})") from None
    if fmt == "svg":
        data = _sized_svg(data, round(width * scale), round(height * scale))
    return data


def _sized_svg(svg: bytes, width: int, height: int) -> bytes:
    """Declare the presentation size on the root <svg>, keeping the viewBox so the drawing scales."""
    text = svg.decode("utf-8")
    head, sep, rest = text.partition(">")
    head = re.sub(r'\swidth="[^"]*"', f' width="{width}"', head, count=1)
    head = re.sub(r'\sheight="[^"]*"', f' height="{height}"', head, count=1)
    return (head + sep + rest).encode("utf-8")


def has_watermark(fig: go.Figure) -> bool:
    """Whether the figure already shows the SAMPLE DATA mark (the explorer's figures add their own)."""
    return any(SAMPLE_TEXT in str(a.text or "") for a in fig.layout.annotations)


def _is_cartesian(fig: go.Figure) -> bool:
    return any(t.type in CARTESIAN for t in fig.data)


CARTESIAN = frozenset({"bar", "scatter", "scattergl", "histogram", "box", "heatmap", "waterfall"})
#: Room (layout px) for x-axis tick labels below a cartesian plot, which sit in the bottom margin.
TICK_ROOM_PX = 30


def _is_designation(annotation, ctx: Context) -> bool:
    """Whether an annotation is the designation footnote, on one line or broken over several (the map's)."""
    return str(annotation.text or "").replace("<br>", " ") == ctx.designation


def for_export(fig: go.Figure, ctx: Context, footer: bool = True) -> go.Figure:
    """A copy of ``fig`` for a standalone image: a title, and (``footer``) the filters, the data date and the
    designation footnote below the plot; a SAMPLE DATA watermark whenever sample rows are included.
    A designation the figure draws itself is replaced by the footer. Without ``footer`` the figure is for a
    slide, which carries the title, context, designation and sample mark itself, so the figure loses its own.
    The input is not changed."""
    out = go.Figure(copy.deepcopy(fig.to_dict()))
    if _is_cartesian(out):
        # Tick labels must never be clipped by a tight margin designed for the screen.
        out.update_xaxes(automargin=True)
        out.update_yaxes(automargin=True)
        # Notes and legends placed just above the plot (paper y > 1) need room at 720 px high.
        out.update_layout(margin={"t": max(out.layout.margin.t or 0, 64)})
    has_title = bool(out.layout.title and out.layout.title.text)
    if ctx.title and not has_title and footer:
        top = out.layout.margin.t or 0
        out.update_layout(
            title={"text": ctx.title, "x": 0.01, "xanchor": "left", "y": 0.98, "yanchor": "top", "font": {"size": 20}},
            margin={"t": max(top, 48)},
        )
    if not footer:
        # On a slide, the slide carries the designation footnote and the one SAMPLE DATA mark (beside the title,
        # never over the figure): the figure's own copies go.
        out.layout.annotations = [
            a for a in out.layout.annotations if not _is_designation(a, ctx) and SAMPLE_TEXT not in str(a.text or "")
        ]
    elif ctx.includes_sample and not has_watermark(out):
        out.add_annotation(watermark(size=96))  # the explorer's watermark, larger for a standalone image
    if footer:
        kept = [a for a in out.layout.annotations if not _is_designation(a, ctx)]
        out.layout.annotations = kept
        bottom = out.layout.margin.b if out.layout.margin.b is not None else 80
        offset = bottom + (TICK_ROOM_PX if _is_cartesian(out) else 0)
        out.update_layout(margin={"b": offset + FOOTER_PX})
        left = out.layout.margin.l if out.layout.margin.l is not None else 80
        lines = ((f"{ctx.filters} · Data as of {ctx.data_date}", 13), (ctx.designation, 11))
        for i, (text, size) in enumerate(lines):
            out.add_annotation(
                text=text,
                xref="paper",
                yref="paper",
                x=0,
                y=0,
                xanchor="left",
                yanchor="top",
                xshift=-left + 8,
                yshift=-(offset + 8 + 24 * i),
                showarrow=False,
                align="left",
                font={"size": size, "color": "#333"},
            )
    else:
        # On a slide the title is the slide's: drop the figure's own (its margin stays for legends and notes).
        out.update_layout(title=None)
    return out
