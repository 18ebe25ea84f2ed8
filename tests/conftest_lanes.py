"""Two lanes for ``make test`` (pytest-xdist, ``-n 2 --dist loadgroup``): one worker runs the browser tests, one
after another, while the other runs the rest.

Two headless Chromiums drawing maps in software at once on this 2-core machine slowed every browser test and made
their waits for the page flakier. On one tree (README, "Test it"): pytest-xdist's default handed one worker
nearly every browser test, 1,026-1,040 s; spread freely (``--dist worksteal``), 991 s; in this lane, 905 s.

The workers write which of their tests are browser tests (the tier marks of ``conftest.py``) to a file the
controller gave them, and the controller's scheduler hands the first worker the browser tests in order and the
other worker the rest; once the rest is done, that worker takes browser tests from the end of the lane, so both
finish together. (pytest-xdist's own ``loadgroup`` puts a test's group into its node id, which pytest 9 no longer
lets a plugin change, and a group would go to one worker whole.)
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

#: The workerinput key of the file a worker writes its browser tests' ids to
_KEY = "tfa_browser_lane"


def _lanes(config) -> Path | None:
    return getattr(config, "_tfa_lanes", None)


def pytest_configure(config):
    if os.environ.get("PYTEST_XDIST_WORKER") or config.getoption("dist", default=None) != "loadgroup":
        return
    config._tfa_lanes = Path(tempfile.mkdtemp(prefix="tfa-lanes-"))


def pytest_unconfigure(config):
    if (lanes := _lanes(config)) is not None:
        shutil.rmtree(lanes, ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """The controller: each worker gets the file to write its browser tests' ids to."""
    if (lanes := _lanes(node.config)) is not None:
        node.workerinput[_KEY] = str(lanes / f"{node.gateway.id}.json")


@pytest.hookimpl(trylast=True)  # after conftest.py has given every test its tier mark
def pytest_collection_modifyitems(config, items):
    """A worker: the ids of its browser tests, written before it reports its collection to the controller."""
    path = getattr(config, "workerinput", {}).get(_KEY)
    if path:
        Path(path).write_text(json.dumps([item.nodeid for item in items if item.get_closest_marker("browser")]))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """The controller's scheduler under ``--dist loadgroup``: every test a unit of its own (pytest-xdist's
    ``LoadScopeScheduling`` with one test a scope); the first worker takes the browser tests in order, the other
    the rest, and once the rest is done it takes browser tests from the end of theirs."""
    lanes = _lanes(config)
    if lanes is None:
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserLane(LoadScopeScheduling):
        browser: frozenset[str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            return nodeid

        def _is_browser(self, nodeid: str) -> bool:
            if self.browser is None:  # every worker has written its file before it reported its collection
                self.browser = frozenset(i for p in lanes.glob("*.json") for i in json.loads(p.read_text()))
            return nodeid in self.browser

        def _first(self, browser: bool, from_end: bool = False) -> str | None:
            """The queue's first (or last) unit that is, or is not, a browser test; None when there is none."""
            queue = reversed(self.workqueue) if from_end else iter(self.workqueue)
            return next((scope for scope in queue if self._is_browser(scope) == browser), None)

        def _assign_work_unit(self, node) -> None:
            if node is self.nodes[0]:  # the lane: browser tests in order, then whatever is left
                pick = self._first(True) or self._first(False)
            else:  # every other test, then browser tests from the lane's end
                pick = self._first(False) or self._first(True, from_end=True)
            self.workqueue.move_to_end(pick, last=False)  # the parent hands out the queue's first unit
            super()._assign_work_unit(node)

    return BrowserLane(config, log)
