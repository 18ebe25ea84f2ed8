"""A 16:9 PowerPoint briefing deck, built with python-pptx from plain inputs.

``build_deck(DeckInput) -> Presentation`` is a pure function of its input: it
reads no files and renders no figures (images arrive as PNG bytes). Text,
KPI cards and the project table are native shapes, so the deck can be edited.

Every slide carries the designation footnote and a context line (the filters
in words and the data date). When sample rows are included, every slide also
carries a "SAMPLE DATA" banner and a large diagonal watermark.

Slides, in order: title, key figures (KPIs and Trust Fund status), map, one
slide per chart, largest projects (a native table), sources and methods.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)

#: Shape names, so tests and later edits can find the fixed parts of a slide.
FOOTNOTE_NAME = "Designation footnote"
CONTEXT_NAME = "Context line"
TITLE_NAME = "Slide title"
BANNER_NAME = "SAMPLE DATA banner"
WATERMARK_NAME = "SAMPLE DATA watermark"
PICTURE_NAME = "Figure"
TABLE_NAME = "Largest projects table"
SAMPLE_TEXT = "SAMPLE DATA"

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
    charts: tuple[Picture, ...] = ()
    status_heading: str = ""
    status_lines: tuple[str, ...] = ()
    sources: tuple[SourceNote, ...] = ()
    methods: tuple[str, ...] = ()
    sample_warning: str = ""
    generated: str = ""  # when the deck was made
    link: str = ""  # the briefing URL with the same filters, when known
    extra: dict[str, str] = field(default_factory=dict)  # core-property keywords


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
    blank = prs.slide_layouts[6]
    props = prs.core_properties
    props.title = deck.title
    props.subject = deck.filters
    props.comments = f"Data as of {deck.data_date}." + (f" {deck.sample_warning}" if deck.includes_sample else "")
    props.keywords = "; ".join(["Trust Fund Atlas", *([SAMPLE_TEXT] if deck.includes_sample else [])])
    props.author = "Trust Fund Atlas"

    _title_slide(prs.slides.add_slide(blank), deck)
    _kpi_slide(prs.slides.add_slide(blank), deck)
    for picture in ([deck.map] if deck.map is not None else []) + list(deck.charts):
        _picture_slide(prs.slides.add_slide(blank), deck, picture)
    _table_slide(prs.slides.add_slide(blank), deck)
    _sources_slide(prs.slides.add_slide(blank), deck)

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


def _set_alpha(run, alpha_percent: int) -> None:
    """Make a run's solid colour partly transparent (DrawingML a:alpha, in thousandths of a percent)."""
    srgb = run._r.find(".//" + qn("a:srgbClr"))
    etree.SubElement(srgb, qn("a:alpha")).set("val", str(alpha_percent * 1000))


# ------------------------------------------------------------------------------------------------ slides


def _slide_title(slide, text: str) -> None:
    box = _textbox(slide, MARGIN, Inches(0.3), Inches(10.0), Inches(0.8), TITLE_NAME)
    box.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    _para(box.text_frame, text, 28, bold=True, color=INK, first=True)


def _frame(slide, deck: DeckInput, number: int, total: int) -> None:
    """The parts every slide has: context line, designation footnote, page number, sample marks."""
    ctx = _textbox(slide, MARGIN, Inches(6.68), Inches(11.4), Inches(0.32), CONTEXT_NAME)
    _para(ctx.text_frame, f"{deck.filters} · Data as of {deck.data_date}", 10, color=MUTED, first=True)
    num = _textbox(slide, Inches(12.0), Inches(6.68), Inches(0.83), Inches(0.32))
    _para(num.text_frame, f"{number} / {total}", 10, color=MUTED, first=True, align=PP_ALIGN.RIGHT)
    foot = _textbox(slide, MARGIN, Inches(6.98), SLIDE_WIDTH - 2 * MARGIN, Inches(0.42), FOOTNOTE_NAME)
    _para(foot.text_frame, deck.designation, 9, color=MUTED, first=True)
    if deck.includes_sample:
        banner = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(10.63), Inches(0.38), Inches(2.2), Inches(0.5))
        banner.name = BANNER_NAME
        banner.fill.solid()
        banner.fill.fore_color.rgb = WARN
        banner.line.fill.background()
        banner.shadow.inherit = False
        tf = banner.text_frame
        tf.vertical_anchor = MSO_ANCHOR.MIDDLE
        _para(tf, SAMPLE_TEXT, 16, bold=True, color=WHITE, first=True, align=PP_ALIGN.CENTER)
        # Last shape added, so it sits on top of pictures and tables.
        mark = _textbox(slide, Inches(1.9), Inches(3.0), Inches(9.5), Inches(1.5), WATERMARK_NAME)
        mark.rotation = -25
        tf = mark.text_frame
        tf.word_wrap = False
        p = _para(tf, SAMPLE_TEXT, 80, bold=True, color=WARN, first=True, align=PP_ALIGN.CENTER)
        _set_alpha(p.runs[0], 22)


def _title_slide(slide, deck: DeckInput) -> None:
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_WIDTH, Inches(0.25))
    band.fill.solid()
    band.fill.fore_color.rgb = ACCENT
    band.line.fill.background()
    band.shadow.inherit = False
    box = _textbox(slide, MARGIN, Inches(1.5), Inches(12.3), Inches(1.3), TITLE_NAME)
    box.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    _para(box.text_frame, deck.title, 40, bold=True, first=True)
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
        _para(tf, kpi.value, 28, bold=True, color=ACCENT, first=True)
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
    if picture.caption:
        cap = _textbox(slide, MARGIN, CONTENT_TOP + h + Inches(0.02), max_w, Inches(0.35))
        _para(cap.text_frame, picture.caption, 11, color=MUTED, first=True)


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
    weights = spec.widths or tuple(1.0 for _ in spec.columns)
    total = sum(weights)
    for j, wgt in enumerate(weights):
        table.columns[j].width = Emu(int(width * wgt / total))
    size = 12 if len(spec.rows) <= 8 else 11
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
    cell.margin_left = cell.margin_right = Inches(0.06)
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
