"""Settings of the dashboard (no Dash import here, so figures and tests can read them)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = ROOT / "assets"
PAGES_DIR = Path(__file__).resolve().parent / "pages"

HOST = os.environ.get("TFA_HOST", "127.0.0.1")
PORT = int(os.environ.get("TFA_PORT", "8050"))
TITLE = "Trust Fund Atlas"

#: Where the map opens: northern Kosovo (Mitrovica, Zvečan, Leposavić); all of Kosovo stays reachable.
MAP_CENTER = {"lat": 42.95, "lon": 20.85}
MAP_ZOOM = 8.7
#: The map can be panned within this box (west, south, east, north), which holds all of Kosovo.
MAP_BOUNDS = {"west": 19.2, "south": 41.3, "east": 22.4, "north": 43.8}
#: Base maps: offline (our own layers on white) and OpenStreetMap tiles (needs internet).
BASE_MAPS = {"white-bg": "Offline (our layers only)", "open-street-map": "OpenStreetMap (online)"}
#: The offline base map: a white MapLibre style with no tile source and no ``glyphs`` URL. Without a glyphs URL
#: MapLibre draws text with the browser's own fonts, so settlement labels render with no internet (plotly's
#: built-in "white-bg" style points its glyphs at a web server, where offline labels fail).
OFFLINE_MAP_STYLE = {
    "version": 8,
    # one empty source: plotly drops an empty "sources" object when it redraws, and MapLibre requires the key
    "sources": {"none": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}},
    "layers": [{"id": "background", "type": "background", "paint": {"background-color": "#ffffff"}}],
}


def map_style(base_map: str) -> dict | str:
    """The layout.map.style for a ``BASE_MAPS`` key."""
    return OFFLINE_MAP_STYLE if base_map == "white-bg" else base_map


#: The table shows at most this many rows (largest commitments first); the CSV always has every match.
TABLE_ROW_LIMIT = 1000

#: The explorer's fast paths (send only what changed, page the table on demand). ``TFA_FAST=0`` restores the
#: previous behaviour (every figure patched on every filter change, the table sent whole), so the benchmark
#: can compare both in one run on the same machine.
FAST = os.environ.get("TFA_FAST", "1") != "0"
