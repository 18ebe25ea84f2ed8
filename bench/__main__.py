"""``python -m bench [--sizes 1000,10000,100000] [--json] [--no-coverage] [--browser] [--export] [--startup]``

For each size, runs ``bench.explorer_bench`` in a fresh process (seeded synthetic portfolio; the main
filter callback against the naive baseline, response sizes, first-load size), then the coverage
benchmark (100,000 projects x 100 sites by default). ``--json`` prints one JSON object per size and
case; otherwise a table, with the targets of the issue next to the figures.

``--browser`` runs, instead, the browser case (``bench.browser_bench``: the app served by
``python -m dashboard`` over each size, measured in headless Chromium: first load, filter clicks with real
input, coverage and briefing first draw, start-up and worker memory); ``--startup`` only the start-up and
memory (one first load, at the shipped data and each size); ``--export`` the exports (``bench.export_bench``:
PPTX, PDF and a PNG of the map, cold then warm); ``--import`` the import case (``bench.import_bench``: a 3W
sheet of each of ``--import-sizes`` rows previewed, then committed into a fresh store). They combine.
``--load`` runs, alone, the load case (``bench.load_bench``: gunicorn with gunicorn.conf.py, the explorer's
filter click at concurrency 1, 8 and 32, alone and while an editor's 10,000-row import and a PPTX export run).
``--cluster`` runs, alone, the several-machines case (``bench.cluster_bench``: two gunicorn instances and their
Celery workers over one PostGIS and one Redis, a mixed load at concurrency 32 for ``--cluster-seconds``, then a
worker killed during an import and during a rollback).
The machine's load average is printed with every run: the timings are only comparable between runs on a
quiet machine.
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
    built = {r["n"]: r for r in rows if r["case"] != "coverage" and "page_explorer_ms" in r}
    for n, r in built.items():
        lines.append(
            f"pages built on the server, {n} projects (median of 5, after a first build): "
            + ", ".join(f"{page} {r[f'page_{page}_ms']:.1f} ms" for page in ("explorer", "coverage", "briefing"))
        )
    for r in rows:
        if r["case"] == "coverage":
            lines.append(
                f"\ncoverage, {r['n']} projects x {r['sites']} sites: "
                + ", ".join(f"{k} {v:.3f}" for k, v in r.items() if k.endswith("_s"))
            )
    return "\n".join(lines)


def browser_rows(sizes: list[int | None], port: int, clicks: int, pages: bool) -> list[dict]:
    from bench import browser_bench
    from bench.serve import STORE_CACHE

    rows = []
    for i, n in enumerate(sizes):
        rows += browser_bench.run(n, port + i % 6, clicks=clicks, pages=pages, store_cache=STORE_CACHE)
    return rows


def export_rows(n: int | None, repeats: int) -> list[dict]:
    import tempfile

    from bench.export_bench import CASES

    rows = []
    for case in CASES:
        data_dir = tempfile.mkdtemp(prefix="tfa-bench-export-")  # the shipped data, not a user's store
        out = subprocess.run(
            [sys.executable, "-m", "bench.export_bench", case, str(n) if n else "shipped", str(repeats)],
            capture_output=True,
            text=True,
            env={**os.environ, "TFA_DATA_DIR": data_dir, "TFA_JOBS_DIR": data_dir},
        )
        if out.returncode != 0:
            raise SystemExit(f"export bench {case} failed:\n{out.stderr[-3000:]}")
        rows += [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return rows


def _export_table(rows: list[dict]) -> str:
    head = f"{'n':>8} {'case':<16} {'cold s':>8} {'warm median s':>14} {'kB':>8} {'load':>5}"
    lines = [head, "-" * len(head)]
    for r in rows:
        warm = "—" if r["warm_median_s"] is None else f"{r['warm_median_s']:.2f}"
        lines.append(
            f"{r['n']!s:>8} {r['case']:<16} {r['cold_s']:>8.2f} {warm:>14} {r['bytes'] / 1000:>8.0f} {r['load']:>5.1f}"
        )
    return "\n".join(lines)


#: Issue 10's targets for the import case: rows -> (preview s, commit s).
IMPORT_TARGETS = {10_000: (3.0, 5.0), 50_000: (15.0, 15.0)}


def import_rows(sizes: list[int]) -> list[dict]:
    import tempfile

    rows = []
    for n in sizes:
        data_dir = tempfile.mkdtemp(prefix="tfa-bench-import-")  # a fresh store for every size
        out = subprocess.run(
            [sys.executable, "-m", "bench.import_bench", str(n)],
            capture_output=True,
            text=True,
            env={**os.environ, "TFA_DATA_DIR": data_dir},
        )
        if out.returncode != 0:
            raise SystemExit(f"import bench for n={n} failed:\n{out.stderr[-3000:]}")
        rows += [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return rows


def _import_table(rows: list[dict]) -> str:
    head = (
        f"{'rows':>7} {'case':<7} {'MB':>6} {'valid':>7} {'preview s':>10} {'commit s':>9} {'targets s':>12} "
        f"{'first use s':>12}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        target = IMPORT_TARGETS.get(r["n"])
        shown = f"{target[0]:g} / {target[1]:g}" if target else "—"
        lines.append(
            f"{r['n']:>7} {r['case']:<7} {r['bytes'] / 1e6:>6.1f} {r['valid']:>7} {r['preview_s']:>10.2f} "
            f"{r['commit_s']:>9.2f} {shown:>12} {r.get('first_use_s', 0):>12.2f}"
        )
    return "\n".join(lines)


def _sizes(text: str) -> list[int | None]:
    return [None if s == "shipped" else int(s) for s in text.split(",") if s]


def special(args: argparse.Namespace) -> int:
    """The browser, start-up and export cases (``--browser``, ``--startup``, ``--export``)."""
    from bench import browser_bench

    rows = []
    imports = import_rows([int(n) for n in args.import_sizes.split(",") if n]) if args.import_case else []
    if args.browser:
        rows += browser_rows(_sizes(args.sizes), args.port, args.clicks, pages=True)
    if args.startup:
        sizes = _sizes(args.startup_sizes)
        rows += [r for r in browser_rows(sizes, args.port, 0, pages=False) if r["case"] == "startup"]
    exports = (
        export_rows(None if args.export_n == "shipped" else int(args.export_n), args.repeats) if args.export else []
    )
    if args.json:
        for r in rows + exports + imports:
            print(json.dumps(r))
        return 0
    m = browser_bench.machine()
    chromium = next((r["machine"].get("chromium") for r in rows if "machine" in r), "")
    print(
        f"machine: {platform.machine()}, {m['cores']} cores, {m['cpu']}, Python {m['python']}"
        + (f", Chromium {chromium}" if chromium else "")
        + f"; load average now {m['loadavg'][0]:.1f} (each row gives the load when it was taken)"
    )
    if rows:
        print(browser_bench.table(rows))
    if exports:
        print(("\n" if rows else "") + _export_table(exports))
    if imports:
        print(("\n" if rows or exports else "") + _import_table(imports))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-coverage", action="store_true")
    p.add_argument("--coverage-sites", type=int, default=100)
    p.add_argument("--browser", action="store_true", help="the browser case (headless Chromium)")
    p.add_argument("--clicks", type=int, default=10, help="filter clicks per size in the browser case")
    p.add_argument("--port", type=int, default=8070, help="first port for the served app")
    p.add_argument("--startup", action="store_true", help="start-up time and worker memory only")
    p.add_argument("--startup-sizes", default="shipped,10000,100000")
    p.add_argument("--export", action="store_true", help="PPTX, PDF and PNG-of-the-map exports")
    p.add_argument("--export-n", default="shipped", help="portfolio of the export case: 'shipped' or a size")
    p.add_argument("--repeats", type=int, default=3, help="warm exports after the cold one")
    p.add_argument("--import", dest="import_case", action="store_true", help="preview and commit of a 3W sheet")
    p.add_argument("--import-sizes", default="10000,50000", help="rows of the import case")
    p.add_argument("--store", action="store_true", help="import of 1,000 rows and rollback on each store backend")
    p.add_argument("--load", action="store_true", help="filter clicks under gunicorn, alone and beside jobs")
    p.add_argument("--load-seconds", default="10", help="measured seconds per concurrency level of the load case")
    p.add_argument("--cluster", action="store_true", help="two instances over PostGIS and Redis: load and faults")
    p.add_argument("--cluster-seconds", type=float, default=60.0, help="length of the cluster case's load")
    args = p.parse_args(argv)
    if args.load:
        from bench import load_bench

        return load_bench.main(["--seconds", args.load_seconds] + (["--json"] if args.json else []))
    if args.cluster:
        from bench import cluster_bench

        return cluster_bench.main(args.cluster_seconds, as_json=args.json)
    if args.store:
        from bench import store_bench

        return store_bench.main(["--json"] if args.json else [])
    if args.browser or args.startup or args.export or args.import_case:
        return special(args)
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
