"""What both store backends share: the log's records, the change sets, row identity, the guard on documented
data, and the state transitions of an import and a rollback, computed in memory from one ``StoreState``.

A backend (``gpkg``, ``postgis``) only reads a state, holds the write lock, and writes the new state; everything
that decides *what* changes lives here, so the two behave the same by construction.

Why one module: it is the single place that decides what an import, a correction and a rollback do on
both backends; the records, the guard and the transitions it computes change together.
"""

from __future__ import annotations

import getpass
import hashlib
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata import config
from geodata.facts.layers import PROJECTS
from geodata.facts.validate import LayerError, shared_strings, validate
from geodata.io.files import kosovo_outline, read_file

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


def seed_state() -> StoreState:
    return StoreState(embedded_projects(), _empty_history(), _empty_imports())


def with_shared_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each of the projects' text columns holding every distinct value once (``shared_strings``):
    what a store's reader gives has a string per cell. Changes ``frame`` (a reader's own) and returns it."""
    for name, dtype in PROJECTS.columns.items():
        if dtype == "string" and name in frame and pd.api.types.is_string_dtype(frame[name]):
            frame[name] = shared_strings(frame[name])
    return frame


def projects_from_frame(gdf: gpd.GeoDataFrame, label: str) -> gpd.GeoDataFrame:
    """A stored projects table (the spec's columns, ``import_id`` and the point) validated like every layer."""
    import_ids = pd.to_numeric(gdf.get("import_id"), errors="coerce") if "import_id" in gdf else None
    gdf = validate(gdf, PROJECTS, file=label, outline=kosovo_outline())
    gdf["import_id"] = (
        pd.Series(pd.NA, index=gdf.index, dtype="Int64") if import_ids is None else import_ids.astype("Int64")
    )
    return gdf.reset_index(drop=True)


def history_from_frame(history: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A stored history table in its schema (columns in order, typed)."""
    return gpd.GeoDataFrame(
        _typed(pd.DataFrame(history.drop(columns="geometry")), {**PROJECTS.columns, **HISTORY_EXTRA}),
        geometry=history.geometry.values,
        crs=PROJECTS.crs,
    )


def imports_from_frame(imports: pd.DataFrame) -> pd.DataFrame:
    return _typed(imports, IMPORT_COLUMNS)[list(IMPORT_COLUMNS)]


def _record(row: pd.Series) -> ImportRecord:
    values = {}
    for name, dtype in IMPORT_COLUMNS.items():
        v = row.get(name)
        if dtype == "Int64":
            values[name] = 0 if pd.isna(v) else int(v)
        else:
            values[name] = "" if v is None or pd.isna(v) else str(v)
    return ImportRecord(**values)


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


def plan_changes(state: StoreState, rows: gpd.GeoDataFrame, ids: pd.Series, change: ChangeSet):
    """The state after adding or replacing (keyed on project_id) ``rows`` (cast, ids unique) and logging it:
    ``(new_state, result)``, or ``(None, result)`` when every row is already stored. Raises ``StaleEdit`` when an
    expected row changed, ``StoreError`` when documented rows would be replaced without the explicit choice or
    the result is invalid. Run it under the backend's write lock, on the state read under that lock."""
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
        return None, CommitResult(None, unchanged=tuple(unchanged))
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
    history_frame = gpd.GeoDataFrame(pd.concat(history_parts, ignore_index=True), crs=PROJECTS.crs)
    new_state = StoreState(projects, history_frame, new_imports.reset_index(drop=True))
    return new_state, CommitResult(record, tuple(added), tuple(updated), tuple(unchanged))


def plan_rollback(state: StoreState, import_id: int | None, user: str | None) -> tuple[StoreState, ImportRecord]:
    """The state after undoing one import (the last active one by default), and its log record as rolled back.
    Raises ``StoreError`` (nothing to roll back, unknown or already rolled back, a later import changed the
    same projects)."""
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
    record = ImportRecord(**{**target.as_dict(), "status": ROLLED_BACK, "rolled_back_at": when, "rolled_back_by": who})
    return StoreState(projects, state.history, imports), record
