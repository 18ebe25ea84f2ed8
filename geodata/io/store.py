"""The project data store: one GeoPackage in the user data directory.

Layout of ``portfolio.gpkg`` (in ``config.user_data_dir()``):

* ``projects``  the current portfolio: the columns of ``layers.PROJECTS`` plus
  ``import_id`` (the import that wrote the row; empty for seeded rows);
* ``history``   for every import, the rows it replaced (``change="updated"``,
  the full previous row) and the ids it added (``change="added"``);
* ``imports``   the import log: when, file name, SHA-256, rows added, updated,
  unchanged and rejected, by whom, whether it was rolled back, and the
  documented projects it replaced by explicit choice (``replaced_documented``).

Documented data is guarded: a change that would replace a documented project
(shipped, or imported with its own sources) or turn a sample row into documented
data is refused unless the caller chooses to replace them
(``ChangeSet.replace_documented``); the choice is recorded in the log, and a
rollback restores the replaced rows. ``guarded_changes`` says which rows need it.

Every change (import, edit, rollback) builds the complete new state in memory,
validates it, writes it to a new file next to the store and swaps it in with
``os.replace``. A reader either opens the old file or the new one, never a
half-written one, and a failure at any point leaves the store byte-identical.
Writers take an exclusive ``flock`` so two imports never lose each other's rows.

The store is created (seeded from the embedded projects layer) on the first
write or by an explicit ``ensure_store()``; reading never creates it.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import getpass
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geodata import config
from geodata.facts.layers import PROJECTS
from geodata.facts.validate import LayerError, Problem, cast_columns, validate
from geodata.io.files import kosovo_outline, read_file

STORE_FILE = "portfolio.gpkg"
LOCK_FILE = "portfolio.lock"
PROJECTS_LAYER = "projects"
HISTORY_LAYER = "history"
IMPORTS_LAYER = "imports"

#: Columns of the import log, in order, with their dtypes.
IMPORT_COLUMNS: dict[str, str] = {
    "import_id": "Int64",
    "imported_at": "string",
    "file_name": "string",
    "sha256": "string",
    "size_bytes": "Int64",
    "format": "string",
    "rows_added": "Int64",
    "rows_updated": "Int64",
    "rows_unchanged": "Int64",
    "rows_rejected": "Int64",
    "mode": "string",
    "user": "string",
    "status": "string",
    "rolled_back_at": "string",
    "rolled_back_by": "string",
    "replaced_documented": "string",  # space-separated ids replaced by explicit choice (absent in older stores)
}
HISTORY_EXTRA: dict[str, str] = {
    "change_import_id": "Int64",  # the import that made the change
    "change": "string",  # "added" or "updated"
    "prior_import_id": "Int64",  # the import that had written the replaced row
}
ACTIVE = "active"
ROLLED_BACK = "rolled back"


class StoreError(Exception):
    """A store operation was refused (nothing to roll back, a conflict, an invalid result). Nothing changed."""


class StaleEdit(StoreError):
    """A change made from a view of a project that someone else has changed since (optimistic concurrency)."""

    def __init__(self, project_id: str, who: str, when: str):
        self.project_id, self.who, self.when = project_id, who, when
        by = f" by {who}" if who else ""
        at = f" at {when.replace('T', ' ').replace('+00:00', ' UTC')}" if when else ""
        super().__init__(
            f"{project_id} was changed{by}{at} since you opened it; nothing was written. Choose it again to see "
            "the stored values."
        )


@dataclass(frozen=True)
class ImportRecord:
    """One line of the import log."""

    import_id: int
    imported_at: str
    file_name: str
    sha256: str
    size_bytes: int
    format: str
    rows_added: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    mode: str
    user: str
    status: str
    rolled_back_at: str = ""
    rolled_back_by: str = ""
    replaced_documented: str = ""

    @property
    def replaced_documented_ids(self) -> tuple[str, ...]:
        return tuple(self.replaced_documented.split())

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ChangeSet:
    """Validated rows to write, and where they came from. ``default_sources`` marks rows whose ``sources``
    the file did not give: the store appends the import id to them. ``replace_documented`` is the explicit
    choice to replace documented projects (see ``guarded_changes``); without it such a change is refused."""

    rows: gpd.GeoDataFrame
    file_name: str
    sha256: str
    size_bytes: int
    format: str
    mode: str = "valid rows"
    rows_rejected: int = 0
    user: str | None = None
    default_sources: np.ndarray | None = None
    replace_documented: bool = False
    #: ``project_id -> row_token`` of the rows the change was made from: checked under the write lock, and the
    #: change is refused (``StaleEdit``) when one of them has changed since.
    expected: dict[str, str] | None = None


@dataclass(frozen=True)
class CommitResult:
    """What a commit did. ``record`` is None when nothing changed (every row was already in the store)."""

    record: ImportRecord | None
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.record is None:
            return f"nothing written: all {len(self.unchanged)} valid row(s) are already in the store"
        r = self.record
        text = (
            f"import {r.import_id}: {r.rows_added} added, {r.rows_updated} updated, "
            f"{r.rows_unchanged} unchanged, {r.rows_rejected} rejected"
        )
        if r.replaced_documented:
            text += f"; documented project(s) replaced by explicit choice: {', '.join(r.replaced_documented_ids)}"
        return text


@dataclass
class StoreState:
    projects: gpd.GeoDataFrame
    history: gpd.GeoDataFrame
    imports: pd.DataFrame = field(repr=False)


# ---------------------------------------------------------------- paths and versions


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


def current_user() -> str:
    """Who is running the command, when the system knows; '' otherwise."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# ---------------------------------------------------------------- row identity


