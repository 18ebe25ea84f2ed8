"""The project data store: one interface, two backends.

* ``gpkg`` (default): one GeoPackage in the user data directory (``gpkg.py``: atomic file replacement, a
  ``flock`` for writers);
* ``postgis``: PostgreSQL + PostGIS, chosen by ``TFA_DATABASE_URL=postgresql://…`` (``postgis.py``: one database
  transaction per change under a row lock; schema by Alembic, ``python -m geodata db upgrade``).

Both hold the current portfolio (``projects``), the rows every import replaced or added (``history``) and the
import log (``imports``), and behave the same: what a change does is decided once, in ``model.py``, on the state
the backend read under its write lock.

Documented data is guarded: a change that would replace a documented project
(shipped, or imported with its own sources) or turn a sample row into documented
data is refused unless the caller chooses to replace them
(``ChangeSet.replace_documented``); the choice is recorded in the log, and a
rollback restores the replaced rows. ``guarded_changes`` says which rows need it.

Every change (import, edit, rollback) builds the complete new state in memory, validates it, and replaces the
stored one all or nothing: a reader sees the old portfolio or the new one, never a part, and a refused or failed
change leaves the store as it was. ``version()`` is a cheap token (a file's identity, or the database's version
row) that every instance sees change as soon as a change is committed.

The store is created (seeded from the embedded projects layer) on the first
write or by an explicit ``ensure_store()``; reading never creates it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pyogrio

from geodata import config
from geodata.facts.layers import PROJECTS
from geodata.facts.validate import LayerError, Problem, cast_columns, validate
from geodata.io.files import kosovo_outline
from geodata.io.store.base import Backend, Transaction
from geodata.io.store.gpkg import (
    HISTORY_LAYER,
    IMPORTS_LAYER,
    LOCK_FILE,
    PROJECTS_LAYER,
    STORE_FILE,
    GpkgBackend,
    _read_state,  # noqa: F401 (the GeoPackage's internals: bench/serve.py, test_import_guard)
    _write_state,  # noqa: F401
    store_path,
)
from geodata.io.store.model import (
    ACTIVE,
    HISTORY_EXTRA,
    IMPORT_COLUMNS,
    ROLLED_BACK,
    ChangeSet,
    CommitResult,
    ImportRecord,
    StaleEdit,
    StoreError,
    StoreState,
    _cell,  # noqa: F401 (edit.py compares cells as the store does)
    _empty_history,  # noqa: F401 (bench/serve.py)
    _empty_imports,  # noqa: F401
    _record,
    _typed,  # noqa: F401
    current_user,
    embedded_projects,
    fingerprint,
    guarded_changes,
    is_documented,
    last_change,
    plan_changes,
    plan_rollback,
    replacement_reason,
    row_key,
    row_token,
)

#: The environment variable that selects the PostGIS backend (a ``postgresql://`` URL); unset: the GeoPackage.
DATABASE_URL_ENV = "TFA_DATABASE_URL"


def database_url() -> str:
    """The configured database (``TFA_DATABASE_URL``, read on every call), or '' for the GeoPackage. The accounts
    follow the same choice (``dashboard.accounts``)."""
    return os.environ.get(DATABASE_URL_ENV, "").strip()


def backend() -> Backend:
    """The backend in use: PostGIS when ``TFA_DATABASE_URL`` is set, else the GeoPackage (read on every call)."""
    url = database_url()
    if url:
        from geodata.io.store import postgis  # SQLAlchemy and psycopg only when a database is configured

        return postgis.backend_for(url)
    return GpkgBackend()


def exists() -> bool:
    return backend().exists()


def version() -> str | None:
    """A token that changes with every committed change, or None without a store."""
    return backend().version()


def location() -> str:
    """Where the store is (a file path, or a database URL without its password), for messages."""
    return backend().location()


def digest() -> str:
    """SHA-256 of everything stored ('' without a store): unchanged by a refused or failed change."""
    return backend().digest()


@contextlib.contextmanager
def _locked() -> Iterator[StoreState]:
    """Exclusive write access: yields the current state (seeded when there is no store yet)."""
    with backend().transaction() as txn:
        yield txn.state


def current_projects() -> gpd.GeoDataFrame:
    """The store's portfolio, validated like every layer (cached per store version; a copy is returned: a
    shallow one, as pandas copies a shared column on write, so the cache is never changed and not held twice).

    Raises ``StoreError`` when there is no store yet (use ``load.load_layer`` to fall back to the embedded file).
    """
    found = backend().projects()
    if found is None:
        raise StoreError(f"no project store at {location()}")
    return found[1].copy(deep=False)


def portfolio() -> gpd.GeoDataFrame:
    """The current portfolio: the store's when it exists, else the embedded layer (with empty import ids)."""
    return current_projects() if exists() else embedded_projects()


def default_dataset() -> str:
    """The dataset views show when the URL names none: "documented" once the current portfolio holds imported
    real projects (documented rows that were not shipped), so the sample is opt-in; "all" otherwise."""
    b = backend()
    token = b.version()
    if token is None:
        return "all"
    return _default_dataset(b, b.location(), token)


_DEFAULTS: dict[tuple[str, str], str] = {}


