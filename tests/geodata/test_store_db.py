"""The shared database store: ``db upgrade`` and ``db copy`` (GeoPackage <-> PostGIS with the history and log), and
another instance's import seen within a second on both backends (the version every instance polls)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest_postgis import new_database

import geodata
from geodata.cli import main
from geodata.io import store
from geodata.io.importers import preview_bytes

ROOT = Path(__file__).resolve().parents[2]
HEADER = "project_id,title,sector,target_communities,municipality,status,start_date,committed,currency\n"


def rows(prefix: str, n: int) -> bytes:
    lines = (f"{prefix}-{i},Project {i},health,Roma,Zvečan,ongoing,2023-01,{100 + i},USD\n" for i in range(n))
    return (HEADER + "".join(lines)).encode()


def snapshot_of_store() -> tuple:
    """Everything a copy must carry: projects with import ids, history rows in order, the log."""
    state = store.backend().read_state()
    return (
        store.fingerprint(state.projects, with_import_ids=True),
        list(state.history["project_id"].astype(str)),
        list(state.history["change"].astype(str)),
        [r.as_dict() for r in store.history()],
    )


@pytest.mark.postgis
def test_db_upgrade_creates_the_schema_once(postgis_server, capsys, monkeypatch):
    with new_database(postgis_server, template=None) as url:
        assert main(["db", "upgrade", "--url", url]) == 0
        assert "schema at revision 0002" in capsys.readouterr().out
        assert main(["db", "upgrade", "--url", url]) == 0  # already at head: nothing to do
        monkeypatch.setenv("TFA_DATABASE_URL", url)
        assert not store.exists() and store.version() is None and store.history() == []
        store.ensure_store()
        assert store.exists() and store.version().endswith("#1")


@pytest.mark.postgis
def test_a_database_without_the_schema_says_to_run_db_upgrade(postgis_server, monkeypatch):
    with new_database(postgis_server, template=None) as url:
        monkeypatch.setenv("TFA_DATABASE_URL", url)
        with pytest.raises(store.StoreError, match="python -m geodata db upgrade"):
            store.exists()


@pytest.mark.postgis
def test_db_copy_moves_a_portfolio_with_its_history_both_ways(postgis_url, tmp_path, monkeypatch, capsys):
    preview_bytes(rows("a", 3), "one.csv").commit()
    second = preview_bytes(rows("b", 2), "two.csv").commit().record
    store.edit_project("a-1", {"title": "Corrected"}, user="pm")
    store.rollback(second.import_id, user="chef")
    before = snapshot_of_store()

    assert main(["db", "copy", "--from", "gpkg", "--to", postgis_url]) == 0
    assert "copied" in capsys.readouterr().out
    assert main(["db", "copy", "--from", "gpkg", "--to", postgis_url]) == 1  # the target holds a store now
    assert "--replace" in capsys.readouterr().err
    monkeypatch.setenv("TFA_DATABASE_URL", postgis_url)
    assert snapshot_of_store() == before
    # the copy works like the original: the next import gets the next id, a rollback undoes it
    record = preview_bytes(rows("c", 1), "three.csv").commit().record
    assert record.import_id == 4
    store.rollback()

    monkeypatch.delenv("TFA_DATABASE_URL")
    monkeypatch.setenv("TFA_DATA_DIR", str(tmp_path / "elsewhere"))
    assert not store.exists()
    assert main(["db", "copy", "--from", postgis_url, "--to", "gpkg"]) == 0
    back = snapshot_of_store()
    assert back[0] == before[0]  # the same portfolio: import three was rolled back
    assert (back[1], back[2]) == (before[1] + ["c-0"], before[2] + ["added"])  # and the log of it came along
    assert [r["status"] for r in back[3]] == ["rolled back"] + [r["status"] for r in before[3]]


def test_another_instance_sees_an_import_within_a_second(store_backend, tmp_path):
    """An import by another process: this one serves the new portfolio on its next read (well within 1 s), and its
    dashboard snapshot is rebuilt once for the new version."""
    from dashboard import data as dashboard_data

    store.ensure_store()
    before = dashboard_data.snapshot()
    assert dashboard_data.snapshot() is before
    source = tmp_path / "other.csv"
    source.write_bytes(rows("o", 4))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "geodata", "import", str(source), "--user", "other-instance"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    start = time.monotonic()
    while not {f"o-{i}" for i in range(4)} <= set(geodata.load("projects")["project_id"]):
        assert time.monotonic() - start < 1.0, "the other instance's import was not seen within 1 s"
        time.sleep(0.05)
    after = dashboard_data.snapshot()
    assert after is not before and dashboard_data.snapshot() is after  # rebuilt once
    assert store.history()[0].user == "other-instance"


@pytest.mark.postgis
def test_a_forked_worker_opens_its_own_database_connections(postgis_url, monkeypatch):
    """gunicorn forks workers from a parent that has already read the store: a child must never talk over the
    parent's pooled connection (the same socket used by two processes at once)."""
    import sqlalchemy as sa

    from geodata.io.store import postgis

    monkeypatch.setenv("TFA_DATABASE_URL", postgis_url)
    store.ensure_store()
    engine = postgis.backend_for(postgis_url).engine
    with engine.connect() as conn:
        parent_pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.close(read)
            with postgis.backend_for(postgis_url).engine.connect() as conn:
                pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
            seen = len(store.current_projects())
            os.write(write, f"{pid} {seen}".encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    child_pid, seen = map(int, os.read(read, 100).decode().split())
    os.close(read)
    assert child_pid != parent_pid and seen == len(store.current_projects())
    with engine.connect() as conn:  # the parent's pool still works
        assert conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() == parent_pid