def _cell(value: object) -> object:
    """A comparable form of one value: NA and '' are the same (no value); floats to 9 decimals."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else round(float(value), 9)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    text = str(value)
    return text if text != "" else None


def row_key(row: pd.Series, ignore: tuple[str, ...] = ()) -> tuple:
    """The content of one project row (spec columns and the point) as a comparable tuple."""
    values = tuple(_cell(row.get(c)) if c not in ignore else None for c in PROJECTS.columns)
    geom = row.get("geometry")
    point = None if geom is None or geom.is_empty else (round(geom.x, 7), round(geom.y, 7))
    return values + (point,)


def row_token(row: pd.Series) -> str:
    """A token of one stored row's content and the import that wrote it (what an editor's form was filled from)."""
    key = row_key(row) + (_cell(row.get("import_id")),)
    return hashlib.sha256(repr(key).encode()).hexdigest()[:16]


def last_change(state: StoreState, project_id: str) -> tuple[str, str]:
    """``(who, when)`` of the latest logged change to a project: the import or edit that wrote its current row,
    or a later rollback that restored it (``('', '')`` for a shipped row never changed)."""
    imports = state.imports
    events: list[tuple[str, str]] = []
    current = state.projects[state.projects["project_id"].astype(str) == project_id]
    if len(current) and pd.notna(current.iloc[0]["import_id"]):
        wrote = imports[imports["import_id"] == current.iloc[0]["import_id"]]
        events += [(str(r["imported_at"]), str(r["user"] if pd.notna(r["user"]) else "")) for _, r in wrote.iterrows()]
    hist = state.history
    touched = set(hist.loc[hist["project_id"].astype(str) == project_id, "change_import_id"].dropna().astype(int))
    undone = imports[imports["import_id"].isin(touched) & (imports["status"] == ROLLED_BACK)]
    for _, r in undone.iterrows():
        events.append((str(r["rolled_back_at"]), str(r["rolled_back_by"] if pd.notna(r["rolled_back_by"]) else "")))
    if not events:
        return "", ""
    when, who = max(events)
    return who, when


def fingerprint(projects: pd.DataFrame, with_import_ids: bool = False) -> str:
    """SHA-256 over the portfolio's content in row order (for "is it the same portfolio" checks)."""
    h = hashlib.sha256()
    for _, row in projects.iterrows():
        key = row_key(row)
        if with_import_ids:
            key += (_cell(row.get("import_id")),)
        h.update(repr(key).encode())
    return h.hexdigest()


# ---------------------------------------------------------------- documented data is guarded

#: The ``sources`` the store gives rows whose file named none ("imported from x.csv (import 3)"): no source.
_DEFAULT_SOURCES = re.compile(r"^imported from .* \(import \d+\)$")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_documented(row: pd.Series) -> bool:
    """A documented project with its own sources: shipped (no import id) or imported from a file that gave
    sources. Rows whose only source is the file they came from are not."""
    if bool(row.get("is_sample")) or str(row.get("dataset")) != "documented":
        return False
    if pd.isna(row.get("import_id")):
        return True
    sources = _cell(row.get("sources"))
    return sources is not None and not _DEFAULT_SOURCES.match(str(sources))


