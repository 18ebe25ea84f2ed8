"""The notes figures carry, one builder each: the SAMPLE DATA watermark, the designation footnote, the boundary
credit line, the empty-state message, the note on what no project reports and the suppression note.

Every figure that shows sample rows carries ``watermark()``; every map carries ``designation()`` and
``boundary_credit_line()``. An exporter that adds a watermark to a figure of its own uses ``watermark(size=...)``
rather than building another one.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from dashboard.figures.style import FONT, base_layout
from geodata.analysis.privacy import SUPPRESSED_LABEL
from geodata.facts.designation import DESIGNATION
from geodata.io.load import boundary_credit

WATERMARK = "SAMPLE DATA"
#: The watermark's size on a screen figure (px); an exported image at 1280 x 720 may ask for a larger one.
WATERMARK_SIZE = 44


def watermark(size: int = WATERMARK_SIZE) -> dict:
    """The SAMPLE DATA watermark across the middle of a figure (the one style every figure uses)."""
    return dict(
        text=WATERMARK,
        name="watermark",
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        textangle=-18,
        font=dict(size=size, color="rgba(190, 30, 45, 0.28)", family=FONT),
    )


def empty_note(message: str) -> dict:
    """``message`` in the middle of a figure that has nothing to draw."""
    return dict(
        text=html.escape(message),
        name="empty",
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font=dict(size=15, color="#555", family=FONT),
    )


def designation_lines(text: str = DESIGNATION) -> str:
    """The designation footnote on two lines (after its first comma), so it fits a map about 600 px wide."""
    head, sep, tail = text.partition(", ")
    return f"{head},<br>{tail}" if sep else text


#: The footnote boxes at a map's bottom corners are opaque: a settlement label under them must not show through.
NOTE_BACKGROUND = "#ffffff"


def _corner_note(text: str, name: str, right: bool, size: int, yshift: int = 0) -> dict:
    """A note in a bottom corner of the figure, on an opaque box."""
    side = "right" if right else "left"
    return dict(
        text=text,
        name=name,
        xref="paper",
        yref="paper",
        x=1.0 if right else 0.0,
        y=0.0,
        yshift=yshift,
        xanchor=side,
        yanchor="bottom",
        showarrow=False,
        align=side,
        bgcolor=NOTE_BACKGROUND,
        font=dict(size=size, color="#333", family=FONT),
    )


def designation() -> dict:
    """The designation footnote, bottom left of a map."""
    return _corner_note(designation_lines(), "designation", right=False, size=10)


def boundary_credit_line() -> dict:
    """The credit line the boundary licence asks for (CC BY-SA: geoBoundaries / OpenStreetMap), or the
    installed official file's stated source and licence; above the designation footnote, whose two lines run
    along the bottom edge."""
    return _corner_note(boundary_credit(), "boundary-credit", right=True, size=9, yshift=28)


def unreported_note(lines: list[str]) -> dict:
    """Under a chart: what no matching project reports (those bars and points are not drawn)."""
    return dict(
        text=html.escape("; ".join(lines)) + ".",
        name="unreported",
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        yshift=-34,
        showarrow=False,
        align="left",
        font=dict(size=11, color="#555", family=FONT),
    )


def unshaded_note(text: str) -> dict:
    """On a map, above the designation footnote: which polygons with matching projects are left unshaded
    because none of those projects reports the chosen figure (unknown is not drawn as 0). On up to three lines
    (before the list in brackets and after the last colon), above the boundary credit's line, so neither covers
    the other on a map about 600 px wide."""
    head, sep, tail = html.escape(text, quote=False).rpartition(": ")
    lines = head.replace(" (", "<br>(", 1) + ":<br>" + tail if sep else tail
    return _corner_note(lines, "unshaded", right=False, size=10, yshift=46)


#: Above a chart of people counts: how small counts are shown.
SUPPRESSION_NOTE = dict(
    text=f"Counts of 1-9 are shown as {SUPPRESSED_LABEL}.",
    name="suppression",
    xref="paper",
    yref="paper",
    x=1,
    y=1.08,
    xanchor="right",
    showarrow=False,
    font=dict(size=11, color="#555"),
)


def map_annotations(has_sample: bool, empty: bool, unshaded: str = "") -> list[dict]:
    """The map's annotations: designation footnote and boundary credit, plus the watermark, the
    empty-state message and the note on polygons left unshaded (``unshaded``, when not empty)."""
    notes = [designation(), boundary_credit_line()]
    if unshaded:
        notes.append(unshaded_note(unshaded))
    if has_sample:
        notes.append(watermark())
    if empty:
        notes.append(empty_note("No projects match these filters. Clear a filter to see more."))
    return notes


def chart_annotations(has_sample: bool, empty: bool) -> list[dict]:
    """A chart's annotations: the watermark and the empty-state message, where they apply."""
    notes = []
    if has_sample:
        notes.append(watermark())
    if empty:
        notes.append(empty_note("No projects match these filters."))
    return notes


def empty_figure(message: str) -> go.Figure:
    """A blank figure (no axes) that says ``message``."""
    fig = go.Figure()
    fig.update_layout(base_layout(height=260))
    fig.update_layout(annotations=[empty_note(message)], xaxis_visible=False, yaxis_visible=False)
    return fig
