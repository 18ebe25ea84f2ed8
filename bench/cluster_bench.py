"""Benchmark and fault run of the several-machines deployment: ``python -m bench --cluster``.

On loopback: one PostgreSQL + PostGIS (``TFA_DATABASE_URL`` when set, else a private cluster as the tests start
one), one Redis (a private ``redis-server`` on a free port), and two app instances "A" and "B", each as the README
deploys it on its machine: gunicorn with ``gunicorn.conf.py`` and a Celery worker (``celery -A dashboard.jobs
worker``), with a data directory of its own and the same ``TFA_SECRET_KEY``, ``TFA_DATABASE_URL`` and
``TFA_REDIS_URL``.

The load (``LOAD_SECONDS``, concurrency ``CONCURRENCY``): 30 visitor threads spread over both instances, each
looping over page loads (the explorer's router callback, and ``GET /``), filter callbacks (the explorer's main
callback with a sector and a municipality) and the coverage page (its router callback); one thread exporting the
briefing as PNG (a background job, polled on the other instance); one editor thread importing a small file
(preview and commit, background jobs) and rolling it back. Every response is timed per kind; an error is any
answer other than 200 with the expected content. After each commit on A the time until B's Data page lists the
import is measured.

The fault run: an import is started on A and the Celery worker process running it is killed (``kill -9``, with
its parent) once it has started; then a rollback is started on A and A's gunicorn worker is killed while it runs.
After each: the job reports its failure (the poll answers with ``dashboard.jobs.LOST_MESSAGE``; the rollback's
request fails), B keeps serving, and the store is consistent (every import in the log has exactly its rows, a
rolled-back one none, and the portfolio passes the layer checks).

Every process started here is stopped at the end, by its id (each runs in a session of its own).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOAD_SECONDS = 60.0
CONCURRENCY = 32
EDITOR, PASSWORD = "bench.editor", "a long benchmark password"
START_TIMEOUT_S = 180.0


#: Ports a server here may take: below Linux's ephemeral range (32768-60999), which the kernel hands out as the
#: local end of outgoing connections. Polled before its server listens, a port in that range can be taken by the
#: poll's own connection, which then connects to itself and reads its own request back ("BadStatusLine: GET /").
SERVER_PORTS = range(20000, 32000)


def free_port(span: int = 1) -> int:
    """A port ``p`` outside the ephemeral range such that ``p .. p + span - 1`` are all free now (an A/B bench
    serves on ``p`` and ``p + 1``)."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(SERVER_PORTS.start, SERVER_PORTS.stop - span)
        try:
            with contextlib.ExitStack() as stack:
                for p in range(port, port + span):
                    stack.enter_context(socket.socket()).bind(("127.0.0.1", p))
        except OSError:
            continue
        return port
    raise RuntimeError(f"no {span} free port(s) in a row in {SERVER_PORTS.start}-{SERVER_PORTS.stop}")


@dataclass
class Proc:
    """A process started here, in a session of its own; ``stop()`` ends it and its children."""

    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self, n: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)  # children left behind by a killed parent


def spawn(name: str, argv: list[str], env: dict, directory: Path) -> Proc:
    log = directory / f"{name}.log"
    with open(log, "wb") as out:
        popen = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return Proc(name, popen, log)


def start_redis(directory: Path) -> tuple[Proc, str]:
    """A private redis-server on a free loopback port (no persistence)."""
    if not shutil.which("redis-server"):
        raise RuntimeError("redis-server is not installed: apt-get install redis-server")
    port = free_port()
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = spawn("redis", argv, dict(os.environ), directory)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return proc, url
        if proc.popen.poll() is not None:
            break
        time.sleep(0.05)
    proc.stop()
    raise RuntimeError(f"redis-server did not start:\n{proc.tail()}")


def wait_http(url: str, proc: Proc, timeout: float = START_TIMEOUT_S) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=5).status_code == 200:
                return time.monotonic() - t0
        if proc.popen.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"{proc.name} did not answer {url}:\n{proc.tail()}")


