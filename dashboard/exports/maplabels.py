"""An exported map's text (settlement names, camp numbers and names) drawn by Plotly, not by MapLibre.

In the exporting Chromium, MapLibre draws its own glyphs for any text layer, and one text layer made a map's PNG
about 4.8 s slower (2.8 s without one, 7.4-7.7 s with any one). So for an export the map's ``symbol`` layers
become Plotly annotations at the same places: each point is projected from the figure's final centre, zoom and
margins (Web Mercator, ``mapview.project``), offset as Plotly offsets a symbol layer's text, and placed as MapLibre
places labels: the top layer first, each layer in feature order (the camps by their number), and a label that
would overlap one already placed, or leave the map's frame, or fall under the legend or colour bar, is left out.
An SVG then carries the names as text. ``TFA_FAST=0`` keeps the MapLibre layers.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from dashboard import config
from dashboard.exports import mapview

#: Text width per character, in ems (a sans-serif's average), and a label's line height.
CHAR_EM, LINE_EM = 0.56, 1.2
#: Clear space MapLibre keeps around a label (``text-padding``), pixels.
PADDING_PX = 2.0
#: Width of a colour bar with its tick labels and title, pixels.
COLOUR_BAR_PX = 110

Box = tuple[float, float, float, float]  # left, top, right, bottom in figure pixels


@dataclass(frozen=True)
class Frame:
    """Where the map is drawn in the figure, in pixels from the figure's top left, and the plot area's size."""

    left: float
    top: float
    width: float
    height: float
    plot_left: float
    plot_top: float
    plot_width: float
    plot_height: float


def map_frame(layout: dict, width: float, height: float) -> Frame:
    """The map's frame in a ``width`` x ``height`` figure with this layout (its margins and the map's domain)."""
    margin = {"l": 80, "r": 80, "t": 100, "b": 80, **(layout.get("margin") or {})}
    plot_w, plot_h = width - margin["l"] - margin["r"], height - margin["t"] - margin["b"]
    domain = (layout.get("map") or {}).get("domain") or {}
    (x0, x1), (y0, y1) = domain.get("x", (0, 1)), domain.get("y", (0, 1))
    return Frame(
        left=margin["l"] + x0 * plot_w,
        top=margin["t"] + (1 - y1) * plot_h,
        width=(x1 - x0) * plot_w,
        height=(y1 - y0) * plot_h,
        plot_left=margin["l"],
        plot_top=margin["t"],
        plot_width=plot_w,
        plot_height=plot_h,
    )


def _anchor(position: str, iconsize: float) -> tuple[str, str, float, float]:
    """(xanchor, yanchor, x offset, y offset in ems, y down) of a symbol layer's text, as Plotly sets MapLibre's
    ``text-anchor`` and ``text-offset`` from ``textposition`` and ``iconsize``."""
    vertical, _, horizontal = position.partition(" ")
    side, updown = 0.5 + iconsize / 100, 1.5 + iconsize / 100
    yanchor, dy = {"top": ("top", -updown), "bottom": ("bottom", updown)}.get(vertical, ("middle", 0.0))
    xanchor, dx = {"left": ("right", -side), "right": ("left", side)}.get(horizontal, ("center", 0.0))
    return xanchor, yanchor, dx, dy


def _box(x: float, y: float, xanchor: str, yanchor: str, w: float, h: float) -> Box:
    left = {"left": x, "center": x - w / 2, "right": x - w}[xanchor]
    top = {"top": y, "middle": y - h / 2, "bottom": y - h}[yanchor]
    return (left - PADDING_PX, top - PADDING_PX, left + w + PADDING_PX, top + h + PADDING_PX)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a: Box, frame: Frame) -> bool:
    right, bottom = frame.left + frame.width, frame.top + frame.height
    return a[0] >= frame.left and a[1] >= frame.top and a[2] <= right and a[3] <= bottom


def obstacles(layout: dict, data: list[dict], frame: Frame) -> list[Box]:
    """About where the legend and each colour bar (a choropleth shows one unless ``showscale`` is false) stand over
    the map, from their positions in the layout."""
    boxes: list[Box] = []
    if layout.get("showlegend") is not False:
        legend = layout.get("legend") or {}
        font = (legend.get("font") or {}).get("size") or (layout.get("font") or {}).get("size") or 12
        names = [t["name"] for t in data if t.get("showlegend") is not False and t.get("name")]
        if names:
            x = frame.plot_left + float(legend.get("x", 1.02)) * frame.plot_width
            y = frame.plot_top + (1 - float(legend.get("y", 1))) * frame.plot_height
            w, h = mapview.legend_width_px(names, font), len(names) * font * 2.0 + 16
            left = {"left": x, "center": x - w / 2, "right": x - w}.get(legend.get("xanchor", "left"), x)
            boxes.append((left, y, left + w, y + h))
    for trace in data:
        shaded = trace.get("type") in ("choroplethmap", "choropleth") and trace.get("showscale") is not False
        if shaded or (trace.get("marker") or {}).get("showscale"):
            bar = trace.get("colorbar") or (trace.get("marker") or {}).get("colorbar") or {}
            length = float(bar.get("len", 1)) * frame.plot_height
            y = frame.plot_top + (1 - float(bar.get("y", 0.5))) * frame.plot_height
            top = {"top": y, "bottom": y - length}.get(bar.get("yanchor", "middle"), y - length / 2)
            right = frame.plot_left + float(bar.get("x", 1.02)) * frame.plot_width
            x_left = right - COLOUR_BAR_PX if bar.get("xanchor") == "right" else right
            boxes.append((x_left, top, x_left + COLOUR_BAR_PX, top + length))
    return boxes


def annotations(fig: dict, width: float, height: float) -> tuple[list[dict], list[int]]:
    """(annotations, indices of the symbol layers they replace) for a figure spec laid out at ``width`` x
    ``height`` pixels."""
    layout = fig.get("layout") or {}
    view = layout.get("map") or {}
    layers = view.get("layers") or []
    symbols = [i for i, layer in enumerate(layers) if layer.get("type") == "symbol" and layer.get("visible", True)]
    if not symbols or "center" not in view or "zoom" not in view:
        return [], []
    frame = map_frame(layout, width, height)
    center = (float(view["center"]["lon"]), float(view["center"]["lat"]))
    placed = obstacles(layout, fig.get("data") or [], frame)
    out: list[dict] = []
    for i in reversed(symbols):  # the top layer is placed first
        layer = layers[i]
        symbol = layer.get("symbol") or {}
        field = str(symbol.get("text", "")).strip("{}")
        font = symbol.get("textfont") or {}
        size = float(font.get("size", 16))
        xanchor, yanchor, dx, dy = _anchor(symbol.get("textposition", "middle center"), symbol.get("iconsize", 10))
        for feature in layer["source"]["features"]:
            text = str((feature.get("properties") or {}).get(field, ""))
            if not text:
                continue
            lon, lat = feature["geometry"]["coordinates"][:2]
            px, py = mapview.project(lon, lat, center, float(view["zoom"]), frame.width, frame.height)
            x, y = frame.left + px + dx * size, frame.top + py + dy * size
            box = _box(x, y, xanchor, yanchor, len(text) * CHAR_EM * size, LINE_EM * size)
            if not _inside(box, frame) or any(_overlaps(box, other) for other in placed):
                continue
            placed.append(box)
            out.append(
                dict(
                    text=html.escape(text, quote=False),  # a name is text, never markup
                    xref="paper",
                    yref="paper",
                    x=(x - frame.plot_left) / frame.plot_width,
                    y=1 - (y - frame.plot_top) / frame.plot_height,
                    xanchor=xanchor,
                    yanchor=yanchor,
                    showarrow=False,
                    borderpad=0,
                    font={"size": size, "color": font.get("color", "#000000")},
                )
            )
    return out, symbols


def labelled(spec: dict, width: float, height: float) -> dict:
    """A figure spec (a dict) for export whose text layers are annotations (see the module's note); the spec is
    not changed, and comes back as it is when it has no text layer or under ``TFA_FAST=0``."""
    if not config.FAST:
        return spec
    labels, replaced = annotations(spec, width, height)
    if not replaced:
        return spec
    layout = dict(spec["layout"])
    layout["map"] = {**layout["map"], "layers": [x for i, x in enumerate(layout["map"]["layers"]) if i not in replaced]}
    layout["annotations"] = [*labels, *(layout.get("annotations") or [])]
    return {**spec, "layout": layout}
