"""dashboard.figures and dashboard.data: figures as dicts, typed arrays, polygons, table and CSV."""

from __future__ import annotations

import base64
import gzip
import json

import numpy as np
import pytest

import geodata
from dashboard import config, data, figures
from dashboard.camp_key import numbers_by_site
from dashboard.data import build_snapshot
from dashboard.exports import service
from dashboard.figures.map_places import STATIC_LAYERS
from geodata.analysis.filters import FilterState
from geodata.facts.layers import SECTORS

KEYS = {"map", "by_sector", "by_municipality", "over_time", "by_community"}


@pytest.fixture(scope="module")
def projects():
    return geodata.load("projects")


@pytest.fixture(scope="module")
def snap(projects):
    return data.build_snapshot(projects)


def _texts(fig) -> list[str]:
    return [a["text"] for a in fig.to_dict()["layout"].get("annotations", [])]


def _decode(spec) -> np.ndarray:
    if isinstance(spec, list):
        return np.array(spec)
    return np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.dtype(spec["dtype"]).newbyteorder("<"))


def test_explorer_figures_keys_and_trace_types(projects):
    figs = figures.explorer_figures(projects, FilterState())
    assert set(figs) == KEYS
    m = figs["map"].to_dict()
    assert m["data"][figures.TRACE["choropleth"]]["type"] == "choroplethmap"
    assert all(t["type"] == "scattermap" for t in m["data"][1:])
    if STATIC_LAYERS:  # legend-only entries: settlement, hazard, faded marker, camp, then each sector
        legend_only = 4 + len(SECTORS)
    else:
        legend_only = 0 if data.TRACE_PER_SECTOR else len(SECTORS)
    assert len(m["data"]) == max(figures.TRACE.values()) + 1 + legend_only
    assert m["layout"]["map"]["style"] == config.OFFLINE_MAP_STYLE  # offline: no tiles, no glyphs URL
    assert "glyphs" not in m["layout"]["map"]["style"]
    assert m["layout"]["map"]["center"] == {"lat": 42.95, "lon": 20.85}
    footnote = figures.designation_lines()
    assert footnote in _texts(figs["map"]) and footnote.replace("<br>", " ") == figures.DESIGNATION


def test_no_map_figure_carries_a_text_per_project(projects):
    """The static figures (the briefing page, the exports) and the explorer's map hold no text or hover label per
    project point: a page shows a hovered project's tooltip from the server, so the figure's size does not grow
    with a string per point (and no label invites a click where a click opens nothing)."""
    m = figures.explorer_figures(projects, FilterState())["map"]
    projects_drawn = [t for t in m.data if t.meta and "level" in t.meta and t.lat is not None and len(t.lat)]
    assert projects_drawn
    for t in projects_drawn:
        assert t.text is None and t.hovertext is None and t.hovertemplate is None
        assert t.hoverinfo == "none"


@pytest.mark.skipif(not STATIC_LAYERS, reason="TFA_FAST=0 draws the fixed parts as traces")
def test_fixed_parts_are_layout_layers_and_each_part_has_its_own_place(projects):
    """Settlements, halos, camp rings, numbers and names are layout layers (set once, not redrawn with every
    filter); the explorer's traces are only what is filtered, hovered or clicked."""
    snap = build_snapshot(projects)
    fig = figures.map_figure(snap, None, legend=False).to_dict()
    names = [t.get("uid") for t in fig["data"]]
    assert len(fig["data"]) == max(figures.TRACE.values()) + 1
    assert names[figures.CAMP_TRACE] == "places"
    layers = fig["layout"]["map"]["layers"]
    symbols = [layer for layer in layers if layer["type"] == "symbol"]
    assert [layer["symbol"]["text"] for layer in symbols] == ["{name}", "{number}", "{name}"]
    assert all(layer["symbol"]["icon"] == "" for layer in symbols)  # the offline style has no icons
    settlement_names = [f["properties"]["name"] for f in symbols[0]["source"]["features"]]
    assert len(settlement_names) == len(snap.static.settlements)
    # a municipality's seat in Albanian and Serbian, not GeoNames' ASCII name; a village by its own name
    assert {"Zveçan/Zvečan", "Leposaviq/Leposavić", "Mitrovicë e Jugut/Južna Mitrovica"} <= set(settlement_names)
    assert "Zvecan" not in settlement_names and "Budakovo" in settlement_names
    numbers = numbers_by_site(snap.static.camps)
    camp_numbers = [f["properties"]["number"] for f in symbols[1]["source"]["features"]]
    assert camp_numbers == [str(numbers[s]) for s in snap.static.camps["site_id"]]
    # every layer and every trace has a place of its own in the base style: none is re-inserted on a redraw
    anchors = {layer["id"] for layer in fig["layout"]["map"]["style"]["layers"] if layer["id"].startswith("tfa-")}
    belows = [layer["below"] for layer in layers] + [t["below"] for t in fig["data"]]
    assert set(belows) <= anchors and len(set(belows)) == len(belows)
    places = fig["data"][figures.CAMP_TRACE]
    n_camps = len(snap.static.camps)
    assert list(places["customdata"][-n_camps:]) == list(snap.static.camps["site_id"])  # drawn over the hazards
    assert all(c is None for c in places["customdata"][:-n_camps])  # the hazards open nothing


