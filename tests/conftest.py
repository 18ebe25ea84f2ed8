"""Shared test setup: every test gets its own empty user data directory, so
nothing installed on the machine (boundaries, an imported portfolio) leaks in; and every test gets its tier
marker (unit, callback, render, browser; see tiers.py)."""

from __future__ import annotations

import contextlib
import faulthandler
import os
import sys
import threading
import time
from pathlib import Path

import pytest
from tiers import TIERS, tier

# the store_backend fixture (GeoPackage and PostGIS) and its database server; the redis_url fixture (the job queue);
# the browser tests' own lane under pytest-xdist
pytest_plugins = ["conftest_postgis", "conftest_redis", "conftest_lanes"]


def pytest_configure(config):
    """Under pytest-xdist (``make test`` runs ``-n``), each worker's dash_duo servers take ports of their own:
    dash.testing counts up from 58050 in every process, so two workers would both start at 58050."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw"):
        from dash.testing.application_runners import BaseDashRunner

        BaseDashRunner._next_port = 58050 + 400 * int(worker[2:])


def pytest_collection_modifyitems(config, items):
    """Mark each test with its tier unless it names one itself (``make test-fast``: ``-m "unit or callback"``;
    ``make test`` runs the browser tier on one worker: conftest_lanes.py)."""
    for item in items:
        if not any(item.get_closest_marker(name) for name in TIERS):
            item.add_marker(tier(Path(str(item.path)), getattr(item, "fixturenames", ())))


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TFA_DATA_DIR", str(tmp_path_factory.mktemp("user-data")))


#: Seconds the test process may take to exit after the run (the exit watchdog in ``pytest_unconfigure``).
EXIT_GRACE_S = 60
_EXIT_STATUS = pytest.StashKey[int]()


def pytest_sessionfinish(session, exitstatus):
    """No process started during the run outlives it.

    Dash's disk-queue manager runs each background job (import preview, commit, export) in a forked, non-daemon
    process, and at interpreter exit ``multiprocess`` joins every live child: one job process left stuck by a
    failed test (a fork taken while another thread held a lock never returns) would keep the test command open
    until CI's limit, after the summary was printed. So whatever is still running is ended here, and named."""
    import psutil

    session.config.stash[_EXIT_STATUS] = int(exitstatus)
    children = psutil.Process().children(recursive=True)
    psutil.wait_procs([p for p in children if _is_zombie(p)], timeout=1)  # ended, only not yet reaped
    leftovers = [p for p in children if not _is_zombie(p)]
    if not leftovers:
        return
    names = ", ".join(f"{p.pid} {_command(p)}" for p in leftovers)
    for proc in leftovers:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    _, alive = psutil.wait_procs(leftovers, timeout=5)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(alive, timeout=5)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line(f"ended {len(leftovers)} process(es) still running after the tests: {names}")


def pytest_unconfigure(config):
    """A watchdog for the interpreter's exit: if this process is still alive ``EXIT_GRACE_S`` after pytest is done
    (a non-daemon thread or an exit handler waiting on something that never comes), it prints every thread's stack
    to stderr and exits with the run's own status, so the test command ends and says where it was stuck."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a pytest-xdist worker lives on until its controller lets it go; the controller has the watchdog
    status = config.stash.get(_EXIT_STATUS, 1)

    def watchdog():
        time.sleep(EXIT_GRACE_S)
        sys.stderr.write(f"\nthe test process did not exit {EXIT_GRACE_S} s after the run; its threads:\n")
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        sys.stderr.flush()
        os._exit(status)

    threading.Thread(target=watchdog, name="exit-watchdog", daemon=True).start()


def _is_zombie(proc) -> bool:
    import psutil

    try:
        return proc.status() == psutil.STATUS_ZOMBIE
    except psutil.Error:  # already gone
        return True


def _command(proc) -> str:
    import psutil

    try:
        return " ".join(proc.cmdline()[:3])[:80]
    except psutil.Error:  # it ended meanwhile
        return "?"


def pytest_setup_options():
    """Chromium options for dash_duo (dash.testing): Debian's headless Chromium."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        "--enable-unsafe-swiftshader",
    ):
        options.add_argument(flag)
    return options
