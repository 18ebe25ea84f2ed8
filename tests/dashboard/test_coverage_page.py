"""The Coverage page's pure helpers and its callback, called as plain functions."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from dashboard import config, figures
from geodata.analysis.filters import FilterState
from geodata.facts.layers import OTHER_SECTOR, SECTORS


@pytest.fixture(scope="module")
def app():
    from dashboard.app import create_app

    return create_app()


@pytest.fixture(scope="module")
def page(app):
    """The page module as the app registered it (Dash pages imports it when the app is created)."""
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
    # every sector, whatever the filter, except the catch-all "other" while no project has it
    assert heatmap.data[0].type == "heatmap" and len(heatmap.data[0].x) == len(SECTORS) - 1
    assert list(heatmap.data[0].x) == [page.SECTOR_LABELS[s] for s in SECTORS if s != OTHER_SECTOR]
    assert len(heatmap.layout.shapes) == 1  # the selected cell is outlined
    assert any(a.text == "SAMPLE DATA" for a in heatmap.layout.annotations)
    assert query == "sector=health&municipality=south-mitrovica"
    assert banner is not None  # sample projects shown: the SAMPLE DATA banner
    assert "equally" in str(rules)
    assert all(r["sector"] == "health" for r in rows)
    assert gap_map.to_dict()["layout"]["map"]["style"] == config.OFFLINE_MAP_STYLE  # offline: no glyphs URL


def _callbacks(app) -> list[dict]:
    """The callbacks as the browser is told them."""
    return app.server.test_client().get("/_dash-dependencies").get_json()


def _by_id(component) -> dict:
    """Every component of a layout by its id."""
    found = {}
    stack = [component]
    while stack:
        c = stack.pop()
        if isinstance(c, list | tuple):
            stack.extend(c)
            continue
        if getattr(c, "id", None) is not None:
            found[c.id] = c
        children = getattr(c, "children", None)
        if children is not None and not isinstance(children, str):
            stack.append(children)
    return found


def test_the_page_opens_with_its_first_view_in_its_layout_as_the_callback_would_draw_it(app, page):
    """The layout carries both figures, the texts and the gap rows for the URL's settings, the same the callback
    answers for them; the callback is not asked at load (only a change asks), and the query the page opened
    with goes to the other pages' links from the layout."""
    from dashboard import ids

    assert config.COVERAGE_FIRST_VIEW
    layout = _by_id(page.layout(radius="3", allocation="equal", sector="health", dataset="sample"))
    query = layout[ids.COVERAGE_STATE].data
    heatmap, style, gap_map, summary, sentence, banner, rules, rows, shared = page.update_coverage(
        query, 3.0, "equal", "projects"
    )
    assert layout[ids.COVERAGE_HEATMAP].figure is heatmap  # the same view, from the callback's cache
    assert layout[ids.COVERAGE_HEATMAP].style == style
    assert layout[ids.COVERAGE_GAP_MAP].figure is gap_map
    assert layout[ids.COVERAGE_SUMMARY].children is summary
    assert layout[ids.COVERAGE_SENTENCE].children is sentence and "radius 3 km" in str(sentence)
    assert layout[ids.COVERAGE_SAMPLE_BANNER].children is banner and banner is not None
    assert layout[ids.COVERAGE_RULES].children is rules
    assert layout[ids.COVERAGE_GAP_ROWS].data == rows and all(r["sector"] == "health" for r in rows)
    assert layout[ids.COVERAGE_QUERY].data == shared and "radius=3" in shared
    # (the same callback more than once when several apps were created in this process)
    mains = [cb for cb in _callbacks(app) if f"{ids.COVERAGE_HEATMAP}.figure" in cb["output"]]
    assert mains and all(main["prevent_initial_call"] is True for main in mains)


def test_gap_csv_has_provenance_and_rows(page):
    from dashboard.data import snapshot
    from dashboard.exports import service

    _, result = page.analyse(snapshot(), FilterState(dataset="documented"), 5.0, "shares")
    text = service.gap_csv(result).text()
    lines = text.splitlines()
    assert lines[0].startswith("# Trust Fund Atlas coverage gaps: All projects, documented data; radius 5 km")
    assert not any("SAMPLE DATA" in line for line in lines)
    header = next(line for line in lines if not line.startswith("#"))
    assert header.startswith("Level,Site or municipality")
    assert len(lines) - lines.index(header) - 1 == len(result.gaps)


