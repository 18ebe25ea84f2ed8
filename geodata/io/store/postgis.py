"""The PostgreSQL + PostGIS backend, chosen by ``TFA_DATABASE_URL=postgresql://user@host:port/db``.

Tables (created by the Alembic migrations in ``migrations/``; ``python -m geodata db upgrade``):

* ``projects``    the current portfolio in row order (``position``), the point as ``geometry(Point, 4326)`` with a
  GiST index;
* ``history``     the rows every import replaced or added, in order;
* ``imports``     the import log;
* ``store_meta``  one row: ``version`` (raised by every committed change), ``seeded``, ``changed_at``.

Every change runs in one transaction that first locks the ``store_meta`` row (``SELECT … FOR UPDATE``): writers
queue on it, the state is read after the lock is held, the optimistic-concurrency check of a correction
(``ChangeSet.expected``) runs inside that transaction, and the new state is written before it commits. Readers
never wait and never see a part of a change (each read is one snapshot). ``version()`` is one primary-key read of
``store_meta``, reused for at most ``VERSION_TTL_S`` (0.2 s), so every instance sees a committed change within
that and this process its own changes at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from geodata.facts.layers import PROJECTS
from geodata.io.store.model import (
    HISTORY_EXTRA,
    IMPORT_COLUMNS,
    StoreError,
    StoreState,
    history_from_frame,
    imports_from_frame,
    projects_from_frame,
    seed_state,
    with_shared_text,
)

MIGRATIONS = Path(__file__).with_name("migrations")
PROJECT_COLUMNS = [*PROJECTS.columns, "import_id"]
HISTORY_COLUMNS = [*PROJECTS.columns, *HISTORY_EXTRA]
#: How long a process reuses the version it read (seconds): other instances' changes are seen within this, well
#: under the 1 s the issue asks; this process's own changes at once (a commit forgets the cached version).
VERSION_TTL_S = 0.2
_TYPES = {"string": str, "Int64": int, "float64": float, "bool": bool}
_COLUMN_TYPES = {**PROJECTS.columns, "import_id": "Int64", **HISTORY_EXTRA, **IMPORT_COLUMNS}


def engine_url(url: str) -> sa.URL:
    """A ``postgresql://`` (or ``postgres://``) URL with the psycopg 3 driver."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if parsed.get_backend_name() != "postgresql":
        raise StoreError(f"TFA_DATABASE_URL must be a postgresql:// URL, not {parsed.get_backend_name()}://")
    return parsed.set(drivername="postgresql+psycopg")


_ENGINES: dict[str, PostgisBackend] = {}
_ENGINES_LOCK = threading.Lock()


def backend_for(url: str) -> PostgisBackend:
    """One backend (one connection pool) per URL in this process."""
    with _ENGINES_LOCK:
        if url not in _ENGINES:
            _ENGINES[url] = PostgisBackend(url)
        return _ENGINES[url]


def dispose_all() -> None:
    """Close every pooled connection (tests drop their databases afterwards)."""
    with _ENGINES_LOCK:
        for b in _ENGINES.values():
            b.engine.dispose()
        _ENGINES.clear()


def _after_fork() -> None:
    """A forked worker (gunicorn with a preloaded app) must not use the parent's pooled connections: forget them
    without closing them (the parent still uses its own); the child opens new ones on first use."""
    for b in _ENGINES.values():
        b.engine.dispose(close=False)


os.register_at_fork(after_in_child=_after_fork)


def _select(table: str, columns: list[str], order: str) -> sa.TextClause:
    names = ", ".join(f'"{c}"' for c in columns)
    return sa.text(f"SELECT {names}, ST_AsBinary(geometry) AS geometry FROM {table} ORDER BY {order}")


def _geo(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    wkb = [None if v is None else bytes(v) for v in frame.pop("geometry")]
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries.from_wkb(wkb, crs=PROJECTS.crs), crs=PROJECTS.crs)


def _python(values: pd.Series, dtype: str) -> list:
    """A column as plain Python values for the driver (NA and NaN as None)."""
    kind = _TYPES[dtype]
    out = []
    for v in values.astype(object).tolist():
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        else:
            out.append(kind(v))
    return out


