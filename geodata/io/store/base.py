"""The interface every store backend implements (``gpkg.GpkgBackend``, ``postgis.PostgisBackend``).

A backend stores three tables (projects, history, the import log) and a version. It decides nothing about what a
change does (``model.plan_changes`` and ``model.plan_rollback`` do, the same for both): it reads a state, gives
exclusive write access to it, and replaces it in one all-or-nothing write.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

import geopandas as gpd
import pandas as pd

from geodata.io.store.model import StoreState


class Transaction(Protocol):
    """Exclusive write access: ``state`` was read under the lock (seeded when there is no store yet);
    ``write`` replaces it, and the change is visible to readers when the transaction ends without an error."""

    state: StoreState
    existed: bool

    def write(self, state: StoreState) -> None: ...


class Backend(Protocol):
    name: str

    def exists(self) -> bool:
        """Whether the store holds a portfolio (reading never creates one)."""

    def version(self) -> str | None:
        """A cheap token that changes with every committed change, seen by every instance; None without a store."""

    def location(self) -> str:
        """Where the store is, for messages (a database URL without its password)."""

    def projects(self) -> tuple[str, gpd.GeoDataFrame] | None:
        """``(version, validated projects)`` read consistently (cached per version; do not modify), or None."""

    def imports(self) -> pd.DataFrame:
        """The import log, typed (empty without a store)."""

    def read_state(self) -> StoreState | None:
        """The whole state (for ``db copy``), or None without a store."""

    def transaction(self) -> AbstractContextManager[Transaction]:
        """Exclusive write access (see ``Transaction``)."""

    def replace_all(self, state: StoreState) -> None:
        """Replace the whole store with ``state`` in one write (``db copy``)."""

    def digest(self) -> str:
        """SHA-256 of everything stored ('' without a store): equal before and after a refused change."""
