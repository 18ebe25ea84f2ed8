"""kaleido rendering with Debian's Chromium: presentation size, offline maps, context on every image."""

from __future__ import annotations

import io
import re

import numpy as np
import plotly.express as px
import plotly.graph_objects as go
import pytest
from PIL import Image

from dashboard import config
from dashboard.exports import ExportError, images, maplabels, vectormap
from dashboard.figures.basemap import anchor


@pytest.fixture(scope="module", autouse=True)
def warm_server():
    images.start()
    yield
    images.stop()


def bar() -> go.Figure:
    """A plain bar chart."""
    return go.Figure(go.Bar(x=["health", "housing"], y=[3, 5]))


def white_map() -> go.Figure:
    """Two points near Mitrovica on the offline white-bg style."""
    fig = px.scatter_map(lat=[42.89, 42.86], lon=[20.87, 20.86], zoom=10, center={"lat": 42.88, "lon": 20.86})
    fig.update_layout(map_style="white-bg")
    fig.update_traces(marker={"size": 30, "color": "rgb(200, 0, 0)"})
    return fig


def decode(png: bytes) -> np.ndarray:
    """PNG bytes as an (height, width, 3) int array."""
    with Image.open(io.BytesIO(png)) as im:
        return np.asarray(im.convert("RGB")).astype(int)


def size(pixels: np.ndarray) -> tuple[int, int]:
    return pixels.shape[1], pixels.shape[0]


def test_png_is_presentation_size():
    assert size(decode(images.render(bar(), "png"))) == (1920, 1080)


def test_png_custom_size():
    assert size(decode(images.render(bar(), "png", width=1280, height=576))) == (1920, 864)


def test_svg_declares_presentation_size_and_keeps_viewbox():
    svg = images.render(bar(), "svg").decode()
    root = svg[: svg.index(">")]
    assert re.search(r'width="1920"', root) and re.search(r'height="1080"', root)
    assert 'viewBox="0 0 1280 720"' in root


def test_white_bg_map_renders_offline_with_its_points():
    px_ = decode(images.render(white_map(), "png"))
    assert size(px_) == (1920, 1080)
    r, g, b = px_[..., 0], px_[..., 1], px_[..., 2]
    assert ((r > 150) & (g < 80) & (b < 80)).sum() > 1000  # the two 30 px markers, scaled 1.5x


def test_unknown_format_is_a_clear_error():
    with pytest.raises(ExportError, match="unknown image format 'gif'"):
        images.render(bar(), "gif")


CTX = images.Context(
    filters="Health projects, documented data",
    data_date="3 March 2025",
    designation="Designation footnote (test)",
    includes_sample=True,
    title="Funding by sector",
)


def annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_for_export_adds_title_context_footnote_and_watermark_without_changing_input():
    fig = bar()
    before = fig.to_dict()
    out = images.for_export(fig, CTX)
    assert fig.to_dict() == before
    texts = annotation_texts(out)
    assert "SAMPLE DATA" in texts
    assert "Health projects, documented data · Data as of 3 March 2025" in texts
    assert "Designation footnote (test)" in texts
    assert out.layout.title.text == "Funding by sector"


def test_for_export_keeps_an_existing_watermark_and_adds_none_without_sample():
    marked = bar()
    marked.add_annotation(text="SAMPLE DATA", showarrow=False)
    assert annotation_texts(images.for_export(marked, CTX)).count("SAMPLE DATA") == 1
    documented = images.Context(**{**CTX.__dict__, "includes_sample": False})
    assert "SAMPLE DATA" not in annotation_texts(images.for_export(bar(), documented))


def test_for_a_slide_the_figure_drops_its_own_watermark_and_footnote():
    """The slide carries the one SAMPLE DATA mark and the footnote; the picture must not repeat them."""
    marked = bar()
    marked.add_annotation(text="SAMPLE DATA", showarrow=False)
    marked.add_annotation(text="Designation footnote (test)", showarrow=False)
    marked.add_annotation(text="Committed not reported for Housing.", showarrow=False)
    texts = annotation_texts(images.for_export(marked, CTX, footer=False))
    assert texts == ["Committed not reported for Housing."]


def test_a_footnote_broken_over_lines_is_replaced_once_not_repeated():
    """The map draws the designation on two lines; the export's footer (or the slide) carries it once."""
    own = bar()
    own.add_annotation(text="Designation<br>footnote (test)", showarrow=False)
    assert annotation_texts(images.for_export(own, CTX)).count("Designation footnote (test)") == 1
    assert "Designation<br>footnote (test)" not in annotation_texts(images.for_export(own, CTX))
    assert annotation_texts(images.for_export(own, CTX, footer=False)) == []


def test_exported_png_shows_the_watermark():
    plain = decode(images.render(bar(), "png"))
    marked = decode(images.render(images.for_export(bar(), CTX), "png"))

    def reddish(p: np.ndarray) -> int:
        r, g, b = p[..., 0], p[..., 1], p[..., 2]
        return int(((r > 200) & (g > 140) & (g < 215) & (b > 130) & (b < 210) & (r - g > 25)).sum())

    assert reddish(marked) > reddish(plain) + 2000


