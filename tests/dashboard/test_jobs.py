"""The job queue (dashboard.jobs): the disk queue without ``TFA_REDIS_URL``, Celery over Redis with it, and a job
whose worker dies ends with a clear failure instead of a spinner that never stops."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import diskcache
import pytest

from dashboard import jobs

ROOT = Path(__file__).resolve().parents[2]
LOST_AFTER_S = 10


def _manager_in_a_fresh_process(**env) -> list:
    code = "from dashboard import jobs; print(type(jobs.MANAGER).__name__, type(jobs.celery).__name__)"
    environ = {k: v for k, v in os.environ.items() if k != "TFA_REDIS_URL"} | env
    out = subprocess.run([sys.executable, "-c", code], env=environ, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_the_redis_url_selects_celery_and_its_absence_the_disk_queue():
    assert _manager_in_a_fresh_process() == ["JobManager", "NoneType"]
    # Celery connects on first use: choosing the manager needs no running Redis
    assert _manager_in_a_fresh_process(TFA_REDIS_URL="redis://127.0.0.1:9/0") == ["CeleryJobManager", "Celery"]


def test_a_disk_job_whose_process_died_ends_with_the_lost_message(tmp_path):
    manager = jobs.JobManager(diskcache.Cache(str(tmp_path)), cache_by=None, expire=60)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    answer = manager.get_result("no-result", str(dead.pid))
    assert jobs.job_failure_message(Exception(answer["background_callback_error"]["msg"])) == jobs.LOST_MESSAGE
    # a job that wrote its result before its process ended answers with it
    manager.handle.set("done", {"ok": 1})
    assert manager.get_result("done", str(dead.pid)) == {"ok": 1}
    # a job still running answers nothing yet
    assert manager.get_result("no-result", str(os.getpid())) is manager.UNDEFINED
    assert jobs.job_failure_message(ValueError("any other failure")) is None


def test_a_result_written_between_a_polls_two_questions_is_fetched_by_the_next_poll(monkeypatch):
    """A Celery task writes its result and ends after the poll found no result but before the poll asked whether
    it runs: it counts as running, so Dash answers "still running" and the next poll gets the result."""
    from dash import CeleryManager

    manager = object.__new__(jobs.CeleryJobManager)
    stored: dict = {}
    monkeypatch.setattr(jobs.CeleryJobManager, "lost_reason", lambda self, key, job: None)
    monkeypatch.setattr(CeleryManager, "get_result", lambda self, key, job: stored.get(key, self.UNDEFINED))
    monkeypatch.setattr(CeleryManager, "result_ready", lambda self, key: key in stored)
    monkeypatch.setattr(CeleryManager, "job_running", lambda self, job: False)  # the task has ended
    monkeypatch.setattr(jobs.CeleryJobManager, "_redis", lambda self: type("R", (), {"delete": lambda *a: 0})())
    assert manager.get_result("k", "task-1") is manager.UNDEFINED
    stored["k"] = {"done": 1}  # the task's last step, then it ends
    assert manager.job_running("task-1") is True
    assert manager.get_result("k", "task-1") == {"done": 1}
    # an ended task that left no result is not running (Dash then ends the poll with no update)
    assert manager.get_result("other", "task-2") is manager.UNDEFINED
    assert manager.job_running("task-2") is False


def test_a_disk_job_that_writes_its_result_between_a_polls_two_questions_is_fetched_too(tmp_path, monkeypatch):
    """The disk queue answers the same race the same way: a job process that ended after the poll found no
    result but before it asked whether the job runs counts as running while its result waits."""
    manager = jobs.JobManager(diskcache.Cache(str(tmp_path)), cache_by=None, expire=60)
    first, second = (subprocess.Popen([sys.executable, "-c", "pass"]) for _ in range(2))
    first.wait(), second.wait()
    job, other = str(first.pid), str(second.pid)  # process ids no longer in use
    running = {job: True}
    monkeypatch.setattr(jobs.DiskcacheManager, "job_running", lambda self, j: running.get(j, False))
    assert manager.get_result("k", job) is manager.UNDEFINED
    manager.handle.set("k", {"done": 1})  # the job's last step, then its process ends
    running[job] = False
    assert manager.job_running(job) is True
    assert manager.get_result("k", job) == {"done": 1}
    assert manager.result_ready("k") is False  # fetched once, then deleted
    # a job that ended with no result is lost at the next poll, never left polling
    answer = manager.get_result("other", other)
    assert jobs.job_failure_message(Exception(answer["background_callback_error"]["msg"])) == jobs.LOST_MESSAGE


# ---------------------------------------------------------------- through Celery and Redis


@pytest.fixture(scope="module")
def cluster(redis_url, tmp_path_factory):
    """One app instance (gunicorn, the README's config) with TFA_REDIS_URL; the test starts its worker."""
    from bench.cluster_bench import start_instance

    directory = tmp_path_factory.mktemp("cluster")
    env = {
        **os.environ,
        "TFA_REDIS_URL": redis_url,
        "TFA_DATA_DIR": str(directory / "data"),
        "TFA_SECRET_KEY": "a test secret key shared by every instance",
        # short, so the killed-worker test ends soon, but long enough that a job starved of CPU by the other tests
        # running beside it (make test runs two workers) still beats in time
        "TFA_JOB_LOST_AFTER": str(LOST_AFTER_S),
        "PYTHONPATH": str(ROOT),
    }
    (directory / "data").mkdir()
    proc, base = start_instance("a", env, directory)
    try:
        yield env, base, directory
    finally:
        proc.stop()


@pytest.fixture
def worker(cluster):
    from bench.cluster_bench import start_worker

    env, _base, directory = cluster
    proc = start_worker(f"w{time.monotonic_ns()}", env, directory)
    try:
        yield proc
    finally:
        proc.stop()


def _export(base: str, button: str):
    from bench.cluster_bench import DashClient

    client = DashClient(base)
    body = client.body(
        "briefing-download.data",
        values={f"{button}.n_clicks": 1, "briefing-query.data": ""},
        changed=[f"{button}.n_clicks"],
    )
    return client, body, client.start_job(body)


@pytest.mark.redis
def test_a_background_export_completes_through_celery(cluster, worker):
    _env, base, _directory = cluster
    client, body, handles = _export(base, "briefing-export-png")
    answer = client.poll(body, handles, timeout=600)
    assert "response" in answer, json.dumps(answer)[:500] + "\n" + worker.tail()
    download = answer["response"]["briefing-download"]["data"]
    assert download["filename"].endswith("-png.zip")  # one PNG per panel, zipped
    assert base64.b64decode(download["content"])[:4] == b"PK\x03\x04"
    assert answer["response"]["briefing-export-status"]["children"].startswith("Ready:")
    assert "received" in worker.tail(200_000)  # the job ran in the Celery worker, not in the web process


@pytest.mark.redis
def test_a_job_whose_worker_is_killed_ends_with_the_lost_message(cluster, worker, redis_url):
    import redis

    from bench.cluster_bench import worker_pids

    _env, base, _directory = cluster
    client, body, handles = _export(base, "briefing-export-pptx")  # several images: runs long enough to be killed
    server = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 300
    key = handles["cacheKey"].rsplit("~", 1)[0]  # the signed handle: KEY~signature
    while server.get(f"{key}-started") is None:
        assert time.monotonic() < deadline, "the job never started:\n" + worker.tail()
        time.sleep(0.1)
    for pid in worker_pids(worker):
        os.kill(pid, signal.SIGKILL)
    killed = time.monotonic()
    answer = client.poll(body, handles, timeout=60)
    waited = time.monotonic() - killed
    alert = answer["sideUpdate"]["error-alert"]
    assert alert == {"children": jobs.LOST_MESSAGE, "is_open": True}, json.dumps(answer)[:500]
    assert waited < LOST_AFTER_S + 10  # the heartbeat's limit, plus polling: never a spinner forever
