"""Temporary files a crash left in the user data directory, removed at the next start.

Every writer there writes a temporary file beside its target and renames it into place (``geodata.io.store``,
``geodata.io.atomic``); a process killed between the two leaves the temporary file behind. ``clean_leftovers()`` runs
when the dashboard starts (``dashboard/app.py``) and when the command line starts (``geodata/cli``). It removes only
files named like those temporary files, directly in the directory, and only when they are older than ``MAX_AGE``
(a write in progress in another process is seconds old), and none at all while a store write holds the store's lock.

The names it removes (keep them in step with the writers):

* ``.portfolio-*.gpkg`` and its SQLite companions ``-journal``, ``-wal``, ``-shm``: the store's new GeoPackage;
* ``.<name>.*.tmp``: ``geodata.io.atomic.write_bytes_atomic`` (accounts, boundaries, exports into the directory),
  and ``.accounts-*.json`` (the accounts file's own temporary name until it used ``write_bytes_atomic``).
"""

from __future__ import annotations

import fcntl
import fnmatch
import logging
import time
from datetime import timedelta
from pathlib import Path

from geodata import config

log = logging.getLogger(__name__)

#: A temporary file younger than this may belong to a write in progress: it stays.
MAX_AGE = timedelta(minutes=15)
#: The store's write lock (``geodata.io.store.LOCK_FILE``): while another process holds it, nothing is removed.
LOCK_FILE = "portfolio.lock"
PATTERNS = (
    ".portfolio-*.gpkg",
    ".portfolio-*.gpkg-journal",
    ".portfolio-*.gpkg-wal",
    ".portfolio-*.gpkg-shm",
    ".*.tmp",
    ".accounts-*.json",  # the accounts file's temporary name before it used geodata.io.atomic
)


def is_leftover_name(name: str) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in PATTERNS)


def _store_lock_free(directory: Path) -> bool:
    """True when no store write holds the lock (the lock file is not created when there is none)."""
    lock_path = directory / LOCK_FILE
    if not lock_path.exists():
        return True
    with open(lock_path, "a+") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
    return True


def clean_leftovers(
    directory: Path | None = None, max_age: timedelta = MAX_AGE, now: float | None = None
) -> list[Path]:
    """Remove the temporary files older than ``max_age`` in ``directory`` (default: the user data directory);
    return what was removed. A missing directory, or a file that vanished or cannot be removed, is not an error."""
    directory = Path(directory) if directory is not None else config.user_data_dir()
    if not directory.is_dir() or not _store_lock_free(directory):
        return []
    cutoff = (time.time() if now is None else now) - max_age.total_seconds()
    removed = []
    for path in sorted(directory.iterdir()):
        if not is_leftover_name(path.name):
            continue
        try:
            if not path.is_file() or path.is_symlink() or path.stat().st_mtime > cutoff:
                continue
            path.unlink()
        except OSError as exc:
            log.warning("could not remove the leftover temporary file %s: %s", path, exc)
            continue
        removed.append(path)
    if removed:
        log.info("removed %d temporary file(s) left by an interrupted write: %s", len(removed), removed)
    return removed
