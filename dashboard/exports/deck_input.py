"""What a briefing deck holds, as plain data: the contract between ``content`` (which fills it) and ``deck`` (which
builds the slides with python-pptx). Kept apart from ``deck`` so the app can prepare a briefing without loading
python-pptx (0.3 s of the start); ``deck`` loads it when a deck is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class KpiCard:
    label: str
    value: str
    note: str = ""  # the definition or source, one short line


@dataclass(frozen=True)
class Picture:
    title: str
    image: bytes  # PNG
    caption: str = ""  # where the numbers come from
    alt_text: str = ""  # what the picture shows, for people who cannot see it (the title when empty)


@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: tuple[float | None, ...]  # None: not reported (no bar or point is drawn, never a zero)
    colour: str = ""  # "#RRGGBB"; empty: the theme's
    point_colours: tuple[str, ...] = ()  # one per category (a single-series chart coloured by category)
    labels: tuple[str, ...] = ()  # one data label per point ("12,386", "<10", "not reported"); empty: none


@dataclass(frozen=True)
class ChartSpec:
    """A native, editable chart: categories along one axis, one or more series of numbers."""

    title: str
    kind: str  # a key of CHART_KINDS
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    number_format: str = "#,##0"  # Excel number format of the value axis and the embedded data
    caption: str = ""
    alt_text: str = ""  # when empty, ``chart_alt_text`` describes the data
    #: what the slide says instead of a chart: the figure's empty-state message (no project in the view), or why
    #: there are no ``categories`` (PowerPoint cannot hold a chart without them); "" draws the chart
    empty_message: str = ""


@dataclass(frozen=True)
class TableSpec:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""
    widths: tuple[float, ...] = ()  # relative column widths; equal when empty
    numeric: tuple[int, ...] = ()  # indices of right-aligned columns


@dataclass(frozen=True)
class SourceNote:
    heading: str
    text: str


@dataclass(frozen=True)
class DeckInput:
    title: str
    filters: str  # the active filters in one sentence
    data_date: str
    designation: str
    includes_sample: bool
    kpis: tuple[KpiCard, ...]
    table: TableSpec
    map: Picture | None = None
    charts: tuple[ChartSpec | Picture, ...] = ()  # a Picture only when a chart cannot be drawn natively
    status_heading: str = ""
    status_lines: tuple[str, ...] = ()
    sources: tuple[SourceNote, ...] = ()
    methods: tuple[str, ...] = ()
    sample_warning: str = ""
    generated: str = ""  # when the deck was made
    link: str = ""  # the briefing URL with the same filters, when known
    extra: dict[str, str] = field(default_factory=dict)  # core-property keywords
