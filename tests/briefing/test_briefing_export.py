"""End to end: ``python -m dashboard export`` (``dashboard.exports.cli``) and the service's ``briefing`` entry for a
given filter, over the real layers and Chromium."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from dashboard.data import snapshot
from dashboard.exports import cli as E
from dashboard.exports import content as C
from dashboard.exports import deck as D
from dashboard.exports import images, pdf, service
from geodata.analysis.filters import FilterState
from geodata.facts.layers import COMMUNITIES, SECTORS

HEALTH_SAMPLE_NORTH_MITROVICA = FilterState(sectors=("health",), dataset="sample", municipalities=("north-mitrovica",))
DOCUMENTED = FilterState(dataset="documented")


@pytest.fixture(scope="module", autouse=True)
def warm_server():
    images.start()
    yield
    images.stop()


@pytest.fixture(scope="module")
def documented_deck() -> tuple[C.Briefing, Presentation]:
    """The deck for the documented projects only (4 real projects, no sample)."""
    data = service.briefing("pptx", DOCUMENTED).data
    return C.build_briefing(DOCUMENTED, with_figures=False), Presentation(io.BytesIO(data))


def titles(prs: Presentation) -> list[str]:
    return [next(s.text_frame.text for s in slide.shapes if s.name == D.TITLE_NAME) for slide in prs.slides]


def test_deck_slides_titles_and_footnote(documented_deck):
    briefing, prs = documented_deck
    charts = ["by_sector", "by_municipality", "over_time", "by_community"]
    with_figures = C.build_briefing(DOCUMENTED)
    assert titles(prs) == [
        C.TITLE,
        "Key figures",
        "Where the projects are",
        *[C.figure_title(with_figures, k) for k in charts],
        "Largest projects",
        "Sources and methods",
    ]
    assert "Funding by sector" in titles(prs)[3]  # the chart's own title, which names its unit
    for slide in prs.slides:
        (foot,) = [s for s in slide.shapes if s.name == D.FOOTNOTE_NAME]
        assert foot.text_frame.text == briefing.designation
        assert "UNSCR 1244/1999" in foot.text_frame.text
        assert not [s for s in slide.shapes if s.name == D.WATERMARK_NAME]  # documented only: no sample


def test_deck_title_slide_has_filters_and_data_date(documented_deck):
    briefing, prs = documented_deck
    text = "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert "All projects, documented data" in text
    assert f"Data as of {briefing.data_date}" in text


def test_deck_table_lists_the_documented_projects(documented_deck):
    _, prs = documented_deck
    (shape,) = [s for s in prs.slides[7].shapes if s.name == D.TABLE_NAME]
    table = shape.table
    assert len(table.rows) == 1 + 4  # header + the 4 documented projects
    data_column = [table.cell(i, 7).text for i in range(1, 5)]
    assert data_column == ["documented"] * 4
    # largest first: the only documented project with an amount (EUR converted to USD) leads
    assert table.cell(1, 5).text.startswith("USD 2")
    assert [table.cell(i, 5).text for i in range(2, 5)] == ["—"] * 3


def test_deck_map_is_the_only_picture_at_presentation_resolution_with_alt_text(documented_deck):
    briefing, prs = documented_deck
    pictures = [s for slide in prs.slides for s in slide.shapes if s.name == D.PICTURE_NAME]
    assert len(pictures) == 1
    with Image.open(io.BytesIO(pictures[0].image.blob)) as im:
        assert im.size[0] >= 1920
    descr = pictures[0]._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
    assert f"{briefing.n_projects} matching projects" in descr
    assert "Česmin Lug" in descr and "shaded by committed" in descr


def test_deck_charts_are_native_and_hold_the_briefings_numbers(documented_deck):
    _, prs = documented_deck
    briefing = C.build_briefing(DOCUMENTED)
    frames = {s.shapes.title.text_frame.text: s for s in prs.slides}
    sector = next(sh for sh in frames[C.figure_title(briefing, "by_sector")].shapes if sh.has_chart).chart
    committed = dict(zip(sector.plots[0].categories, sector.series[0].values, strict=True))
    # independent of the figure: the sector split sums back to the headline committed amount
    projects = snapshot().projects
    documented = projects[~projects["is_sample"].astype(bool)]
    expected = pd.to_numeric(documented["committed_usd"], errors="coerce").sum()
    assert expected > 0
    assert sum(v for v in committed.values() if v is not None) == pytest.approx(expected, rel=1e-6)
    assert set(committed) == {s.capitalize() for s in SECTORS}
    municipality = next(sh for sh in frames[C.figure_title(briefing, "by_municipality")].shapes if sh.has_chart)
    codes = briefing.figures["by_municipality"].data[0].customdata
    assert tuple(municipality.chart.plots[0].categories) == tuple(C.place_name(c) for c in codes)
    assert municipality.chart.series[0].values == tuple(briefing.figures["by_municipality"].data[0].x)
    for title in (C.figure_title(briefing, k) for k in ("by_sector", "by_municipality", "over_time", "by_community")):
        assert any(sh.has_chart for sh in frames[title].shapes), title


def test_community_chart_keeps_small_counts_suppressed():
    briefing = C.build_briefing(HEALTH_SAMPLE_NORTH_MITROVICA)
    spec = C.chart_spec(briefing, "by_community")
    assert spec.kind == "column" and spec.categories == tuple(COMMUNITIES)
    for value, label in zip(spec.series[0].values, spec.series[0].labels, strict=True):
        assert value is None or value == 0 or value >= 10  # never a count from 1 to 9, in the chart or its workbook
        assert label != "0" or value == 0


def test_sample_deck_is_watermarked_everywhere():
    data = service.briefing("pptx", HEALTH_SAMPLE_NORTH_MITROVICA, names=["by_sector"]).data
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == 5  # title, KPIs, one chart, table, sources
    for slide in prs.slides:
        assert len([s for s in slide.shapes if s.name == D.WATERMARK_NAME]) == 1
    chart = next(s for s in prs.slides[2].shapes if s.has_chart).chart
    assert chart.chart_type is not None and len(chart.series) == 2  # committed and disbursed, native
    sources = "\n".join(s.text_frame.text for s in prs.slides[-1].shapes if s.has_text_frame)
    assert "SAMPLE DATA" in sources and "not real projects" in sources
    table = next(s for s in prs.slides[3].shapes if s.name == D.TABLE_NAME).table
    assert all(table.cell(i, 7).text == "SAMPLE" for i in range(1, len(table.rows)))


def test_cli_png_directory_every_figure_1920_wide(tmp_path, capsys):
    out = tmp_path / "figures"
    assert E.main(["--format", "png", "--out", str(out), "--dataset", "documented", "--quiet"]) == 0
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f"{k}.png" for k in C.FIGURE_TITLES)
    for path in out.iterdir():
        with Image.open(path) as im:
            assert im.size == (1920, 1080)


def test_cli_single_svg(tmp_path):
    out = tmp_path / "map.svg"
    assert E.main(["--format", "svg", "--out", str(out), "--figure", "map", "--quiet"]) == 0
    svg = out.read_text()
    assert 'width="1920"' in svg[: svg.index(">")]
    assert "SAMPLE DATA" in svg and "UNSCR 1244/1999" in svg
    # the map's names are the SVG's text (drawn by Plotly, not as MapLibre's pixels), diacritics kept
    assert ">Leposavić camp<" in svg and ">Žitkovac<" in svg
    assert "<image" not in svg  # the map is vectors, not MapLibre's picture of it


def test_png_zip_for_the_ui():
    file = service.briefing("png", DOCUMENTED, names=["by_sector", "over_time"])
    name, data = file.name, file.data
    assert name.endswith("-png.zip") and file.media_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == ["README.txt", "by_sector.png", "over_time.png"]
        assert "documented data" in zf.read("README.txt").decode()


@pytest.mark.skipif(pdf.find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_cli_pdf_page_count_from_url(tmp_path, capsys):
    out = tmp_path / "briefing.pdf"
    code = E.main(["--format", "pdf", "--out", str(out), "--url", "dataset=documented&from=2006&to=2013"])
    assert code == 0
    reader = PdfReader(str(out))
    assert len(reader.pages) == 9
    assert "2006–2013, documented data" in reader.pages[0].extract_text()
    progress = capsys.readouterr().err
    assert "[4/4] Converted to PDF" in progress  # filter, map picture, slides (native charts), PDF


def test_a_view_with_no_project_exports_a_deck_that_says_so(tmp_path):
    """No project matches the filters: the deck (and so the PDF, made from it) still comes, each chart's slide
    saying so as the page's chart does (a chart without categories had made the export fail)."""
    out = tmp_path / "empty.pptx"
    assert E.main(["--format", "pptx", "--out", str(out), "--text", "no title has these words", "--quiet"]) == 0
    prs = Presentation(str(out))
    frames = {titles(prs)[i]: slide for i, slide in enumerate(prs.slides)}
    briefing = C.build_briefing(FilterState(text="no title has these words"))
    assert briefing.n_projects == 0
    for key in ("by_sector", "by_municipality", "over_time", "by_community"):
        slide = frames[C.figure_title(briefing, key)]
        assert not [s for s in slide.shapes if s.has_chart], key
        notes = [s.text_frame.text for s in slide.shapes if s.name == D.EMPTY_CHART_NAME]
        assert notes and "No projects match these filters." in notes[0], key


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sector", "helth"], "unknown sector 'helth'"),
        (["--municipality", "Atlantis"], "unknown municipality 'Atlantis'"),
        (["--from", "2020", "--to", "2018"], "--from 2020 is after --to 2018"),
        (["--url", "sector=health&dataset=everything"], "unknown dataset 'everything'"),
        (["--from", "twenty"], "argument --from: must be a year"),
        (["--url", "metric=colour"], "unknown metric 'colour'"),
    ],
)
def test_cli_bad_filters_exit_2_with_message_and_write_nothing(tmp_path, capsys, argv, message):
    out = tmp_path / "deck.pptx"
    assert E.main(["--format", "pptx", "--out", str(out), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_municipality_names_in_either_language(tmp_path):
    args = E.parser().parse_args(
        ["--format", "pptx", "--out", str(tmp_path / "x.pptx"), "--municipality", "Mitrovicë e Veriut,Leposavic"]
    )
    assert E.state_from_args(args).municipalities == ("north-mitrovica", "leposavic")
    assert (
        E.metric_of(E.parser().parse_args(["--format", "png", "--out", "x", "--url", "metric=projects"])) == "projects"
    )


def test_failed_export_leaves_existing_file_untouched(tmp_path, monkeypatch, capsys):
    out = tmp_path / "briefing.pdf"
    out.write_bytes(b"previous export")
    monkeypatch.setenv("TFA_SOFFICE", "no-such-soffice-binary")
    assert E.main(["--format", "pdf", "--out", str(out), "--figure", "map"]) == 2  # --figure is for images
    assert E.main(["--format", "pdf", "--out", str(out), "--quiet"]) == 1
    assert "needs LibreOffice" in capsys.readouterr().err
    assert out.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["briefing.pdf"]
