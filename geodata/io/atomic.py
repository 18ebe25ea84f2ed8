"""Write a file so that a reader sees either the old content or the new, never a part.

The one atomic-write routine of the app: ``replacing(path)`` gives a temporary path beside ``path`` to write,
then flushes it, renames it over ``path`` and flushes the directory; on any failure it removes what was written.
Exports (portfolio, briefing files), installed boundary files and the accounts file go through
``write_bytes_atomic``; the project store writes its GeoPackage through GDAL into ``replacing(...,
create=False)``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["replacing", "write_bytes_atomic"]

#: Files SQLite (a GeoPackage) may put beside the one it writes; removed with it when a write fails.
SIDECARS = ("-journal", "-wal", "-shm")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:  # a directory that cannot be opened (some platforms): the rename itself is done
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


@contextlib.contextmanager
def replacing(
    path: Path, *, prefix: str | None = None, suffix: str = ".tmp", create: bool = True, mode: int | None = None
) -> Iterator[Path]:
    """A temporary path beside ``path`` (named ``prefix`` + random + ``suffix``; by default ``.NAME.*.tmp``)
    for the caller to write; when the block ends, the file is flushed to disk and renamed over ``path``, and
    the directory is flushed so the rename survives a crash. ``create=False`` for writers that create the file
    themselves (GDAL). ``mode``: the file's permissions, less the umask; without it the file is private to its
    owner (0600), as ``tempfile.mkstemp`` makes it. If the block raises, the temporary file (and any SQLite
    sidecar of it) is removed and ``path`` is untouched."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=prefix or f".{path.name}.", suffix=suffix)
    os.close(fd)
    tmp = Path(name)
    if not create:
        tmp.unlink()
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        for leftover in (tmp, *(Path(f"{tmp}{s}") for s in SIDECARS)):
            leftover.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_bytes_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically (see ``replacing``): ``mode`` ``0o666`` for an ordinary file such
    as an export, ``0o600`` (the default) for a secret. Nothing is left behind when the write fails."""
    with replacing(path, mode=mode) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
