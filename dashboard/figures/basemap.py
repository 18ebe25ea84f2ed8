"""The base map every map figure stands on: one builder for the layout's ``map`` (style, view, bounds) and its
GeoJSON layers drawn below the traces (the Kosovo outline, municipal borders, rings)."""

from __future__ import annotations

from dashboard import config

OUTLINE_COLOUR = "#222222"
BORDER_COLOUR = "#9a9a9a"


def line_layer(source: dict, colour: str, width: float) -> dict:
    """A GeoJSON line layer under the traces."""
    return dict(sourcetype="geojson", source=source, type="line", color=colour, line=dict(width=width), below="traces")


def fill_layer(source: dict, colour: str, opacity: float) -> dict:
    """A GeoJSON fill layer under the traces."""
    return dict(sourcetype="geojson", source=source, type="fill", color=colour, opacity=opacity, below="traces")


def base_map(
    outline: dict,
    *,
    style: str = "white-bg",
    center: dict | None = None,
    zoom: float | None = None,
    outline_width: float = 2.2,
    borders: dict | None = None,
    layers: list[dict] | tuple[dict, ...] = (),
) -> dict:
    """The layout's ``map``: the base style (``config.map_style``: offline white background or OpenStreetMap),
    the view (the opening view by default) within ``config.MAP_BOUNDS``, and the layers: municipal
    ``borders`` (when given), the Kosovo ``outline``, then ``layers``."""
    below = [line_layer(borders, BORDER_COLOUR, 0.8)] if borders is not None else []
    return dict(
        style=config.map_style(style),
        center=config.MAP_CENTER if center is None else center,
        zoom=config.MAP_ZOOM if zoom is None else zoom,
        bounds=config.MAP_BOUNDS,
        layers=[*below, line_layer(outline, OUTLINE_COLOUR, outline_width), *layers],
    )
