"""Serve the dashboard as people start it (``python -m dashboard``, a subprocess) over a chosen portfolio.

``served(n, port)`` writes ``n`` seeded synthetic projects into a project store in a fresh data directory
(``$TFA_DATA_DIR``: the app reads an imported portfolio from there exactly as it does in use), starts
``python -m dashboard --port PORT`` and times it from the process start to the first ``GET /`` answered
with 200 (the start-up time). ``n=None`` serves the shipped data (an empty data directory). The process is
stopped on exit, by its id. ``rss_mb`` reads the worker's resident memory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

START_TIMEOUT_S = 600.0


@dataclass
class Served:
    url: str
    pid: int
    startup_s: float
    projects: int | None  # None: the shipped data
    first_startup_s: float = 0.0  # the first start on a new data directory (every layer validated)


def write_store(n: int, data_dir: Path, seed: int = 0) -> None:
    """A project store in ``data_dir`` holding ``n`` synthetic projects (no import history)."""
    code = (
        "import sys, pandas as pd\n"
        "from bench.portfolio import synthetic_portfolio\n"
        "from geodata.io import store\n"
        "p = synthetic_portfolio(int(sys.argv[1]), int(sys.argv[2])).copy()\n"
        "p['import_id'] = pd.Series(pd.NA, index=p.index, dtype='Int64')\n"
        "store._write_state(store.StoreState(p, store._empty_history(), store._empty_imports()), store.store_path())\n"
    )
    env = {**os.environ, "TFA_DATA_DIR": str(data_dir), "PYTHONHASHSEED": "0"}
    out = subprocess.run([sys.executable, "-c", code, str(n), str(seed)], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"could not write a {n}-project store:\n{out.stderr[-3000:]}")


def _ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextlib.contextmanager
def _process(env: dict, port: int, log_path: Path) -> Iterator[tuple[subprocess.Popen, float]]:
    """``python -m dashboard`` on ``port``: (process, seconds until it served its first GET /)."""
    url = f"http://127.0.0.1:{port}"
    log = open(log_path, "ab")  # noqa: SIM115 - closed below
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        while not _ok(url + "/"):
            if proc.poll() is not None or time.perf_counter() - t0 > START_TIMEOUT_S:
                log.flush()
                tail = log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the dashboard did not start on port {port}:\n{tail}")
            time.sleep(0.02)
        yield proc, time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextlib.contextmanager
def served(
    n: int | None,
    port: int,
    seed: int = 0,
    store_cache: Path | None = None,
    extra_env: dict | None = None,
    restart: bool = False,
) -> Iterator[Served]:
    """The app serving ``n`` synthetic projects (None: the shipped data) on 127.0.0.1:``port``, with
    ``extra_env`` added to its environment (e.g. ``{"TFA_FAST": "0"}``: the previous explorer paths). With
    ``restart`` the app is started, stopped and started again on the same data directory (as a service restarts),
    and ``startup_s`` is the second start (``first_startup_s`` the first, which validates every layer)."""
    data_dir = Path(tempfile.mkdtemp(prefix="tfa-bench-"))
    try:
        if n is not None:
            cached = store_cache / f"portfolio-{n}-{seed}.gpkg" if store_cache else None
            if cached is not None and cached.is_file():
                shutil.copy(cached, data_dir / "portfolio.gpkg")
            else:
                write_store(n, data_dir, seed)
                if cached is not None:
                    cached.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(data_dir / "portfolio.gpkg", cached)
        env = {**os.environ, "TFA_DATA_DIR": str(data_dir), "TFA_JOBS_DIR": str(data_dir / "jobs"), **(extra_env or {})}
        first = None
        if restart:
            with _process(env, port, data_dir / "server.log") as (_, first):
                pass
        with _process(env, port, data_dir / "server.log") as (proc, startup):
            yield Served(
                url=f"http://127.0.0.1:{port}",
                pid=proc.pid,
                startup_s=startup,
                projects=n,
                first_startup_s=first if first is not None else startup,
            )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def rss_mb(pid: int) -> float:
    """Resident memory of the process ``pid`` (the single-process dev server: the worker), in MB."""
    return psutil.Process(pid).memory_info().rss / 1e6


#: Synthetic project stores are written once per (size, seed) and copied for each run (writing 100,000
#: projects takes longer than starting the app).
STORE_CACHE = Path(tempfile.gettempdir()) / "tfa-bench-stores"
