"""A 16:9 PowerPoint briefing deck, built with python-pptx from plain inputs.

``build_deck(DeckInput) -> Presentation`` is a pure function of its input: it
reads no files and renders no figures (images arrive as PNG bytes). Text,
KPI cards and the project table are native shapes, so the deck can be edited.

Every slide has a real title placeholder (so the outline view, screen readers
and slide sorters see its title), the designation footnote and a context line
(the filters in words and the data date). When sample rows are included, every
slide carries one "SAMPLE DATA" mark, in the title row beside the title, never
over a figure. Charts are native PowerPoint charts (``ChartSpec``: categories and
series, editable in PowerPoint, with their data in the embedded workbook); only
the map is a picture (``Picture``), and every picture and chart has alt text.
Table columns are wide enough for their longest word (``textfit``).

Slides, in order: title, key figures (KPIs and Trust Fund status), map, one
slide per chart, largest projects (a native table), sources and methods.

Why one module: every slide builder uses the same frame (title row, context line,
footnote, sample mark), text helpers and layout constants; split, each part would import all of it back.
The input types, the deck's contract with ``content``, are plain data in ``deck_input``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_AXIS_CROSSES,
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard.exports import textfit
from dashboard.exports.deck_input import (  # noqa: F401 - the deck's input types, named here too
    ChartSeries,
    ChartSpec,
    DeckInput,
    KpiCard,
    Picture,
    SourceNote,
    TableSpec,
)
from dashboard.figures.annotations import WATERMARK

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)

#: Shape names, so tests and later edits can find the fixed parts of a slide.
FOOTNOTE_NAME = "Designation footnote"
CONTEXT_NAME = "Context line"
TITLE_NAME = "Slide title"
WATERMARK_NAME = "SAMPLE DATA mark"
PICTURE_NAME = "Figure"
CHART_NAME = "Chart"
EMPTY_CHART_NAME = "Nothing to chart"
TABLE_NAME = "Largest projects table"
SAMPLE_TEXT = WATERMARK  # the same words as the figures' watermark

INK = RGBColor(0x11, 0x18, 0x27)
MUTED = RGBColor(0x44, 0x4C, 0x5A)
ACCENT = RGBColor(0x0B, 0x4F, 0x8A)
CARD = RGBColor(0xEE, 0xF2, 0xF7)
WARN = RGBColor(0xB4, 0x23, 0x18)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
FONT = "Liberation Sans"  # metric-compatible with Arial; present wherever LibreOffice is

MARGIN = Inches(0.5)
CONTENT_TOP = Inches(1.2)
CONTENT_BOTTOM = Inches(6.6)  # the context line and footnote sit below
#: The SAMPLE DATA mark: in the title row, right of the title (which stops short of it).
MARK_LEFT, MARK_TOP, MARK_WIDTH, MARK_HEIGHT = Inches(10.43), Inches(0.3), Inches(2.4), Inches(0.8)
TITLE_WIDTH = MARK_LEFT - MARGIN - Inches(0.2)
TITLE_TOP, TITLE_HEIGHT = Inches(0.3), Inches(0.8)
#: The default template's "Title Only" layout: a title placeholder and nothing else on the slide.
TITLE_ONLY_LAYOUT = 5
CELL_MARGIN = Inches(0.06)


#: Native chart kinds: horizontal bars, vertical columns, lines with markers.
CHART_KINDS = {
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}


def slide_titles(deck: DeckInput) -> list[str]:
    """The titles ``build_deck`` gives its slides, in order."""
    titles = [deck.title, "Key figures"]
    if deck.map is not None:
        titles.append(deck.map.title)
    titles += [c.title for c in deck.charts]
    titles += [deck.table.title, "Sources and methods"]
    return titles


def build_deck(deck: DeckInput) -> Presentation:
    """The briefing as a python-pptx ``Presentation`` (not yet saved)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    titled = prs.slide_layouts[TITLE_ONLY_LAYOUT]
    props = prs.core_properties
    props.title = deck.title
    props.subject = deck.filters
    props.comments = f"Data as of {deck.data_date}." + (f" {deck.sample_warning}" if deck.includes_sample else "")
    props.keywords = "; ".join(["Trust Fund Atlas", *([SAMPLE_TEXT] if deck.includes_sample else [])])
    props.author = "Trust Fund Atlas"

    _title_slide(prs.slides.add_slide(titled), deck)
    _kpi_slide(prs.slides.add_slide(titled), deck)
    for figure in ([deck.map] if deck.map is not None else []) + list(deck.charts):
        if isinstance(figure, ChartSpec):
            _chart_slide(prs.slides.add_slide(titled), deck, figure)
        else:
            _picture_slide(prs.slides.add_slide(titled), deck, figure)
    _table_slide(prs.slides.add_slide(titled), deck)
    _sources_slide(prs.slides.add_slide(titled), deck)

    total = len(prs.slides)
    for number, slide in enumerate(prs.slides, start=1):
        _frame(slide, deck, number, total)
    return prs


