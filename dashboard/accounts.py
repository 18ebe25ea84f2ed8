"""Accounts and roles: who may change the portfolio.

Three roles: ``viewer`` (what anyone without an account sees: explorer, coverage, briefing, public exports),
``editor`` (a program manager: the Data page: import, correct, roll back, exports with exact figures) and ``admin``
(an editor who may also manage accounts). There is no default account or password: an app without accounts serves
viewers only, and ``python -m dashboard users add NAME --role admin --password-stdin`` creates the first one.

Accounts live where the project store lives, never in the repository: in the database when ``TFA_DATABASE_URL``
is set (its ``accounts`` table, ``dashboard.accounts_db``: every app instance sees the same accounts), else in the
per-user data directory (``accounts.json`` next to the project store, mode 0600). Passwords are stored only as
Werkzeug hashes (scrypt). Every change is all or nothing: the file is built anew and swapped in with ``os.replace``
under an exclusive lock, the table is changed in one locked transaction. No Dash import here.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from dashboard.account_model import ROLES, Account, AccountError
from geodata import config
from geodata.io.atomic import write_bytes_atomic

ACCOUNTS_FILE = "accounts.json"
SECRET_KEY_FILE = "secret_key"
SECRET_KEY_ENV = "TFA_SECRET_KEY"
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


@functools.cache
def _dummy_hash() -> str:
    """Checked against when a name is unknown, so a wrong name takes as long as a wrong password (made on first
    use: a scrypt hash costs about 0.15 s, which every start of the app and its commands would pay)."""
    return generate_password_hash("no account has this password")


def warm() -> None:
    """Make the stand-in hash now (the app's warm-up thread), not at the first unknown name."""
    _dummy_hash()


def accounts_path() -> Path:
    return config.user_data_dir() / ACCOUNTS_FILE


def _database_url() -> str:
    """The store's database URL when one is configured (then the accounts are in it), else ''."""
    from geodata.io.store import database_url

    return database_url()


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise AccountError(
            f"invalid account name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter "
            "or digit"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    return password


# ---------------------------------------------------------------- reading and writing


def _parse(text: str, where: str) -> dict[str, Account]:
    try:
        raw = json.loads(text)
        return {name: Account(name=name, **fields) for name, fields in raw["accounts"].items()}
    except (ValueError, KeyError, TypeError) as exc:
        raise AccountError(
            f"{where}: the accounts file is damaged ({exc.__class__.__name__}); nothing changed"
        ) from None


def _read(path: Path) -> dict[str, Account]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return _parse(text, ACCOUNTS_FILE)


_cache: dict[str, tuple[tuple, dict[str, Account]]] = {}


def load() -> dict[str, Account]:
    """Every account by name (re-read when the file or the table changes, so a new role or a removal applies at
    once)."""
    url = _database_url()
    if url:
        from dashboard import accounts_db

        return accounts_db.read(url)
    path = accounts_path()
    try:
        st = path.stat()
    except FileNotFoundError:
        return {}
    key = (st.st_ino, st.st_mtime_ns, st.st_size)
    cached = _cache.get(str(path))
    if cached and cached[0] == key:
        return cached[1]
    accounts = _read(path)
    _cache[str(path)] = (key, accounts)
    return accounts


def get(name: str) -> Account | None:
    url = _database_url()
    if url:
        from dashboard import accounts_db

        return accounts_db.read(url, name).get(name)
    return load().get(name)


def _write(accounts: dict[str, Account], path: Path) -> None:
    body = {
        "version": 1,
        "accounts": {a.name: {k: v for k, v in asdict(a).items() if k != "name"} for a in accounts.values()},
    }
    write_bytes_atomic(path, json.dumps(body, indent=1, sort_keys=True).encode("utf-8"), mode=0o600)


@contextlib.contextmanager
def _locked() -> Iterator[dict[str, Account]]:
    """Exclusive write access: yields a copy of the accounts; what the block leaves in it is written."""
    url = _database_url()
    if url:
        from dashboard import accounts_db

        with accounts_db.locked(url) as accounts:
            yield accounts
        return
    path = accounts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / ".accounts.lock", "a+") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            accounts = dict(_read(path))
            yield accounts
            _write(accounts, path)
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


# ---------------------------------------------------------------- changes


def add(name: str, role: str, password: str) -> Account:
    check_name(name), check_role(role), check_password(password)
    with _locked() as accounts:
        if name in accounts:
            raise AccountError(f"an account named {name!r} exists already; use set-role or remove it first")
        now = _now()
        account = Account(name, role, generate_password_hash(password), now, now)
        accounts[name] = account
    return account


def set_role(name: str, role: str) -> Account:
    check_role(role)
    with _locked() as accounts:
        if name not in accounts:
            raise AccountError(f"no account named {name!r}")
        account = Account(**{**asdict(accounts[name]), "role": role, "updated_at": _now()})
        accounts[name] = account
    return account


def set_password(name: str, password: str) -> Account:
    check_password(password)
    with _locked() as accounts:
        if name not in accounts:
            raise AccountError(f"no account named {name!r}")
        fields = {**asdict(accounts[name]), "password_hash": generate_password_hash(password), "updated_at": _now()}
        account = Account(**fields)
        accounts[name] = account
    return account


def remove(name: str) -> None:
    with _locked() as accounts:
        if name not in accounts:
            raise AccountError(f"no account named {name!r}")
        del accounts[name]


def verify(name: str, password: str) -> Account | None:
    """The account when the name and password match, else None (a wrong name costs as much as a wrong password)."""
    if not isinstance(name, str) or not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        return None
    account = get(name)
    if account is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return account if check_password_hash(account.password_hash, password) else None


def from_session_id(session_id: str) -> Account | None:
    """The account a login session belongs to, while its password is the one the session signed in with."""
    name, _, _ = str(session_id).partition(":")
    account = get(name)
    if account is None or not secrets.compare_digest(account.session_id, str(session_id)):
        return None
    return account


# ---------------------------------------------------------------- the key that signs sessions


def secret_key() -> bytes:
    """``$TFA_SECRET_KEY``, else a random key generated once into the data directory (mode 0600) and kept, so
    sessions survive a restart and every server worker signs with the same key."""
    if os.environ.get(SECRET_KEY_ENV):
        return os.environ[SECRET_KEY_ENV].encode()
    path = config.user_data_dir() / SECRET_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
    for _ in range(50):  # another worker may be writing it this instant
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key.encode()
        time.sleep(0.01)
    raise AccountError(f"{SECRET_KEY_FILE} in the data directory is empty: remove it, or set {SECRET_KEY_ENV}")
