"""The GeoPackage backend (the default): one file, ``portfolio.gpkg``, in the user data directory.

Layout of ``portfolio.gpkg`` (in ``config.user_data_dir()``):

* ``projects``  the current portfolio: the columns of ``layers.PROJECTS`` plus
  ``import_id`` (the import that wrote the row; empty for seeded rows);
* ``history``   for every import, the rows it replaced (``change="updated"``,
  the full previous row) and the ids it added (``change="added"``);
* ``imports``   the import log (``model.IMPORT_COLUMNS``).

Every change (import, edit, rollback) builds the complete new state in memory,
validates it, writes it to a new file next to the store and swaps it in with
``os.replace``. A reader either opens the old file or the new one, never a
half-written one, and a failure at any point leaves the store byte-identical.
Writers take an exclusive ``flock`` so two imports never lose each other's rows.
The version is the file's identity (inode, mtime, size): every instance on the
same file system sees a change as soon as the rename is done.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geodata import config
from geodata.io import atomic
from geodata.io.store.model import (
    IMPORT_COLUMNS,
    StoreState,
    _typed,
    history_from_frame,
    imports_from_frame,
    projects_from_frame,
    seed_state,
    with_shared_text,
)

STORE_FILE = "portfolio.gpkg"
LOCK_FILE = "portfolio.lock"
PROJECTS_LAYER = "projects"
HISTORY_LAYER = "history"
IMPORTS_LAYER = "imports"


def store_path() -> Path:
    """The store file (it may not exist yet)."""
    return config.user_data_dir() / STORE_FILE


def exists() -> bool:
    return store_path().is_file()


def version() -> str | None:
    """A token that changes with every committed change (each one writes a new file), or None without a store."""
    path = store_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return f"{path}:{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"


#: Projects read at a time: the reader makes a string for every text cell, so a whole 100,000-project table
#: briefly held 150 MB of text that repeats on most rows; read in parts, each part's repeats are shared at once.
READ_BATCH = 20_000


def _read_projects(path: Path) -> gpd.GeoDataFrame:
    count = pyogrio.read_info(path, layer=PROJECTS_LAYER)["features"]
    parts = []
    for start in range(0, max(count or 0, 1), READ_BATCH):
        part = pyogrio.read_dataframe(path, layer=PROJECTS_LAYER, skip_features=start, max_features=READ_BATCH)
        parts.append(with_shared_text(part))
    frame = parts[0] if len(parts) == 1 else gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=parts[0].crs)
    return projects_from_frame(frame, f"{path} (layer {PROJECTS_LAYER})")


def _read_state(path: Path) -> StoreState:
    projects = _read_projects(path)
    history = history_from_frame(pyogrio.read_dataframe(path, layer=HISTORY_LAYER))
    imports = imports_from_frame(pyogrio.read_dataframe(path, layer=IMPORTS_LAYER))
    return StoreState(projects, history, imports)


@functools.lru_cache(maxsize=4)
def _projects_cached(path: str, token: str) -> gpd.GeoDataFrame:
    return _read_projects(Path(path))


def _write_state(state: StoreState, path: Path) -> None:
    """Write the whole state to a new file and swap it in atomically; on failure the old file is untouched."""
    with atomic.replacing(path, prefix=".portfolio-", suffix=".gpkg", create=False) as tmp:  # GDAL creates it
        projects = state.projects.copy()
        projects["import_id"] = projects["import_id"].astype("Int64")
        pyogrio.write_dataframe(projects, tmp, layer=PROJECTS_LAYER, driver="GPKG", geometry_type="Point")
        pyogrio.write_dataframe(state.history, tmp, layer=HISTORY_LAYER, driver="GPKG", geometry_type="Point")
        pyogrio.write_dataframe(state.imports, tmp, layer=IMPORTS_LAYER, driver="GPKG")


@contextlib.contextmanager
def _locked() -> Iterator[StoreState]:
    """Exclusive write access: yields the current state (seeded when there is no store yet)."""
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / LOCK_FILE, "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield _read_state(path) if path.is_file() else seed_state()
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


class _Transaction:
    """The state read under the file lock, and the one write that replaces it."""

    def __init__(self, state: StoreState, path: Path, existed: bool):
        self.state, self._path, self.existed = state, path, existed

    def write(self, state: StoreState) -> None:
        _write_state(state, self._path)


class GpkgBackend:
    """The ``Backend`` over ``store_path()`` (re-read on every call: tests and the CLI change the data directory)."""

    name = "gpkg"

    def exists(self) -> bool:
        return exists()

    def version(self) -> str | None:
        return version()

    def location(self) -> str:
        return str(store_path())

    def projects(self) -> tuple[str, gpd.GeoDataFrame] | None:
        token = version()
        if token is None:
            return None
        return token, _projects_cached(str(store_path()), token)

    def imports(self) -> pd.DataFrame:
        path = store_path()
        if not path.is_file():
            return _typed(pd.DataFrame(index=pd.RangeIndex(0)), IMPORT_COLUMNS)
        return imports_from_frame(pyogrio.read_dataframe(path, layer=IMPORTS_LAYER))

    def read_state(self) -> StoreState | None:
        path = store_path()
        return _read_state(path) if path.is_file() else None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[_Transaction]:
        with _locked() as state:
            yield _Transaction(state, store_path(), store_path().is_file())

    def replace_all(self, state: StoreState) -> None:
        """Replace the whole store with ``state`` (``db copy``), under the write lock."""
        with _locked():
            _write_state(state, store_path())

    def digest(self) -> str:
        """SHA-256 of the store file's bytes ('' when there is none)."""
        path = store_path()
        return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
