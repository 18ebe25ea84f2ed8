"""The base map every map figure stands on: one builder for the layout's ``map`` (style, view, bounds) and its
GeoJSON layers (the Kosovo outline, municipal borders, rings below the traces; labels)."""

from __future__ import annotations

from dashboard import config

OUTLINE_COLOUR = "#222222"
BORDER_COLOUR = "#9a9a9a"


def anchor(part: str) -> str:
    """The ``below`` of a map part that has its own place in the base style (``config.MAP_ANCHORS``)."""
    if part not in config.MAP_ANCHORS:
        raise KeyError(f"no map anchor {part!r}; the anchors are {', '.join(config.MAP_ANCHORS)}")
    return f"tfa-{part}"


def line_layer(source: dict | str, colour: str, width: float, below: str = "traces") -> dict:
    """A GeoJSON line layer, by default under the traces."""
    return dict(
        sourcetype="geojson",
        source=with_properties(source),
        type="line",
        color=colour,
        line=dict(width=width),
        below=below,
    )


def with_properties(source: dict | str) -> dict | str:
    """``source`` with every feature's ``properties`` non-empty. The browser drops an empty ``properties`` from the
    GeoJSON it was given, so on the next redraw Plotly finds the layer's source changed and sets it again. A URL
    (GeoJSON the browser loads) is left as it is."""
    if isinstance(source, str):
        return source
    features = source.get("features")
    if features is None or all(f.get("properties") for f in features):
        return source
    return {**source, "features": [{**f, "properties": f.get("properties") or {"part": True}} for f in features]}


def point_features(frame, properties: dict | None = None) -> dict:
    """A GeoJSON FeatureCollection of the points of a GeoDataFrame (EPSG:4326), with the given per-row properties
    (name -> a sequence as long as the frame)."""
    properties = properties or {}
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(float(p.x), 6), round(float(p.y), 6)]},
                "properties": {k: v[i] for k, v in properties.items()},
            }
            for i, p in enumerate(frame.geometry)
        ],
    }


def label_layer(
    source: dict,
    field: str,
    position: str,
    size: int,
    colour: str,
    below: str = "",
    clear_px: float = 0,
    marker_px: float | None = None,
) -> dict:
    """Each point's ``field`` as text beside it (no icon: the base style has none), at ``position``; by default
    above every other layer. Its near edge is ``clear_px`` pixels from the point (beside a marker of that radius; 0:
    Plotly's default gap), or where a map trace's text would be beside its markers of ``marker_px``.

    One GeoJSON source and one symbol layer: a text trace (``mode="markers+text"``) costs a map four of each."""
    # Plotly offsets the text by 0.5 + iconsize / 100 ems sideways (1.5 + iconsize / 100 up or down), as it offsets a
    # trace's text by its marker size; the icon is empty, so iconsize only sets that gap.
    if marker_px is not None:
        iconsize = marker_px
    else:
        iconsize = max(clear_px / size - 0.5, 0.1) * 100 if clear_px else 10
    return dict(
        sourcetype="geojson",
        source=with_properties(source),
        type="symbol",
        symbol=dict(
            icon="",
            iconsize=iconsize,
            text="{" + field + "}",
            textposition=position,
            textfont=dict(size=size, color=colour),
        ),
        below=below,
    )


def fill_layer(source: dict | str, colour: str, opacity: float) -> dict:
    """A GeoJSON fill layer under the traces (its source inline, or the URL the browser loads it from)."""
    return dict(
        sourcetype="geojson", source=with_properties(source), type="fill", color=colour, opacity=opacity, below="traces"
    )


def base_map(
    outline: dict,
    *,
    style: str = "white-bg",
    center: dict | None = None,
    zoom: float | None = None,
    outline_width: float = 2.2,
    borders: dict | str | None = None,
    layers: list[dict] | tuple[dict, ...] = (),
) -> dict:
    """The layout's ``map``: the base style (``config.map_style``: offline white background or OpenStreetMap),
    the view (the opening view by default) within ``config.MAP_BOUNDS``, and the layers: municipal
    ``borders`` (when given), the Kosovo ``outline``, then ``layers``."""
    # Each line has its own place (TFA_FAST=0: both "under the traces", re-inserted on every redraw).
    at = anchor if config.FAST else (lambda _part: "traces")
    below = [line_layer(borders, BORDER_COLOUR, 0.8, at("borders"))] if borders is not None else []
    return dict(
        style=config.map_style(style),
        center=config.MAP_CENTER if center is None else center,
        zoom=config.MAP_ZOOM if zoom is None else zoom,
        bounds=config.MAP_BOUNDS,
        layers=[*below, line_layer(outline, OUTLINE_COLOUR, outline_width, at("outline")), *layers],
    )