def test_a_municipality_cell_keeps_the_projects_across_its_border(page):
    """North Mitrovica's camps keep South Mitrovica's health projects a kilometre away: the sites of a
    selected cell are measured exactly as without the municipality filter."""
    from dashboard.data import snapshot
    from geodata.analysis import coverage as cov

    snap = snapshot()
    cell = FilterState(sectors=("health",), municipalities=("north-mitrovica",))
    _, selected = page.analyse(snap, cell, 7.0, "shares")
    _, everywhere = page.analyse(snap, cell.with_(municipalities=()), 7.0, "shares")
    site_ids = set(selected.sites["site_id"])
    assert site_ids and site_ids <= set(everywhere.sites["site_id"])
    columns = ["site_id", "sector", "covered", "projects_within", "nearest_km", "nearest_project_id"]
    ours = selected.sites[columns].sort_values("site_id").reset_index(drop=True)
    theirs = everywhere.sites[everywhere.sites["site_id"].isin(site_ids)][columns]
    pd.testing.assert_frame_equal(ours, theirs.sort_values("site_id").reset_index(drop=True))
    # and some of those projects lie outside North Mitrovica (else this test proves nothing)
    index, _, _ = page.coverage_inputs(snap)
    near = set(selected.sites["nearest_project_id"].dropna())
    assert near and any(m != "north-mitrovica" for m in index.municipality[np.isin(index.project_ids, list(near))])

    # the callback: the summary counts them, the gap map draws them, the table has no site gap for health
    heatmap, _, gap_map, summary, *_, rows, _ = page.update_coverage(
        cell.to_query() + "&radius=7", 7, "shares", "projects"
    )
    uncovered = int((~selected.sites["covered"]).sum())
    assert selected.summary in str(summary)
    assert sum(r["level"] == "site" for r in rows) == uncovered
    drawn = sum(len(t.lat) for t in gap_map.data if t.name and "project" in t.name)
    assert drawn == int((cov.site_project_mask(index, cell) & index.is_point).sum()) > 0
    assert len(heatmap.layout.shapes) == 1  # the selected cell is outlined


def _name_layers(figure) -> list[tuple[list[str], str, str]]:
    """(names, text position, text colour) of each label layer (a symbol layer) of a map figure."""
    return [
        (
            [f["properties"]["name"] for f in layer.source["features"]],
            layer.symbol.textposition,
            layer.symbol.textfont.color,
        )
        for layer in figure.layout.map.layers
        if layer.type == "symbol"
    ]


def test_gap_map_names_the_sites(page):
    _, _, gap_map, *_ = page.update_coverage("dataset=all", 5, "shares", "projects")
    labels = _name_layers(gap_map)
    sites = [(names, where) for names, where, colour in labels if colour == "#111111"]
    position = {name: where for names, where in sites for name in names}
    assert {"Çesmin Llug/Česmin Lug", "Kablar/Kablare", "Osterode"} <= set(position)
    # the Mitrovica camps, a few pixels apart at the default zoom, have their names on different sides
    assert len({position[n] for n in ("Çesmin Llug/Česmin Lug", "Kablar/Kablare", "Osterode")}) == 3
    # the names are layers of the map (above every other), not text traces: no legend entry, no hover, and one
    # source each instead of a trace's four
    assert not [t for t in gap_map.data if "text" in (t.mode or "")]
    assert all(layer.below == "" for layer in gap_map.layout.map.layers if layer.type == "symbol")
    hazards = [names for names, _, colour in labels if colour == figures.HAZARD_COLOUR]
    assert len(hazards) == 1 and any("smelter" in n.lower() for n in hazards[0]) and "" not in hazards[0]


def test_gap_map_fits_the_selected_sites(page):
    """A selected cell's municipality: the map centres on its sites and zooms until their rings fill it."""
    _, _, whole, *_ = page.update_coverage("dataset=all", 5, "shares", "projects")
    assert whole.layout.map.zoom == page.GAP_MAP_ZOOM
    for radius in (2, 5):
        query = f"sector=health&municipality=north-mitrovica&radius={radius}"
        _, _, fitted, *_ = page.update_coverage(query, radius, "shares", "projects")
        sites = [t for t in fitted.data if t.name and t.name.startswith("Site")]
        lats = [y for t in sites for y in t.lat]
        lons = [x for t in sites for x in t.lon]
        centre = fitted.layout.map.center
        assert min(lats) <= centre.lat <= max(lats) and min(lons) <= centre.lon <= max(lons)
        # the ring's diameter (plus the sites' spread) fits the map's width at this zoom: 256 px a world at zoom 0
        width_deg = page.GAP_MAP_FIT_PX[0] * 360 / (256 * 2**fitted.layout.map.zoom)
        assert width_deg >= 2 * radius / (111.32 * np.cos(np.radians(centre.lat)))
        assert fitted.layout.map.zoom > page.GAP_MAP_ZOOM


def test_label_positions_push_names_away_from_neighbours(page):
    import geopandas as gpd
    import shapely

    from geodata.facts.layers import METRIC_CRS

    y = 4_750_000.0
    sites = gpd.GeoDataFrame(
        {"site_id": ["w", "mid", "e", "lone", "s"]},
        geometry=[
            shapely.Point(500_000, y),  # three sites within 800 m: west, middle (300 m lower), east
            shapely.Point(500_400, y - 300),
            shapely.Point(500_800, y),
            shapely.Point(520_000, y),  # 20 km away from everything
            shapely.Point(540_000, y),  # 1.2 km below its only neighbour is beyond LABEL_NEIGHBOUR_M
        ],
        crs=METRIC_CRS,
    ).to_crs(4326)
    sites.loc[4, "geometry"] = gpd.GeoSeries([shapely.Point(520_000, y - 1_200)], crs=METRIC_CRS).to_crs(4326)[0]
    # w: neighbours' centre (600, -150) m away -> dx -600, dy 150 (less than half of |dx|): middle left;
    # mid: centre (400, 0) -> dx 0, dy -300: below (dx >= 0: right); e mirrors w; the others are alone
    assert list(page.label_positions(sites)) == [
        "middle left",
        "bottom right",
        "middle right",
        "top right",
        "top right",
    ]


