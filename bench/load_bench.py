"""Load case: other visitors' filter clicks under gunicorn, alone and while an editor imports and exports.

``python -m bench.load_bench [--seconds 10] [--levels 1,8,32] [--rows 10000] [--json]`` (or ``python -m bench
--load``):

1. starts gunicorn as the README says (``gunicorn -c gunicorn.conf.py dashboard.wsgi:server``) on a free loopback
   port, over the shipped data in a fresh data directory, with one editor account;
2. builds the explorer's main filter callback request from the app's own layout (the home page's components and
   their initial values, one sector chosen, as a click on the sector filter sends it; ``bench.explorer_bench``);
3. at each concurrency level, that many client threads (each its own keep-alive connection) POST it to
   ``/_dash-update-component`` for ``--seconds``: requests/s, p50, p95 and errors (any answer but 200, and any
   connection failure or timeout);
4. the same again while background work runs, started the way the page starts it, as a signed-in editor: the
   Data page's preview of a 3W sheet of ``--rows`` rows then its commit (the background callbacks, polled as the
   browser polls them), and the briefing's PPTX export, each repeated until the levels are done;
5. once the background work has finished, the levels alone again. The machine is shared: its load drifts between
   phases, so each level's ratio compares the run with background work to the mean of the alone runs before and
   after it.

No load generator (wrk, hey) is installed here, so the clients are Python threads with ``requests``; they share
the machine with the server (2 cores), which the figures include. The target (issue 11): other users' p95 with
background work at most twice the p95 without, and no errors.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from base64 import b64encode
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.cluster_bench import free_port
from dashboard import ids

ROOT = Path(__file__).resolve().parents[1]
EDITOR, PASSWORD = "bench-editor", "a long benchmark password"
START_TIMEOUT_S = 300.0
REQUEST_TIMEOUT_S = 60.0


@dataclass
class Level:
    concurrency: int
    background: bool
    seconds: float
    phase: str = "alone"
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0

    def row(self) -> dict:
        lat = sorted(self.latencies_ms)
        return {
            "case": "load",
            "concurrency": self.concurrency,
            "background": self.background,
            "phase": self.phase,
            "requests": len(lat),
            "rps": round(len(lat) / self.seconds, 1),
            "p50_ms": round(statistics.median(lat), 1) if lat else None,
            "p95_ms": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 1) if lat else None,
            "errors": self.errors,
        }


# ---------------------------------------------------------------- the server


def _ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextlib.contextmanager
def gunicorn(data_dir: Path) -> Iterator[str]:
    """gunicorn with the README's config on a free loopback port; stopped (by its id) on exit."""
    port = free_port()
    env = {
        **os.environ,
        "TFA_BIND": f"127.0.0.1:{port}",
        "TFA_DATA_DIR": str(data_dir),
        "TFA_JOBS_DIR": str(data_dir / "jobs"),
        "TFA_COOKIE_SECURE": "0",  # plain HTTP on loopback
        "TFA_ACCESS_LOG": os.devnull,
    }
    cmd = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "dashboard.wsgi:server"]
    log = open(data_dir / "gunicorn.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _ok(url + "/"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{(data_dir / 'gunicorn.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


# ---------------------------------------------------------------- request bodies, from the app's own layout


def bodies(rows: int) -> dict:
    """The explorer filter click, the Data page's preview and commit of a ``rows``-row sheet, and the briefing's
    PPTX export, as the browser posts them (built in this process from the same app the server runs)."""
    import dash

    from bench.explorer_bench import _defaults, _main_callback_key
    from bench.import_bench import sheet
    from bench.measure import callback_body
    from dashboard.app import create_app

    app = create_app()
    app.server.test_client().get("/")  # registers the pages' callbacks
    home = next(p for p in dash.page_registry.values() if p["path"] == "/")
    values = _defaults(home["layout"]() if callable(home["layout"]) else home["layout"])
    values[(ids.SECTOR, "value")] = ["health"]
    values[(ids.MAP_POINTS_KEY, "data")] = None
    explorer = callback_body(app, _main_callback_key(app), values, [f"{ids.SECTOR}.value"])

    briefing = sys.modules["pages.briefing"]
    upload = "data:text/csv;base64," + b64encode(sheet(rows)).decode()
    files = {
        (ids.DATA_UPLOAD, "contents"): upload,
        (ids.DATA_UPLOAD, "filename"): f"bench-3w-{rows}.csv",
        (ids.DATA_FORMAT, "value"): "auto",
        (ids.DATA_REPLACE_DOCUMENTED, "value"): False,
    }

    def key_of(*outputs: str) -> str:
        return next(k for k in app.callback_map if all(o in k for o in outputs))

    preview = callback_body(app, key_of(f"{ids.DATA_REPORT}.children"), files, [f"{ids.DATA_UPLOAD}.contents"])
    commit = callback_body(
        app,
        key_of(f"{ids.DATA_RESULT}.children", f"{ids.DATA_UPLOAD}.contents"),
        {**files, (ids.DATA_COMMIT_VALID, "n_clicks"): 1},
        [f"{ids.DATA_COMMIT_VALID}.n_clicks"],
    )
    export = callback_body(
        app,
        key_of(f"{briefing.DOWNLOAD}.data"),
        {(briefing.EXPORT_PPTX, "n_clicks"): 1, (briefing.QUERY, "data"): ""},
        [f"{briefing.EXPORT_PPTX}.n_clicks"],
    )
    return {"explorer": explorer, "preview": preview, "commit": commit, "export": export}


# ---------------------------------------------------------------- clients


def measure(url: str, body: dict, concurrency: int, seconds: float, background: bool) -> Level:
    """``concurrency`` threads POST ``body`` back to back for ``seconds``."""
    level = Level(concurrency, background, seconds)
    payload = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "Origin": url}
    lock = threading.Lock()
    stop_at = [0.0]

    def go() -> None:  # run by the last thread to arrive, before any is released
        stop_at[0] = time.monotonic() + seconds

    start = threading.Barrier(concurrency + 1, action=go)

    def client() -> None:
        session = requests.Session()
        session.post(url + "/_dash-update-component", data=payload, headers=headers, timeout=REQUEST_TIMEOUT_S)
        start.wait()
        while time.monotonic() < stop_at[0]:
            t0 = time.perf_counter()
            try:
                ok = (
                    session.post(
                        url + "/_dash-update-component", data=payload, headers=headers, timeout=REQUEST_TIMEOUT_S
                    ).status_code
                    == 200
                )
            except requests.RequestException:
                ok = False
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                if ok:
                    level.latencies_ms.append(ms)
                else:
                    level.errors += 1

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    start.wait()
    for t in threads:
        t.join()
    return level