def test_choropleth_features_are_boundary_units(projects):
    m = figures.explorer_figures(projects, FilterState())["map"].to_dict()["data"][0]
    ids = [f["id"] for f in m["geojson"]["features"]]
    assert sorted(ids) == sorted(geodata.load("municipalities")["boundary_unit"].unique())
    assert list(m["locations"]) == sorted(ids)
    assert len(ids) == 38  # one polygon per municipality: North and South Mitrovica apart
    assert not [t for t in m["text"] if "share this polygon" in t]


def test_all_project_points_drawn_once_with_sector_colours(projects):
    figs = figures.explorer_figures(projects, FilterState())
    traces = figs["map"].to_dict()["data"][figures.PROJECT_TRACE_START : figures.TRACE["highlight"]]
    rows = np.concatenate([_decode(t["customdata"]) if len(t.get("customdata", [])) else [] for t in traces])
    # every project is drawn once: as its own marker, or in the stack of the largest project at its place
    snap = build_snapshot(projects)
    drawn = snap.drawn_points(np.ones(snap.n, dtype=bool))
    assert list(rows.astype(int)) == [int(r) for d in drawn for r in d.shown]
    assert sorted(int(r) for d in drawn for r in d.rows) == list(range(len(projects)))
    for d in drawn:
        for point, row in enumerate(d.shown):
            members = d.members(point)
            assert snap.size[row] == snap.size[members].max()  # sized by its largest project
            places = zip(snap.lat[members], snap.lon[members], snap.sector_code[members], strict=True)
            assert len(set(places)) == 1
    if data.TRACE_PER_SECTOR:
        for s, sector in enumerate(SECTORS):
            site, municipal = traces[2 * s], traces[2 * s + 1]
            assert site["marker"]["color"] == municipal["marker"]["color"] == figures.SECTOR_COLOURS[sector]
            assert site["marker"]["opacity"] > municipal["marker"]["opacity"]
        return
    # one trace per level; each point's colour is its sector's, through the discrete scale over sector codes
    assert len(traces) == 2 and traces[0]["marker"]["opacity"] > traces[1]["marker"]["opacity"]
    scale = dict((round(stop, 9), colour) for stop, colour in traces[0]["marker"]["colorscale"])
    top = traces[0]["marker"]["cmax"]
    reset = projects.reset_index(drop=True)
    for t in traces:
        codes, where = _decode(t["marker"]["color"]), _decode(t["customdata"]).astype(int)
        for code, row in zip(codes, where, strict=True):
            sector = str(reset.loc[row, "sector"])
            if sector in SECTORS:
                assert scale[round(int(code) / top, 9)] == figures.SECTOR_COLOURS[sector]


@pytest.mark.parametrize(("dataset", "watermark"), [("documented", False), ("sample", True), ("all", True)])
def test_watermark_only_when_sample_rows_show(projects, dataset, watermark):
    figs = figures.explorer_figures(projects, FilterState(dataset=dataset))
    for name, fig in figs.items():
        assert (figures.WATERMARK in _texts(fig)) is watermark, name


def test_empty_result_says_so(projects):
    figs = figures.explorer_figures(projects, FilterState(text="no such project title"))
    assert any("No projects match" in t for t in _texts(figs["map"]))
    assert any("No projects match" in t for t in _texts(figs["by_sector"]))
    assert "Nothing" in _texts(figures.empty_figure("Nothing"))[0]


