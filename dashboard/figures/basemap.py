"""The base map every map figure stands on: one builder for the layout's ``map`` (style, view, bounds) and its
GeoJSON layers drawn below the traces (the Kosovo outline, municipal borders, rings)."""

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


def fill_layer(source: dict, colour: str, opacity: float) -> dict:
    """A GeoJSON fill layer under the traces."""
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
