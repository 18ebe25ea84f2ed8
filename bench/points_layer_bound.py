"""How fast the explorer map's project points could redraw if they were not Plotly traces: an upper bound.

``python -m bench.points_layer_bound N [--rounds 5] [--port 8094]``

In one loaded explorer page (N synthetic projects, the bench's Chromium), the project points are set again and
again, all of them or one in four (as the bench's click on "Health" leaves about a quarter), three ways:

- ``plotly``: ``Plotly.react`` with the page's own project traces (a colour and a size per point), as a filter
  click redraws them;
- ``plotly, one colour and size``: the same with one colour and one size for every point, to show what the
  per-point style costs in plotly.js's path;
- ``own layer``: the project traces emptied, and the same points (sector code and radius as numbers) set as the
  data of two MapLibre GeoJSON sources with circle layers of our own, coloured by a ``match`` on the sector, as
  ``assets/map_shading.js`` does for the municipalities.

Each time is the call -> MapLibre's ``idle`` (the data laid out in its worker and drawn). ``own layer`` leaves out
what a page needs besides (hover, click, box/lasso selection), so it bounded what the change could give. The
explorer now draws its points that way (``figures.points_layer``, ``assets/map_points.js``); this bench serves the
page with ``TFA_POINTS_LAYER=0``, the project traces, so that plotly.js's path can still be timed beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from bench import browser_bench
from bench.serve import STORE_CACHE, served
from dashboard.figures.map import PROJECT_UID
from dashboard.figures.style import SECTOR_COLOURS

#: The in-page measurement (see its head).
_MEASURE = (Path(__file__).parent / "points_layer_bound.js").read_text()

LABELS = {"plotly": "plotly (as shipped)", "uniform": "plotly, one colour and size", "own": "own layer"}


def measure(n: int, rounds: int, port: int, store_cache=STORE_CACHE) -> dict:
    """{"points": [per project trace], "own_drawn": points the own layers drew, variant: {"all": [ms], "quarter":
    [ms]}} from one explorer page of ``n`` projects (its synthetic store written to, or read from, ``store_cache``)."""
    with served(n, port, store_cache=store_cache, extra_env={"TFA_POINTS_LAYER": "0"}) as server:
        driver = browser_bench.chromium()
        try:
            browser_bench.page_load(driver, server.url + "/")
            out = driver.execute_async_script(_MEASURE, rounds, PROJECT_UID, list(SECTOR_COLOURS.values()))
        finally:
            driver.quit()
    if "error" in out:
        raise RuntimeError(out["error"])
    if not out["own_drawn"]:
        raise RuntimeError("the own layers drew no point")
    return out


def summary(result: dict) -> list[str]:
    """One line per variant: the medians of all points and of a quarter, and the ratio to plotly's path."""
    base = {k: statistics.median(result["plotly"][k]) for k in ("all", "quarter")}
    lines = [f"points per project trace: {result['points']}"]
    for key, label in LABELS.items():
        med = {k: statistics.median(result[key][k]) for k in ("all", "quarter")}
        lines.append(
            f"{label:30} all {med['all']:7.0f} ms ({med['all'] / base['all']:.2f}x)"
            f"   a quarter {med['quarter']:7.0f} ms ({med['quarter'] / base['quarter']:.2f}x)"
        )
    return lines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.points_layer_bound", description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="synthetic projects")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, default=8094)
    args = parser.parse_args(argv)
    result = measure(args.n, args.rounds, args.port)
    print(f"{args.n} projects, load {os.getloadavg()[0]:.1f}")
    print("\n".join(summary(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
