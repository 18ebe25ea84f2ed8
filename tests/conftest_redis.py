"""Redis for the tests of the Celery job queue: the ``redis_url`` session fixture.

``TFA_REDIS_URL`` when it is set as the tests start (the variable is then removed, so every other test keeps the
disk job queue), else a private ``redis-server`` on a free loopback port started here for the session and stopped at
the end. When Redis cannot be started the tests that need it are skipped with the reason, or fail when
``TFA_REQUIRE_REDIS=1`` (``make test`` sets it).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_SERVER_URL: dict[str, str] = {}


def pytest_configure(config):
    config.addinivalue_line("markers", "redis: needs Redis and a Celery worker (a private redis-server by default)")
    url = os.environ.pop("TFA_REDIS_URL", "")
    if url:
        _SERVER_URL["url"] = url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The URL of a Redis server the tests may use (and flush)."""
    if "url" in _SERVER_URL:
        yield _SERVER_URL["url"]
        return
    from bench.cluster_bench import start_redis

    directory = Path(tempfile.mkdtemp(prefix="tfa-redis-"))
    try:
        proc, url = start_redis(directory)
    except Exception as exc:  # noqa: BLE001 - reported as the skip or failure reason
        reason = f"the job queue tests need Redis: {exc}"
        if os.environ.get("TFA_REQUIRE_REDIS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield url
    finally:
        proc.stop()