class Editor:
    """A signed-in editor's browser: runs background callbacks as the page does (start, then poll)."""

    def __init__(self, url: str):
        self.url = url
        self.session = requests.Session()
        self.headers = {"Origin": url}
        r = self.session.post(
            url + "/login",
            data={"username": EDITOR, "password": PASSWORD, "next": "/data"},
            headers=self.headers,
            allow_redirects=False,
        )
        if r.status_code != 303 or r.headers.get("Location") != "/data":
            raise RuntimeError(f"the editor could not sign in ({r.status_code})")

    def run(self, body: dict, timeout: float = 600.0) -> dict:
        endpoint = self.url + "/_dash-update-component"
        first = self.session.post(endpoint, json=body, headers=self.headers, timeout=REQUEST_TIMEOUT_S)
        first.raise_for_status()
        handles = first.json()
        query = {"cacheKey": handles["cacheKey"], "job": handles["job"]}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(1.0)  # the page polls a background callback once a second (Dash's default interval)
            r = self.session.post(endpoint, params=query, json=body, headers=self.headers, timeout=REQUEST_TIMEOUT_S)
            r.raise_for_status()
            if r.status_code == 204 or "response" in r.json():
                return r.json() if r.status_code == 200 else {}
        raise TimeoutError("a background job did not finish")


