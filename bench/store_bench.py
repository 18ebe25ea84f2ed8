"""Benchmark: an import of n rows and its rollback, on each store backend (GeoPackage, PostGIS).

``python -m bench.store_bench [N] [--repeats R]`` (or ``python -m bench --store``) prints one JSON line per backend:
``import_s`` (``ImportPreview.commit`` of n new projects into a seeded store: the whole portfolio validated, then
written: a new GeoPackage swapped in, or one transaction under the version row's lock) and ``rollback_s`` (the
rollback of that import), each the median of ``repeats`` import+rollback pairs, with every sample; and
``version_ms``, the mean time of ``store.version()`` uncached (what a request reads to see another instance's change).
The preview is made once and not counted. PostGIS: ``TFA_DATABASE_URL`` when set (the schema is upgraded first),
else a private cluster started for the run (``tests/conftest_postgis.start_cluster``) and stopped after it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = "project_id,title,sector,target_communities,municipality,status,start_date,committed,currency\n"
PLACES = ("Zvečan", "Leposavić", "Mitrovica North", "Zubin Potok", "Vushtrri")


def sheet(n: int) -> bytes:
    lines = (
        f"bench-{i},Project {i},health,Roma,{PLACES[i % len(PLACES)]},ongoing,2023-0{1 + i % 9},{1000 + i},USD\n"
        for i in range(n)
    )
    return (HEADER + "".join(lines)).encode()


def measure(backend: str, n: int, repeats: int) -> dict:
    from geodata.io import store
    from geodata.io.importers import preview_bytes

    store.ensure_store()
    preview = preview_bytes(sheet(n), f"bench-{n}.csv")
    assert preview.ok, preview.report_lines()[:5]
    imports, rollbacks = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        result = preview.commit()
        imports.append(time.perf_counter() - t)
        assert result.record is not None and result.record.rows_added == n
        t = time.perf_counter()
        store.rollback(result.record.import_id)
        rollbacks.append(time.perf_counter() - t)
    b = store.backend()
    t = time.perf_counter()
    for _ in range(200):
        if hasattr(b, "_version"):
            b._version = None  # the database read itself, not the 0.2 s reuse
        store.version()  # what a request does to see another instance's change
    version_ms = (time.perf_counter() - t) / 200 * 1000
    return {
        "case": "store",
        "backend": backend,
        "n": n,
        "portfolio": len(store.current_projects()) + n,
        "import_s": round(statistics.median(imports), 3),
        "rollback_s": round(statistics.median(rollbacks), 3),
        "version_ms": round(version_ms, 3),
        "import_samples": [round(s, 3) for s in imports],
        "rollback_samples": [round(s, 3) for s in rollbacks],
        "loadavg": round(os.getloadavg()[0], 1),
    }


def run(n: int = 1000, repeats: int = 3) -> list[dict]:
    rows = []
    url = os.environ.pop("TFA_DATABASE_URL", "")
    os.environ["TFA_DATA_DIR"] = tempfile.mkdtemp(prefix="tfa-bench-store-")
    rows.append(measure("gpkg", n, repeats))

    cluster = None
    if not url:
        sys.path.insert(0, str(ROOT / "tests"))
        from conftest_postgis import _admin, _database_url, start_cluster

        cluster = start_cluster()
        _admin(cluster.url, "CREATE DATABASE tfa_bench")
        url = _database_url(cluster.url, "tfa_bench")
    try:
        from geodata.io.store import postgis

        postgis.upgrade(url)
        os.environ["TFA_DATABASE_URL"] = url
        rows.append(measure("postgis", n, repeats))
        postgis.dispose_all()
    finally:
        if cluster is not None:
            cluster.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.store_bench", description=__doc__.splitlines()[0])
    p.add_argument("n", nargs="?", type=int, default=1000)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    rows = run(args.n, args.repeats)
    if args.json:
        for r in rows:
            print(json.dumps(r))
        return 0
    print(f"{'backend':<8} {'rows':>6} {'portfolio':>9} {'import s':>9} {'rollback s':>10} {'version ms':>10}  samples")
    for r in rows:
        print(
            f"{r['backend']:<8} {r['n']:>6} {r['portfolio']:>9} {r['import_s']:>9.2f} {r['rollback_s']:>10.2f} "
            f"{r['version_ms']:>10.3f}  "
            f"{r['import_samples']} / {r['rollback_samples']}  (load {r['loadavg']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