def deck_bytes(deck: DeckInput) -> bytes:
    """The deck as .pptx bytes."""
    buf = io.BytesIO()
    build_deck(deck).save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------ text helpers


def _textbox(slide, left, top, width, height, name: str | None = None):
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    tf = box.text_frame
    tf.word_wrap = True
    tf.margin_left = tf.margin_right = Inches(0.05)
    tf.margin_top = tf.margin_bottom = Inches(0.02)
    return box


def _para(
    tf,
    text: str,
    size: float,
    *,
    bold: bool = False,
    color: RGBColor = INK,
    first: bool = False,
    align=PP_ALIGN.LEFT,
    space_after: float = 0,
):
    p = tf.paragraphs[0] if first else tf.add_paragraph()
    run = p.add_run()
    run.text = text
    _style(run, size, bold=bold, color=color)
    p.alignment = align
    if space_after:
        p.space_after = Pt(space_after)
    return p


def _style(run, size: float, *, bold: bool = False, color: RGBColor = INK) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    run.font.color.rgb = color


# ------------------------------------------------------------------------------------------------ slides


def _slide_title(
    slide,
    text: str,
    *,
    top: int = TITLE_TOP,
    height: int = TITLE_HEIGHT,
    size: float = 28,
    smallest: float = 22,
    anchor=MSO_ANCHOR.MIDDLE,
):
    """Fill the slide's title placeholder (type TITLE: outline view, screen readers, slide sorter)."""
    box = slide.shapes.title
    box.name = TITLE_NAME
    box.left, box.top, box.width, box.height = MARGIN, top, TITLE_WIDTH, height
    tf = box.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(0.05)
    tf.margin_top = tf.margin_bottom = Inches(0.02)
    tf.clear()
    while size > smallest and not text_fits(text, size, TITLE_WIDTH, bold=True):
        size -= 1  # one line if it can be had at a readable size; else it wraps
    _para(tf, text, size, bold=True, color=INK, first=True)


def text_fits(text: str, size: float, width, *, bold: bool = False) -> bool:
    """Whether ``text`` fits on one line of a box ``width`` wide (EMU) at ``size`` points."""
    return textfit.text_width_pt(text, size, bold=bold) * textfit.EMU_PER_PT <= width - Inches(0.1)


