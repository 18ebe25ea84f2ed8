"""An exported map becomes a Mercator geo subplot showing exactly the MapLibre view, or stays a MapLibre map."""

from __future__ import annotations

import base64

import numpy as np
import pytest
import shapely

from dashboard import config
from dashboard.exports import content as C
from dashboard.exports import mapview, vectormap
from dashboard.figures.basemap import anchor
from geodata.analysis.filters import FilterState

W, H = 1000, 600
CENTER = {"lon": 20.9, "lat": 42.9}


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    monkeypatch.setattr(config, "FAST", True)


def square(lon: float, lat: float, d: float = 0.05) -> dict:
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]
    return {"type": "Polygon", "coordinates": [ring]}


def collection(*geometries: dict) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": str(i), "geometry": g, "properties": {"part": 1}}
            for i, g in enumerate(geometries)
        ],
    }


def point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def spec(layers: list[dict] | None = None, data: list[dict] | None = None, style=None) -> dict:
    return {
        "data": data
        if data is not None
        else [
            dict(
                type="choroplethmap",
                geojson=collection(square(20.9, 42.9)),
                locations=["0"],
                z=[1],
                below=anchor("choropleth"),
            ),
            dict(
                type="scattermap",
                lat=[42.95],
                lon=[20.95],
                mode="markers",
                marker={"size": 10},
                below=anchor("projects-site"),
            ),
        ],
        "layout": {
            "margin": {"l": 10, "r": 20, "t": 30, "b": 40},
            "map": {
                "style": style or config.OFFLINE_MAP_STYLE,
                "center": CENTER,
                "zoom": 9,
                "layers": layers
                if layers is not None
                else [
                    dict(
                        sourcetype="geojson",
                        source=collection(square(20.9, 42.9, 0.2)),
                        type="line",
                        color="#222",
                        line={"width": 2},
                        below=anchor("outline"),
                    ),
                    dict(
                        sourcetype="geojson",
                        source=collection(point(20.8, 42.8)),
                        type="circle",
                        color="#f00",
                        circle={"radius": 7},
                        opacity=0.5,
                        below=anchor("hazard-halo"),
                    ),
                ],  # fmt: skip
            },
        },
    }


def values(array) -> list:
    """A spec's array as a list (plotly sends numbers as base64 typed arrays)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def test_the_visible_extent_is_what_the_frame_shows_edge_to_edge():
    center = (CENTER["lon"], CENTER["lat"])
    west, south, east, north = mapview.visible_extent(center, 9, 800, 500)
    assert mapview.project(west, north, center, 9, 800, 500) == pytest.approx((0, 0), abs=1e-6)
    assert mapview.project(east, south, center, 9, 800, 500) == pytest.approx((800, 500), abs=1e-6)


def test_the_map_becomes_a_geo_subplot_of_the_same_view_and_stack():
    out = vectormap.vector_spec(spec(), W, H)
    assert "map" not in out["layout"]
    geo = out["layout"]["geo"]
    frame_w, frame_h = W - 10 - 20, H - 30 - 40
    west, south, east, north = mapview.visible_extent((20.9, 42.9), 9, frame_w, frame_h)
    assert geo["projection"] == {"type": "mercator"}
    assert geo["lonaxis"]["range"] == pytest.approx([west, east]) and geo["lataxis"]["range"] == pytest.approx(
        [south, north]
    )
    assert not any(v for k, v in geo.items() if k.startswith("show"))  # no land, coast or frame: a white map
    first, *rest = out["data"]
    # an empty first trace: plotly.js would otherwise fetch the world's topojson for the choropleth
    assert first["type"] == "scattergeo" and first["lon"] == [] and "locations" not in first
    # the stack of the base style: outline, choropleth, hazard halo, site-level projects
    assert [(t["type"], t.get("mode")) for t in rest] == [
        ("scattergeo", "lines"),
        ("choropleth", None),
        ("scattergeo", "markers"),
        ("scattergeo", "markers"),
    ]
    assert not any("below" in t for t in out["data"])
    halo = rest[2]
    assert halo["marker"]["size"] == 14 and halo["marker"]["color"] == "#f00" and halo["opacity"] == 0.5
    assert rest[3]["marker"] == {"size": 10, "line": {"width": 0}}  # a MapLibre circle has no outline
    outline = rest[0]
    assert outline["lon"].count(None) == 1 and len(outline["lon"]) == 6 and outline["line"]["width"] == 2


def test_a_fill_layer_is_a_filled_outline():
    layer = dict(sourcetype="geojson", source=collection(square(20.9, 42.9)), type="fill", color="#0a0", opacity=0.3)
    trace = vectormap.layer_trace(layer)
    assert trace["fill"] == "toself" and trace["fillcolor"] == "#0a0" and trace["opacity"] == 0.3


@pytest.mark.parametrize(
    "changed",
    [
        {"style": "open-street-map"},
        {"layers": [dict(sourcetype="raster", source=["tiles"], type="raster")]},
        {"layers": [dict(sourcetype="geojson", source=collection(point(20.9, 42.9)), type="symbol")]},
        {"data": [dict(type="densitymap", lat=[42.9], lon=[20.9])]},
        {
            "layers": [
                dict(
                    sourcetype="geojson",
                    type="fill",
                    color="#f00",
                    source=collection(
                        {
                            "type": "Polygon",
                            "coordinates": [
                                *square(20.9, 42.9, 0.2)["coordinates"],
                                *square(20.9, 42.9)["coordinates"],
                            ],
                        }
                    ),
                )
            ]
        },  # a ring with a hole: a filled outline would fill the hole
    ],
)
def test_what_only_maplibre_draws_keeps_maplibre(changed):
    assert vectormap.vector_spec(spec(**changed), W, H) is None


def test_the_previous_path_keeps_maplibre(monkeypatch):
    monkeypatch.setattr(config, "FAST", False)
    assert vectormap.vector_spec(spec(), W, H) is None


def test_the_explorer_map_exports_every_point_and_name_as_vectors():
    briefing = C.build_briefing(FilterState())
    fig = briefing.figures["map"]
    out = vectormap.export_spec(fig, 1280, 720)
    assert "map" not in out["layout"]
    drawn = {t.get("name"): t for t in out["data"] if t["type"] == "scattergeo"}
    for trace in fig.data:
        if trace.type == "scattermap":
            assert values(drawn[trace.name]["lat"]) == list(trace.lat)
            assert values(drawn[trace.name]["lon"]) == list(trace.lon)
    (choropleth,) = [t for t in out["data"] if t["type"] == "choropleth"]
    assert len(values(choropleth["locations"])) == 38
    names = {a["text"] for a in out["layout"]["annotations"]}
    assert {"Leposavić camp", "Žitkovac"} <= names


def test_polygons_are_wound_as_plotly_geo_reads_them():
    anticlockwise = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    hole = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]  # clockwise
    geojson = {"type": "FeatureCollection", "features": [{"type": "Feature", "id": "x", "properties": {},
               "geometry": {"type": "Polygon", "coordinates": [anticlockwise, hole]}}]}  # fmt: skip
    (feature,) = vectormap.clockwise(geojson)["features"]
    outer, inner = feature["geometry"]["coordinates"]
    assert shapely.LinearRing(outer).is_ccw is False and shapely.LinearRing(inner).is_ccw is True
    assert feature["id"] == "x"
    assert geojson["features"][0]["geometry"]["coordinates"][0] == anticlockwise  # the input is not changed