def _project_points(gap_map) -> list[tuple[float, float]]:
    """(lon, lat) of every project point the gap map draws, as the browser decodes them (float32)."""
    out = []
    for t in gap_map.data:
        if t.name and "project" in t.name:
            out += [(float(x), float(y)) for x, y in zip(t.lon, t.lat, strict=True)]
    return out


def test_gap_map_sends_no_titles_and_a_hovered_point_shows_its_project(page):
    """The figure carries no project titles; hovering a project point fetches the title, amount and place of the
    project drawn there (the first of those at one place, and how many more), under the page's filters."""
    from dashboard.data import snapshot
    from geodata.analysis import coverage as cov
    from geodata.analysis.formatting import usd

    snap = snapshot()
    query = FilterState(dataset="all").to_query()
    _, _, gap_map, *_ = page.update_coverage(query, 5, "shares", "projects")
    text = gap_map.to_json()
    assert not [t for t in snap.projects["title"].astype(str) if t in text]  # no project's title is in the figure
    points = _project_points(gap_map)
    index, _, _ = page.coverage_inputs(snap)
    drawn = np.flatnonzero(cov.site_project_mask(index, FilterState.from_query(query)) & index.is_point)
    assert len(points) == len(drawn) > 0
    by_id = snap.projects.set_index("project_id")
    box = {"x0": 1, "x1": 2, "y0": 3, "y1": 4}
    for (lon, lat), loc in list(zip(points, _drawn_order(gap_map, index, drawn), strict=True))[
        :: max(1, len(points) // 12)
    ]:
        show, bbox, direction, children = page.hover_gap_point(
            {"points": [{"lon": lon, "lat": lat, "bbox": box}]}, query
        )
        shown = str(children)
        # the project at that place (the lowest location row there comes first)
        here = [r for r in drawn if abs(index.x[r] - index.x[loc]) < 2 and abs(index.y[r] - index.y[loc]) < 2]
        record = by_id.loc[index.project_ids[min(here)]]
        assert show is True and bbox == box and direction == "bottom"
        assert str(record["title"]) in shown
        assert usd(record["committed_usd"], unknown="not given") in shown
        assert ("SAMPLE DATA" in shown) == bool(record["is_sample"])
        assert "Click for details" not in shown  # a click on the gap map opens nothing
        assert ("more project" in shown) == (len({index.project_ids[r] for r in here}) > 1)


def _drawn_order(gap_map, index, drawn) -> list[int]:
    """The location rows in the order the figure's project traces draw them (documented first, then sample)."""
    sample = index.is_sample[drawn].astype(bool)
    names = [t.name for t in gap_map.data if t.name and "project" in t.name]
    order = {"Documented project": list(drawn[~sample]), "SAMPLE project (not real)": list(drawn[sample])}
    return [r for name in names for r in order[name]]


def test_gap_map_tooltip_ignores_sites_hazards_filtered_out_projects_and_empty_places(page):
    from dashboard.data import snapshot

    snap = snapshot()
    query = FilterState(dataset="all").to_query()
    _, _, gap_map, *_ = page.update_coverage(query, 5, "shares", "projects")
    lon, lat = _project_points(gap_map)[0]
    site = next(t for t in gap_map.data if t.name and t.name.startswith("Site") and t.customdata is not None)
    hazard = next(t for t in gap_map.data if t.name and t.name.startswith("Smelter"))
    no_show = (False, dash_no_update(), dash_no_update(), dash_no_update())
    site_hover = {"lon": site.lon[0], "lat": site.lat[0], "customdata": site.customdata[0]}
    hazard_hover = {"lon": hazard.lon[0], "lat": hazard.lat[0], "hovertext": hazard.hovertext[0]}
    assert page.hover_gap_point({"points": [site_hover]}, query) == no_show
    assert page.hover_gap_point({"points": [hazard_hover]}, query) == no_show
    assert page.hover_gap_point(None, query) == no_show
    assert page.hover_gap_point({"points": [{"lon": lon + 0.01, "lat": lat}]}, query) == no_show  # nothing there
    assert page.hover_gap_point({"points": [{"lon": lon, "lat": lat}]}, query)[0] is True
    # the same place under a filter that leaves none of its projects: nothing drawn there, no tooltip
    none = FilterState(dataset="all", text="no project is called this").to_query()
    assert page.gap_point_tooltip(snap, none, {"points": [{"lon": lon, "lat": lat}]}) is None


def dash_no_update():
    import dash

    return dash.no_update
