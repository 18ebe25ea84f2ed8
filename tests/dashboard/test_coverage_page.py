"""The Coverage page's pure helpers and its callback, called as plain functions."""

from __future__ import annotations

import sys

import pytest

from dashboard import config
from geodata.filters import FilterState


@pytest.fixture(scope="module")
def page():
    """The page module as the app registered it (Dash pages imports it when the app is created)."""
    from dashboard.app import create_app

    create_app()
    return sys.modules["pages.coverage"]


def test_cell_click_sets_and_clears_sector_and_municipality(page):
    click = {"points": [{"x": page.SECTOR_LABELS["health"], "y": page.heatmap_row_label("zvecan")}]}
    state = page.cell_click_state(FilterState(dataset="sample"), click)
    assert (state.sectors, state.municipalities, state.dataset) == (("health",), ("zvecan",), "sample")
    assert page.cell_click_state(state, click) == FilterState(dataset="sample")  # the same cell again clears
    assert page.cell_click_state(state, {"points": [{"x": "nonsense", "y": "x"}]}) == state
    assert page.cell_click_state(state, None) == state


def test_shared_query_round_trips_with_the_explorer(page):
    state = FilterState(sectors=("health",), municipalities=("south-mitrovica",), dataset="documented")
    query = page.shared_query(state, 3.0)
    assert "radius=3" in query
    assert FilterState.from_query(query) == state
    assert "radius" not in page.shared_query(state, 5.0)
    assert page.parse_radius("abc") == 5.0 and page.parse_radius("-1") == 5.0 and page.parse_radius("2.5") == 2.5


def test_update_coverage_outputs(page):
    heatmap, style, gap_map, summary, sentence, banner, rules, rows, query = page.update_coverage(
        "sector=health&municipality=south-mitrovica", 5, "equal", "committed_usd"
    )
    assert style == {"height": f"{heatmap.layout.height}px"}
    assert heatmap.data[0].type == "heatmap" and len(heatmap.data[0].x) == 7  # every sector: the axes ignore filters
    assert len(heatmap.layout.shapes) == 1  # the selected cell is outlined
    assert any(a.text == "SAMPLE DATA" for a in heatmap.layout.annotations)
    assert query == "sector=health&municipality=south-mitrovica"
    assert banner is not None  # sample projects shown: the SAMPLE DATA banner
    assert "equally" in str(rules)
    assert all(r["sector"] == "health" for r in rows)
    assert gap_map.to_dict()["layout"]["map"]["style"] == config.OFFLINE_MAP_STYLE  # offline: no glyphs URL


def test_gap_csv_has_provenance_and_rows(page):
    from dashboard.data import snapshot

    _, result = page.analyse(snapshot(), FilterState(dataset="documented"), 5.0, "shares")
    text = page.gap_csv(result)
    lines = text.splitlines()
    assert lines[0].startswith("# Trust Fund Atlas coverage gaps: All projects, documented data; radius 5 km")
    assert not any("SAMPLE DATA" in line for line in lines)
    header = next(line for line in lines if not line.startswith("#"))
    assert header.startswith("Level,Site or municipality")
    assert len(lines) - lines.index(header) - 1 == len(result.gaps)
