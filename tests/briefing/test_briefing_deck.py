"""The deck builder as a pure function: slides, title placeholders, native charts and table, the map picture,
alt text, footnote, the sample mark beside (never over) the content."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Emu

from dashboard.exports import deck as D
from dashboard.exports import textfit


def reopen(d: D.DeckInput) -> Presentation:
    return Presentation(io.BytesIO(D.deck_bytes(d)))


def shapes_named(slide, name: str) -> list:
    return [s for s in slide.shapes if s.name == name]


def test_slides_in_order_with_titles(deck_factory):
    d = deck_factory(charts=3)
    prs = reopen(d)
    titles = [shapes_named(s, D.TITLE_NAME)[0].text_frame.text for s in prs.slides]
    # every title is the slide's real title placeholder (outline view, screen readers), not a loose text box
    for slide, title in zip(prs.slides, titles, strict=True):
        assert slide.shapes.title is not None
        assert slide.shapes.title.placeholder_format.type == PP_PLACEHOLDER.TITLE
        assert slide.shapes.title.text_frame.text == title
    assert titles == D.slide_titles(d)
    assert titles == [
        "Briefing: test",
        "Key figures",
        "Where the projects are",
        "Chart 0",
        "Chart 1",
        "Chart 2",
        "Largest projects",
        "Sources and methods",
    ]


def test_is_16_by_9(deck_factory):
    prs = reopen(deck_factory())
    assert prs.slide_width * 9 == pytest.approx(prs.slide_height * 16, rel=1e-3)


def test_every_slide_has_footnote_and_context_line(deck_factory):
    d = deck_factory()
    prs = reopen(d)
    for slide in prs.slides:
        (foot,) = shapes_named(slide, D.FOOTNOTE_NAME)
        assert foot.text_frame.text == d.designation
        (ctx,) = shapes_named(slide, D.CONTEXT_NAME)
        assert "Health projects in North Mitrovica" in ctx.text_frame.text
        assert "Data as of 3 March 2025" in ctx.text_frame.text


def test_only_the_map_is_a_picture_and_it_fits_the_slide(deck_factory):
    prs = reopen(deck_factory(charts=2))
    counts = [len(shapes_named(s, D.PICTURE_NAME)) for s in prs.slides]
    assert counts == [0, 0, 1, 0, 0, 0, 0]
    (pic,) = shapes_named(prs.slides[2], D.PICTURE_NAME)
    assert pic.left >= 0 and pic.left + pic.width <= prs.slide_width
    assert pic.top + pic.height <= D.CONTENT_BOTTOM + Emu(1)
    assert pic.width / pic.height == pytest.approx(1920 / 860, rel=0.01)


def test_charts_are_native_with_their_categories_and_values(deck_factory):
    d = deck_factory(charts=3)
    prs = reopen(d)
    kinds = {
        "bar": XL_CHART_TYPE.BAR_CLUSTERED,
        "line": XL_CHART_TYPE.LINE_MARKERS,
        "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    }
    for slide, spec in zip(list(prs.slides)[3:6], d.charts, strict=True):
        (frame,) = shapes_named(slide, D.CHART_NAME)
        assert frame.has_chart
        chart = frame.chart
        assert chart.chart_type == kinds[spec.kind]
        assert tuple(chart.plots[0].categories) == spec.categories
        assert [s.name for s in chart.series] == [s.name for s in spec.series]
        for drawn, wanted in zip(chart.series, spec.series, strict=True):
            assert drawn.values == wanted.values  # an unknown stays unknown (None), never 0
        # the numbers live in the embedded workbook, so PowerPoint can edit them
        assert chart.part.chart_workbook.xlsx_part is not None
    bars = shapes_named(prs.slides[3], D.CHART_NAME)[0].chart
    assert bars.series[0].values == (300.0, 200.0, None)
    assert bars.category_axis.reverse_order  # first category on top, as on the page
    columns = shapes_named(prs.slides[5], D.CHART_NAME)[0].chart
    labels = [columns.series[0].points[i].data_label.text_frame.text for i in range(3)]
    assert labels == ["120", "<10", "not reported"]  # a suppressed count is shown as <10, not as a number


def test_pictures_and_charts_have_meaningful_alt_text(deck_factory):
    d = deck_factory(charts=3)
    prs = reopen(d)
    described = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.name not in (D.PICTURE_NAME, D.CHART_NAME):
                continue
            descr = shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
            title = slide.shapes.title.text_frame.text
            assert descr and len(descr) > len(title) + 20, (title, descr)
            assert not descr.lower().startswith("image")
            described += 1
    assert described == 4
    chart_descr = shapes_named(prs.slides[3], D.CHART_NAME)[0]._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
    assert "Committed: Health 300; Education 200" in chart_descr and "Housing not reported" in chart_descr
    map_descr = shapes_named(prs.slides[2], D.PICTURE_NAME)[0]._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
    assert map_descr == d.map.alt_text


def test_table_is_native_with_header_and_rows(deck_factory):
    prs = reopen(deck_factory(rows=7))
    slide = prs.slides[-2]
    (shape,) = shapes_named(slide, D.TABLE_NAME)
    assert shape.has_table
    table = shape.table
    assert len(table.rows) == 8 and len(table.columns) == 2
    assert [c.text for c in table.rows[0].cells] == ["Project", "Committed (USD)"]
    assert [table.cell(i, 0).text for i in range(1, 8)] == [f"Project {i}" for i in range(7)]
    assert table.cell(1, 1).text == "1,000"


def test_empty_table_says_so(deck_factory):
    prs = reopen(deck_factory(rows=0))
    slide = prs.slides[-2]
    assert not shapes_named(slide, D.TABLE_NAME)
    assert any("No projects match" in s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_a_chart_with_nothing_to_chart_says_so_instead(deck_factory):
    """PowerPoint cannot hold a chart without categories (python-pptx raised, and the whole export failed); a
    chart whose figure said it had no project shows that message, not a chart of zeros."""
    deck = deck_factory(charts=3)
    no_categories = dataclasses.replace(deck.charts[0], categories=(), series=(D.ChartSeries("Committed", ()),))
    no_project = dataclasses.replace(deck.charts[2], empty_message="No projects match these filters.")
    prs = reopen(dataclasses.replace(deck, charts=(no_categories, deck.charts[1], no_project)))
    slides = {D.slide_titles(deck)[i]: slide for i, slide in enumerate(prs.slides)}
    for title, message in (("Chart 0", "Nothing to chart for these filters."), ("Chart 2", "No projects match")):
        slide = slides[title]
        assert not [s for s in slide.shapes if s.has_chart], title
        (note,) = shapes_named(slide, D.EMPTY_CHART_NAME)
        assert message in note.text_frame.text and "Source: chart" in note.text_frame.text
    assert [s for s in slides["Chart 1"].shapes if s.has_chart]  # the others are still charts


def _box(shape) -> tuple[int, int, int, int]:
    return shape.left, shape.top, shape.left + shape.width, shape.top + shape.height


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("includes_sample", [True, False])
def test_one_sample_mark_per_slide_exactly_when_sample_included(deck_factory, includes_sample):
    prs = reopen(deck_factory(includes_sample=includes_sample))
    for slide in prs.slides:
        marks = shapes_named(slide, D.WATERMARK_NAME)
        assert len(marks) == int(includes_sample)
        if includes_sample:
            assert marks[0].text_frame.text.startswith("SAMPLE DATA")
    text = "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert ("illustrative projects that are not real" in text) is includes_sample
    assert ("SAMPLE DATA" in prs.core_properties.keywords) is includes_sample


def test_sample_mark_never_covers_a_figure_table_or_title(deck_factory):
    prs = reopen(deck_factory(includes_sample=True, charts=3, rows=12))
    covered = 0
    for slide in prs.slides:
        (mark,) = shapes_named(slide, D.WATERMARK_NAME)
        assert 0 <= mark.left and mark.left + mark.width <= prs.slide_width and mark.top >= 0
        content = [s for s in slide.shapes if s.name in (D.PICTURE_NAME, D.CHART_NAME, D.TABLE_NAME, D.TITLE_NAME)]
        content += [s for s in slide.shapes if s.name.startswith("KPI") or s.name == "Trust Fund status"]
        for shape in content:
            assert not _overlap(_box(mark), _box(shape)), (slide.shapes.title.text_frame.text, shape.name)
            covered += 1
    assert covered >= 9 + 9  # a title on each of the 9 slides, plus the figures, table and cards


def test_table_columns_fit_their_longest_words(deck_factory):
    d = deck_factory(rows=3)
    columns = ("Project", "Municipality", "Committed", "Disbursed", "Data")
    rows = tuple(
        ("Water supply", "Mitrovicë e Jugut/Južna Mitrovica", "USD 2.03m", "USD 1.49m", "documented") for _ in range(3)
    )
    table_spec = D.TableSpec("Largest projects", columns, rows, widths=(6.0, 2.0, 0.6, 0.6, 0.6), numeric=(2, 3))
    prs = reopen(D.DeckInput(**{**d.__dict__, "table": table_spec}))
    table = shapes_named(prs.slides[-2], D.TABLE_NAME)[0].table
    size = table.cell(0, 0).text_frame.paragraphs[0].runs[0].font.size.pt
    for j, name in enumerate(columns):
        room = table.columns[j].width - 2 * D.CELL_MARGIN
        for word in name.split():  # header words, bold: never broken inside ("Committe d")
            assert textfit.text_width_pt(word, size, bold=True) * textfit.EMU_PER_PT <= room, name
        for word in textfit.words(rows[0][j], break_after_slash=True):
            assert textfit.text_width_pt(word, size) * textfit.EMU_PER_PT <= room, word
    assert sum(c.width for c in table.columns) == pytest.approx(prs.slide_width - 2 * D.MARGIN, abs=10)
    # the rest of the width still follows the weights: the project column is the widest
    assert table.columns[0].width == max(c.width for c in table.columns)


def test_kpis_and_trust_fund_are_native_text(deck_factory):
    prs = reopen(deck_factory())
    texts = [s.text_frame.text for s in prs.slides[1].shapes if s.has_text_frame]
    assert any(t.startswith("40\nKPI 4") for t in texts)
    assert any("Received: nothing reported" in t for t in texts)


def test_without_map_or_charts(deck_factory):
    d = deck_factory(charts=0)
    d = D.DeckInput(**{**d.__dict__, "map": None})
    prs = reopen(d)
    assert len(prs.slides) == 4
    assert D.slide_titles(d) == ["Briefing: test", "Key figures", "Largest projects", "Sources and methods"]