def replacement_reason(old: pd.Series, new: pd.Series) -> str | None:
    """Why writing ``new`` over the stored ``old`` needs an explicit choice (None when it does not): it would
    replace a documented project, or turn a sample row into documented data."""
    title = _short(str(old.get("title") or old.get("project_id")), 60)
    if is_documented(old):
        urls = str(old.get("sources") or "").split()
        shown = _short(urls[0], 70) + (f" and {len(urls) - 1} more" if len(urls) > 1 else "") if urls else "none"
        return f"would replace the documented project '{title}' (sources: {shown}); choose to replace it explicitly"
    if bool(old.get("is_sample")) and not bool(new.get("is_sample")):
        return f"would turn the sample project '{title}' into documented data; choose to replace it explicitly"
    return None


def guarded_changes(current: pd.DataFrame, rows: pd.DataFrame, ids: list[str]) -> dict[str, str]:
    """``project_id -> why`` for the rows (``rows`` in the projects schema, ``ids`` their project ids) that would
    change a stored project only an explicit choice may replace (see ``replacement_reason``)."""
    position = {pid: i for i, pid in enumerate(current["project_id"].astype(str))}
    out: dict[str, str] = {}
    for i, pid in enumerate(ids):
        if pid in position:
            why = replacement_reason(current.iloc[position[pid]], rows.iloc[i])
            if why is not None:
                out[pid] = why
    return out


# ---------------------------------------------------------------- reading and writing


def _typed(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    out = df.copy()
    for name, dtype in columns.items():
        dtype = "boolean" if dtype == "bool" else dtype  # history rows may lack a value
        if name not in out.columns:
            out[name] = pd.Series(np.nan if dtype == "float64" else pd.NA, index=out.index, dtype=dtype)
        elif dtype == "Int64":
            out[name] = pd.to_numeric(out[name], errors="coerce").round().astype("Int64")
        else:
            out[name] = out[name].astype(dtype)
    return out


def _empty_history() -> gpd.GeoDataFrame:
    columns = {**PROJECTS.columns, **HISTORY_EXTRA}
    frame = _typed(pd.DataFrame(index=pd.RangeIndex(0)), columns)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=PROJECTS.crs), crs=PROJECTS.crs)


def _empty_imports() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in IMPORT_COLUMNS.items()})


def embedded_projects() -> gpd.GeoDataFrame:
    """The shipped projects layer (documented rows and the sample portfolio), validated."""
    path = config.DATA_DIR / PROJECTS.path
    gdf = validate(read_file(path), PROJECTS, file=str(path), outline=kosovo_outline())
    gdf["import_id"] = pd.Series(pd.NA, index=gdf.index, dtype="Int64")
    return gdf.reset_index(drop=True)


def _seed_state() -> StoreState:
    return StoreState(embedded_projects(), _empty_history(), _empty_imports())


def _read_projects(path: Path) -> gpd.GeoDataFrame:
    gdf = pyogrio.read_dataframe(path, layer=PROJECTS_LAYER)
    import_ids = pd.to_numeric(gdf.get("import_id"), errors="coerce") if "import_id" in gdf else None
    gdf = validate(gdf, PROJECTS, file=f"{path} (layer {PROJECTS_LAYER})", outline=kosovo_outline())
    gdf["import_id"] = (
        pd.Series(pd.NA, index=gdf.index, dtype="Int64") if import_ids is None else import_ids.astype("Int64")
    )
    return gdf.reset_index(drop=True)


def _read_state(path: Path) -> StoreState:
    projects = _read_projects(path)
    history = pyogrio.read_dataframe(path, layer=HISTORY_LAYER)
    history = gpd.GeoDataFrame(
        _typed(pd.DataFrame(history.drop(columns="geometry")), {**PROJECTS.columns, **HISTORY_EXTRA}),
        geometry=history.geometry.values,
        crs=PROJECTS.crs,
    )
    imports = _typed(pyogrio.read_dataframe(path, layer=IMPORTS_LAYER), IMPORT_COLUMNS)
    return StoreState(projects, history, imports[list(IMPORT_COLUMNS)])


