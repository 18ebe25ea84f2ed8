"""An exported map drawn as vectors by Plotly (a Mercator ``geo`` subplot) instead of by MapLibre.

The explorer's map is a MapLibre map; drawing one in the exporting Chromium cost about 3.4 s of a 4.4 s PNG on a
2-core machine, two thirds of it MapLibre's own start and its software-rendered frames (a bare map with no data
took 2.1 s; a bar chart takes 0.4 s). The export's map has nothing MapLibre alone can draw: a white background, the
municipalities' choropleth, points, lines and text. So ``vector_spec`` rewrites the figure for Plotly's ``geo``
subplot, which draws SVG:

- the view is the MapLibre view exactly: the longitudes and latitudes the map's frame shows at its centre and zoom
  (``mapview.visible_extent``), in the same Web Mercator projection;
- ``choroplethmap`` becomes ``choropleth`` and ``scattermap`` becomes ``scattergeo``, with the same data and style;
- the base map's line, fill and circle layers become traces at their place in the stack (``config.MAP_ANCHORS``);
  the text layers are annotations already (``maplabels``).

A map drawn this way is exported in about 0.6 s, and an SVG of it is a vector drawing (MapLibre's was a raster
image inside the SVG). A figure with something else (tiles, another trace or layer type, a filled polygon with a
hole) keeps MapLibre (``vector_spec`` returns None), and so does every figure under ``TFA_FAST=0``.
"""

from __future__ import annotations

import shapely
import shapely.geometry
from shapely.geometry.polygon import orient

from dashboard import config
from dashboard.exports import maplabels, mapview

TRACE_TYPES = {"choroplethmap": "choropleth", "scattermap": "scattergeo"}
LAYER_TYPES = frozenset({"line", "fill", "circle"})
#: Keys a map trace has that its geo counterpart does not.
MAP_ONLY_KEYS = frozenset({"below", "cluster", "subplot"})
#: What Plotly's ``geo`` draws besides the data; the map shows none of it (the base map is white).
BASE_LAYERS_OFF = {
    f"show{part}": False
    for part in ("land", "ocean", "lakes", "rivers", "countries", "coastlines", "subunits", "frame")
}


def _is_white(style) -> bool:
    return style in ("white-bg", config.OFFLINE_MAP_STYLE)


def _rings(geometry: dict) -> list[list]:
    """The coordinate sequences of a line or polygon geometry (a polygon's rings, a line's vertices)."""
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    return {
        "LineString": lambda: [coords],
        "MultiLineString": lambda: coords,
        "Polygon": lambda: coords,
        "MultiPolygon": lambda: [ring for polygon in coords for ring in polygon],
    }.get(kind, lambda: [])()


def _has_holes(source: dict) -> bool:
    """Whether any polygon of the GeoJSON has an inner ring."""
    for feature in source.get("features") or []:
        geometry = feature.get("geometry") or {}
        polygons = {"Polygon": [geometry.get("coordinates")], "MultiPolygon": geometry.get("coordinates")}.get(
            geometry.get("type"), []
        )
        if any(len(rings or []) > 1 for rings in polygons or []):
            return True
    return False


def _lines(features: list[dict]) -> tuple[list, list]:
    """Every ring or line of the features as one lon and one lat list, broken by None between them."""
    lon: list = []
    lat: list = []
    for feature in features:
        for ring in _rings(feature.get("geometry") or {}):
            lon += [p[0] for p in ring] + [None]
            lat += [p[1] for p in ring] + [None]
    return lon, lat


def layer_trace(layer: dict) -> dict:
    """A base-map layer (line, fill or circle) as the scattergeo trace that draws it."""
    features = layer["source"]["features"]
    common = dict(type="scattergeo", showlegend=False, hoverinfo="skip", opacity=layer.get("opacity", 1))
    if layer["type"] == "circle":
        points = [f["geometry"]["coordinates"] for f in features if f["geometry"]["type"] == "Point"]
        return dict(
            common,
            mode="markers",
            lon=[p[0] for p in points],
            lat=[p[1] for p in points],
            marker=dict(
                size=2 * (layer.get("circle") or {}).get("radius", 15), color=layer["color"], line={"width": 0}
            ),
        )
    lon, lat = _lines(features)
    if layer["type"] == "fill":
        return dict(common, mode="none", lon=lon, lat=lat, fill="toself", fillcolor=layer["color"])
    line = layer.get("line") or {}
    return dict(common, mode="lines", lon=lon, lat=lat, line=dict(color=layer["color"], width=line.get("width", 2)))


