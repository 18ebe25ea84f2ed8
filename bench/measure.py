"""Timing a Dash callback through the Flask test client, as a browser would call it."""

from __future__ import annotations

import gzip
import json
import statistics
import time
from dataclasses import dataclass

from dash import Dash

WARMUP = 3
REPEATS = 21


@dataclass
class CallStats:
    median_ms: float
    p95_ms: float
    response_bytes: int
    response_gzip_bytes: int


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def callback_body(app: Dash, key: str, values: dict[tuple[str, str], object], changed: list[str]) -> dict:
    """The JSON a browser POSTs to /_dash-update-component for the callback ``key`` of ``app``."""
    spec = app.callback_map[key]

    def items(deps):
        return [{"id": d["id"], "property": d["property"], "value": values.get((d["id"], d["property"]))} for d in deps]

    outputs = []
    for part in key.strip(".").split("..."):
        cid, prop = part.rsplit(".", 1)
        outputs.append({"id": cid, "property": prop})
    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": items(spec["inputs"]),
        "state": items(spec["state"]),
        "changedPropIds": changed,
    }


def time_callback(app: Dash, body: dict, warmup: int = WARMUP, repeats: int = REPEATS) -> CallStats:
    """Median and p95 latency of ``repeats`` POSTs after ``warmup`` calls, and the response size."""
    client = app.server.test_client()
    payload = json.dumps(body)
    headers = {"Content-Type": "application/json"}
    data = b""
    for _ in range(warmup):
        resp = client.post("/_dash-update-component", data=payload, headers=headers)
        if resp.status_code != 200:
            raise RuntimeError(f"callback failed ({resp.status_code}): {resp.get_data(as_text=True)[:500]}")
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        resp = client.post("/_dash-update-component", data=payload, headers=headers)
        data = resp.get_data()
        times.append((time.perf_counter() - t0) * 1000)
    return CallStats(
        median_ms=statistics.median(times),
        p95_ms=_percentile(times, 0.95),
        response_bytes=len(data),
        response_gzip_bytes=len(gzip.compress(data, 6)),
    )


def get_size(app: Dash, path: str) -> tuple[int, int]:
    """Raw and gzip size of a GET response."""
    data = app.server.test_client().get(path).get_data()
    return len(data), len(gzip.compress(data, 6))
