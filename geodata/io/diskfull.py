"""A failed write (above all a full disk) as one plain sentence that names the file.

The command line prints it and exits 2; the Data page shows the same sentence (with the store's location replaced
by "the project store"). Writers swap a finished temporary file into place, so a failed write leaves the old file
as it was: "nothing was written" is true.
"""

from __future__ import annotations

import errno
from os import PathLike

#: errno values that mean the disk (or the user's quota) is full.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS


def write_failure(exc: OSError, path: str | PathLike | None = None) -> str:
    """What went wrong writing ``path`` (the error's own file name wins: it is the one that failed)."""
    target = exc.filename or path or "the output file"
    if is_disk_full(exc):
        return (
            f"{target}: the disk is full (no space left on the device); nothing was written. "
            "Free some space and try again."
        )
    why = exc.strerror or str(exc) or type(exc).__name__
    return f"{target}: could not be written ({why}); nothing was written."