def _insert(conn: Connection, table: str, frame: pd.DataFrame, columns: list[str], start: int = 0) -> None:
    """Insert the frame's rows (``position`` from ``start``; ``geometry`` when the table has one)."""
    if frame.empty:
        return
    data = {c: _python(frame[c], _COLUMN_TYPES[c]) for c in columns}
    keys = list(columns)
    if table != "imports":
        data["position"] = list(range(start, start + len(frame)))
        geoms = frame.geometry.to_numpy()
        data["geometry"] = [None if g is None or g.is_empty else bytes(shapely.to_wkb(g)) for g in geoms]
        keys.append("position")
    names = ", ".join(f'"{c}"' for c in keys)
    params = ", ".join(f":p{i}" for i in range(len(keys)))
    if table != "imports":
        names += ", geometry"
        params += ", ST_GeomFromWKB(:geometry, 4326)"
    rows = [
        {
            **{f"p{i}": data[k][n] for i, k in enumerate(keys)},
            **({"geometry": data["geometry"][n]} if "geometry" in data else {}),
        }
        for n in range(len(frame))
    ]
    conn.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({params})"), rows)


def _missing_schema(exc: Exception, where: str) -> StoreError:
    return StoreError(
        f"the database at {where} has no project store tables ({type(exc).__name__}); "
        "create them with `python -m geodata db upgrade`"
    )


class _Transaction:
    def __init__(self, conn: Connection, state: StoreState, existed: bool):
        self._conn, self.state, self.existed = conn, state, existed
        self.written = False

    def write(self, state: StoreState) -> None:
        _write(self._conn, state, old=self.state if self.existed else None)
        self.written = True


def _write(conn: Connection, state: StoreState, old: StoreState | None) -> None:
    """Replace the stored state inside the caller's transaction. The history only grows with a change: the rows
    after the old state's are appended (a shorter or new history is written whole)."""
    conn.execute(sa.text("DELETE FROM projects"))
    _insert(conn, "projects", state.projects, PROJECT_COLUMNS)
    kept = len(old.history) if old is not None and len(state.history) >= len(old.history) else 0
    if kept == 0:
        conn.execute(sa.text("DELETE FROM history"))
    _insert(conn, "history", state.history.iloc[kept:], HISTORY_COLUMNS, start=kept)
    conn.execute(sa.text("DELETE FROM imports"))
    _insert(conn, "imports", state.imports, list(IMPORT_COLUMNS))
    conn.execute(
        sa.text(
            "UPDATE store_meta SET version = version + 1, seeded = true, "
            "changed_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') WHERE id = 1"
        )
    )


