"""Accounts behave the same in both places they can live: the file in the data directory (no database) and the
``accounts`` table of the store's database (``TFA_DATABASE_URL``). With a database, every app instance sees the same
accounts and nothing is written to the data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from auth_support import ORIGIN, PASSWORD, signed_in_client
from conftest_postgis import new_database

from dashboard import accounts, users_cli
from geodata import config

ROOT = Path(__file__).resolve().parents[2]


def test_add_change_and_remove_accounts(store_backend):
    amira = accounts.add("amira", "editor", PASSWORD)
    accounts.add("bekim", "viewer", PASSWORD)
    assert sorted(accounts.load()) == ["amira", "bekim"] and accounts.get("amira") == amira
    assert accounts.verify("amira", PASSWORD) == amira and accounts.verify("amira", "not the password") is None
    assert accounts.from_session_id(amira.session_id) == amira

    assert accounts.set_role("amira", "admin").role == "admin" and accounts.get("amira").role == "admin"
    accounts.set_password("amira", "another long password")
    assert accounts.from_session_id(amira.session_id) is None  # the old password's sessions have ended
    assert accounts.verify("amira", "another long password").role == "admin"

    accounts.remove("bekim")
    assert list(accounts.load()) == ["amira"] and accounts.get("bekim") is None
    on_disk = (config.user_data_dir() / accounts.ACCOUNTS_FILE).exists()
    assert on_disk == (store_backend.name == "gpkg")  # with a database, nothing in the data directory


@pytest.mark.parametrize(
    "change",
    [
        lambda: accounts.add("amira", "admin", PASSWORD),  # the name is taken
        lambda: accounts.add("new", "editor", "short"),
        lambda: accounts.add("new", "owner", PASSWORD),
        lambda: accounts.set_role("nobody", "editor"),
        lambda: accounts.remove("nobody"),
    ],
    ids=["taken", "short password", "unknown role", "set-role unknown", "remove unknown"],
)
def test_a_refused_change_leaves_every_account_as_it_was(store_backend, change):
    accounts.add("amira", "editor", PASSWORD)
    before = accounts.load()
    with pytest.raises(accounts.AccountError):
        change()
    assert accounts.load() == before


def test_a_change_that_fails_half_way_writes_nothing(store_backend):
    accounts.add("amira", "editor", PASSWORD)
    before = accounts.load()
    with pytest.raises(RuntimeError), accounts._locked() as all_accounts:
        all_accounts.pop("amira")
        raise RuntimeError("lost connection (simulated)")
    assert accounts.load() == before


def test_a_signed_in_editor_reaches_the_data_page(store_backend):
    from dashboard.app import create_app

    client = signed_in_client(create_app(), "amira", "editor")
    page = client.get("/data", headers={"Origin": ORIGIN})
    assert page.status_code == 200


@pytest.mark.postgis
def test_every_instance_sees_the_accounts_in_the_database(postgis_url, monkeypatch, tmp_path):
    """Another process with its own empty data directory (another app instance) lists the same accounts."""
    monkeypatch.setenv("TFA_DATABASE_URL", postgis_url)
    accounts.add("amira", "editor", PASSWORD)
    env = {**os.environ, "TFA_DATA_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "dashboard", "users", "list", "--json"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert [(r["name"], r["role"]) for r in json.loads(run.stdout)] == [("amira", "editor")]
    assert not any(tmp_path.iterdir())


@pytest.mark.postgis
def test_a_database_without_the_accounts_table_says_to_run_db_upgrade(postgis_server, monkeypatch, capsys):
    with new_database(postgis_server, template=None) as url:
        monkeypatch.setenv("TFA_DATABASE_URL", url)
        with pytest.raises(accounts.AccountError, match="python -m geodata db upgrade"):
            accounts.load()
        assert users_cli.main(["list"]) == 2
        assert "no accounts table" in capsys.readouterr().err
