"""Match municipality names as people write them: Albanian or Serbian, with
or without diacritics, with or without "Komuna e" / "Opština" prefixes."""

from __future__ import annotations

import functools
import re
import unicodedata

from geodata.municipality_registry import MUNICIPALITIES

_PREFIXES = re.compile(r"^(komuna e |opstina |opshtina |municipality of |obcina )|( municipality| komuna)$")
_SPECIAL = str.maketrans({"đ": "dj", "Đ": "dj", "ð": "dj", "ë": "e", "Ë": "e", "ç": "c", "Ç": "c"})


def normalise(name: object) -> str:
    """Lower case, ASCII, single spaces, administrative prefixes dropped."""
    text = str(name or "").translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    return _PREFIXES.sub("", text).strip()


@functools.cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for m in MUNICIPALITIES:
        for name in (m.code, m.name_en, m.name_sq, m.name_sr, *m.aliases):
            index.setdefault(normalise(name), m.code)
            index.setdefault(normalise(name.replace("-", " ")), m.code)
    return index


def match_municipality(name: object) -> str | None:
    """The municipality code for a name in any of its forms, or None."""
    key = normalise(name)
    if not key:
        return None
    index = _index()
    if key in index:
        return index[key]
    if key.replace("dj", "d") in index:
        return index[key.replace("dj", "d")]
    return None