def _alt_text(shape, text: str) -> None:
    """Set a picture's or chart's alt text (the ``descr`` of its non-visual properties)."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)


def _frame(slide, deck: DeckInput, number: int, total: int) -> None:
    """The parts every slide has: context line, designation footnote, page number, sample marks."""
    ctx = _textbox(slide, MARGIN, Inches(6.68), Inches(11.4), Inches(0.32), CONTEXT_NAME)
    _para(ctx.text_frame, f"{deck.filters} · Data as of {deck.data_date}", 10, color=MUTED, first=True)
    num = _textbox(slide, Inches(12.0), Inches(6.68), Inches(0.83), Inches(0.32))
    _para(num.text_frame, f"{number} / {total}", 10, color=MUTED, first=True, align=PP_ALIGN.RIGHT)
    foot = _textbox(slide, MARGIN, Inches(6.98), SLIDE_WIDTH - 2 * MARGIN, Inches(0.42), FOOTNOTE_NAME)
    _para(foot.text_frame, deck.designation, 9, color=MUTED, first=True)
    if deck.includes_sample:
        # One mark, in the title row beside the title: it never covers a figure, a chart or the table.
        mark = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARK_LEFT, MARK_TOP, MARK_WIDTH, MARK_HEIGHT)
        mark.name = WATERMARK_NAME
        mark.fill.solid()
        mark.fill.fore_color.rgb = WARN
        mark.line.fill.background()
        mark.shadow.inherit = False
        tf = mark.text_frame
        tf.vertical_anchor = MSO_ANCHOR.MIDDLE
        tf.margin_top = tf.margin_bottom = Inches(0.02)
        _para(tf, SAMPLE_TEXT, 20, bold=True, color=WHITE, first=True, align=PP_ALIGN.CENTER)
        _para(tf, "not real projects included", 10, color=WHITE, align=PP_ALIGN.CENTER)


def _title_slide(slide, deck: DeckInput) -> None:
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_WIDTH, Inches(0.25))
    band.fill.solid()
    band.fill.fore_color.rgb = ACCENT
    band.line.fill.background()
    band.shadow.inherit = False
    _slide_title(slide, deck.title, top=Inches(1.2), height=Inches(1.6), size=40, smallest=40, anchor=MSO_ANCHOR.BOTTOM)
    body = _textbox(slide, MARGIN, Inches(3.0), Inches(12.3), Inches(3.4))
    tf = body.text_frame
    _para(tf, deck.filters, 24, color=ACCENT, first=True, space_after=12)
    _para(tf, f"Data as of {deck.data_date}", 18, color=INK, space_after=6)
    if deck.generated:
        _para(tf, f"Prepared {deck.generated} with Trust Fund Atlas", 14, color=MUTED, space_after=6)
    if deck.link:
        _para(tf, deck.link, 12, color=MUTED, space_after=6)
    if deck.includes_sample and deck.sample_warning:
        _para(tf, deck.sample_warning, 16, bold=True, color=WARN)


def _kpi_slide(slide, deck: DeckInput) -> None:
    _slide_title(slide, "Key figures")
    cols = 3
    has_status = bool(deck.status_lines)
    area_w = Inches(8.2) if has_status else SLIDE_WIDTH - 2 * MARGIN
    gap = Inches(0.2)
    rows = max(1, -(-len(deck.kpis) // cols))
    card_w = Emu(int((area_w - gap * (cols - 1)) / cols))
    card_h = Emu(int((CONTENT_BOTTOM - CONTENT_TOP - gap * (rows - 1)) / rows))
    value_size = 28.0  # the largest size at which every value stays on one line
    while value_size > 16 and not all(
        text_fits(k.value, value_size, card_w - Inches(0.3), bold=True) for k in deck.kpis
    ):
        value_size -= 1
    for i, kpi in enumerate(deck.kpis):
        left = MARGIN + (card_w + gap) * (i % cols)
        top = CONTENT_TOP + (card_h + gap) * (i // cols)
        card = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, card_w, card_h)
        card.name = f"KPI: {kpi.label}"
        card.fill.solid()
        card.fill.fore_color.rgb = CARD
        card.line.fill.background()
        card.shadow.inherit = False
        tf = card.text_frame
        tf.word_wrap = True
        tf.vertical_anchor = MSO_ANCHOR.TOP
        tf.margin_left = tf.margin_right = Inches(0.15)
        tf.margin_top = Inches(0.12)
        _para(tf, kpi.value, value_size, bold=True, color=ACCENT, first=True)
        _para(tf, kpi.label, 15, bold=True, color=INK, space_after=4)
        if kpi.note:
            _para(tf, kpi.note, 10.5, color=MUTED)
    if has_status:
        left = MARGIN + area_w + Inches(0.3)
        width = SLIDE_WIDTH - MARGIN - left
        panel = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, CONTENT_TOP, width, CONTENT_BOTTOM - CONTENT_TOP)
        panel.name = "Trust Fund status"
        panel.fill.solid()
        panel.fill.fore_color.rgb = WHITE
        panel.line.color.rgb = ACCENT
        panel.line.width = Pt(1.5)
        panel.shadow.inherit = False
        tf = panel.text_frame
        tf.word_wrap = True
        tf.vertical_anchor = MSO_ANCHOR.TOP
        tf.margin_left = tf.margin_right = Inches(0.15)
        _para(tf, deck.status_heading or "UN Trust Fund", 16, bold=True, color=ACCENT, first=True, space_after=6)
        for line in deck.status_lines:
            _para(tf, line, 12, color=INK, space_after=5)


def _fit(image: bytes, max_w: int, max_h: int) -> tuple[int, int]:
    with Image.open(io.BytesIO(image)) as im:
        w, h = im.size
    scale = min(max_w / w, max_h / h)
    return int(w * scale), int(h * scale)


def _picture_slide(slide, deck: DeckInput, picture: Picture) -> None:
    _slide_title(slide, picture.title)
    caption_h = Inches(0.35) if picture.caption else 0
    max_w, max_h = SLIDE_WIDTH - 2 * MARGIN, CONTENT_BOTTOM - CONTENT_TOP - caption_h
    w, h = _fit(picture.image, max_w, max_h)
    left = int((SLIDE_WIDTH - w) / 2)
    pic = slide.shapes.add_picture(io.BytesIO(picture.image), left, CONTENT_TOP, w, h)
    pic.name = PICTURE_NAME
    _alt_text(pic, picture.alt_text or picture.title)
    if picture.caption:
        cap = _textbox(slide, MARGIN, CONTENT_TOP + h + Inches(0.02), max_w, Inches(0.35))
        _para(cap.text_frame, picture.caption, 11, color=MUTED, first=True)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def chart_alt_text(spec: ChartSpec, most: int = 8) -> str:
    """What a chart shows, in words: its kind, title and each series' values (the first ``most`` categories)."""
    kind = {"bar": "Horizontal bar chart", "column": "Column chart", "line": "Line chart"}[spec.kind]
    parts = []
    for series in spec.series:
        labels = series.labels or tuple("not reported" if v is None else f"{v:,.0f}" for v in series.values)
        shown = [f"{c} {label}" for c, label in zip(spec.categories, labels, strict=False)][:most]
        more = f", and {len(spec.categories) - most} more" if len(spec.categories) > most else ""
        parts.append(f"{series.name}: {'; '.join(shown)}{more}.")
    return f"{kind}: {spec.title}. " + " ".join(parts)