@functools.lru_cache(maxsize=4)
def _projects_cached(path: str, token: str) -> gpd.GeoDataFrame:
    return _read_projects(Path(path))


def current_projects() -> gpd.GeoDataFrame:
    """The store's portfolio, validated like every layer (cached per store version; a copy is returned).

    Raises ``StoreError`` when there is no store yet (use ``load.load_layer`` to fall back to the embedded file).
    """
    token = version()
    if token is None:
        raise StoreError(f"no project store at {store_path()}")
    return _projects_cached(str(store_path()), token).copy()


def portfolio() -> gpd.GeoDataFrame:
    """The current portfolio: the store's when it exists, else the embedded layer (with empty import ids)."""
    return current_projects() if exists() else embedded_projects()


def default_dataset() -> str:
    """The dataset views show when the URL names none: "documented" once the current portfolio holds imported
    real projects (documented rows that were not shipped), so the sample is opt-in; "all" otherwise."""
    token = version()
    if token is None:
        return "all"
    return _default_dataset(str(store_path()), token)


@functools.lru_cache(maxsize=4)
def _default_dataset(path: str, token: str) -> str:
    projects = _projects_cached(path, token)
    shipped = _shipped_ids(str(config.DATA_DIR / PROJECTS.path))
    imported_real = ~projects["is_sample"].astype(bool) & ~projects["project_id"].astype(str).isin(shipped)
    return "documented" if bool(imported_real.any()) else "all"


@functools.lru_cache(maxsize=2)
def _shipped_ids(path: str) -> frozenset[str]:
    """The project ids of the shipped projects layer."""
    frame = pyogrio.read_dataframe(path, columns=["project_id"], read_geometry=False)
    return frozenset(frame["project_id"].astype(str))


