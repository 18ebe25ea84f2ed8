"""Benchmark of the explorer's main filter callback at one portfolio size.

Run as ``python -m bench.explorer_bench N`` (``python -m bench`` runs it once per size, each in a fresh
process so sizes do not share caches or memory). Prints one JSON object per case.

What is measured, all through ``app.server.test_client()`` as a browser would call it:
- the main filter callback (``update_explorer`` in ``dashboard/pages/explorer.py``), POSTed to
  ``/_dash-update-component``: median and p95 of 21 calls after 3 warm-up calls, raw and gzip response
  size, bytes per visible point; for a one-sector filter ("health") and for all points (a page that does not
  hold the filter's points, but holds the whole data's markers, sent with its first view: figures.points_layer);
- the same cases on the naive baseline (``bench/naive.py``: plotly express figures rebuilt from the
  GeoDataFrame on every call), giving the speed-up;
- the first load: ``/_dash-layout`` plus the page-content callback for "/" (gzip), and the polygon layer.
"""

from __future__ import annotations

import gzip
import json
import sys

import dash

from bench.measure import callback_body, get_size, time_callback
from bench.naive import SECTOR_ID, create_naive_app
from bench.portfolio import synthetic_portfolio
from dashboard import config, data, ids
from dashboard.app import create_app
from dashboard.figures import points_layer
from geodata.analysis.filters import FilterState

CASES = {"one_sector": ("health",), "all_points": ()}


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            yield from _walk(child)
    elif children is not None and hasattr(children, "to_plotly_json"):
        yield from _walk(children)


def _defaults(layout) -> dict[tuple[str, str], object]:
    """(id, property) -> initial value for every component with a string id in a layout."""
    out = {}
    for comp in _walk(layout):
        cid = getattr(comp, "id", None)
        if isinstance(cid, str):
            for prop in getattr(comp, "_prop_names", []):
                out[(cid, prop)] = getattr(comp, prop, None)
    return out


def _main_callback_key(app) -> str:
    for key, spec in app.callback_map.items():
        if f"{ids.MAP}.figure" in key and any(d["id"] == ids.SECTOR for d in spec["inputs"]):
            return key
    raise LookupError("the explorer's main filter callback was not found")


#: The pages whose server-side build is timed (Dash pages' ``_pages_content`` callback for each path).
PAGES = {"explorer": "/", "coverage": "/coverage", "briefing": "/briefing"}


def _page_body(app, path: str) -> dict:
    key = next(k for k in app.callback_map if "_pages_content.children" in k)
    return callback_body(
        app,
        key,
        {("_pages_location", "pathname"): path, ("_pages_location", "search"): ""},
        ["_pages_location.pathname"],
    )


def _first_load(app) -> dict:
    _, layout_gz = get_size(app, "/_dash-layout")
    page = time_callback(app, _page_body(app, "/"), warmup=1, repeats=3)
    built = {
        f"page_{name}_ms": round(time_callback(app, _page_body(app, path), warmup=1, repeats=5).median_ms, 1)
        for name, path in PAGES.items()
    }
    polygons = json.dumps(data.static_layers().polygons, separators=(",", ":")).encode()
    return {
        "layout_gzip_bytes": layout_gz + page.response_gzip_bytes,
        "layout_only_gzip_bytes": layout_gz,
        "page_gzip_bytes": page.response_gzip_bytes,
        "polygon_gzip_bytes": len(gzip.compress(polygons, 6)),
        **built,
    }


def run(n: int, seed: int = 0) -> list[dict]:
    projects = synthetic_portfolio(n, seed)
    app = create_app(projects)
    app.server.test_client().get("/")  # registers the pages' callbacks
    page = next(p for p in dash.page_registry.values() if p["path"] == "/")
    layout = page["layout"]() if callable(page["layout"]) else page["layout"]
    defaults = _defaults(layout)
    key = _main_callback_key(app)
    first = _first_load(app)
    snap = data.snapshot()

    naive = create_naive_app(projects)
    naive_key = next(iter(naive.callback_map))

    rows = []
    for case, sectors in CASES.items():
        values = dict(defaults)
        values[(ids.SECTOR, "value")] = list(sectors)
        values[(ids.MAP_POINTS_KEY, "data")] = None  # the map does not hold these points yet: they are sent
        if config.POINTS_LAYER:  # the page holds the whole data's markers, sent once with its first view
            values[(ids.EXPLORER_DRAWN, "data")] = {"points_base": points_layer.base(snap)["id"]}
        stats = time_callback(app, callback_body(app, key, values, [f"{ids.SECTOR}.value"]))
        visible = int(snap.mask(FilterState(sectors=sectors)).sum())
        naive_body = callback_body(
            naive, naive_key, {(SECTOR_ID, "value"): sectors[0] if sectors else None}, [f"{SECTOR_ID}.value"]
        )
        naive_stats = time_callback(naive, naive_body, warmup=1, repeats=5 if n >= 50_000 else 11)
        rows.append(
            {
                "n": n,
                "case": case,
                "visible_points": visible,
                "median_ms": round(stats.median_ms, 2),
                "p95_ms": round(stats.p95_ms, 2),
                "naive_median_ms": round(naive_stats.median_ms, 1),
                "speedup": round(naive_stats.median_ms / stats.median_ms, 1),
                "response_bytes": stats.response_bytes,
                "response_gzip_bytes": stats.response_gzip_bytes,
                "bytes_per_point": round(stats.response_bytes / max(visible, 1), 2),
                "naive_response_bytes": naive_stats.response_bytes,
                **first,
            }
        )
    return rows


def main(argv: list[str]) -> int:
    n = int(argv[0])
    for row in run(n):
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
