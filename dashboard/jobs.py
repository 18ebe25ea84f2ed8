"""Where long callbacks run: the one background-callback manager of the app.

Briefing exports and the Data page's import preview and commit are Dash background callbacks
(``background=True, manager=jobs.MANAGER``): each job runs in its own process and the web worker's thread is free
again at once, so one large upload or export never holds up other visitors' requests. The browser polls for the
result; every poll is a callback request like the first, so the request guard (``dashboard.security``) checks the
editor's session on each of them.

The manager is chosen here and only here. ``DiskcacheManager`` keeps the queue and the results on local disk
(``$TFA_JOBS_DIR``, else a directory under the system temp dir), so it works the same under several gunicorn
workers on one machine. A Celery manager for several machines would be selected here too (by ``TFA_REDIS_URL``).

A job runs outside the request, so the signed-in account is handed to it through Dash's ``custom_data`` (see
``dashboard.auth``): ``auth.account_name()`` inside a job names the editor who started it.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import diskcache
from dash import DiskcacheManager

JOBS_DIR_ENV = "TFA_JOBS_DIR"
#: Results not fetched within an hour are dropped.
EXPIRE_SECONDS = 3600


def jobs_dir() -> Path:
    path = Path(os.environ.get(JOBS_DIR_ENV) or Path(tempfile.gettempdir()) / "trust-fund-atlas-jobs")
    path.mkdir(parents=True, exist_ok=True)
    return path


class JobManager(DiskcacheManager):
    """Dash's disk-backed manager, with a key of its own for every job.

    Dash keys a job by the callback's source and arguments. Two identical requests (two editors committing the
    same file with one click each, or the same editor after a reload) would share a key, and a result nobody
    fetched (a closed tab) would answer the next identical request at once, before its own job ran. A random
    part in the key gives every request its own job and result; a result is deleted once fetched."""

    def build_cache_key(self, fn, args, cache_args_to_ignore, triggered) -> str:
        return super().build_cache_key(fn, args, cache_args_to_ignore, triggered)[:32] + uuid.uuid4().hex


def make_manager() -> JobManager:
    """The background-callback manager (results are not cached: every click runs its own job)."""
    return JobManager(diskcache.Cache(str(jobs_dir())), cache_by=None, expire=EXPIRE_SECONDS)


MANAGER = make_manager()
