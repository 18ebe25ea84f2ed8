"""Exports timed through the code the app uses (``dashboard.exports.service.briefing``, as the briefing page's
buttons and ``python -m dashboard export`` call it).

Run as ``python -m bench.export_bench FORMAT [N]``: one fresh process per format, so the first export pays
what a freshly started app pays (kaleido's Chromium, LibreOffice) and is reported apart (``cold_s``) from
the median of the next ``repeats`` (``warm_median_s``). Formats: ``pptx``, ``pdf`` and ``png`` (the map
only, 1920 px). ``N`` synthetic projects, or the shipped data when omitted. Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

CASES = {"pptx": ("pptx", None), "pdf": ("pdf", None), "png_map": ("png", ["map"])}


def run(case: str, n: int | None = None, repeats: int = 3) -> dict:
    t0 = time.perf_counter()
    from dashboard import data
    from dashboard.exports import images, service
    from geodata.analysis.filters import FilterState

    if n is not None:
        from bench.portfolio import synthetic_portfolio

        data.use_projects(synthetic_portfolio(n))
    else:
        data.snapshot()
    ready = time.perf_counter() - t0
    fmt, names = CASES[case]
    times, size = [], 0
    try:
        for _ in range(1 + repeats):
            t = time.perf_counter()
            blob = service.briefing(fmt, FilterState(), names=names).data
            times.append(time.perf_counter() - t)
            size = len(blob)
    finally:
        images.stop()
    return {
        "n": n if n is not None else "shipped",
        "case": f"export_{case}",
        "import_and_data_s": round(ready, 3),
        "cold_s": round(times[0], 3),
        "warm_median_s": round(statistics.median(times[1:]), 3) if repeats else None,
        "warm_s": [round(t, 3) for t in times[1:]],
        "bytes": size,
        "load": os.getloadavg()[0],
    }


def main(argv: list[str]) -> int:
    case = argv[0]
    n = int(argv[1]) if len(argv) > 1 and argv[1] != "shipped" else None
    repeats = int(argv[2]) if len(argv) > 2 else 3
    print(json.dumps(run(case, n, repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
