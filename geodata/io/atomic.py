"""Write a file so that a reader sees either the old content or the new, never a part.

The one atomic-write routine of the app: exports (portfolio, briefing files), installed boundary files and the
accounts file all go through ``write_bytes_atomic`` (the project store keeps its own, which writes a GeoPackage
through GDAL).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path`` (and
    flush the directory, so the rename survives a crash). ``mode``: the file's permissions, less the umask
    (``0o666`` for an ordinary file such as an export, ``0o600`` for a secret); without it the file is private to
    its owner (0600), as ``tempfile.mkstemp`` makes it. Nothing is left behind when the write fails."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:  # a directory that cannot be opened (some platforms): the rename itself is done
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
