"""The deck builder as a pure function: slides, titles, native table, pictures, footnote, watermark."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.util import Emu

from dashboard.exports import deck as D


def reopen(d: D.DeckInput) -> Presentation:
    return Presentation(io.BytesIO(D.deck_bytes(d)))


def shapes_named(slide, name: str) -> list:
    return [s for s in slide.shapes if s.name == name]


def test_slides_in_order_with_titles(deck_factory):
    d = deck_factory(charts=3)
    prs = reopen(d)
    titles = [shapes_named(s, D.TITLE_NAME)[0].text_frame.text for s in prs.slides]
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


def test_pictures_only_on_figure_slides_and_fit_the_slide(deck_factory):
    prs = reopen(deck_factory(charts=2))
    counts = [len(shapes_named(s, D.PICTURE_NAME)) for s in prs.slides]
    assert counts == [0, 0, 1, 1, 1, 0, 0]
    for slide in list(prs.slides)[2:5]:
        (pic,) = shapes_named(slide, D.PICTURE_NAME)
        assert pic.left >= 0 and pic.left + pic.width <= prs.slide_width
        assert pic.top + pic.height <= D.CONTENT_BOTTOM + Emu(1)
        assert pic.width / pic.height == pytest.approx(1920 / 860, rel=0.01)


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


@pytest.mark.parametrize("includes_sample", [True, False])
def test_sample_watermark_and_banner_exactly_when_sample_included(deck_factory, includes_sample):
    prs = reopen(deck_factory(includes_sample=includes_sample))
    for slide in prs.slides:
        marks = shapes_named(slide, D.WATERMARK_NAME)
        banners = shapes_named(slide, D.BANNER_NAME)
        assert len(marks) == len(banners) == int(includes_sample)
        if includes_sample:
            assert marks[0].text_frame.text == "SAMPLE DATA"
            assert banners[0].text_frame.text == "SAMPLE DATA"
            # drawn last, so it sits above pictures and tables
            assert list(slide.shapes)[-1].name == D.WATERMARK_NAME
    text = "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert ("illustrative projects that are not real" in text) is includes_sample
    assert ("SAMPLE DATA" in prs.core_properties.keywords) is includes_sample


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
