"""A disk-queue job (an import preview or commit, an export) runs at a lower CPU priority than the web worker that
started it, so other visitors' requests keep the CPU they need while it runs (bench/load_bench.py measures it)."""

from __future__ import annotations

import os
import time

import diskcache

from dashboard import jobs


def _report_niceness(key, _progress_key, _args, _context):
    cache = diskcache.Cache(os.environ["TFA_TEST_JOB_CACHE"])
    cache.set(key, os.nice(0))


def test_a_job_runs_niced(tmp_path, monkeypatch):
    monkeypatch.setenv("TFA_TEST_JOB_CACHE", str(tmp_path))
    manager = jobs.JobManager(diskcache.Cache(str(tmp_path)), cache_by=None)
    pid = manager.call_job_fn("job-1", _report_niceness, [], {})
    deadline = time.monotonic() + 30
    while manager.handle.get("job-1") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    ours = os.nice(0)
    assert manager.handle.get("job-1") == min(19, ours + jobs.JOB_NICENESS), pid
    assert os.nice(0) == ours  # the web worker keeps its own priority
