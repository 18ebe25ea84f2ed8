"""``python -m bench [--sizes 1000,10000,100000] [--json] [--no-coverage]``

For each size, runs ``bench.explorer_bench`` in a fresh process (seeded synthetic portfolio; the main
filter callback against the naive baseline, response sizes, first-load size), then the coverage
benchmark (100,000 projects x 100 sites by default). ``--json`` prints one JSON object per size and
case; otherwise a table, with the targets of the issue next to the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys

TARGETS = {  # at 100,000 projects
    "one_sector median_ms": 10.0,
    "all_points p95_ms": 25.0,
    "speedup": 15.0,
    "bytes_per_point": 24.0,
    "layout_gzip_bytes": 1.5e6,
    "polygon_gzip_bytes": 60_000,
}


def run_size(n: int) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.explorer_bench", str(n)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    if out.returncode != 0:
        raise SystemExit(f"bench for n={n} failed:\n{out.stderr[-3000:]}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def coverage_row(n_projects: int, n_sites: int) -> dict:
    from bench.coverage_bench import run

    result = run(n_projects=n_projects, n_sites=n_sites, seed=0)
    return {"n": n_projects, "case": "coverage", "sites": n_sites, **result}


def _table(rows: list[dict]) -> str:
    head = (
        f"{'n':>7} {'case':<11} {'median ms':>9} {'p95 ms':>8} {'naive ms':>9} {'speed-up':>8} "
        f"{'resp kB':>8} {'gzip kB':>8} {'B/point':>8} {'1st load gz kB':>14} {'polygons gz kB':>14}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        if r["case"] == "coverage":
            continue
        lines.append(
            f"{r['n']:>7} {r['case']:<11} {r['median_ms']:>9.2f} {r['p95_ms']:>8.2f} {r['naive_median_ms']:>9.1f} "
            f"{r['speedup']:>7.1f}x {r['response_bytes'] / 1000:>8.1f} {r['response_gzip_bytes'] / 1000:>8.1f} "
            f"{r['bytes_per_point']:>8.2f} {r['layout_gzip_bytes'] / 1000:>14.1f} "
            f"{r['polygon_gzip_bytes'] / 1000:>14.1f}"
        )
    for r in rows:
        if r["case"] == "coverage":
            lines.append(
                f"\ncoverage, {r['n']} projects x {r['sites']} sites: "
                + ", ".join(f"{k} {v:.3f}" for k, v in r.items() if k.endswith("_s"))
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-coverage", action="store_true")
    p.add_argument("--coverage-sites", type=int, default=100)
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rows = []
    for n in sizes:
        rows += run_size(n)
    if not args.no_coverage:
        rows.append(coverage_row(max(sizes), args.coverage_sites))
    if args.json:
        for r in rows:
            print(json.dumps(r))
    else:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(_table(rows))
        print(
            "\ntargets at 100,000 projects: "
            + ", ".join(f"{k} {'≤' if k != 'speedup' else '≥'} {v:g}" for k, v in TARGETS.items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
