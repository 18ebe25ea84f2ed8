"""Figures sent as plain JSON where the page only sends them: the charts from their fixed styling built once, the
explorer's first map once per data version and metric, the briefing's graphs without a second plotly figure.
Each must be what the plotly figure path gives."""

from __future__ import annotations

import copy
import json
import sys

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import config, data, figures, geo_assets
from dashboard.app import create_app
from dashboard.data import build_snapshot
from dashboard.exports import content
from dashboard.figures import charts
from dashboard.pages import explorer_updates
from geodata.analysis.filters import FilterState
from geodata.facts.layers import SECTORS


@pytest.fixture(scope="module")
def snap():
    return data.snapshot()


@pytest.fixture(scope="module")
def pages():
    """The registered explorer and briefing page modules."""
    create_app()
    return sys.modules["pages.explorer"], sys.modules["pages.briefing"]


def _json(fig) -> dict:
    return json.loads(pio.to_json(fig, validate=isinstance(fig, go.Figure)))


def _plotly_chart(key: str, update: dict) -> go.Figure:
    """A chart as plotly applies an update: the shell's traces updated, then the annotations set."""
    fig = charts._chart_shell(key)
    for trace, values in zip(fig.data, update["data"], strict=True):
        trace.update(values)
    fig.update_layout(annotations=update["annotations"])
    return fig


def _masks(snap) -> dict[str, np.ndarray]:
    one_sector = snap.mask(FilterState(sectors=(SECTORS[0],)))
    return {"all": np.ones(snap.n, dtype=bool), "one sector": one_sector, "none": np.zeros(snap.n, dtype=bool)}


@pytest.mark.parametrize("which", ["all", "one sector", "none"])
def test_chart_specs_are_what_plotly_builds(snap, which):
    mask = _masks(snap)[which]
    updates = charts.chart_updates(snap, mask)
    specs = figures.chart_specs(snap, mask)
    assert set(specs) == set(updates) == {"by_sector", "by_municipality", "over_time", "by_community"}
    for key, update in updates.items():
        assert _json(specs[key]) == _json(_plotly_chart(key, update)), key
        assert _json(go.Figure(specs[key])) == _json(specs[key])  # every property is one plotly accepts
    plotly_figures = figures.chart_figures(snap, mask)
    assert {k: _json(f) for k, f in plotly_figures.items()} == {k: _json(s) for k, s in specs.items()}


def test_a_chart_spec_leaves_the_shared_styling_unchanged(snap):
    before = {key: copy.deepcopy(charts._shell_spec(key)) for key in charts.chart_updates(snap, np.ones(snap.n, bool))}
    for mask in _masks(snap).values():
        for spec in figures.chart_specs(snap, mask).values():
            spec["layout"]["annotations"].append({"text": "changed by a caller"})
            spec["data"][0]["name"] = "changed by a caller"
    assert {key: charts._shell_spec(key) for key in before} == before


def test_map_shell_is_the_first_map_built_once_per_data_version_and_metric(snap):
    metric, other = list(figures.METRICS)[:2]
    shell = figures.map_shell(snap, metric)

    def built(snapshot, m):
        return _json(figures.map_figure(snapshot, None, m, legend=False, shading=figures.SHADING_LAYER))

    assert figures.map_shell(snap, metric) is shell  # kept
    assert _json(shell) == built(snap, metric)
    assert figures.map_shell(snap, other) is not shell
    assert _json(figures.map_shell(snap, other)) == built(snap, other)
    newer = build_snapshot(snap.projects.iloc[: snap.n // 2].copy())  # another data version
    assert _json(figures.map_shell(newer, metric)) == built(newer, metric)
    assert figures.map_shell(snap, metric) is not shell  # the cache follows the version asked for


def test_explorer_page_sends_the_shell_and_the_charts_for_its_query(snap, pages):
    page = pages[0].layout(sector=SECTORS[0])
    graphs = {}

    def walk(node):
        if getattr(node, "id", None) in ("explorer-map", "chart-by-sector", "chart-by-municipality"):
            graphs[node.id] = node.figure
        if getattr(node, "id", None) == "explorer-map-shading":
            graphs[node.id] = node.data
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str | int | float):
                walk(child)

    walk(page)
    url = geo_assets.polygons_url(snap.static)
    shell = explorer_updates.map_shell(snap, figures.DEFAULT_METRIC)
    if config.EXPLORER_FIRST_VIEW:  # the shell with the notes for the query (test_explorer_callbacks has the rest)
        shell = {**shell, "layout": {**shell["layout"], "annotations": graphs["explorer-map"]["layout"]["annotations"]}}
    assert _json(graphs["explorer-map"]) == _json(shell)
    if figures.SHADING_LAYER:  # the page's shading layer loads the boundary units by URL
        assert "geojson" not in graphs["explorer-map"]["data"][0]
        if config.EXPLORER_FIRST_VIEW:  # shaded for the query
            z = figures.choropleth_z(snap, snap.mask(FilterState(sectors=(SECTORS[0],))), figures.DEFAULT_METRIC)
            assert graphs["explorer-map-shading"] == figures.shading_data(snap, z, figures.DEFAULT_METRIC, url)
        else:  # shaded over every project
            assert graphs["explorer-map-shading"] == figures.shell_shading(snap, figures.DEFAULT_METRIC, url)
        assert graphs["explorer-map-shading"]["url"] == url
        # built once per data version and metric, as the shell is (the page is built on every visit)
        assert figures.shell_shading(snap, figures.DEFAULT_METRIC, url) is figures.shell_shading(
            snap, figures.DEFAULT_METRIC, url
        )
    else:
        assert graphs["explorer-map"]["data"][0]["geojson"] == url  # the boundary units load by URL
    mask = snap.mask(FilterState.from_query({"sector": SECTORS[0]}))
    assert _json(graphs["chart-by-sector"]) == _json(figures.chart_specs(snap, mask)["by_sector"])


def test_briefing_graph_fills_its_panel_without_the_designation_or_pan_limits(snap, pages):
    briefing = pages[1]
    built = content.build_briefing(FilterState(), metric=figures.DEFAULT_METRIC)
    for name, fig in built.figures.items():
        before = _json(fig)
        shown = briefing._graph(fig, name, built.designation).figure
        layout = shown["layout"]
        assert "height" not in layout and "title" not in layout and layout["autosize"] is True
        assert layout["font"]["size"] == 18
        assert layout["font"].get("family") == before["layout"].get("font", {}).get("family")
        texts = [a.get("text") for a in layout["annotations"]]
        assert built.designation not in texts
        kept = [a.get("text") for a in before["layout"].get("annotations", []) if a.get("text") != built.designation]
        assert texts == kept
        assert "bounds" not in layout.get("map", {})
        assert _json(fig) == before  # the briefing's own figure is not changed
        url = geo_assets.polygons_url(snap.static)
        inline = [{**t, "geojson": url} if t.get("type") == "choroplethmap" else t for t in before["data"]]
        assert _json(shown)["data"] == inline  # the same traces, the boundary units loaded by URL


def test_warm_up_builds_the_explorer_map_before_the_first_visit(snap, pages, monkeypatch):
    from dashboard import warmup
    from dashboard.figures import map as map_module

    map_module._SHELLS.clear()
    warmup.warm_in_background(None).join(timeout=120)
    built = []
    monkeypatch.setattr(map_module, "map_figure", lambda *a, **k: built.append(a))
    pages[0].layout()
    assert built == []  # the first visit's map was built by the warm-up
