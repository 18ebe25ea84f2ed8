"""Accounts (``python -m dashboard users``), sign-in and sign-out, the session cookie, the signing key and the rate
limit on failed sign-ins."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from auth_support import ORIGIN, PASSWORD, anonymous_client, make_account, signed_in_client

from dashboard import accounts, auth, users_cli
from geodata import config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def app():
    from dashboard.app import create_app

    app = create_app()
    app.server.test_client().get("/")
    return app


def _cli(*argv: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    return users_cli.main(list(argv), stdin=io.StringIO(stdin), stdout=out), out.getvalue()


def test_users_commands_add_list_set_role_remove():
    assert _cli("list") == (0, "no accounts: the app serves viewers only\n")
    code, out = _cli("add", "amira", "--role", "editor", "--password-stdin", stdin=PASSWORD + "\n")
    assert (code, out) == (0, "added amira (editor)\n")
    path = accounts.accounts_path()
    assert path.parent == config.user_data_dir() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert PASSWORD not in path.read_text() and accounts.verify("amira", PASSWORD).role == "editor"
    code, out = _cli("list", "--json")
    assert code == 0 and [(r["name"], r["role"]) for r in json.loads(out)] == [("amira", "editor")]
    assert "password" not in out and "scrypt" not in out
    assert _cli("set-role", "amira", "admin")[0] == 0 and accounts.get("amira").role == "admin"
    assert _cli("remove", "amira")[0] == 0 and accounts.load() == {}


@pytest.mark.parametrize(
    "argv, stdin",
    [
        (("add", "x", "--role", "editor", "--password-stdin"), "short\n"),  # too short
        (("add", "bad name", "--role", "editor", "--password-stdin"), PASSWORD + "\n"),
        (("set-role", "nobody", "editor"), ""),
        (("remove", "nobody"), ""),
    ],
)
def test_refused_changes_exit_2_and_change_nothing(argv, stdin):
    make_account("kept", "viewer")
    before = accounts.accounts_path().read_bytes()
    assert _cli(*argv, stdin=stdin)[0] == 2
    assert accounts.accounts_path().read_bytes() == before


def test_a_second_account_of_the_same_name_is_refused():
    make_account("amira")
    with pytest.raises(accounts.AccountError, match="exists already"):
        accounts.add("amira", "admin", PASSWORD)


def test_the_command_line_entry_point(tmp_path):
    env = {**os.environ, "TFA_DATA_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "dashboard", "users", "add", "root", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n", capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads((tmp_path / "accounts.json").read_text())["accounts"]["root"]["role"] == "admin"


def test_the_signing_key_is_generated_once_or_taken_from_the_environment(monkeypatch):
    monkeypatch.delenv(accounts.SECRET_KEY_ENV, raising=False)
    first = accounts.secret_key()
    assert len(first) == 64 and accounts.secret_key() == first
    assert stat.S_IMODE((config.user_data_dir() / accounts.SECRET_KEY_FILE).stat().st_mode) == 0o600
    monkeypatch.setenv(accounts.SECRET_KEY_ENV, "from-the-environment")
    assert accounts.secret_key() == b"from-the-environment"


def test_sign_in_sets_a_secure_httponly_samesite_cookie_and_sign_out_ends_it(app):
    make_account("amira")
    client = anonymous_client(app)
    response = client.post(
        "/login", data={"username": "amira", "password": PASSWORD, "next": "/data"}, headers={"Origin": ORIGIN}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/data"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert _navbar_shows(client, "amira (editor)")
    assert client.post("/logout", headers={"Origin": ORIGIN}).status_code == 303
    assert not _navbar_shows(client, "amira (editor)") and _navbar_shows(client, "Sign in")


def _navbar_shows(client, text: str) -> bool:
    return text in json.dumps(client.get("/_dash-layout").get_json())


def test_a_wrong_password_or_name_is_refused_without_saying_which(app):
    make_account("amira")
    client = anonymous_client(app)
    for name, password in (("amira", "not the password!"), ("nobody", PASSWORD)):
        response = client.post("/login", data={"username": name, "password": password}, headers={"Origin": ORIGIN})
        assert response.status_code == 303 and response.headers["Location"].startswith("/login?error=failed")
    assert _navbar_shows(client, "Sign in")


def test_failed_sign_ins_are_rate_limited(app):
    make_account("amira")
    client = anonymous_client(app)
    environ = {"REMOTE_ADDR": "192.0.2.77"}  # a client address of its own, so other tests' failures do not count
    codes = [
        client.post(
            "/login", data={"username": "amira", "password": f"guess number {i}"}, headers={"Origin": ORIGIN},
            environ_overrides=environ,
        ).status_code
        for i in range(7)
    ]  # fmt: skip
    assert codes[:5] == [303] * 5 and codes[5:] == [429, 429]
    # over the limit even the right password is not checked
    right = client.post(
        "/login",
        data={"username": "amira", "password": PASSWORD},
        headers={"Origin": ORIGIN},
        environ_overrides=environ,
    )
    assert right.status_code == 429 and b"Too many failed sign-in attempts" in right.data
    # another address is not affected
    other = client.post(
        "/login", data={"username": "amira", "password": PASSWORD}, headers={"Origin": ORIGIN},
        environ_overrides={"REMOTE_ADDR": "192.0.2.78"},
    )  # fmt: skip
    assert other.status_code == 303 and other.headers["Location"] == "/data"


def test_a_new_password_or_role_applies_to_open_sessions(app):
    client = signed_in_client(app, "amira", "editor")
    assert _navbar_shows(client, "amira (editor)")
    accounts.set_role("amira", "viewer")
    assert _navbar_shows(client, "amira (viewer)")
    accounts.set_password("amira", "another long password")
    assert _navbar_shows(client, "Sign in")


@pytest.mark.parametrize(
    "target, expected",
    [("/coverage?sector=health", "/coverage?sector=health"), ("//evil.example/x", "/data"),
     ("https://evil.example", "/data"), ("/\\evil.example", "/data"), ("", "/data"), (None, "/data")],
)  # fmt: skip
def test_sign_in_only_returns_to_pages_of_this_site(target, expected):
    assert auth.safe_next(target) == expected


def test_an_app_without_accounts_starts_and_serves_viewers(app):
    assert accounts.load() == {}
    client = anonymous_client(app)
    assert client.get("/").status_code == 200 and _navbar_shows(client, "Sign in")


def test_a_get_or_a_cross_site_post_to_logout_signs_nobody_out(app):
    client = signed_in_client(app, "bora", "editor")
    assert client.get("/logout").status_code == 303  # a link or an image on another site
    assert _navbar_shows(client, "bora (editor)")
    assert client.post("/logout", headers={"Origin": "https://evil.example"}).status_code == 403
    assert client.post("/logout").status_code == 403  # no Origin, no Referer
    assert _navbar_shows(client, "bora (editor)")
    assert client.post("/logout", headers={"Origin": ORIGIN}).status_code == 303  # the navbar's button
    assert _navbar_shows(client, "Sign in")


def _worker():
    """One more gunicorn worker, as far as the sign-in limit goes: a server with its own Flask-Limiter."""
    import flask

    server = flask.Flask("another-worker")
    auth.install(server)
    return server.test_client()


def _failures(workers: list, address: str) -> list[int]:
    return [
        worker.post(
            "/login", data={"username": "amira", "password": f"guess {i}"}, environ_overrides={"REMOTE_ADDR": address}
        ).status_code
        for i, worker in enumerate(workers)
    ]


def test_without_redis_each_worker_counts_failed_sign_ins_on_its_own(monkeypatch):
    monkeypatch.delenv(auth.REDIS_URL_ENV, raising=False)
    make_account("amira")
    assert auth.limiter_storage_uri() == "memory://"
    one, two = _worker(), _worker()
    assert _failures([one, two] * 4, "192.0.2.91") == [303] * 8  # 4 each: under the limit of 5 in both


@pytest.fixture
def redis_url(tmp_path):
    """A private redis-server for this test (on a port outside the ephemeral range, as the benches' servers)."""
    import shutil

    from bench.cluster_bench import start_redis

    pytest.importorskip("redis")
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    proc, url = start_redis(tmp_path)
    yield url
    proc.stop()


def test_with_redis_the_limit_holds_across_workers(redis_url, monkeypatch):
    monkeypatch.setenv(auth.REDIS_URL_ENV, redis_url)
    make_account("amira")
    assert auth.limiter_storage_uri() == redis_url
    one, two = _worker(), _worker()
    codes = _failures([one, two] * 4, "192.0.2.92")
    assert codes[:5] == [303] * 5 and codes[5:] == [429] * 3  # 5 failures in all, whichever worker saw them
