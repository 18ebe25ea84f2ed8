"""Memory the app has freed goes back to the system when the server falls idle.

glibc keeps most freed memory in its heaps for reuse, so a worker's resident size stays at the high-water mark of
its busiest request: at 100,000 projects a coverage analysis or a briefing's figures held 25-50 MB that nothing
referred to any more. ``malloc_trim(0)`` hands those free pages back; it costs well under a millisecond on a
heap with little to return. Fixed malloc thresholds would do the same on every free, but made the explorer's
filter callback twice as slow (every large array became a fresh mapping), so the heap is trimmed only when the
last request in flight has been sent (``ReleaseWhenIdle``) and after the start-up's and warm-up's work.

glibc also gives each thread that allocates its own heap (up to eight per core), and a trim cannot give back
what another heap's live blocks pin. The server answers each request on a thread, so ``limit_arenas`` keeps one
heap for the process: Python holds its interpreter lock while it allocates, so threads gained nothing from
separate heaps. Measured at 100,000 projects after the explorer, coverage and briefing pages (``python -m bench
--browser``), with the smaller caches of the same change: 529 MB before, 466 MB with the trims, 397-428 MB with
one heap as well (the heap fragments differently from run to run).

Where the C library has no ``malloc_trim``/``mallopt`` (not glibc), these do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import threading
from collections.abc import Callable, Iterable

from werkzeug.wsgi import ClosingIterator


def _libc_function(name: str) -> Callable | None:
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), name)
    except (OSError, AttributeError):
        return None


_TRIM = _libc_function("malloc_trim")
_MALLOPT = _libc_function("mallopt")
M_ARENA_MAX = -8  # glibc's malloc.h


def limit_arenas(count: int = 1) -> bool:
    """At most ``count`` C heaps for this process (call before the server starts its threads); False where the
    C library cannot. ``MALLOC_ARENA_MAX`` in the environment, when set, is left to decide."""
    if _MALLOPT is None or os.environ.get("MALLOC_ARENA_MAX"):
        return False
    return bool(_MALLOPT(M_ARENA_MAX, count))


def release() -> bool:
    """Return the C heap's free pages to the system; False where the C library cannot."""
    if _TRIM is None:
        return False
    _TRIM(0)
    return True


class ReleaseWhenIdle:
    """WSGI middleware: counts the requests in flight and calls ``release`` each time the last one has been
    sent (its body closed), so the trim never delays a response."""

    def __init__(self, app: Callable, release_fn: Callable[[], object] = release):
        self.app = app
        self._release = release_fn
        self._lock = threading.Lock()
        self._in_flight = 0
        self.released = 0  # how many times the heap was trimmed (for tests and diagnostics)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        with self._lock:
            self._in_flight += 1
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._finished()
            raise
        return ClosingIterator(body, self._finished)

    def _finished(self) -> None:
        with self._lock:
            self._in_flight -= 1
            idle = self._in_flight == 0
            if idle:
                self.released += 1
        if idle:
            self._release()


def install(server) -> ReleaseWhenIdle:
    """Wrap a Flask ``server``'s WSGI app in ``ReleaseWhenIdle`` (returned)."""
    middleware = ReleaseWhenIdle(server.wsgi_app)
    server.wsgi_app = middleware
    return middleware
