"""Where long callbacks run: the one background-callback manager of the app.

Briefing exports and the Data page's import preview and commit are Dash background callbacks
(``background=True, manager=jobs.MANAGER``): each job runs outside the web worker's thread, so one large upload or
export never holds up other visitors' requests. The browser polls for the result; every poll is a callback request
like the first, so the request guard (``dashboard.security``) checks the editor's session on each of them.

The manager is chosen here and only here:

* ``TFA_REDIS_URL`` set (``redis://host:6379/0``): Dash's ``CeleryManager`` over the Celery app of this module.
  Jobs go to a Redis queue and run in a Celery worker (``celery -A dashboard.jobs worker``, any machine), and their
  progress and results live in Redis, so any app instance can start a job and any instance can answer its polls.
* otherwise ``DiskcacheManager``: each job is a process of the web worker at a lower CPU priority
  (``TFA_JOB_NICENESS``), the queue and results on local disk (``$TFA_JOBS_DIR``, else a directory under the system
  temp dir), shared by the gunicorn workers of one machine.

A job whose worker dies (``kill -9``, a lost machine) never leaves a spinner turning: the job writes a heartbeat
while it runs, and the poll that finds no result, no heartbeat and no process ends the job with ``LOST_MESSAGE``
(``job_failure_message`` gives the app's error handler that text). A job no worker has taken within
``TFA_JOB_QUEUE_TIMEOUT`` seconds ends the same way.

A job runs outside the request, so the signed-in account is handed to it through Dash's ``custom_data`` (see
``dashboard.auth``): ``auth.account_name()`` inside a job names the editor who started it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import diskcache
from dash import CeleryManager, DiskcacheManager
from dash._callback_context import context_value

JOBS_DIR_ENV = "TFA_JOBS_DIR"
REDIS_URL_ENV = "TFA_REDIS_URL"
#: Seconds without a heartbeat after which a started job counts as lost (the job beats four times as often).
LOST_AFTER_ENV = "TFA_JOB_LOST_AFTER"
LOST_AFTER_SECONDS = 20.0
#: Seconds a job may wait in the queue for a worker before it counts as lost.
QUEUE_TIMEOUT_ENV = "TFA_JOB_QUEUE_TIMEOUT"
QUEUE_TIMEOUT_SECONDS = 600.0
#: Results not fetched within an hour are dropped.
EXPIRE_SECONDS = 3600
#: How much lower a disk-queue job runs than the web worker that started it (``os.nice``): an import, an export
#: and its Chromium take the CPU the visitors' requests leave, so other users' answers stay quick meanwhile.
JOB_NICENESS_ENV = "TFA_JOB_NICENESS"
JOB_NICENESS = 10
#: The context entry that tells a Celery job its cache key (the name of its heartbeat).
JOB_KEY = "tfa_job_key"

LOST_MESSAGE = (
    "The job stopped before it finished: the worker running it was lost. Nothing is running any more; "
    "check the import history (for an import or a rollback) and try again."
)
QUEUE_MESSAGE = "No job worker took the job: it was not started. Try again later, or ask an administrator."
_LOST_MARK = "[tfa-job-lost] "


def _seconds(env: str, default: float) -> float:
    try:
        return float(os.environ.get(env) or default)
    except ValueError:
        return default


def lost_after() -> float:
    return _seconds(LOST_AFTER_ENV, LOST_AFTER_SECONDS)


def queue_timeout() -> float:
    return _seconds(QUEUE_TIMEOUT_ENV, QUEUE_TIMEOUT_SECONDS)


def _lost(message: str) -> dict:
    """A job result Dash treats as the job's error (it reaches the app's ``on_error``)."""
    return {"background_callback_error": {"msg": _LOST_MARK + message, "tb": ""}}


def job_failure_message(err: BaseException) -> str | None:
    """The message for the user when ``err`` is a lost job (else None: an ordinary callback error)."""
    text = str(err)
    if _LOST_MARK not in text:
        return None
    return text.split(_LOST_MARK, 1)[1].splitlines()[0]


def jobs_dir() -> Path:
    path = Path(os.environ.get(JOBS_DIR_ENV) or Path(tempfile.gettempdir()) / "trust-fund-atlas-jobs")
    path.mkdir(parents=True, exist_ok=True)
    return path


class _OwnKeys:
    """Every job gets a key of its own.

    Dash keys a job by the callback's source and arguments. Two identical requests (two editors committing the
    same file with one click each, or the same editor after a reload) would share a key, and a result nobody
    fetched (a closed tab) would answer the next identical request at once, before its own job ran. A random
    part in the key gives every request its own job and result; a result is deleted once fetched."""

    def build_cache_key(self, fn, args, cache_args_to_ignore, triggered) -> str:
        return super().build_cache_key(fn, args, cache_args_to_ignore, triggered)[:32] + uuid.uuid4().hex


#: The result key a poll found empty, by job (read by the same request's ``job_running`` right after).
_UNREAD: dict[str, str] = {}


def _at_low_priority(job_fn, *args):
    """A job process's first step: lower its CPU priority by ``TFA_JOB_NICENESS`` (10), then run the job."""
    with contextlib.suppress(OSError, ValueError):
        os.nice(int(os.environ.get(JOB_NICENESS_ENV) or JOB_NICENESS))
    return job_fn(*args)