def background_work(url: str, jobs: dict, stop: threading.Event, done: dict) -> list[threading.Thread]:
    """An import (preview then commit) and a PPTX export, each repeated until ``stop``; counts what finished."""
    editor = Editor(url)

    def imports() -> None:
        while not stop.is_set():
            t0 = time.perf_counter()
            editor.run(jobs["preview"])
            result = json.dumps(editor.run(jobs["commit"]))
            if "Imported" not in result and "nothing written" not in result:
                raise RuntimeError(f"the commit did not report an import: {result[:300]}")
            done["imports"].append(round(time.perf_counter() - t0, 1))

    def exports() -> None:
        other = Editor(url)
        while not stop.is_set():
            t0 = time.perf_counter()
            result = json.dumps(other.run(jobs["export"]))
            if "Ready:" not in result:
                raise RuntimeError(f"the export did not finish: {result[:300]}")
            done["exports"].append(round(time.perf_counter() - t0, 1))

    threads = [threading.Thread(target=f, daemon=True) for f in (imports, exports)]
    for t in threads:
        t.start()
    return threads


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run(seconds: float, levels: list[int], rows: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="tfa-load-"))
    os.environ["TFA_DATA_DIR"] = str(data_dir)
    os.environ["TFA_JOBS_DIR"] = str(data_dir / "jobs")
    from dashboard import accounts

    accounts.add(EDITOR, "editor", PASSWORD)
    jobs = bodies(rows)
    out: dict = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}"}
    with gunicorn(data_dir) as url:
        out["load_before"] = load_average()
        out["rows"] = [measure(url, jobs["explorer"], c, seconds, background=False).row() for c in levels]
        stop, done = threading.Event(), {"imports": [], "exports": []}
        threads = background_work(url, jobs, stop, done)
        time.sleep(2.0)  # both jobs started
        out["load_during"] = load_average()
        out["rows"] += [measure(url, jobs["explorer"], c, seconds, background=True).row() for c in levels]
        stop.set()
        for t in threads:
            t.join(600)
        out["background_done"] = done
        out["load_after"] = load_average()
        again = [measure(url, jobs["explorer"], c, seconds, background=False) for c in levels]
        for level in again:
            level.phase = "alone, after"
        out["rows"] += [level.row() for level in again]
        out["load_end"] = load_average()
    for r in out["rows"]:
        if r["background"]:
            alone = [a["p95_ms"] for a in out["rows"] if not a["background"] and a["concurrency"] == r["concurrency"]]
            if all(alone):
                r["p95_ratio"] = round(r["p95_ms"] / statistics.mean(alone), 2)
    return out


def table(result: dict) -> str:
    lines = [
        f"machine: {result['machine']}; load average before {result['load_before']}, during background "
        f"{result['load_during']}, after {result['load_after']}, at the end {result['load_end']}",
        f"{'concurrency':>11} {'phase':>14} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p95 x':>6} {'errors':>6}",
    ]
    for r in sorted(result["rows"], key=lambda r: r["concurrency"]):
        ratio = f"{r['p95_ratio']:.2f}" if "p95_ratio" in r else ""
        phase = "background" if r["background"] else r["phase"]
        lines.append(
            f"{r['concurrency']:>11} {phase:>14} {r['rps']:>7.1f} {r['p50_ms']:>8.1f} "
            f"{r['p95_ms']:>8.1f} {ratio:>6} {r['errors']:>6}"
        )
    done = result["background_done"]
    lines.append(f"background work finished: imports (preview + commit) {done['imports']} s, PPTX {done['exports']} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.load_bench", description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=10.0, help="measured seconds per concurrency level")
    p.add_argument("--levels", default="1,8,32", help="concurrency levels")
    p.add_argument("--rows", type=int, default=10_000, help="rows of the imported sheet")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    result = run(args.seconds, [int(x) for x in args.levels.split(",") if x], args.rows)
    print(json.dumps(result) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
