"""Accounts in the database, when one is configured (``TFA_DATABASE_URL``): the ``accounts`` table of the store's
database (Alembic revision 0002, ``python -m geodata db upgrade``), so every app instance signs in against the same
accounts and a new role or a removal applies on all of them at once.

``read`` is one snapshot of the table (one row with ``name``); ``locked`` is one transaction that locks the table
against other writers, yields its accounts and writes back what the block changed (a refused change raises inside
the block, the transaction rolls back, and the table is as it was). No Dash import here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa

from dashboard.account_model import Account, AccountError

_COLUMNS = ("name", "role", "password_hash", "created_at", "updated_at")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM accounts"


def _engine(url: str) -> sa.Engine:
    from geodata.io.store import postgis  # the store's pool for this URL: one per process

    return postgis.backend_for(url).engine


def _missing_table(url: str, exc: Exception) -> AccountError:
    where = sa.make_url(url).render_as_string(hide_password=True)
    return AccountError(
        f"the database at {where} has no accounts table ({type(exc).__name__}); "
        "create it with `python -m geodata db upgrade`"
    )


def _rows(conn: sa.Connection, name: str | None = None) -> dict[str, Account]:
    query = _SELECT + (" WHERE name = :name" if name is not None else "") + " ORDER BY name"
    result = conn.execute(sa.text(query), {"name": name} if name is not None else {})
    return {row.name: Account(**row._asdict()) for row in result}


def read(url: str, name: str | None = None) -> dict[str, Account]:
    """Every account by name (or only ``name``'s, when given)."""
    try:
        with _engine(url).connect() as conn:
            return _rows(conn, name)
    except sa.exc.ProgrammingError as exc:
        raise _missing_table(url, exc) from None


@contextlib.contextmanager
def locked(url: str) -> Iterator[dict[str, Account]]:
    """Exclusive write access in one transaction: yields a copy of the accounts; what the block leaves in it is
    written (removed names deleted, new or changed accounts upserted) before the transaction commits."""
    try:
        with _engine(url).begin() as conn:
            conn.execute(sa.text("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE"))
            before = _rows(conn)
            accounts = dict(before)
            yield accounts
            gone = sorted(set(before) - set(accounts))
            if gone:
                conn.execute(sa.text("DELETE FROM accounts WHERE name = ANY(:names)"), {"names": gone})
            changed = [a for n, a in accounts.items() if before.get(n) != a]
            if changed:
                conn.execute(
                    sa.text(
                        f"INSERT INTO accounts ({', '.join(_COLUMNS)}) "
                        f"VALUES ({', '.join(':' + c for c in _COLUMNS)}) "
                        "ON CONFLICT (name) DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS[1:])
                    ),
                    [{c: getattr(a, c) for c in _COLUMNS} for a in changed],
                )
    except sa.exc.ProgrammingError as exc:
        raise _missing_table(url, exc) from None
