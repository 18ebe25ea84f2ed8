"""Temporary files a crashed write left in the user data directory are removed at the next start; a fresh one
(a write in progress in another process), a file of another name, and everything while a store write holds the
lock, stay."""

from __future__ import annotations

import fcntl
import os
import time

from geodata import config
from geodata.io import leftovers

HOUR = 3600


def _file(path, age_s: float = 0):
    path.write_bytes(b"partial")
    then = time.time() - age_s
    os.utime(path, (then, then))
    return path


def test_old_leftovers_are_removed_and_fresh_ones_stay(tmp_path):
    crashed = [
        _file(tmp_path / ".portfolio-k2j3h4.gpkg", HOUR),  # the store's new GeoPackage, never renamed
        _file(tmp_path / ".portfolio-k2j3h4.gpkg-journal", HOUR),
        _file(tmp_path / ".accounts.json.x81kd.tmp", HOUR),  # geodata.io.atomic
    ]
    fresh = _file(tmp_path / ".portfolio-fresh01.gpkg", 5)  # another process is writing it right now
    kept = [
        _file(tmp_path / "portfolio.gpkg", HOUR),  # the store itself
        _file(tmp_path / "accounts.json", HOUR),
        _file(tmp_path / "municipalities.geojson", HOUR),
        _file(tmp_path / "notes.tmp", HOUR),  # not a temporary name of ours (no leading dot)
    ]
    removed = leftovers.clean_leftovers(tmp_path)
    assert sorted(removed) == sorted(crashed)
    assert not any(p.exists() for p in crashed)
    assert fresh.exists() and all(p.exists() for p in kept)
    assert leftovers.clean_leftovers(tmp_path) == []  # nothing left to do


def test_nothing_is_removed_while_a_store_write_holds_the_lock(tmp_path):
    old = _file(tmp_path / ".portfolio-abc123.gpkg", HOUR)
    with open(tmp_path / leftovers.LOCK_FILE, "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # as geodata.io.store does while it writes
        assert leftovers.clean_leftovers(tmp_path) == [] and old.exists()
    assert leftovers.clean_leftovers(tmp_path) == [old] and not old.exists()


def test_the_user_data_directory_by_default_and_a_missing_one_is_fine(tmp_path, monkeypatch):
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path / "not yet created"))
    assert leftovers.clean_leftovers() == []
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path))
    old = _file(tmp_path / ".portfolio-zz.gpkg-wal", HOUR)
    assert leftovers.clean_leftovers() == [old]


def test_the_command_line_and_the_app_clean_up_at_start(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path))
    from geodata.cli import main

    old = _file(tmp_path / ".portfolio-cli.gpkg", HOUR)
    assert main(["history"]) == 0
    assert not old.exists()

    from dashboard.app import create_app

    old = _file(tmp_path / ".portfolio-app.gpkg", HOUR)
    create_app()
    assert not old.exists()