def start_instance(name: str, env: dict, directory: Path, workers: int = 1, threads: int = 8) -> tuple[Proc, str]:
    """gunicorn with the README's config file, on a free loopback port."""
    port = free_port()
    env = {**env, "TFA_BIND": f"127.0.0.1:{port}", "TFA_WORKERS": str(workers), "TFA_THREADS": str(threads)}
    env.setdefault("TFA_ACCESS_LOG", str(directory / f"{name}-access.log"))
    argv = [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "dashboard.wsgi:server"]
    proc = spawn(f"app-{name}", argv, env, directory)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/", proc)
    return proc, url


def start_worker(name: str, env: dict, directory: Path, concurrency: int = 1) -> Proc:
    """A Celery worker (the README's command), ready when its log says so."""
    argv = [sys.executable, "-m", "celery", "-A", "dashboard.jobs", "worker", "--loglevel", "INFO", "-n", f"{name}@%h"]
    argv += ["--concurrency", str(concurrency), "--without-gossip", "--without-mingle"]
    proc = spawn(f"worker-{name}", argv, env, directory)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if " ready." in proc.tail(100_000):
            return proc
        if proc.popen.poll() is not None:
            break
        time.sleep(0.1)
    proc.stop()
    raise RuntimeError(f"the Celery worker {name} did not start:\n{proc.tail()}")


def worker_pids(proc: Proc) -> list[int]:
    """The worker's main process and its pool processes."""
    import psutil

    main = psutil.Process(proc.popen.pid)
    return [main.pid] + [c.pid for c in main.children(recursive=True)]


# ---------------------------------------------------------------- a Dash client over HTTP


