"""dashboard.figures as a package: one watermark, one designation footnote, one credit line and one base-map
builder, used by every figure; the public names callers use re-exported; no Dash import anywhere in it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pytest

import dashboard.figures as figures
from dashboard import config, data
from dashboard.figures import annotations, basemap
from geodata.analysis.filters import FilterState

PACKAGE = Path(figures.__file__).parent


@pytest.fixture(scope="module")
def snap():
    return data.snapshot()


def _annotations(fig) -> list[dict]:
    return list(fig.to_dict()["layout"].get("annotations", []))


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_no_module_of_the_package_imports_dash(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        assert not [n for n in names if n == "dash" or n.startswith(("dash.", "dash_"))], path.name


def test_every_public_name_is_exported():
    assert sorted(figures.__all__) == sorted(set(figures.__all__))
    for name in figures.__all__:
        assert hasattr(figures, name), name


def test_every_figure_with_sample_rows_carries_the_one_watermark(snap):
    figs = figures.snapshot_figures(snap, FilterState(dataset="sample"))
    mark = annotations.watermark()
    for key, fig in figs.items():
        marks = [a for a in _annotations(fig) if a.get("text") == figures.WATERMARK]
        assert marks and all(a == mark for a in marks), key


def test_the_watermark_builder_takes_a_size_and_keeps_its_style():
    big = annotations.watermark(size=96)
    assert big["font"]["size"] == 96 and big["text"] == "SAMPLE DATA"
    assert {k: v for k, v in big.items() if k != "font"} == {
        k: v for k, v in annotations.watermark().items() if k != "font"
    }
    assert big["font"]["color"] == annotations.watermark()["font"]["color"]


def test_the_map_carries_the_one_designation_footnote_and_credit_line(snap):
    fig = figures.map_figure(snap, snap.mask(FilterState()))
    notes = _annotations(fig)
    assert annotations.designation() in notes and annotations.boundary_credit_line() in notes


def test_the_base_map_builder(snap):
    layout = basemap.base_map(snap.static.outline)
    assert layout["center"] == config.MAP_CENTER and layout["zoom"] == config.MAP_ZOOM
    assert layout["bounds"] == config.MAP_BOUNDS
    assert [(x["type"], x["line"]["width"]) for x in layout["layers"]] == [("line", 2.2)]
    framed = basemap.base_map(
        snap.static.outline,
        center={"lat": 1, "lon": 2},
        zoom=3,
        outline_width=2,
        borders=snap.static.polygons,
        layers=[basemap.fill_layer({"type": "FeatureCollection", "features": []}, "#000", 0.1)],
    )
    assert [layer["type"] for layer in framed["layers"]] == ["line", "line", "fill"]
    outline = framed["layers"][1]["source"]
    assert [f["geometry"] for f in outline["features"]] == [f["geometry"] for f in snap.static.outline["features"]]
    assert all(f["properties"] for f in outline["features"])  # an empty one is dropped in the browser: set again
    assert framed["zoom"] == 3
    if config.FAST:  # the borders and outline have places of their own; other layers sit under the traces
        assert [layer["below"] for layer in framed["layers"]] == ["tfa-borders", "tfa-outline", "traces"]
    else:
        assert all(layer["below"] == "traces" for layer in framed["layers"])


def test_the_explorer_map_uses_the_base_map_builder(snap):
    fig = figures.map_figure(snap, None, base_map="white-bg").to_dict()
    expected = json.loads(json.dumps(basemap.base_map(snap.static.outline)))
    got = fig["layout"]["map"]
    assert got["center"] == expected["center"] and got["zoom"] == expected["zoom"]
    assert got["layers"][0]["type"] == "line" and got["layers"][0]["line"]["width"] == 2.2
    assert got["layers"][0]["source"] == expected["layers"][0]["source"]


def test_people_reached_of_one_to_nine_never_reach_the_chart(snap):
    mask = np.ones(snap.n, dtype=bool)
    community = figures.chart_updates(snap, mask)["by_community"]["data"][0]
    for y, text in zip(community["y"], community["text"], strict=True):
        if text == "<10":
            assert y == 0
