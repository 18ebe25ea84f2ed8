"""Settings of the dashboard (no Dash import here, so figures and tests can read them)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = ROOT / "assets"
#: plotly.js with only the trace types the pages draw (``make plotly-bundle``, tools/plotly_bundle; not in git).
#: Dash's Graph uses the ``window.Plotly`` it defines; without it, the pages load Dash's full plotly.js.
PLOTLY_BUNDLE = ASSETS_DIR / "vendor" / "plotly.min.js"
#: The global ``regeneratorRuntime`` that Dash's scripts call, built beside the plotly.js bundle
#: (``make plotly-bundle``) so that the pages can load without Dash's Babel polyfill (``dashboard/page_scripts.py``).
REGENERATOR_RUNTIME = ASSETS_DIR / "vendor" / "regenerator-runtime.min.js"
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
#: Invisible marker layers at the top of every base style, bottom to top: each part of a map is inserted just
#: below its own marker (``dashboard.figures.basemap.anchor``). Plotly re-inserts every layer and trace that
#: shares its ``below`` with another on every redraw, and MapLibre then lays it out again; with a marker each,
#: a redraw leaves them where they are, and the order does not depend on the order they were added in.
MAP_ANCHORS = (
    "borders",
    "outline",
    "choropleth",
    "hazard-halo",
    "settlement-dots",
    "settlement-names",
    "projects-site",
    "projects-municipality",
    "highlight",
    "camp-rings",
    "places",
    "camp-numbers",
    "camp-names",
)
_ANCHOR_LAYERS = [{"id": f"tfa-{name}", "type": "background", "layout": {"visibility": "none"}} for name in MAP_ANCHORS]
#: The offline base map: a white MapLibre style with no tile source and no ``glyphs`` URL. Without a glyphs URL
#: MapLibre draws text with the browser's own fonts, so settlement labels render with no internet (plotly's
#: built-in "white-bg" style points its glyphs at a web server, where offline labels fail).
OFFLINE_MAP_STYLE = {
    "version": 8,
    # one empty source: plotly drops an empty "sources" object when it redraws, and MapLibre requires the key
    "sources": {"none": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}},
    "layers": [{"id": "background", "type": "background", "paint": {"background-color": "#ffffff"}}, *_ANCHOR_LAYERS],
}
#: OpenStreetMap's raster tiles (online), with the same markers and, like the offline style, the browser's fonts.
OSM_MAP_STYLE = {
    "version": 8,
    "sources": {
        "osm-tiles": {
            "type": "raster",
            "tiles": ["https://tile.openstreetmap.org/{z}/{x}/{y}.png"],
            "tileSize": 256,
            "attribution": '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        }
    },
    "layers": [
        {"id": "osm-tiles", "type": "raster", "source": "osm-tiles", "minzoom": 0, "maxzoom": 22},
        *_ANCHOR_LAYERS,
    ],
}


def map_style(base_map: str) -> dict | str:
    """The layout.map.style for a ``BASE_MAPS`` key."""
    return {"white-bg": OFFLINE_MAP_STYLE, "open-street-map": OSM_MAP_STYLE}.get(base_map, base_map)


#: The table shows at most this many rows (largest commitments first); the CSV always has every match.
TABLE_ROW_LIMIT = 1000

#: The explorer's fast paths (send only what changed, page the table on demand). ``TFA_FAST=0`` restores the
#: previous behaviour (every figure patched on every filter change, the table sent whole), so the benchmark
#: can compare both in one run on the same machine.
FAST = os.environ.get("TFA_FAST", "1") != "0"
#: The explorer map's project points as MapLibre layers of the page's own (``figures.points_layer``,
#: ``assets/map_points.js``), set from a store, in place of plotly.js's traces. ``TFA_POINTS_LAYER=0`` (or
#: ``TFA_FAST=0``) draws them as Plotly traces again, for the benchmark to compare.
POINTS_LAYER = FAST and os.environ.get("TFA_POINTS_LAYER", "1") != "0"
#: The grids below the fold (the explorer's table, the coverage page's gap table) are created as they come near
#: the view, or once the page's maps have drawn and the page has been quiet (``dashboard/late_grid.py``,
#: ``assets/table_in_view.js``), not during the first load: creating the explorer's took 0.2-0.25 s of the first
#: load's main thread while the map drew (bench/README.md, seventeenth round). ``TFA_TABLE_LATE=0`` (or
#: ``TFA_FAST=0``) puts the grids in the pages' layouts again, for the benchmark to compare.
TABLE_LATE = FAST and os.environ.get("TFA_TABLE_LATE", "1") != "0"
#: The coverage page's first view (both figures, the texts, the gap rows) comes in the page's layout, drawn once
#: as the page appears, instead of from a callback after it: the figures were drawn empty first, and the view came
#: a round trip later. ``TFA_COVERAGE_FIRST_VIEW=0`` (or ``TFA_FAST=0``) asks the callback again, for the benchmark.
COVERAGE_FIRST_VIEW = FAST and os.environ.get("TFA_COVERAGE_FIRST_VIEW", "1") != "0"
#: The explorer's first view (the map's notes, shading and project points for the URL's filters, and what the page
#: then holds drawn) comes in the page's layout, so the map has its points as it is built: before, the page's
#: callback sent them a round trip after the layout. It needs the points layer (``POINTS_LAYER``).
#: ``TFA_EXPLORER_FIRST_VIEW=0`` (or ``TFA_FAST=0``) asks the callback again, for the benchmark.
EXPLORER_FIRST_VIEW = POINTS_LAYER and os.environ.get("TFA_EXPLORER_FIRST_VIEW", "1") != "0"
#: The pages load without Dash's Babel polyfill where its one needed part is built (``dashboard/page_scripts.py``).
#: ``TFA_LEAN_SCRIPTS=0`` (or ``TFA_FAST=0``) loads it again, for the benchmark to compare.
LEAN_SCRIPTS = FAST and os.environ.get("TFA_LEAN_SCRIPTS", "1") != "0"