class PostgisBackend:
    """The ``Backend`` over one PostgreSQL database with PostGIS."""

    name = "postgis"

    def __init__(self, url: str):
        self.url = engine_url(url)
        self.engine: Engine = sa.create_engine(self.url, pool_pre_ping=True, pool_size=5, max_overflow=5)
        self._where = self.url.render_as_string(hide_password=True).replace("postgresql+psycopg", "postgresql")
        self._cache: dict[str, gpd.GeoDataFrame] = {}
        self._cache_lock = threading.Lock()
        self._version: tuple[float, str | None] | None = None
        # bumped by each write of this process: a version read that began before a write is not kept after it
        self._generation = 0

    # ------------------------------------------------------------ reading

    def location(self) -> str:
        return self._where

    def _meta(self, conn: Connection, lock: bool = False) -> tuple[int, bool]:
        try:
            row = conn.execute(
                sa.text("SELECT version, seeded FROM store_meta WHERE id = 1" + (" FOR UPDATE" if lock else ""))
            ).one_or_none()
        except sa.exc.ProgrammingError as exc:
            raise _missing_schema(exc, self._where) from None
        if row is None:
            raise StoreError(f"the database at {self._where} has no store_meta row; run `python -m geodata db upgrade`")
        return int(row[0]), bool(row[1])

    def version(self) -> str | None:
        now = time.monotonic()
        cached = self._version
        if cached is not None and now - cached[0] < VERSION_TTL_S:
            return cached[1]
        generation = self._generation
        with self.engine.connect() as conn:
            number, seeded = self._meta(conn)
        token = f"{self._where}#{number}" if seeded else None
        with self._cache_lock:
            # a write of this process that ended meanwhile forgot the version: this read may predate it, and
            # keeping it would show a reader the portfolio before that write for up to VERSION_TTL_S
            if self._generation == generation:
                self._version = (now, token)
        return token

    def exists(self) -> bool:
        return self.version() is not None

    def _read_projects(self, conn: Connection) -> gpd.GeoDataFrame:
        frame = with_shared_text(pd.read_sql(_select("projects", PROJECT_COLUMNS, "position"), conn))
        return projects_from_frame(_geo(frame), f"{self._where} (table projects)")

    def _read_state(self, conn: Connection) -> StoreState:
        projects = self._read_projects(conn)
        history = history_from_frame(_geo(pd.read_sql(_select("history", HISTORY_COLUMNS, "position"), conn)))
        return StoreState(projects, history, self._read_imports(conn))

    def _read_imports(self, conn: Connection) -> pd.DataFrame:
        names = ", ".join(f'"{c}"' for c in IMPORT_COLUMNS)
        return imports_from_frame(pd.read_sql(sa.text(f"SELECT {names} FROM imports ORDER BY import_id"), conn))

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """One consistent view of the database for several reads."""
        with self.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
            yield conn

    def projects(self) -> tuple[str, gpd.GeoDataFrame] | None:
        token = self.version()
        if token is None:
            return None
        with self._cache_lock:
            if token in self._cache:
                return token, self._cache[token]
        with self._snapshot() as conn:
            number, seeded = self._meta(conn)
            if not seeded:
                return None
            token = f"{self._where}#{number}"
            frame = self._read_projects(conn)
        with self._cache_lock:
            if len(self._cache) >= 2:
                self._cache.pop(next(iter(self._cache)))
            self._cache[token] = frame
        return token, frame

    def imports(self) -> pd.DataFrame:
        with self._snapshot() as conn:
            _, seeded = self._meta(conn)
            if not seeded:
                return imports_from_frame(pd.DataFrame(columns=list(IMPORT_COLUMNS)))
            return self._read_imports(conn)

    def read_state(self) -> StoreState | None:
        with self._snapshot() as conn:
            _, seeded = self._meta(conn)
            return self._read_state(conn) if seeded else None

    # ------------------------------------------------------------ writing

    @contextlib.contextmanager
    def transaction(self) -> Iterator[_Transaction]:
        """Lock the version row, read the state, yield; commit when the block ends, roll back on an error."""
        try:
            with self.engine.connect() as conn, conn.begin():
                _, seeded = self._meta(conn, lock=True)
                state = self._read_state(conn) if seeded else seed_state()
                yield _Transaction(conn, state, seeded)
        finally:
            self._forget_version()  # this process sees its own change at once

    def replace_all(self, state: StoreState) -> None:
        try:
            with self.engine.connect() as conn, conn.begin():
                self._meta(conn, lock=True)
                _write(conn, state, old=None)
        finally:
            self._forget_version()

    def _forget_version(self) -> None:
        with self._cache_lock:
            self._generation += 1
            self._version = None

    def digest(self) -> str:
        """SHA-256 over the version row and every table's rows in order ('' without a store)."""
        with self._snapshot() as conn:
            number, seeded = self._meta(conn)
            if not seeded:
                return ""
            h = hashlib.sha256(str(number).encode())
            for table, order in (("projects", "position"), ("history", "position"), ("imports", "import_id")):
                text = conn.execute(
                    sa.text(f"SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t.{order}), '') FROM {table} t")
                ).scalar_one()
                h.update(text.encode())
            return h.hexdigest()


# ---------------------------------------------------------------- schema


def upgrade(url: str, revision: str = "head") -> str:
    """Run the Alembic migrations up to ``revision`` on the database; returns the revision it is at."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    engine = sa.create_engine(engine_url(url))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision() or ""
    finally:
        engine.dispose()


__all__ = ["PostgisBackend", "backend_for", "dispose_all", "engine_url", "upgrade"]