def _write_state(state: StoreState, path: Path) -> None:
    """Write the whole state to a new file and swap it in atomically; on failure the old file is untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".portfolio-", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # GDAL creates the file itself
    try:
        projects = state.projects.copy()
        projects["import_id"] = projects["import_id"].astype("Int64")
        pyogrio.write_dataframe(projects, tmp, layer=PROJECTS_LAYER, driver="GPKG", geometry_type="Point")
        pyogrio.write_dataframe(state.history, tmp, layer=HISTORY_LAYER, driver="GPKG", geometry_type="Point")
        pyogrio.write_dataframe(state.imports, tmp, layer=IMPORTS_LAYER, driver="GPKG")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _locked() -> Iterator[StoreState]:
    """Exclusive write access: yields the current state (seeded when there is no store yet)."""
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / LOCK_FILE, "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield _read_state(path) if path.is_file() else _seed_state()
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def ensure_store() -> Path:
    """Create the store from the embedded projects layer if it does not exist yet; return its path."""
    path = store_path()
    if path.is_file():
        return path
    with _locked() as state:
        if not path.is_file():
            _write_state(state, path)
    return path


# ---------------------------------------------------------------- the import log


def _record(row: pd.Series) -> ImportRecord:
    values = {}
    for name, dtype in IMPORT_COLUMNS.items():
        v = row.get(name)
        if dtype == "Int64":
            values[name] = 0 if pd.isna(v) else int(v)
        else:
            values[name] = "" if v is None or pd.isna(v) else str(v)
    return ImportRecord(**values)


def history() -> list[ImportRecord]:
    """The import log, newest first (empty without a store)."""
    path = store_path()
    if not path.is_file():
        return []
    imports = _typed(pyogrio.read_dataframe(path, layer=IMPORTS_LAYER), IMPORT_COLUMNS)
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


def _validated(projects: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    import_ids = projects["import_id"].astype("Int64")
    try:
        out = validate(projects.reset_index(drop=True), PROJECTS, file=what, outline=kosovo_outline())
    except LayerError as exc:
        raise StoreError(f"{what} would make the portfolio invalid; nothing was written:\n{exc}") from None
    out["import_id"] = import_ids.to_numpy()
    return out


def _history_rows(rows: gpd.GeoDataFrame, **extra: object) -> gpd.GeoDataFrame:
    out = rows.drop(columns=["import_id"], errors="ignore").copy()
    for name, value in extra.items():
        out[name] = value
    return gpd.GeoDataFrame(
        _typed(pd.DataFrame(out.drop(columns="geometry")), {**PROJECTS.columns, **HISTORY_EXTRA}),
        geometry=out.geometry.values,
        crs=PROJECTS.crs,
    )[list(_empty_history().columns)]


def apply_changes(change: ChangeSet) -> CommitResult:
    """Add or replace (keyed on project_id) the change set's rows in one atomic write, and log it."""
    rows = cast_columns(change.rows.reset_index(drop=True), PROJECTS)
    ids = rows["project_id"].astype(str)
    if ids.duplicated().any():
        raise StoreError(f"{change.file_name}: duplicate project ids {sorted(set(ids[ids.duplicated()]))}")
    path = store_path()
    with _locked() as state:
        imports = state.imports
        new_id = int(imports["import_id"].max()) + 1 if len(imports) else 1
        rows = rows.copy()
        if change.default_sources is not None:
            mask = np.asarray(change.default_sources, dtype=bool)
            rows.loc[mask, "sources"] = rows.loc[mask, "sources"].astype(str) + f" (import {new_id})"
        rows["import_id"] = pd.Series(new_id, index=rows.index, dtype="Int64")

        projects = state.projects.copy()
        position = {pid: i for i, pid in enumerate(projects["project_id"].astype(str))}
        for pid, token in (change.expected or {}).items():
            if pid not in position or row_token(projects.iloc[position[pid]]) != token:
                raise StaleEdit(pid, *last_change(state, pid))
        added, updated, unchanged = [], [], []
        replaced_positions, replacement_rows, prior_rows = [], [], []
        guarded: dict[str, str] = {}
        defaults = (
            np.zeros(len(rows), dtype=bool)
            if change.default_sources is None
            else np.asarray(change.default_sources, dtype=bool)
        )
        for i, pid in enumerate(ids):
            if pid in position:
                new_row = rows.iloc[i]  # only for ids already stored: a row lookup per added row is slow
                old = projects.iloc[position[pid]]
                # A file without sources gets "imported from <file>": that alone is no change.
                ignore = ("sources",) if defaults[i] else ()
                if row_key(old, ignore) == row_key(new_row, ignore):
                    unchanged.append(pid)
                    continue
                why = replacement_reason(old, new_row)
                if why is not None:
                    guarded[pid] = why
                updated.append(pid)
                replaced_positions.append(position[pid])
                replacement_rows.append(i)
                prior_rows.append(position[pid])
            else:
                added.append(pid)
        if not added and not updated:
            return CommitResult(None, unchanged=tuple(unchanged))
        if guarded and not change.replace_documented:
            raise StoreError(
                f"{change.file_name}: nothing was written; {len(guarded)} row(s) need an explicit choice:\n"
                + "\n".join(f"  project_id {pid}: {why}" for pid, why in guarded.items())
            )

        history_parts = [state.history]
        if prior_rows:
            prior = projects.iloc[prior_rows]
            history_parts.append(
                _history_rows(
                    prior,
                    change_import_id=new_id,
                    change="updated",
                    prior_import_id=prior["import_id"].to_numpy(),
                )
            )
        if added:
            markers = rows[rows["project_id"].astype(str).isin(added)][["project_id", "geometry"]].copy()
            markers["geometry"] = None
            history_parts.append(_history_rows(markers, change_import_id=new_id, change="added"))

        columns = list(projects.columns)
        incoming = rows[columns]
        combined = pd.concat([projects[columns], incoming], ignore_index=True)
        order = list(range(len(projects)))
        for pos, i in zip(replaced_positions, replacement_rows, strict=True):
            order[pos] = len(projects) + i
        added_set = set(added)  # built once: a set per row made this loop quadratic (50,000 rows: ~100 s)
        order += [len(projects) + i for i, pid in enumerate(ids) if pid in added_set]
        projects = combined.iloc[order]
        projects = _validated(gpd.GeoDataFrame(projects, crs=PROJECTS.crs), f"import of {change.file_name}")

        record = ImportRecord(
            import_id=new_id,
            imported_at=_now(),
            file_name=change.file_name,
            sha256=change.sha256,
            size_bytes=int(change.size_bytes),
            format=change.format,
            rows_added=len(added),
            rows_updated=len(updated),
            rows_unchanged=len(unchanged),
            rows_rejected=int(change.rows_rejected),
            mode=change.mode,
            user=change.user if change.user is not None else current_user(),
            status=ACTIVE,
            replaced_documented=" ".join(guarded),
        )
        new_imports = pd.concat([imports, _typed(pd.DataFrame([record.as_dict()]), IMPORT_COLUMNS)])
        history_frame = gpd.GeoDataFrame(pd.concat(history_parts, ignore_index=True), crs=PROJECTS.crs)
        _write_state(StoreState(projects, history_frame, new_imports.reset_index(drop=True)), path)
    return CommitResult(record, tuple(added), tuple(updated), tuple(unchanged))


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
    path = store_path()
    if not path.is_file():
        raise StoreError("nothing to roll back: there is no project store yet")
    with _locked() as state:
        records = [_record(r) for _, r in state.imports.iterrows()]
        active = [r for r in records if r.status == ACTIVE]
        if import_id is None:
            if not active:
                raise StoreError("nothing to roll back: no active import in the log")
            target = max(active, key=lambda r: r.import_id)
        else:
            found = [r for r in records if r.import_id == import_id]
            if not found:
                raise StoreError(f"no import with id {import_id}; see `python -m geodata history`")
            target = found[0]
            if target.status != ACTIVE:
                raise StoreError(f"import {import_id} was already rolled back on {target.rolled_back_at}")
        hist = state.history
        mine = hist[hist["change_import_id"] == target.import_id]
        touched = set(mine["project_id"].astype(str))
        later_ids = {r.import_id for r in active if r.import_id > target.import_id}
        later = hist[hist["change_import_id"].isin(later_ids)]
        conflicts = sorted(touched & set(later["project_id"].astype(str)))
        if conflicts:
            blocking = sorted(set(later[later["project_id"].astype(str).isin(conflicts)]["change_import_id"]))
            raise StoreError(
                f"import {target.import_id} cannot be rolled back alone: later import(s) "
                f"{', '.join(map(str, blocking))} changed the same project(s) {', '.join(conflicts[:5])}"
                f"{' …' if len(conflicts) > 5 else ''}. Roll those back first."
            )
        projects = state.projects.copy()
        ids = projects["project_id"].astype(str)
        added = set(mine.loc[mine["change"] == "added", "project_id"].astype(str))
        replaced = mine[mine["change"] == "updated"]
        columns = list(projects.columns)
        restored = replaced.copy()
        restored["import_id"] = restored["prior_import_id"].astype("Int64")
        restored = gpd.GeoDataFrame(restored, geometry="geometry", crs=PROJECTS.crs)[columns]
        combined = pd.concat([projects[columns], restored], ignore_index=True)
        order = list(range(len(projects)))
        id_array = ids.to_numpy()
        for k, pid in enumerate(replaced["project_id"].astype(str)):
            order[int(np.flatnonzero(id_array == pid)[0])] = len(projects) + k
        order = [o for o, pid in zip(order, id_array, strict=True) if pid not in added]
        projects = combined.iloc[order]
        projects = _validated(gpd.GeoDataFrame(projects, crs=PROJECTS.crs), f"rollback of import {target.import_id}")
        imports = state.imports.copy()
        at = imports["import_id"] == target.import_id
        when, who = _now(), user if user is not None else current_user()
        imports.loc[at, "status"] = ROLLED_BACK
        imports.loc[at, "rolled_back_at"] = when
        imports.loc[at, "rolled_back_by"] = who
        _write_state(StoreState(projects, state.history, imports), path)
    return ImportRecord(**{**target.as_dict(), "status": ROLLED_BACK, "rolled_back_at": when, "rolled_back_by": who})


__all__ = [
    "ChangeSet",
    "CommitResult",
    "ImportRecord",
    "Problem",
    "StaleEdit",
    "StoreError",
    "apply_changes",
    "current_projects",
    "default_dataset",
    "edit_project",
    "embedded_projects",
    "ensure_store",
    "exists",
    "fingerprint",
    "guarded_changes",
    "history",
    "is_documented",
    "portfolio",
    "last_change",
    "replacement_reason",
    "row_token",
    "rollback",
    "source_files",
    "store_path",
    "version",
]