def _chart_slide(slide, deck: DeckInput, spec: ChartSpec) -> None:
    """A native chart: its numbers live in the embedded workbook, so it can be restyled and edited. With no
    project in the view, or no categories (no project gives what the chart counts), the slide says so instead, as
    the page's chart does: PowerPoint cannot hold a chart without categories, and a chart of zeros says less."""
    _slide_title(slide, spec.title)
    if spec.empty_message or not spec.categories:
        box = _textbox(slide, MARGIN, CONTENT_TOP, SLIDE_WIDTH - 2 * MARGIN, Inches(1.6), name=EMPTY_CHART_NAME)
        _para(box.text_frame, spec.empty_message or "Nothing to chart for these filters.", 20, color=MUTED, first=True)
        if spec.caption:
            _para(box.text_frame, spec.caption, 11, color=MUTED)
        return
    caption_h = Inches(0.5) if spec.caption else 0
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = list(spec.categories)
    for series in spec.series:
        data.add_series(series.name, list(series.values))
    frame = slide.shapes.add_chart(
        CHART_KINDS[spec.kind],
        MARGIN,
        CONTENT_TOP,
        SLIDE_WIDTH - 2 * MARGIN,
        CONTENT_BOTTOM - CONTENT_TOP - caption_h,
        data,
    )
    frame.name = CHART_NAME
    _alt_text(frame, spec.alt_text or chart_alt_text(spec))
    chart = frame.chart
    chart.font.size = Pt(14)
    chart.font.name = FONT
    chart.has_title = False  # the slide's title is the chart's
    chart.has_legend = len(spec.series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
    values = chart.value_axis
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = RGBColor(0xDD, 0xDD, 0xDD)
    values.tick_labels.number_format = spec.number_format
    values.tick_labels.number_format_is_linked = False
    values.format.line.fill.background()
    categories = chart.category_axis
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    if spec.kind == "bar":
        categories.reverse_order = True  # the first category on top, as on the page
        categories.crosses = XL_AXIS_CROSSES.MAXIMUM  # and the value axis stays at the bottom
    if len(spec.categories) > 12:  # label every other category (years) so the labels do not collide
        axis = categories._element
        skip = axis.makeelement(qn("c:tickLblSkip"), {"val": "2"})
        axis.insert_element_before(skip, "c:tickMarkSkip", "c:noMultiLvlLbl", "c:extLst")  # schema order
    plot = chart.plots[0]
    if spec.kind != "line":
        plot.gap_width = 60
        plot.overlap = 0
    for series, drawn in zip(spec.series, plot.series, strict=True):
        if spec.kind == "line":
            drawn.smooth = False
            if series.colour:
                drawn.format.line.color.rgb = _rgb(series.colour)
                drawn.marker.format.fill.solid()
                drawn.marker.format.fill.fore_color.rgb = _rgb(series.colour)
                drawn.marker.format.line.color.rgb = _rgb(series.colour)
            drawn.format.line.width = Pt(3)
        elif series.colour:
            drawn.format.fill.solid()
            drawn.format.fill.fore_color.rgb = _rgb(series.colour)
        for i, colour in enumerate(series.point_colours):
            point = drawn.points[i]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(colour)
        for i, label in enumerate(series.labels):
            if not label:
                continue
            dl = drawn.points[i].data_label
            dl.has_text_frame = True
            dl.text_frame.text = label
            dl.position = XL_LABEL_POSITION.OUTSIDE_END if spec.kind != "line" else XL_LABEL_POSITION.ABOVE
            for run in dl.text_frame.paragraphs[0].runs:
                _style(run, 12, color=INK)
    if spec.caption:
        cap = _textbox(slide, MARGIN, CONTENT_BOTTOM - caption_h + Inches(0.04), SLIDE_WIDTH - 2 * MARGIN, caption_h)
        _para(cap.text_frame, spec.caption, 11, color=MUTED, first=True)


def _table_slide(slide, deck: DeckInput) -> None:
    spec = deck.table
    _slide_title(slide, spec.title)
    width = SLIDE_WIDTH - 2 * MARGIN
    if not spec.rows:
        box = _textbox(slide, MARGIN, CONTENT_TOP, width, Inches(1))
        _para(box.text_frame, "No projects match these filters.", 20, color=MUTED, first=True)
        return
    note_h = Inches(0.4) if spec.note else 0
    row_h = Inches(0.42)
    n_rows = len(spec.rows) + 1
    height = min(row_h * n_rows, CONTENT_BOTTOM - CONTENT_TOP - note_h)
    shape = slide.shapes.add_table(n_rows, len(spec.columns), MARGIN, CONTENT_TOP, width, height)
    shape.name = TABLE_NAME
    table = shape.table
    size = 12 if len(spec.rows) <= 8 else 11
    widths, size = textfit.column_widths(
        spec.columns, spec.rows, int(width), size, weights=spec.widths, padding_emu=int(2 * CELL_MARGIN)
    )
    for j, w in enumerate(widths):
        table.columns[j].width = Emu(w)
    for j, name in enumerate(spec.columns):
        _cell(table.cell(0, j), name, size, bold=True, color=WHITE, fill=ACCENT, right=j in spec.numeric)
    for i, row in enumerate(spec.rows, start=1):
        fill = CARD if i % 2 == 0 else WHITE
        for j, value in enumerate(row):
            _cell(table.cell(i, j), value, size, fill=fill, right=j in spec.numeric)
    if spec.note:
        top = CONTENT_TOP + height + Inches(0.08)
        box = _textbox(slide, MARGIN, top, width, note_h)
        _para(box.text_frame, spec.note, 10.5, color=MUTED, first=True)


def _cell(
    cell,
    text: str,
    size: float,
    *,
    bold: bool = False,
    color: RGBColor = INK,
    fill: RGBColor | None = None,
    right: bool = False,
) -> None:
    cell.text = ""
    tf = cell.text_frame
    tf.word_wrap = True
    p = tf.paragraphs[0]
    run = p.add_run()
    run.text = text
    _style(run, size, bold=bold, color=color)
    p.alignment = PP_ALIGN.RIGHT if right else PP_ALIGN.LEFT
    cell.margin_left = cell.margin_right = CELL_MARGIN
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill


def _sources_slide(slide, deck: DeckInput) -> None:
    _slide_title(slide, "Sources and methods")
    width = SLIDE_WIDTH - 2 * MARGIN
    top = CONTENT_TOP
    if deck.includes_sample and deck.sample_warning:
        warn = _textbox(slide, MARGIN, top, width, Inches(0.45))
        _para(warn.text_frame, deck.sample_warning, 12, bold=True, color=WARN, first=True)
        top += Inches(0.5)
    col_w = Emu(int((width - Inches(0.3)) / 2))
    left_box = _textbox(slide, MARGIN, top, col_w, CONTENT_BOTTOM - top)
    right_box = _textbox(slide, MARGIN + col_w + Inches(0.3), top, col_w, CONTENT_BOTTOM - top)
    _notes(left_box.text_frame, "Layers", deck.sources[: (len(deck.sources) + 1) // 2])
    _notes(right_box.text_frame, "", deck.sources[(len(deck.sources) + 1) // 2 :])
    if deck.methods:
        tf = right_box.text_frame
        _para(tf, "Methods", 12, bold=True, color=ACCENT, first=not deck.sources[(len(deck.sources) + 1) // 2 :])
        for line in deck.methods:
            _para(tf, line, 10.5, color=INK, space_after=2)


def _notes(tf, heading: str, notes: Sequence[SourceNote]) -> None:
    first = True
    if heading:
        _para(tf, heading, 12, bold=True, color=ACCENT, first=True)
        first = False
    for note in notes:
        p = tf.paragraphs[0] if first else tf.add_paragraph()
        first = False
        head = p.add_run()
        head.text = f"{note.heading}. "
        _style(head, 10.5, bold=True)
        body = p.add_run()
        body.text = note.text
        _style(body, 10.5)
        p.space_after = Pt(3)
