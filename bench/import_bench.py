"""Benchmark: importing a partner's 3W sheet of n rows (preview, then commit into a fresh store).

``python -m bench.import_bench N`` prints one JSON line: ``preview_s`` (read, normalise, convert EUR
amounts at ECB rates, place and check every row: ``preview_bytes``), ``commit_s`` (write the valid rows:
``ImportPreview.commit``, which validates the whole portfolio and swaps in a new GeoPackage), the same two as
this process's CPU time (``preview_cpu_s``, ``commit_cpu_s``: on a shared machine they move less than the
wall-clock times) with the 1-minute load average, the row counts, and ``first_use_s``: a 5-row preview run
first, which loads what a process loads once (layers, name tables, the ECB rates) and is not counted in
``preview_s``. Run it with ``TFA_DATA_DIR`` pointing at
an empty directory (``python -m bench --import`` does).

The sheet is seeded and realistic rather than friendly: an OCHA 3W layout with a title row, English and
French headers, EUR and USD amounts written "250.000" and "1.234,50" (decimal comma column), placeholders
("-", "n/a"), cluster names, municipality names in Albanian and Serbian, and no coordinates (every row is
placed at its municipality). Targets (issue 10): 10,000 rows preview < 3 s and commit < 5 s; 50,000 rows
< 15 s each.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time

import numpy as np

MUNICIPALITIES = ("Zvečan", "Leposaviq", "Mitrovicë e Veriut", "South Mitrovica", "Zubin Potok", "Vushtrri",
                  "Prishtinë", "Fushë Kosovë", "Gjakovë", "Prizren")  # fmt: skip
CLUSTERS = ("Health", "WASH", "Education", "Protection", "Shelter/NFI", "Livelihoods", "CCCM", "infrastructure")
STATUSES = ("En cours", "ongoing", "completed", "Pipeline", "Finalisation")


def sheet(n: int, seed: int = 0) -> bytes:
    """A 3W CSV of ``n`` project rows."""
    rng = np.random.default_rng(seed)
    out = io.StringIO()
    out.write("3W Kosovo - partner report (benchmark),,,,,,,,,,,\n")
    out.write(
        "CODE PROJET,NOM ACTIVITE,Implementing Partner Name,Donor Name,Sector/Cluster,District,DATE DEBUT,"
        "Status,Budget,Disbursed,Currency,Target group\n"
    )
    muni = rng.integers(0, len(MUNICIPALITIES), n)
    cluster = rng.integers(0, len(CLUSTERS), n)
    status = rng.integers(0, len(STATUSES), n)
    year = rng.integers(2016, 2025, n)
    month = rng.integers(1, 13, n)
    budget = rng.integers(5, 2000, n) * 1000
    spent = (budget * rng.uniform(0, 1, n)).round(2)
    eur = rng.random(n) < 0.6
    for i in range(n):
        b = f"{budget[i]:,}".replace(",", ".")
        d = "-" if i % 7 == 0 else ("n/a" if i % 11 == 0 else f"{spent[i]:,.2f}".replace(",", " ").replace(".", ","))
        out.write(
            f"B-{i:06d},Activité {i} pour les familles RAE,Partner {i % 40},Donor {i % 9},"
            f"{CLUSTERS[cluster[i]]},{MUNICIPALITIES[muni[i]]},{year[i]}-{month[i]:02d}-01,"
            f'{STATUSES[status[i]]},"{b}","{d}",{"EUR" if eur[i] else "USD"},Roma;Ashkali\n'
        )
    return out.getvalue().encode()


def run(n: int) -> dict:
    from geodata.io.importers import preview_bytes

    data = sheet(n)
    w0 = time.perf_counter()  # first use in a process: the layers, name tables and the ECB rates load once
    preview_bytes(sheet(5, seed=1), "warm-up.csv")
    warmup = time.perf_counter() - w0
    c0, t0 = time.process_time(), time.perf_counter()
    preview = preview_bytes(data, f"3w-{n}.csv")
    c1, t1 = time.process_time(), time.perf_counter()
    result = preview.commit()
    c2, t2 = time.process_time(), time.perf_counter()
    return {
        "n": n,
        "case": "import",
        "bytes": len(data),
        "valid": preview.n_valid,
        "rejected": preview.n_rejected,
        "added": len(result.added),
        "preview_s": round(t1 - t0, 3),
        "commit_s": round(t2 - t1, 3),
        "first_use_s": round(warmup, 3),
        "preview_cpu_s": round(c1 - c0, 3),  # this process's CPU time: less moved by other work on the machine
        "commit_cpu_s": round(c2 - c1, 3),
        "load": round(os.getloadavg()[0], 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]))))