class DashClient:
    """Requests the way the browser sends them: the router and page callbacks, background jobs polled with their
    signed handles (on this instance, or on ``poll_on``'s)."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.http.headers["Origin"] = base
        self._deps: list[dict] | None = None

    def deps(self) -> list[dict]:
        if self._deps is None:
            self._deps = self.http.get(self.base + "/_dash-dependencies", timeout=60).json()
        return self._deps

    def sign_in(self, name: str, password: str) -> None:
        r = self.http.post(
            self.base + "/login", data={"username": name, "password": password, "next": "/data"}, allow_redirects=False
        )
        if r.status_code != 303 or not r.headers.get("Location", "").endswith("/data"):
            raise RuntimeError(f"sign-in failed: {r.status_code} {r.text[:300]}")

    def with_session_of(self, other: DashClient) -> DashClient:
        self.http.cookies.update(other.http.cookies)
        return self

    def body(self, *outputs: str, values: dict | None = None, changed: list[str] | None = None) -> dict:
        values = values or {}
        for attempt in range(5):
            matches = [
                d for d in self.deps() if all(o in d["output"] for o in outputs) and not d.get("clientside_function")
            ]
            if len(matches) == 1:
                break
            # a gunicorn worker's very first requests, served while Dash sets itself up on another thread, may list
            # the callbacks only in part: ask again
            self._deps = None
            time.sleep(0.5 * (attempt + 1))
        else:
            raise KeyError(f"{outputs}: {len(matches)} callbacks")
        d = matches[0]

        def dep(i):
            if i["id"].startswith("{"):
                pattern = json.loads(i["id"])["type"]
                return [
                    {"id": cid, "property": i["property"], "value": v}
                    for cid, v in values.get(f"{pattern}.{i['property']}", [])
                ]
            return {"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")}

        parts = [p.rsplit(".", 1) for p in d["output"].strip(".").split("...")]
        outs = [{"id": cid, "property": prop.split("@")[0]} for cid, prop in parts]
        return {
            "output": d["output"],
            "outputs": outs if d["output"].startswith("..") else outs[0],
            "inputs": [dep(i) for i in d["inputs"]],
            "state": [dep(i) for i in d["state"]],
            "changedPropIds": changed or [],
        }

    def post(self, body: dict, params: dict | None = None, timeout: float = 120) -> requests.Response:
        return self.http.post(self.base + "/_dash-update-component", json=body, params=params, timeout=timeout)

    def page(self, path: str, search: str = "") -> requests.Response:
        body = self.body(
            "_pages_content.children",
            values={"_pages_location.pathname": path, "_pages_location.search": search},
            changed=["_pages_location.pathname"],
        )
        return self.post(body)

    def start_job(self, body: dict) -> dict:
        r = self.post(body)
        r.raise_for_status()
        handles = r.json()
        if "cacheKey" not in handles:
            raise RuntimeError(f"not a background job: {r.text[:300]}")
        return handles

    def poll(self, body: dict, handles: dict, timeout: float = 300, every: float = 0.25) -> dict:
        """Poll a job until its answer (the final response's JSON); raises TimeoutError."""
        params = {"cacheKey": handles["cacheKey"], "job": handles["job"]}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = self.post(body, params=params)
            if r.status_code == 204:
                return {}  # no update: the job ended without output
            r.raise_for_status()
            answer = r.json()
            if "response" in answer or "sideUpdate" in answer and "progress" not in answer:
                return answer
            time.sleep(every)
        raise TimeoutError("the job did not answer")


def upload(name: str, rows: list[str]) -> str:
    head = "project_id,title,sector,target_communities,municipality,status,start_date,committed,disbursed,currency,"
    text = head + "lat,lon\n" + "".join(r + "\n" for r in rows)
    return "data:text/csv;base64," + base64.b64encode(text.encode()).decode()


def import_rows(prefix: str, n: int = 3) -> list[str]:
    return [
        f"{prefix}-{i},Water point {i} for returnee families,wash,Roma;Ashkali,Zvečan,ongoing,2024-03,"
        f"{10000 + i},{1000 + i},USD,42.91,20.84"
        for i in range(n)
    ]


def import_values(contents: str, filename: str) -> dict:
    return {
        "data-upload.contents": contents,
        "data-upload.filename": filename,
        "data-format.value": "auto",
        "data-commit-valid.n_clicks": 1,
    }


# ---------------------------------------------------------------- the deployment


@dataclass
class Cluster:
    directory: Path
    env: dict
    database_url: str
    redis_url: str
    apps: dict[str, tuple[Proc, str]] = field(default_factory=dict)
    workers: dict[str, Proc] = field(default_factory=dict)
    others: list = field(default_factory=list)  # the database cluster, Redis: stopped last

    def url(self, name: str) -> str:
        return self.apps[name][1]

    def instance_env(self, name: str) -> dict:
        return {**self.env, "TFA_DATA_DIR": str(self.directory / f"data-{name}")}

    def restart_worker(self, name: str) -> None:
        self.workers[name].stop()
        self.workers[name] = start_worker(name, self.instance_env(name), self.directory)


def _database(directory: Path) -> tuple[str, object]:
    """A migrated, empty store database: on ``TFA_DATABASE_URL``'s server, else on a private cluster."""
    sys.path.insert(0, str(ROOT / "tests"))
    import conftest_postgis as pg

    from geodata.io.store import postgis

    server = os.environ.get("TFA_DATABASE_URL", "")
    cluster = pg.Cluster(server) if server else pg.start_cluster()
    name = f"tfa_bench_{uuid.uuid4().hex[:8]}"
    pg._admin(cluster.url, f"CREATE DATABASE {name}")
    url = pg._database_url(cluster.url, name)
    postgis.upgrade(url)

    class Stop:
        def stop(self) -> None:
            postgis.dispose_all()
            with contextlib.suppress(Exception):
                pg._admin(cluster.url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            cluster.stop()

    return url, Stop()


@contextlib.contextmanager
def deployed(names: tuple[str, ...] = ("a", "b")) -> Iterator[Cluster]:
    """PostGIS, Redis and, per name, a gunicorn instance and a Celery worker; all stopped on exit."""
    directory = Path(tempfile.mkdtemp(prefix="tfa-cluster-"))
    stack: list = []
    try:
        database_url, database = _database(directory)
        stack.append(database)
        redis_proc, redis_url = start_redis(directory)
        stack.append(redis_proc)
        os.environ["TFA_DATABASE_URL"] = database_url  # this process checks the store directly
        from geodata.io import store

        store.ensure_store()
        env = {
            **os.environ,
            "TFA_DATABASE_URL": database_url,
            "TFA_REDIS_URL": redis_url,
            "TFA_SECRET_KEY": uuid.uuid4().hex * 2,
            "TFA_COOKIE_SECURE": "0",  # plain HTTP on loopback
            "TFA_JOB_LOST_AFTER": "5",
            "PYTHONPATH": str(ROOT),
        }
        cluster = Cluster(directory, env, database_url, redis_url, others=stack)
        for name in names:
            (directory / f"data-{name}").mkdir()
        subprocess.run(  # the accounts are in the database: one account, every instance knows it
            [sys.executable, "-m", "dashboard", "users", "add", EDITOR, "--role", "editor", "--password-stdin"],
            input=PASSWORD,
            text=True,
            env=cluster.instance_env(names[0]),
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        for name in names:
            cluster.workers[name] = start_worker(name, cluster.instance_env(name), directory)
            stack.append(cluster.workers[name])
            cluster.apps[name] = start_instance(name, cluster.instance_env(name), directory, workers=2)
            stack.append(cluster.apps[name][0])
        yield cluster
    finally:
        for proc in list(cluster.workers.values()) if "cluster" in locals() else []:
            proc.stop()
        for item in reversed(stack):
            with contextlib.suppress(Exception):
                item.stop()
        kept = Path(tempfile.gettempdir()) / f"tfa-cluster-logs-{time.strftime('%Y%m%d-%H%M%S')}"
        kept.mkdir(exist_ok=True)
        for log in directory.glob("*.log"):
            shutil.copy(log, kept / log.name)
        print(f"(logs of every process: {kept})", file=sys.stderr)
        shutil.rmtree(directory, ignore_errors=True)


# ---------------------------------------------------------------- the load


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if error:
                self.errors.setdefault(kind, []).append(error[:300])

    @contextlib.contextmanager
    def timed(self, kind: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        except Exception as exc:  # noqa: BLE001 - every failure is counted as this kind's error
            self.add(kind, time.perf_counter() - t0, f"{type(exc).__name__}: {exc}")
        else:
            self.add(kind, time.perf_counter() - t0)


def _ok(r: requests.Response, expect: str = "response") -> None:
    if r.status_code != 200 or expect not in r.text:
        raise RuntimeError(f"{r.status_code}: {r.text[:200]}")


SECTORS = ("health", "wash", "education", "housing", "livelihoods")


def visitor(base: str, tally: Tally, stop: float, seed: int) -> None:
    from dashboard import ids

    rng = random.Random(seed)
    client = DashClient(base)
    while time.monotonic() < stop:
        roll = rng.random()
        if roll < 0.10:
            with tally.timed("page html"):
                r = client.http.get(base + "/", timeout=120)
                if r.status_code != 200 or "_dash-config" not in r.text:
                    raise RuntimeError(f"{r.status_code}")
        elif roll < 0.35:
            with tally.timed("page load"):
                _ok(client.page("/", "?dataset=all"))
        elif roll < 0.80:
            values = {
                f"{ids.SECTOR}.value": [rng.choice(SECTORS)],
                f"{ids.DATASET}.value": "all",
                f"{ids.METRIC}.value": "committed_usd",
            }
            with tally.timed("filter callback"):
                body = client.body(f"{ids.CHART_SECTOR}.figure", values=values, changed=[f"{ids.SECTOR}.value"])
                _ok(client.post(body))
        else:
            with tally.timed("coverage page"):
                _ok(client.page("/coverage", f"?sector={rng.choice(SECTORS)}"))


def exporter(start_on: str, poll_on: str, tally: Tally, stop: float) -> None:
    """Briefing PNG exports: started on one instance, polled on the other."""
    a, b = DashClient(start_on), DashClient(poll_on)
    while time.monotonic() < stop:
        with tally.timed("export (PNG, job)"):
            body = a.body(
                "briefing-download.data",
                values={"briefing-export-png.n_clicks": 1, "briefing-query.data": "sector=health"},
                changed=["briefing-export-png.n_clicks"],
            )
            answer = b.poll(body, a.start_job(body), timeout=600)
            download = (answer.get("response") or {}).get("briefing-download", {}).get("data") or {}
            if not str(download.get("filename", "")).endswith("png.zip"):
                raise RuntimeError(json.dumps(answer)[:300])


def _job(client: DashClient, body: dict, poll_on: DashClient | None = None, timeout: float = 300) -> dict:
    return (poll_on or client).poll(body, client.start_job(body), timeout=timeout)


def editor(a_url: str, b_url: str, tally: Tally, stop: float, seen: list[float]) -> None:
    """Import (preview and commit on A, background jobs), the time until B's Data page lists it, rollback on A."""
    a = DashClient(a_url)
    a.sign_in(EDITOR, PASSWORD)
    b = DashClient(b_url).with_session_of(a)
    n = 0
    while time.monotonic() < stop:
        n += 1
        import_round(a, b, tally, seen, n)


def import_round(a: DashClient, b: DashClient, tally: Tally, seen: list[float], n: int) -> None:
    """One editor round: preview and commit a 3-row file on A; poll B's Data page until it lists the file (the
    seconds go to ``seen``); roll the import back on A."""
    from geodata.io import store

    name = f"bench-{uuid.uuid4().hex[:8]}.csv"
    values = import_values(upload(name, import_rows(f"bench-{n}-{uuid.uuid4().hex[:6]}")), name)
    with tally.timed("import preview (job)"):
        answer = _job(a, a.body("data-report.children", values=values, changed=["data-upload.contents"]))
        if "data-report" not in answer.get("response", {}):
            raise RuntimeError(json.dumps(answer)[:300])
    with tally.timed("import commit (job)"):
        body = a.body("data-result.children", "data-upload.contents", values=values)
        body["changedPropIds"] = ["data-commit-valid.n_clicks"]
        answer = _job(a, body)
        if "Imported" not in json.dumps(answer):
            raise RuntimeError(json.dumps(answer)[:300])
    t0 = time.perf_counter()
    while name not in b.page("/data").text:
        if time.perf_counter() - t0 > 60:
            tally.add("import seen on B", 60.0, "not seen on B within 60 s")
            break
        time.sleep(0.05)
    else:
        seen.append(time.perf_counter() - t0)
    record = next(r for r in store.history() if r.file_name == name)
    with tally.timed("rollback"):
        _ok(a.post(rollback_body(a, record.import_id)), "Rolled back")


def idle_propagation(cluster: Cluster, rounds: int = 5) -> list[float]:
    """The same editor rounds on the idle cluster (after the load): how soon B shows A's import when B's page is
    not queued behind thirty other clients."""
    a = DashClient(cluster.url("a"))
    a.sign_in(EDITOR, PASSWORD)
    b = DashClient(cluster.url("b")).with_session_of(a)
    seen: list[float] = []
    for n in range(rounds):
        import_round(a, b, Tally(), seen, 1000 + n)
    return seen


def rollback_body(client: DashClient, import_id: int) -> dict:
    cid = {"index": import_id, "type": "data-rollback"}
    return client.body(
        "data-result.children@",
        "data-version",
        values={"data-rollback.submit_n_clicks": [(cid, 1)]},
        changed=[json.dumps(cid, separators=(",", ":")) + ".submit_n_clicks"],
    )


def load(cluster: Cluster, seconds: float = LOAD_SECONDS, concurrency: int = CONCURRENCY) -> dict:
    tally, seen = Tally(), []
    a, b = cluster.url("a"), cluster.url("b")
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(target=visitor, args=(a if i % 2 else b, tally, stop, i), daemon=True)
        for i in range(concurrency - 2)
    ]
    threads.append(threading.Thread(target=exporter, args=(a, b, tally, stop), daemon=True))
    threads.append(threading.Thread(target=editor, args=(a, b, tally, stop, seen), daemon=True))
    t0 = time.monotonic()
    load_before = os.getloadavg()[0]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 900)
    wall = time.monotonic() - t0
    kinds = {}
    for kind, times in sorted(tally.times.items()):
        ordered = sorted(times)
        kinds[kind] = {
            "n": len(times),
            "p50_s": statistics.median(ordered),
            "p95_s": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
            "errors": len(tally.errors.get(kind, [])),
            "first_error": (tally.errors.get(kind) or [""])[0],
        }
    total = sum(len(t) for t in tally.times.values())
    return {
        "case": "cluster load",
        "seconds": seconds,
        "wall_s": wall,
        "concurrency": concurrency,
        "requests": total,
        "requests_per_s": total / wall,
        "errors": sum(len(e) for e in tally.errors.values()),
        "kinds": kinds,
        "a_to_b_s": seen,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


# ---------------------------------------------------------------- the fault run


def consistency() -> list[str]:
    """The store checks of the crash tests: the portfolio passes the layer checks, and every import in the log
    has exactly its rows in the portfolio (a rolled-back one none)."""
    import geodata
    from geodata.io import store

    problems = []
    try:
        geodata.load("projects")
    except Exception as exc:  # noqa: BLE001 - reported
        problems.append(f"the portfolio fails its checks: {exc}")
    projects = store.portfolio()
    for record in store.history():
        n = int((projects["import_id"] == record.import_id).sum())
        expected = 0 if record.status == store.ROLLED_BACK else record.rows_added + record.rows_updated
        if n != expected:
            problems.append(f"import {record.import_id} ({record.status}): {n} rows stored, {expected} expected")
    return problems


def serves(base: str) -> bool:
    from dashboard import ids

    client = DashClient(base)
    try:
        _ok(client.page("/", "?dataset=all"))
        values = {f"{ids.SECTOR}.value": ["health"], f"{ids.DATASET}.value": "all"}
        _ok(client.post(client.body(f"{ids.CHART_SECTOR}.figure", values=values, changed=[f"{ids.SECTOR}.value"])))
    except Exception:  # noqa: BLE001 - a failure to serve is the answer
        return False
    return True


def fault_import(cluster: Cluster, rows: int = 3000) -> dict:
    """Kill -9 the Celery worker running an import commit (its pool process and its main process)."""
    import psutil
    import redis

    from dashboard import jobs
    from geodata.io import store

    server = redis.Redis.from_url(cluster.redis_url)
    a = DashClient(cluster.url("a"))
    a.sign_in(EDITOR, PASSWORD)
    b = DashClient(cluster.url("b")).with_session_of(a)
    before, log_before = store.digest(), {r.import_id for r in store.history()}
    name = f"fault-{uuid.uuid4().hex[:8]}.csv"
    values = import_values(upload(name, import_rows(f"fault-{uuid.uuid4().hex[:6]}", rows)), name)
    body = a.body("data-result.children", "data-upload.contents", values=values)
    body["changedPropIds"] = ["data-commit-valid.n_clicks"]
    handles = a.start_job(body)
    key = handles["cacheKey"].rsplit("~", 1)[0]
    deadline = time.monotonic() + 300
    while server.get(f"{key}-alive") is None:
        if time.monotonic() > deadline:
            raise RuntimeError("the import job never started")
        time.sleep(0.01)
    time.sleep(0.3)  # into the job's work
    job = psutil.Process(int(server.get(f"{key}-alive")))
    main = job.parent()
    victim = next(n for n, w in cluster.workers.items() if w.popen.pid == main.pid)
    for p in (job, main):
        p.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    answer = b.poll(body, handles, timeout=120)  # polled on the other instance
    reported_s = time.monotonic() - killed
    alert = (answer.get("sideUpdate") or {}).get("error-alert", {}).get("children", "")
    written = {r.import_id for r in store.history()} - log_before
    result = {
        "case": "fault: worker killed during an import",
        "killed": f"instance {victim.upper()}'s Celery worker (pool process {job.pid} and main process {main.pid})",
        "job_reported_failure": alert == jobs.LOST_MESSAGE,
        "failure_reported_after_s": reported_s,
        "import_written": bool(written),
        "store_unchanged": store.digest() == before if not written else None,
        "consistency_problems": consistency(),
        "other_instance_serves": serves(cluster.url("b")),
    }
    cluster.restart_worker(victim)
    return result


def fault_rollback(cluster: Cluster, delay_s: float) -> dict:
    """Kill -9 instance A's gunicorn workers while A runs a rollback (a callback of the web worker)."""
    import psutil

    from geodata.io import store

    a = DashClient(cluster.url("a"))
    a.sign_in(EDITOR, PASSWORD)
    name = f"fault-rb-{uuid.uuid4().hex[:8]}.csv"
    values = import_values(upload(name, import_rows(f"fault-rb-{uuid.uuid4().hex[:6]}", 200)), name)
    body = a.body("data-result.children", "data-upload.contents", values=values)
    body["changedPropIds"] = ["data-commit-valid.n_clicks"]
    _job(a, body)
    record = next(r for r in store.history() if r.file_name == name)
    before = store.digest()
    outcome: dict = {}

    def run() -> None:
        try:
            r = a.post(rollback_body(a, record.import_id), timeout=60)
            outcome["answer"] = f"HTTP {r.status_code}" + (" (rolled back)" if "Rolled back" in r.text else "")
        except requests.RequestException as exc:
            outcome["answer"] = f"request failed: {type(exc).__name__}"

    master = psutil.Process(cluster.apps["a"][0].popen.pid)
    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(delay_s)
    for child in master.children():
        with contextlib.suppress(psutil.NoSuchProcess):
            child.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    thread.join(timeout=120)
    served = serves(cluster.url("b"))
    now = next(r for r in store.history() if r.import_id == record.import_id)
    recovered = wait_http(cluster.url("a") + "/", cluster.apps["a"][0], timeout=300)
    return {
        "case": "fault: web worker killed during a rollback",
        "killed": f"instance A's gunicorn workers, {delay_s * 1000:.0f} ms into the rollback request",
        "request_answer": outcome.get("answer", "no answer"),
        "rollback_written": now.status == store.ROLLED_BACK,
        "store_unchanged": store.digest() == before if now.status != store.ROLLED_BACK else None,
        "consistency_problems": consistency(),
        "other_instance_serves": served,
        "instance_a_back_after_s": time.monotonic() - killed if recovered is not None else None,
    }


# ---------------------------------------------------------------- report


def machine() -> str:
    import psutil

    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {psutil.virtual_memory().total / 1e9:.0f} GB, "
        f"Python {platform.python_version()}, {platform.platform(terse=True)}"
    )


def table(result: dict) -> str:
    lines = [
        f"machine: {machine()}; load average {result['load_before']:.1f} before, {result['load_after']:.1f} after",
        f"{result['concurrency']} concurrent clients for {result['seconds']:.0f} s over instances A and B: "
        f"{result['http_requests']} HTTP requests, {result['http_requests'] / result['wall_s']:.1f} requests/s, "
        f"{result['errors']} errors",
        f"{'kind':<22} {'n':>6} {'p50 s':>8} {'p95 s':>8} {'errors':>7}",
    ]
    for kind, k in result["kinds"].items():
        lines.append(f"{kind:<22} {k['n']:>6} {k['p50_s']:>8.3f} {k['p95_s']:>8.3f} {k['errors']:>7}")
    seen = result["a_to_b_s"]
    if seen:
        lines.append(
            f"import on A listed on B's Data page after: median {statistics.median(seen):.2f} s, "
            f"max {max(seen):.2f} s ({len(seen)} imports)"
        )
    idle = result.get("a_to_b_idle_s")
    if idle:
        lines.append(
            f"the same after the load, on the idle cluster: median {statistics.median(idle):.2f} s, "
            f"max {max(idle):.2f} s ({len(idle)} imports; each poll of B renders its Data page)"
        )
    for kind, k in result["kinds"].items():
        if k["first_error"]:
            lines.append(f"first error of {kind}: {k['first_error']}")
    return "\n".join(lines)


def main(seconds: float = LOAD_SECONDS, concurrency: int = CONCURRENCY, as_json: bool = False) -> int:
    t0 = time.monotonic()
    with deployed() as cluster:
        setup = time.monotonic() - t0
        counter = HttpCounter.install()
        result = load(cluster, seconds, concurrency)
        result["http_requests"], result["http_5xx"] = counter.total, counter.server_errors
        result["setup_s"] = setup
        result["a_to_b_idle_s"] = idle_propagation(cluster)
        rollback_p50 = result["kinds"].get("rollback", {}).get("p50_s", 0.2)
        faults = [fault_import(cluster), fault_rollback(cluster, delay_s=max(0.02, rollback_p50 / 2))]
    if as_json:
        for row in [result, *faults]:
            print(json.dumps(row))
        return 0
    print(table(result))
    print(f"(setup: PostGIS, Redis, 2 instances and 2 workers started in {result['setup_s']:.0f} s)")
    for fault in faults:
        print(f"\n{fault['case']}:")
        for k, v in fault.items():
            if k != "case":
                print(f"  {k}: {v}")
    return 0


class HttpCounter:
    """Counts every HTTP response the clients get (each poll of a job included)."""

    total = 0
    server_errors = 0
    _lock = threading.Lock()

    @classmethod
    def install(cls) -> type[HttpCounter]:
        original = requests.Session.request

        def counted(self, *args, **kwargs):
            response = original(self, *args, **kwargs)
            with cls._lock:
                cls.total += 1
                cls.server_errors += response.status_code >= 500
            return response

        requests.Session.request = counted
        return cls


if __name__ == "__main__":
    sys.exit(main(*(float(a) for a in sys.argv[1:2])))
