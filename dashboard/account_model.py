"""What an account is: a name, a role and a password hash (never a password), and the error a refused account
change raises. Shared by the accounts' two places, the file in the data directory and the database table
(``dashboard.accounts``, ``dashboard.accounts_db``). No Dash import here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

ROLES = ("viewer", "editor", "admin")
#: Roles that may change the portfolio (the Data page and its callbacks).
EDITOR_ROLES = frozenset({"editor", "admin"})


class AccountError(Exception):
    """An account change was refused (unknown name, bad role, weak password). Nothing changed."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    password_hash: str
    created_at: str
    updated_at: str

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES

    @property
    def session_id(self) -> str:
        """The id a login session carries: the name and a digest of the password hash, so a new password (or a
        removed and re-added account) ends the sessions signed in with the old one."""
        return f"{self.name}:{hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]}"

    def public(self) -> dict:
        """What ``users list --json`` shows (never the hash)."""
        return {"name": self.name, "role": self.role, "created_at": self.created_at, "updated_at": self.updated_at}
