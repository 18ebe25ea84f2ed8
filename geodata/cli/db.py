"""``python -m geodata db upgrade|copy``: the shared PostgreSQL + PostGIS store.

``db upgrade [--url URL]`` creates or migrates the store's tables (Alembic; the URL defaults to
``TFA_DATABASE_URL``). ``db copy --from gpkg|URL --to URL|gpkg`` moves a portfolio with its history and import log
from one backend to the other (``gpkg`` is the GeoPackage in the user data directory); a target that already holds
a store is refused unless ``--replace``. The copy is checked: projects (with their import ids), history rows and
the log must read back equal. Exit 0 when done, 1 when refused, 2 when a database could not be reached.
"""

from __future__ import annotations

import argparse
import os
import sys

from geodata.io import store

EXIT_OK, EXIT_REFUSED, EXIT_UNREACHABLE = 0, 1, 2


def _backend(spec: str) -> store.Backend:
    if spec == "gpkg":
        return store.GpkgBackend()
    from geodata.io.store import postgis

    return postgis.backend_for(spec)


def _url(args: argparse.Namespace) -> str | None:
    return args.url or os.environ.get(store.DATABASE_URL_ENV) or None


def cmd_upgrade(args: argparse.Namespace) -> int:
    url = _url(args)
    if not url:
        print(f"no database: pass --url or set {store.DATABASE_URL_ENV}=postgresql://…", file=sys.stderr)
        return EXIT_REFUSED
    from sqlalchemy.exc import OperationalError

    from geodata.io.store import postgis

    try:
        revision = postgis.upgrade(url)
    except OperationalError as exc:
        print(f"could not reach the database: {exc.orig}", file=sys.stderr)
        return EXIT_UNREACHABLE
    print(f"{postgis.backend_for(url).location()}: schema at revision {revision}")
    return EXIT_OK


def copy(source: str, target: str, replace: bool = False) -> dict:
    """Copy the store at ``source`` to ``target`` (``gpkg`` or a database URL); what was copied.
    Raises ``store.StoreError`` when refused (no source store, a target store without ``replace``, no match)."""
    if source == target:
        raise store.StoreError("--from and --to name the same store")
    src, dst = _backend(source), _backend(target)
    state = src.read_state()
    if state is None:
        raise store.StoreError(f"there is no project store at {src.location()} to copy")
    if dst.exists() and not replace:
        raise store.StoreError(
            f"{dst.location()} already holds a project store; nothing was copied (--replace overwrites it)"
        )
    dst.replace_all(state)
    back = dst.read_state()
    same = (
        back is not None
        and store.fingerprint(back.projects, with_import_ids=True)
        == store.fingerprint(state.projects, with_import_ids=True)
        and len(back.history) == len(state.history)
        and list(back.history["project_id"].astype(str)) == list(state.history["project_id"].astype(str))
        and [r.as_dict() for r in map(store._record, (r for _, r in back.imports.iterrows()))]
        == [r.as_dict() for r in map(store._record, (r for _, r in state.imports.iterrows()))]
    )
    if not same:
        raise store.StoreError(f"the copy at {dst.location()} does not read back equal to {src.location()}")
    return {
        "from": src.location(),
        "to": dst.location(),
        "projects": len(state.projects),
        "history_rows": len(state.history),
        "imports": len(state.imports),
    }


def cmd_copy(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError

    try:
        done = copy(args.source, args.target, replace=args.replace)
    except store.StoreError as exc:
        print(f"nothing was copied: {exc}" if not str(exc).startswith("nothing") else str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except OperationalError as exc:
        print(f"could not reach the database: {exc.orig}", file=sys.stderr)
        return EXIT_UNREACHABLE
    print(
        f"copied {done['projects']} projects, {done['history_rows']} history rows and {done['imports']} import(s) "
        f"from {done['from']} to {done['to']}"
    )
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="the shared PostgreSQL + PostGIS store: upgrade the schema, copy a store")
    sub = db.add_subparsers(dest="db_command", required=True)
    up = sub.add_parser("upgrade", help="create or migrate the store's tables (Alembic)")
    up.add_argument("--url", help=f"postgresql:// URL (default: ${store.DATABASE_URL_ENV})")
    up.set_defaults(func=cmd_upgrade)
    cp = sub.add_parser("copy", help="copy a portfolio with its history and import log between backends")
    cp.add_argument("--from", dest="source", required=True, metavar="gpkg|URL")
    cp.add_argument("--to", dest="target", required=True, metavar="URL|gpkg")
    cp.add_argument("--replace", action="store_true", help="overwrite a store the target already holds")
    cp.set_defaults(func=cmd_copy)
