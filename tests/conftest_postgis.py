"""The store's two backends in tests: the ``store_backend`` fixture runs a test once on the GeoPackage and once on
PostgreSQL + PostGIS (marker ``postgis``), each on an empty store of its own.

The database server: ``TFA_DATABASE_URL`` when it is set as the tests start (a server where the user may create
databases; the variable is then removed so every other test uses the GeoPackage), else a private cluster started
here for the session (``initdb`` into a temporary directory, ``pg_ctl`` on a free port, stopped at the end). A
template database is migrated once (``db upgrade``); each test gets a copy of it. When PostGIS cannot be started
the PostGIS cases are skipped with the reason, or fail when ``TFA_REQUIRE_POSTGIS=1`` (``make test`` sets it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.cluster_bench import free_port

PG_BIN = Path(os.environ.get("TFA_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
TEMPLATE = "tfa_store_template"
_SERVER_URL: dict[str, str] = {}


def pytest_configure(config):
    config.addinivalue_line("markers", "postgis: runs against PostgreSQL + PostGIS (a private cluster by default)")
    url = os.environ.pop("TFA_DATABASE_URL", "")
    if url:
        _SERVER_URL["url"] = url


@dataclass
class Cluster:
    """A private PostgreSQL cluster: ``url`` is its ``postgres`` database as the ``postgres`` superuser."""

    url: str
    directory: Path | None = None

    def stop(self) -> None:
        if self.directory is None:
            return
        _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "fast", "-w", "stop"])
        shutil.rmtree(self.directory, ignore_errors=True)


def _as_postgres(argv: list[str]) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        argv = ["runuser", "-u", "postgres", "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120)


def start_cluster() -> Cluster:
    """initdb into a temporary directory and start the server on a free port (raises RuntimeError with why not)."""
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError(f"PostgreSQL is not installed ({PG_BIN / 'initdb'} missing): apt-get install postgresql")
    if not POSTGIS_CONTROL.exists():
        raise RuntimeError("PostGIS is not installed: apt-get install postgresql-15-postgis-3")
    directory = Path(tempfile.mkdtemp(prefix="tfa-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    port = free_port()  # outside the ephemeral range: a client's own port can never be the server's
    try:
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(directory / "data"), "-A", "trust", "-U", "postgres"])
        options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        _as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(directory / "data"), "-o", options, "-l", str(directory / "log"), "-w"]
            + ["start"]
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", "") or ""
        shutil.rmtree(directory, ignore_errors=True)
        raise RuntimeError(f"could not start a PostgreSQL cluster: {exc} {detail[-500:]}") from None
    return Cluster(f"postgresql://postgres@127.0.0.1:{port}/postgres", directory)


def _admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def _database_url(server_url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgis_server() -> Iterator[str]:
    """The server's URL, with a migrated template database ``tfa_store_template`` on it."""
    cluster = None
    try:
        if "url" in _SERVER_URL:
            cluster = Cluster(_SERVER_URL["url"])
        else:
            cluster = start_cluster()
        from geodata.io.store import postgis

        _admin(cluster.url, f"DROP DATABASE IF EXISTS {TEMPLATE}", f"CREATE DATABASE {TEMPLATE}")
        postgis.upgrade(_database_url(cluster.url, TEMPLATE))
    except Exception as exc:  # noqa: BLE001 - reported as the skip or failure reason
        if cluster is not None:
            cluster.stop()
        reason = f"PostGIS store tests need a PostgreSQL server with PostGIS: {exc}"
        if os.environ.get("TFA_REQUIRE_POSTGIS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield cluster.url
    finally:
        with contextlib.suppress(Exception):
            _admin(cluster.url, f"DROP DATABASE IF EXISTS {TEMPLATE}")
        cluster.stop()


@dataclass
class StoreBackend:
    """Which backend a test runs on, and the two things its tests do differently."""

    name: str
    url: str = ""

    def digest(self) -> str:
        """Everything stored ('' without a store): the file's bytes, or the database's rows and version."""
        from geodata.io import store

        return store.digest()

    @contextlib.contextmanager
    def history_write_fails(self, monkeypatch) -> Iterator[None]:
        """Writing the history table fails half-way through a change (a full disk, a lost connection)."""
        if self.name == "gpkg":
            import pyogrio

            from geodata.io import store

            real = pyogrio.write_dataframe

            def fail_on_history(df, path, layer=None, **kwargs):
                if layer == store.HISTORY_LAYER:
                    raise OSError("disk full (simulated)")
                return real(df, path, layer=layer, **kwargs)

            with monkeypatch.context() as patch:
                patch.setattr(pyogrio, "write_dataframe", fail_on_history)
                yield
        else:
            from geodata.io.store import postgis

            real = postgis._insert

            def fail_on_history(conn, table, *args, **kwargs):
                if table == "history":
                    raise OSError("disk full (simulated)")
                return real(conn, table, *args, **kwargs)

            with monkeypatch.context() as patch:
                patch.setattr(postgis, "_insert", fail_on_history)
                yield


@contextlib.contextmanager
def new_database(server: str, template: str | None = TEMPLATE) -> Iterator[str]:
    """A database of its own on the server (a copy of the migrated template, or empty); dropped afterwards."""
    name = f"tfa_test_{uuid.uuid4().hex[:12]}"
    _admin(server, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    try:
        yield _database_url(server, name)
    finally:
        from geodata.io.store import postgis

        postgis.dispose_all()
        _admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def postgis_url(postgis_server) -> Iterator[str]:
    """The URL of a migrated, empty store database of the test's own (not selected: TFA_DATABASE_URL is unset)."""
    with new_database(postgis_server) as url:
        yield url


@pytest.fixture(params=["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)])
def store_backend(request, monkeypatch) -> Iterator[StoreBackend]:
    """The test's store: the GeoPackage in its own data directory, or its own PostGIS database."""
    if request.param == "gpkg":
        monkeypatch.delenv("TFA_DATABASE_URL", raising=False)
        yield StoreBackend("gpkg")
        return
    with new_database(request.getfixturevalue("postgis_server")) as url:
        monkeypatch.setenv("TFA_DATABASE_URL", url)
        yield StoreBackend("postgis", url)