class _Polls:
    """How both managers answer a poll: a job that will never answer ends with a message, and a result written
    while the poll was being answered is still fetched.

    A poll reads the result, then asks whether the job still runs. A job that writes its result and ends between
    the two looked ended without a result: Dash answered "no update" and the result was never fetched (an export's
    download never came). So the key each poll found empty is kept for its job, and a job that has ended counts as
    running while its result waits, so the next poll fetches it. A job with no result asks ``lost_reason`` (each
    manager knows its own signs of a lost job); the result is read once more before the job is reported lost, in
    case it was written just before the job ended. ``forget`` drops what a manager keeps beside a fetched result.
    """

    def lost_reason(self, key, job) -> str | None:
        """Why the job ``job`` (result key ``key``) will never answer, or None while it may still."""
        raise NotImplementedError

    def forget(self, key) -> None:
        """Drop what the manager keeps beside the result ``key``, once it has been fetched."""

    def get_result(self, key, job):
        result = super().get_result(key, job)
        if result is self.UNDEFINED and (reason := self.lost_reason(key, job)) is not None:
            result = super().get_result(key, job)  # the job may have written its result just before it ended
            if result is self.UNDEFINED:
                result = _lost(reason)
        if result is not self.UNDEFINED:
            self.forget(key)
        elif job is not None:
            _UNREAD[str(job)] = key
        return result

    def job_running(self, job) -> bool:
        key = _UNREAD.pop(str(job), None)
        if super().job_running(job):
            return True
        return key is not None and self.result_ready(key)


class JobManager(_Polls, _OwnKeys, DiskcacheManager):
    """Dash's disk-backed manager: a job is a process of the web worker, at a lower CPU priority; a job whose
    process died ends with ``LOST_MESSAGE`` (Dash would end it silently, with no output and no word)."""

    def call_job_fn(self, key, job_fn, args, context):
        return super().call_job_fn(key, functools.partial(_at_low_priority, job_fn), args, context)

    def lost_reason(self, key, job) -> str | None:
        return None if not job or DiskcacheManager.job_running(self, job) else LOST_MESSAGE


class CeleryJobManager(_Polls, _OwnKeys, CeleryManager):
    """Dash's Celery manager, with a heartbeat: a job that stops beating (or a task Celery marks failed because
    its worker process died) ends with ``LOST_MESSAGE`` at the next poll, on whichever instance the poll reaches.

    Keys beside Dash's result key in the result store: ``KEY-queued`` (when the job was sent), ``KEY-started``
    (the job began) and ``KEY-alive`` (refreshed by the running job, expiring after ``lost_after()`` seconds)."""

    def _redis(self):
        return self.handle.backend.client

    def call_job_fn(self, key, job_fn, args, context):
        self._redis().set(f"{key}-queued", time.time(), ex=EXPIRE_SECONDS)
        return super().call_job_fn(key, job_fn, args, {**context, JOB_KEY: key})

    def make_job_fn(self, fn, progress, key=None):
        redis = self._redis

        @functools.wraps(fn)
        def beating(*args, **kwargs):
            with heartbeat(redis(), context_value.get().get(JOB_KEY)):
                return fn(*args, **kwargs)

        return super().make_job_fn(beating, progress, key)

    def lost_reason(self, key, job) -> str | None:
        if job and self.handle.AsyncResult(job).state in ("FAILURE", "REVOKED"):
            return LOST_MESSAGE  # Dash's task stores every error of the callback itself: this is a lost worker
        redis = self._redis()
        started, alive, queued = redis.mget(f"{key}-started", f"{key}-alive", f"{key}-queued")
        if started is not None:
            return None if alive is not None else LOST_MESSAGE
        if queued is not None and time.time() - float(queued) > queue_timeout():
            return QUEUE_MESSAGE
        return None

    def forget(self, key) -> None:
        self._redis().delete(f"{key}-started", f"{key}-alive", f"{key}-queued", self._make_progress_key(key))


@contextlib.contextmanager
def heartbeat(redis, key: str | None) -> Iterator[None]:
    """While the body runs: ``KEY-alive`` refreshed every quarter of ``lost_after()`` (a thread of the job)."""
    if not key:
        yield
        return
    ttl = lost_after()
    beat = max(ttl / 4, 0.05)
    stop = threading.Event()

    def alive() -> None:
        redis.set(f"{key}-alive", os.getpid(), px=int(ttl * 1000))

    alive()
    redis.set(f"{key}-started", time.time(), ex=EXPIRE_SECONDS)

    def run() -> None:
        while not stop.wait(beat):
            with contextlib.suppress(Exception):  # a missed beat is retried; too many and the job counts as lost
                alive()

    thread = threading.Thread(target=run, name="tfa-job-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def redis_url() -> str:
    return os.environ.get(REDIS_URL_ENV, "").strip()


def make_celery(url: str):
    """The Celery app over Redis at ``url`` (broker and result store): JSON only, one job at a time per worker
    process, and a job's message acknowledged when it starts (a job whose worker dies is reported lost, never
    run a second time behind the user's back)."""
    from celery import Celery

    app = Celery("dashboard.jobs", broker=url, backend=url)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=False,
        worker_prefetch_multiplier=1,
        result_expires=EXPIRE_SECONDS,
        broker_connection_retry_on_startup=True,
        task_track_started=True,
        worker_hijack_root_logger=False,
        imports=("dashboard.worker",),  # a worker builds the app: its pages register the callbacks as tasks
    )
    return app


def make_manager() -> JobManager | CeleryJobManager:
    """The background-callback manager (results are not cached: every click runs its own job)."""
    if celery is not None:
        return CeleryJobManager(celery, cache_by=None, expire=EXPIRE_SECONDS)
    return JobManager(diskcache.Cache(str(jobs_dir())), cache_by=None, expire=EXPIRE_SECONDS)


#: The Celery app (``celery -A dashboard.jobs worker`` finds it under this name), or None without ``TFA_REDIS_URL``.
celery = make_celery(redis_url()) if redis_url() else None
MANAGER = make_manager()
