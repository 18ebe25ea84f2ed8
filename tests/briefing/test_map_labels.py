"""An exported map's text layers become annotations at the places MapLibre would draw them."""

from __future__ import annotations

import copy
import math

import plotly.graph_objects as go
import pytest

from dashboard import config
from dashboard.exports import maplabels, mapview

W, H = 1000, 600
MARGIN = {"l": 0, "r": 0, "t": 40, "b": 60}
CENTER = {"lon": 20.9, "lat": 42.9}
ZOOM = 9.0


def points(*named: tuple[str, float, float]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": {"name": n}}
            for n, lon, lat in named
        ],
    }


def label_layer(source: dict, position: str = "middle right", size: int = 12, iconsize: float = 10) -> dict:
    return dict(
        sourcetype="geojson",
        source=source,
        type="symbol",
        symbol=dict(icon="", iconsize=iconsize, text="{name}", textposition=position, textfont={"size": size}),
    )


def map_figure(*ls: dict, showlegend: bool = False) -> go.Figure:
    fig = go.Figure(go.Scattermap(lat=[42.9], lon=[20.9], name="Projects"))
    fig.update_layout(
        margin=MARGIN,
        showlegend=showlegend,
        map={"style": "white-bg", "center": CENTER, "zoom": ZOOM, "layers": [dict(type="line", source=points()), *ls]},
    )
    return fig


def pixel(a: dict) -> tuple[float, float]:
    """An annotation's paper position in figure pixels."""
    plot_w, plot_h = W - MARGIN["l"] - MARGIN["r"], H - MARGIN["t"] - MARGIN["b"]
    return MARGIN["l"] + a["x"] * plot_w, MARGIN["t"] + (1 - a["y"]) * plot_h


def test_project_puts_the_centre_in_the_middle_and_a_degree_east_at_the_world_scale():
    center = (CENTER["lon"], CENTER["lat"])
    assert mapview.project(*center, center, ZOOM, W, H) == pytest.approx((W / 2, H / 2))
    x, y = mapview.project(CENTER["lon"] + 0.1, CENTER["lat"], center, ZOOM, W, H)
    assert x - W / 2 == pytest.approx(0.1 / 360 * 512 * 2**ZOOM)
    assert y == pytest.approx(H / 2)
    _, north = mapview.project(CENTER["lon"], CENTER["lat"] + 0.1, center, ZOOM, W, H)
    assert north < H / 2  # north is up, and a degree of latitude is longer than one of longitude here
    assert H / 2 - north > 0.1 / 360 * 512 * 2**ZOOM / math.cos(math.radians(CENTER["lat"])) * 0.99


def test_a_label_is_placed_at_its_point_offset_as_plotly_offsets_the_text():
    fig = map_figure(label_layer(points(("Mitrovica", 20.9, 42.9)), "middle right", size=12, iconsize=50))
    labels, replaced = maplabels.annotations(fig.to_dict(), W, H)
    assert replaced == [1]
    (a,) = labels
    assert a["text"] == "Mitrovica" and a["xanchor"] == "left" and a["yanchor"] == "middle"
    x, y = pixel(a)
    map_h = H - MARGIN["t"] - MARGIN["b"]
    assert x == pytest.approx(W / 2 + (0.5 + 50 / 100) * 12)  # 1 em to the right at iconsize 50
    assert y == pytest.approx(MARGIN["t"] + map_h / 2)


def test_top_right_text_sits_above_and_right_of_its_point():
    fig = map_figure(label_layer(points(("Zveçan", 20.9, 42.9)), "top right", size=10))
    ((a,), _) = maplabels.annotations(fig.to_dict(), W, H)
    x, y = pixel(a)
    assert (a["xanchor"], a["yanchor"]) == ("left", "top")
    assert x == pytest.approx(W / 2 + 0.6 * 10)
    assert y == pytest.approx(MARGIN["t"] + (H - MARGIN["t"] - MARGIN["b"]) / 2 - 1.6 * 10)


def test_overlapping_labels_keep_the_top_layer_and_the_first_feature():
    near = points(("First", 20.9, 42.9), ("Second", 20.9001, 42.9001), ("Far", 21.1, 42.8))
    top = points(("Camp", 20.9, 42.9))
    fig = map_figure(label_layer(near), label_layer(top))
    labels, replaced = maplabels.annotations(fig.to_dict(), W, H)
    assert replaced == [1, 2]
    assert [a["text"] for a in labels] == ["Camp", "Far"]


def test_labels_outside_the_map_or_under_the_legend_are_left_out():
    outside = points(("Beyond", 23.0, 42.9), ("Edge", 20.9, 43.6))
    assert maplabels.annotations(map_figure(label_layer(outside)).to_dict(), W, H)[0] == []
    # the legend stands at the top left of the map
    corner = points(("Under the legend", 20.9 - 0.6, 42.9 + 0.2))
    shown = maplabels.annotations(map_figure(label_layer(corner)).to_dict(), W, H)[0]
    fig = map_figure(label_layer(corner), showlegend=True)
    fig.update_layout(legend={"x": 0.01, "y": 0.98, "xanchor": "left"})
    assert [a["text"] for a in shown] == ["Under the legend"]
    assert maplabels.annotations(fig.to_dict(), W, H)[0] == []


def test_names_are_text_never_markup():
    fig = map_figure(label_layer(points(("<b>R&D</b>", 20.9, 42.9))))
    ((a,), _) = maplabels.annotations(fig.to_dict(), W, H)
    assert a["text"] == "&lt;b&gt;R&amp;D&lt;/b&gt;"


def test_the_export_copy_loses_its_text_layers_and_keeps_everything_else(monkeypatch):
    monkeypatch.setattr(config, "FAST", True)
    fig = map_figure(label_layer(points(("Mitrovica", 20.9, 42.9))))
    fig.add_annotation(text="SAMPLE DATA", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    spec = fig.to_dict()
    before = copy.deepcopy(spec)
    out = go.Figure(maplabels.labelled(spec, W, H))
    assert spec == before  # the input is not changed
    assert [layer["type"] for layer in out.layout.map.layers] == ["line"]
    assert [a.text for a in out.layout.annotations] == ["Mitrovica", "SAMPLE DATA"]  # the watermark stays on top
    assert len(out.data) == 1


def test_the_previous_path_keeps_maplibre_text(monkeypatch):
    monkeypatch.setattr(config, "FAST", False)
    spec = map_figure(label_layer(points(("Mitrovica", 20.9, 42.9)))).to_dict()
    assert maplabels.labelled(spec, W, H) is spec


def test_a_label_under_a_choropleth_colour_bar_is_left_out():
    shading = dict(type="choroplethmap", geojson=points(), locations=[], z=[],
                   colorbar={"x": 0.99, "xanchor": "right", "y": 0.98, "yanchor": "top", "len": 0.45})  # fmt: skip
    # a point at the top right of the map, under the bar; another at the bottom right, below it
    fig = map_figure(label_layer(points(("Top", 20.9 + 0.62, 42.9 + 0.22), ("Low", 20.9 + 0.62, 42.9 - 0.22))))
    fig.add_trace(go.Choroplethmap(**{k: v for k, v in shading.items() if k != "type"}))
    labels, _ = maplabels.annotations(fig.to_dict(), W, H)
    assert [a["text"] for a in labels] == ["Low"]
    fig.update_traces(showscale=False, selector={"type": "choroplethmap"})
    assert sorted(a["text"] for a in maplabels.annotations(fig.to_dict(), W, H)[0]) == ["Low", "Top"]
