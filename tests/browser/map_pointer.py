"""Shared by the map pointer tests: where on a map nothing is drawn, and whether a ``dcc.Tooltip`` shows."""

from __future__ import annotations

_TOOLTIP = """
const e = document.getElementById(arguments[0]);
const box = e && e.closest('.dcc-tooltip-bounding-box');
if (!box) return null;
return {text: e.textContent, visible: getComputedStyle(box).display !== 'none'};
"""


def tooltip(driver, component_id: str) -> dict | None:
    """{"text", "visible"} of the ``dcc.Tooltip`` with this id (hidden: its bounding box is not displayed)."""
    return driver.execute_script(_TOOLTIP, component_id)


def empty_spot(markers: list[dict], box: dict, clearance: float = 60) -> tuple[float, float]:
    """A pixel inside the map ``box`` with no marker (dicts with "x", "y" in page pixels) within ``clearance``."""
    for fy in (0.15, 0.3, 0.5, 0.7, 0.85):
        for fx in (0.1, 0.25, 0.5, 0.75, 0.9):
            x = box["left"] + fx * (box["right"] - box["left"])
            y = box["top"] + fy * (box["bottom"] - box["top"])
            if all(abs(o["x"] - x) >= clearance or abs(o["y"] - y) >= clearance for o in markers):
                return x, y
    raise AssertionError("no empty spot on the map")