def _default_dataset(b: Backend, location: str, token: str) -> str:
    key = (location, token)
    if key not in _DEFAULTS:
        found = b.projects()
        if found is None:
            return "all"
        shipped = _shipped_ids(str(config.DATA_DIR / PROJECTS.path))
        projects = found[1]
        imported_real = ~projects["is_sample"].astype(bool) & ~projects["project_id"].astype(str).isin(shipped)
        if len(_DEFAULTS) >= 8:
            _DEFAULTS.clear()
        _DEFAULTS[(location, found[0])] = "documented" if bool(imported_real.any()) else "all"
        return _DEFAULTS[(location, found[0])]
    return _DEFAULTS[key]


@functools.lru_cache(maxsize=2)
def _shipped_ids(path: str) -> frozenset[str]:
    """The project ids of the shipped projects layer."""
    frame = pyogrio.read_dataframe(path, columns=["project_id"], read_geometry=False)
    return frozenset(frame["project_id"].astype(str))


def ensure_store() -> Path | str:
    """Create the store from the embedded projects layer if it does not exist yet; return where it is (the
    GeoPackage's path, or the database URL without its password)."""
    b = backend()
    if not b.exists():
        with b.transaction() as txn:
            if not txn.existed:
                txn.write(txn.state)
    return store_path() if isinstance(b, GpkgBackend) else b.location()


# ---------------------------------------------------------------- the import log


def history() -> list[ImportRecord]:
    """The import log, newest first (empty without a store)."""
    imports = backend().imports()
    return [_record(r) for _, r in imports.sort_values("import_id", ascending=False).iterrows()]


def source_files(import_ids: set[int] | list[int]) -> list[dict]:
    """Provenance of the given imports: id, file name, SHA-256 and time (for exports)."""
    wanted = {int(i) for i in import_ids}
    return [
        {"import_id": r.import_id, "file_name": r.file_name, "sha256": r.sha256, "imported_at": r.imported_at}
        for r in reversed(history())
        if r.import_id in wanted
    ]


# ---------------------------------------------------------------- changes


def apply_changes(change: ChangeSet) -> CommitResult:
    """Add or replace (keyed on project_id) the change set's rows in one atomic write, and log it."""
    rows = cast_columns(change.rows.reset_index(drop=True), PROJECTS)
    ids = rows["project_id"].astype(str)
    if ids.duplicated().any():
        raise StoreError(f"{change.file_name}: duplicate project ids {sorted(set(ids[ids.duplicated()]))}")
    with backend().transaction() as txn:
        new_state, result = plan_changes(txn.state, rows, ids, change)
        if new_state is not None:
            txn.write(new_state)
    return result


def edit_project(project_id: str, changes: dict, user: str | None = None, expected: str | None = None) -> CommitResult:
    """Correct fields of one stored project (logged and rolled back like an import). With ``expected`` (the
    ``row_token`` the editor saw), refused with ``StaleEdit`` when the row has changed since, checked under the
    write lock so two concurrent corrections never lose one."""
    current = portfolio()
    match = current[current["project_id"].astype(str) == project_id]
    if match.empty:
        raise StoreError(f"no project with id {project_id!r}")
    unknown = set(changes) - set(PROJECTS.columns) - {"geometry"}
    if unknown:
        raise StoreError(f"unknown field(s) {sorted(unknown)}; fields are {list(PROJECTS.columns)}")
    row = match.copy()
    for name, value in changes.items():
        row[name] = value
    label = f"edit of {project_id}"
    try:
        row = validate(row.drop(columns="import_id"), PROJECTS, file=label, outline=kosovo_outline())
    except LayerError as exc:
        raise StoreError(str(exc)) from None
    payload = json.dumps({"project_id": project_id, "changes": changes}, sort_keys=True, default=str).encode()
    return apply_changes(
        ChangeSet(
            rows=row,
            file_name=label,
            sha256=hashlib.sha256(payload).hexdigest(),
            size_bytes=len(payload),
            format="edit",
            mode="edit",
            user=user,
            replace_documented=True,  # correcting a chosen project is the explicit choice; the log names it
            expected={project_id: expected} if expected is not None else None,
        )
    )


def rollback(import_id: int | None = None, user: str | None = None) -> ImportRecord:
    """Undo one import (the last active one by default): rows it added are removed, rows it replaced come back.

    Refused (``StoreError``, nothing changed) when a later, still active import changed the same projects:
    roll that one back first.
    """
    b = backend()
    if not b.exists():
        raise StoreError("nothing to roll back: there is no project store yet")
    with b.transaction() as txn:
        new_state, record = plan_rollback(txn.state, import_id, user)
        txn.write(new_state)
    return record


__all__ = [
    "ACTIVE",
    "DATABASE_URL_ENV",
    "HISTORY_EXTRA",
    "HISTORY_LAYER",
    "IMPORTS_LAYER",
    "IMPORT_COLUMNS",
    "LOCK_FILE",
    "PROJECTS_LAYER",
    "ROLLED_BACK",
    "STORE_FILE",
    "Backend",
    "ChangeSet",
    "CommitResult",
    "ImportRecord",
    "Problem",
    "StaleEdit",
    "StoreError",
    "StoreState",
    "Transaction",
    "apply_changes",
    "backend",
    "current_projects",
    "current_user",
    "database_url",
    "default_dataset",
    "digest",
    "edit_project",
    "embedded_projects",
    "ensure_store",
    "exists",
    "fingerprint",
    "guarded_changes",
    "history",
    "is_documented",
    "location",
    "portfolio",
    "last_change",
    "replacement_reason",
    "row_key",
    "row_token",
    "rollback",
    "source_files",
    "store_path",
    "version",
]