def test_unknown_metric_is_refused(projects):
    with pytest.raises(ValueError, match="unknown metric"):
        figures.explorer_figures(projects, FilterState(), metric="nope")


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8, np.int32])
def test_typed_round_trip(dtype):
    values = np.arange(5).astype(dtype)
    spec = figures.typed(values)
    assert spec["dtype"] == values.dtype.str[1:]
    np.testing.assert_array_equal(_decode(spec), values)
    assert figures.typed(np.array([], dtype=dtype)) == []


def test_projects_of_a_sector_at_one_place_are_one_marker():
    """Stacks: rows of one trace and sector at the same coordinates share a marker, in the order of their first
    row; other sectors, other places and rows without coordinates stand alone."""
    group = np.array([1, 1, 1, 1, 0, 1, 1], dtype=np.int16)
    sector = np.array([2, 2, 3, 2, 2, 2, 2], dtype=np.int16)
    lat = np.array([42.9, 42.9, 42.9, 42.8, 42.9, np.nan, np.nan], dtype=np.float32)
    lon = np.array([20.8, 20.8, 20.8, 20.8, 20.8, np.nan, np.nan], dtype=np.float32)
    stack = data._stacks(group, sector, lat, lon)
    assert stack[0] == stack[1]
    assert len({stack[0], stack[2], stack[3], stack[4], stack[5], stack[6]}) == 6
    assert list(stack[:5]) == sorted(stack[:5].tolist(), key=lambda s: list(stack).index(s))


def test_split_by_trace_partitions_the_mask(snap):
    mask = snap.mask(FilterState(sectors=("health",)))
    parts = snap.split_by_trace(mask)
    assert len(parts) == data.N_PROJECT_TRACES
    assert sorted(np.concatenate(parts)) == list(np.flatnonzero(mask))
    if data.TRACE_PER_SECTOR:
        health = set(parts[0]) | set(parts[1])
        assert (snap.projects.loc[sorted(health), "sector"] == "health").all()
    else:  # one trace per level: site-level points first, municipality-level second
        assert (snap.group[parts[0]] == 0).all() and (snap.group[parts[1]] == 1).all()


def test_per_resident_metric_only_where_population_sourced(snap):
    values = snap.unit_values(np.ones(snap.n, dtype=bool), "usd_per_rae_resident")
    units = list(snap.static.units)
    rae = snap.static.unit_rae_population
    assert np.isnan(values[np.isnan(rae)]).all()
    by_code = geodata.load("municipalities").set_index("code")["boundary_unit"]
    committed = snap.unit_values(np.ones(snap.n, dtype=bool), "committed_usd")
    for code, rae_sourced in (("north-mitrovica", 240), ("south-mitrovica", 1181)):
        unit = units.index(by_code[code])
        assert rae[unit] == rae_sourced
        assert values[unit] == pytest.approx(committed[unit] / rae[unit])


def test_polygon_geojson_small_and_valid(snap):
    text = json.dumps(snap.static.polygons, separators=(",", ":"))
    assert len(gzip.compress(text.encode())) <= 60_000
    assert {f["geometry"]["type"] for f in snap.static.polygons["features"]} <= {"Polygon", "MultiPolygon"}


def test_table_rows_limit_largest_first(snap):
    rows, total = data.table_rows(snap, np.ones(snap.n, dtype=bool), limit=10)
    assert total == snap.n and len(rows) == 10
    amounts = [r["committed_usd"] for r in rows]
    assert amounts == sorted(amounts, reverse=True)
    assert list(rows[0]) == list(data.TABLE_COLUMNS)


def test_csv_has_provenance_and_exactly_the_filtered_rows(snap):
    state = FilterState(sectors=("health",), dataset="sample")
    text = service.explorer_csv(state, snap=snap).text()
    lines = text.splitlines()
    assert lines[0].startswith("# Trust Fund Atlas export: Health projects")
    assert any(line.startswith("# SAMPLE DATA") for line in lines)
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    assert int(snap.mask(state).sum()) == len(lines) - header - 1 > 0
    documented = service.explorer_csv(FilterState(dataset="documented"), snap=snap).text()
    assert "SAMPLE DATA" not in documented


def test_municipality_label_gives_both_languages():
    assert data.municipality_label("zvecan") == "Zvečan (Zveçan)"
    assert data.municipality_label("north-mitrovica") == "North Mitrovica (Mitrovicë e Veriut / Severna Mitrovica)"


def test_camp_timeline(snap):
    history = geodata.analysis.kpis.site_history(snap.static.camps, snap.static.hazards, "cesmin-lug")
    fig = figures.camp_timeline_figure(history).to_dict()
    assert len(fig["data"][0]["x"]) == len(history["population"])
