"""Which layer files have passed validation, so an unchanged file is not checked again on every start.

Validating the seven layers took 1.3 s of the dashboard's 4.6 s start on a 2-core machine, 0.8 s of it pandera
loading its backends (which import hypothesis). A file is checked again whenever anything its verdict depends on
changes: the file's bytes, the outline it is checked against, its ``LayerSpec``, the checking code
(``geodata/facts/validate.py`` and ``layers.py``) or the versions of pandera, geopandas and shapely
(``fingerprint``). Only a pass is recorded; a file that fails is checked, and reported, every time.

The record is a small JSON file in the user data directory (one fingerprint per layer, so it never grows). A record
that cannot be read counts as empty, and one that cannot be written leaves every file to be checked next time.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path

from geodata import config
from geodata.facts import layers as layers_module
from geodata.facts import validate as validate_module
from geodata.facts.layers import LayerSpec
from geodata.io.atomic import write_bytes_atomic

log = logging.getLogger(__name__)
RECORD_NAME = "validated-layers.json"
#: The libraries whose behaviour a verdict depends on.
CHECKERS = ("pandera", "geopandas", "shapely", "pandas")


def record_path() -> Path:
    return config.user_data_dir() / RECORD_NAME


@functools.cache
def _checking_code() -> bytes:
    """The checking code and the checkers' versions, as bytes (fixed for the life of the process)."""
    parts = [Path(m.__file__).read_bytes() for m in (validate_module, layers_module)]
    parts += [f"{name}=={metadata.version(name)}".encode() for name in CHECKERS]
    return b"\0".join(parts)


def _canonical(value: object) -> object:
    """``value`` with sets sorted and mappings keyed in order: its repr is the same in every process (a set's
    order follows string hashing, which changes per process)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _canonical({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    if isinstance(value, Mapping):
        return sorted((repr(k), _canonical(v)) for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return sorted(repr(_canonical(v)) for v in value)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    return repr(value)


def fingerprint(spec: LayerSpec, path: str | Path, outline_path: str | Path | None) -> str:
    """What a verdict on the file at ``path`` depends on, as one hex digest."""
    digest = hashlib.sha256()
    for part in (
        Path(path).read_bytes(),
        Path(outline_path).read_bytes() if outline_path else b"",
        repr(_canonical(spec)).encode(),
        _checking_code(),
    ):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _read() -> dict[str, str]:
    try:
        found = json.loads(record_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def passed(name: str, key: str) -> bool:
    """Whether the layer ``name`` passed validation with this fingerprint."""
    return _read().get(name) == key


def record_pass(name: str, key: str) -> None:
    """Record that the layer ``name`` passed with this fingerprint (a failure to write is logged, not raised)."""
    found = _read()
    if found.get(name) == key:
        return
    found[name] = key
    try:
        record_path().parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(record_path(), json.dumps(found, indent=1, sort_keys=True).encode("utf-8"))
    except OSError as exc:
        log.warning("could not record that %s passed validation (%s); it will be checked again", name, exc)