def clockwise(geojson: dict) -> dict:
    """The FeatureCollection with every polygon's outer ring clockwise and its holes anticlockwise. Plotly's geo
    (d3) reads a ring's winding to tell inside from outside: an anticlockwise outer ring, as GeoJSON (RFC 7946)
    writes it and MapLibre accepts, would fill the whole globe except the polygon."""
    features = []
    for feature in geojson.get("features") or []:
        geometry = feature.get("geometry")
        if geometry and geometry.get("type") in ("Polygon", "MultiPolygon"):
            shape = shapely.geometry.shape(geometry)
            parts = shape.geoms if shape.geom_type == "MultiPolygon" else [shape]
            oriented = [orient(p, sign=-1.0) for p in parts]
            shape = shapely.MultiPolygon(oriented) if shape.geom_type == "MultiPolygon" else oriented[0]
            feature = {**feature, "geometry": shapely.geometry.mapping(shape)}
        features.append(feature)
    return {**geojson, "features": features}


def _geo_trace(trace: dict) -> dict:
    out = {k: v for k, v in trace.items() if k not in MAP_ONLY_KEYS}
    out["type"] = TRACE_TYPES[trace["type"]]
    if isinstance(out.get("geojson"), dict):
        out["geojson"] = clockwise(out["geojson"])
    if out["type"] == "scattergeo" and isinstance(out.get("marker"), dict):
        out["marker"] = {**out["marker"], "line": {"width": 0, **(out["marker"].get("line") or {})}}  # as MapLibre
    return out


def vector_spec(spec: dict, width: float, height: float) -> dict | None:
    """The figure spec (a dict; laid out at ``width`` x ``height``) with its map as a ``geo`` subplot, or None
    when the map has something only MapLibre draws. Text layers must have become annotations first."""
    layout = spec.get("layout") or {}
    view = layout.get("map")
    if not config.FAST or not view or not _is_white(view.get("style")) or "center" not in view or "zoom" not in view:
        return None
    layers = [layer for layer in view.get("layers") or [] if layer.get("visible", True)]
    if any(t.get("type") not in TRACE_TYPES for t in spec.get("data") or []):
        return None
    if any(layer.get("type") not in LAYER_TYPES or layer.get("sourcetype", "geojson") != "geojson" for layer in layers):
        return None
    if any(layer["type"] == "fill" and _has_holes(layer["source"]) for layer in layers):
        return None  # a filled outline would fill the holes too
    place = {f"tfa-{anchor}": i for i, anchor in enumerate(config.MAP_ANCHORS)}
    top = len(place)  # "traces" and no anchor: above every anchored part, in the order given
    stack = [(place.get(layer.get("below"), top), 0, i, layer_trace(layer)) for i, layer in enumerate(layers)]
    stack += [(place.get(t.get("below"), top), 1, i, _geo_trace(t)) for i, t in enumerate(spec.get("data") or [])]
    # plotly.js fetches the world's topojson from the web when its first geo trace names locations (a
    # choropleth does); an empty first trace keeps the export offline
    first = dict(type="scattergeo", lon=[], lat=[], mode="markers", showlegend=False, hoverinfo="skip")
    frame = maplabels.map_frame(layout, width, height)
    center = (float(view["center"]["lon"]), float(view["center"]["lat"]))
    west, south, east, north = mapview.visible_extent(center, float(view["zoom"]), frame.width, frame.height)
    geo = dict(
        projection={"type": "mercator"},
        lonaxis={"range": [west, east]},
        lataxis={"range": [south, north]},
        bgcolor="#ffffff",
        domain=view.get("domain") or {"x": [0, 1], "y": [0, 1]},
        **BASE_LAYERS_OFF,
    )
    out_layout = {k: v for k, v in layout.items() if k != "map"}
    out_layout["geo"] = geo
    return {"data": [first, *(t for *_, t in sorted(stack, key=lambda s: s[:3]))], "layout": out_layout}


def export_spec(fig, width: float, height: float) -> dict:
    """The spec kaleido renders for an exported map: text as annotations (``maplabels``), then drawn as vectors
    where it can be (``vector_spec``), else by MapLibre."""
    spec = maplabels.labelled(fig.to_dict(), width, height)
    return vector_spec(spec, width, height) or spec