def dark_box(pixels: np.ndarray) -> tuple[float, float, float, float]:
    """The box (left, top, right, bottom) of the near-black pixels."""
    ys, xs = np.nonzero(pixels.max(axis=2) < 90)
    return xs.min(), ys.min(), xs.max(), ys.max()


@pytest.mark.parametrize("position", ["middle right", "top right"])
def test_an_exported_label_stands_where_maplibre_draws_it(monkeypatch, position):
    """The same label drawn by MapLibre (the explorer's layer) and as the export's annotation lands on the same
    pixels, within 4 pixels (2 measured), at its offset from the point."""
    monkeypatch.setattr(config, "FAST", True)
    fig = go.Figure(go.Scattermap(lat=[42.9], lon=[20.9], marker={"size": 6, "color": "#dddddd"}))
    source = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [20.9, 42.9]},
                      "properties": {"name": "Mitrovica"}}],
    }  # fmt: skip
    layer = dict(
        sourcetype="geojson", source=source, type="symbol",
        symbol=dict(icon="", iconsize=40, text="{name}", textposition=position, textfont={"size": 28, "color": "#000"}),
    )  # fmt: skip
    fig.update_layout(
        margin={"l": 20, "r": 30, "t": 50, "b": 40},
        showlegend=False,
        map={"style": "white-bg", "center": {"lon": 20.9, "lat": 42.9}, "zoom": 9, "layers": [layer]},
    )
    by_maplibre = dark_box(decode(images.render(fig, "png", width=800, height=400, scale=1)))
    exported = go.Figure(maplabels.labelled(fig.to_dict(), 800, 400))
    by_plotly = dark_box(decode(images.render(exported, "png", width=800, height=400, scale=1)))
    assert np.allclose(by_maplibre, by_plotly, atol=4), (by_maplibre, by_plotly)


def centre_of(pixels: np.ndarray, rgb: tuple[int, int, int], tol: int = 40) -> tuple[float, float]:
    """The centre (x, y) of the pixels close to one colour."""
    near = (np.abs(pixels - np.array(rgb)).max(axis=2) < tol).nonzero()
    assert len(near[0]) > 20, f"no {rgb} on the image"
    return float(near[1].mean()), float(near[0].mean())


def test_a_vector_map_draws_what_maplibre_draws_where_maplibre_draws_it(monkeypatch):
    """The same map drawn by MapLibre and as the export's geo subplot: a municipality's fill, a project marker and a
    base-map circle land on the same pixels (within 2 pixels; measured under 1)."""
    monkeypatch.setattr(config, "FAST", True)
    ring = [[20.8, 42.85], [20.9, 42.85], [20.9, 42.95], [20.8, 42.95], [20.8, 42.85]]
    municipality = {"type": "Feature", "id": "a", "geometry": {"type": "Polygon", "coordinates": [ring]}}
    halo = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [21.05, 42.8]}, "properties": {"p": 1}}
    fig = go.Figure(
        [
            go.Choroplethmap(
                geojson={"type": "FeatureCollection", "features": [municipality]},
                locations=["a"], z=[1], colorscale=[[0, "rgb(0,160,0)"], [1, "rgb(0,160,0)"]], showscale=False,
                marker={"line": {"width": 0}}, below=anchor("choropleth"),
            ),
            go.Scattermap(lat=[43.0], lon=[21.0], mode="markers", marker={"size": 24, "color": "rgb(220,0,0)"},
                          below=anchor("projects-site")),
        ]
    )  # fmt: skip
    circle = dict(sourcetype="geojson", source={"type": "FeatureCollection", "features": [halo]}, type="circle",
                  circle={"radius": 12}, color="rgb(0,0,230)", below=anchor("hazard-halo"))  # fmt: skip
    fig.update_layout(
        margin={"l": 20, "r": 30, "t": 50, "b": 40},
        showlegend=False,
        map={"style": config.OFFLINE_MAP_STYLE, "center": {"lon": 20.95, "lat": 42.9}, "zoom": 9, "layers": [circle]},
    )
    vector = vectormap.export_spec(fig, 800, 400)
    assert "geo" in vector["layout"]
    by_maplibre = decode(images.render(fig, "png", width=800, height=400, scale=1))
    by_plotly = decode(images.render(vector, "png", width=800, height=400, scale=1))
    for colour in ((0, 160, 0), (220, 0, 0), (0, 0, 230)):
        assert np.allclose(centre_of(by_maplibre, colour), centre_of(by_plotly, colour), atol=2), colour
    green = (np.abs(by_plotly - np.array((0, 160, 0))).max(axis=2) < 40).sum()
    assert green == pytest.approx((np.abs(by_maplibre - np.array((0, 160, 0))).max(axis=2) < 40).sum(), rel=0.05)
