"""Match municipality names as people write them, using the one table in ``name_table.py``.

Albanian, Serbian (Latin or Cyrillic) or English; with or without diacritics; Đ, Ð, Dj or D; with or
without "Municipality of" / "Komuna e" / "Opština"; two forms joined by "/" or in brackets
("Zveçan/Zvečan", "Fushë Kosovë (Kosovo Polje)").

``match_municipality`` answers a code or None. ``resolve_municipality`` says why: a name that stands for
more than one municipality ("Mitrovica", "Kosovska Mitrovica") is settled by a point when one is given
and lies in exactly one of them, and is otherwise reported as ambiguous with its candidates, never
mapped to one of them silently.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import cyrtranslit
import shapely
from rapidfuzz import fuzz, process

from geodata.facts.name_table import AMBIGUOUS, NAME_TABLE
from geodata.facts.name_table import BY_CODE as NAMES_BY_CODE

_PREFIXES = re.compile(r"^(komuna e |opstina |opshtina |municipality of |obcina )|( municipality| komuna)$")
_SPECIAL = str.maketrans({"đ": "dj", "Đ": "dj", "ð": "dj", "Ð": "dj", "ë": "e", "Ë": "e", "ç": "c", "Ç": "c"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Administrative words around a municipality name, in the languages people write it in.
_ADMIN_PREFIX = re.compile(
    r"^(the )?(municipality of|municipality|komuna e|komuna|opstina|opshtina|opcina|obcina) (?=\S)"
)
_ADMIN_SUFFIX = re.compile(r"(?<=\S) (municipality|komuna|opstina|belediyesi)$")
#: Parts of a compound name that only say "in Kosovo".
_NOISE = {"kosovo", "kosova", "kosove", "xk", "rks", "unscr 1244"}
_PARTS = re.compile(r"[/;,|()\[\]]+")

Status = Literal["matched", "ambiguous", "unknown"]


def normalise(name: object) -> str:
    """Lower case, ASCII, single spaces, administrative prefixes dropped (for any vocabulary)."""
    text = str(name or "").translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
    return _PREFIXES.sub("", text).strip()


def _fold(name: object, dj: str = "dj") -> str:
    """Lower-case ASCII words: Serbian Cyrillic to Latin, Đ/Ð to ``dj`` (or ``d``), diacritics dropped."""
    text = str(name or "")
    if _CYRILLIC.search(text):
        text = cyrtranslit.to_latin(text, "sr")
    text = re.sub("[đĐðÐ]", dj, text).translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def name_key(name: object, dj: str = "dj") -> str:
    """The form a municipality name is looked up by: folded, administrative words dropped."""
    key = _fold(name, dj)
    while True:
        shorter = _ADMIN_SUFFIX.sub("", _ADMIN_PREFIX.sub("", key)).strip()
        if shorter == key:
            return key
        key = shorter


@functools.cache
def _index() -> dict[str, tuple[str, ...]]:
    """Every key of every name in the table -> the codes it may mean. Raises if two municipalities share a key
    that ``AMBIGUOUS`` does not declare."""
    index: dict[str, tuple[str, ...]] = {}

    def add(name: str, codes: tuple[str, ...]) -> None:
        for key in {name_key(name), name_key(name, dj="d")}:
            known = index.setdefault(key, codes)
            if known != codes:
                raise ValueError(f"name table: {name!r} ({key!r}) means both {known} and {codes}; list it in AMBIGUOUS")

    for entry in NAME_TABLE:
        for name in (entry.code, *entry.all):
            add(name, (entry.code,))
    for name, codes in AMBIGUOUS.items():
        add(name, tuple(codes))
    return index


def _english(codes: tuple[str, ...]) -> str:
    names = [NAMES_BY_CODE[c].en for c in codes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def candidate_codes(name: object) -> tuple[str, ...]:
    """Every municipality ``name`` may stand for: one code, several (an ambiguous name) or none."""
    key = name_key(name)
    if not key:
        return ()
    index = _index()
    if key in index:
        return index[key]
    found: list[tuple[str, ...]] = []
    for part in _PARTS.split(str(name)):
        part_key = name_key(part)
        if not part_key or part_key in _NOISE:
            continue
        if part_key not in index:
            return ()
        found.append(index[part_key])
    if not found:
        return ()
    common = [c for c in found[0] if all(c in f for f in found[1:])]
    if common:
        return tuple(common)
    return tuple(dict.fromkeys(c for f in found for c in f))  # "Zveçan/Leposaviq": either, not both


def suggestions(name: object, limit: int = 2) -> tuple[str, ...]:
    """Codes of the municipalities whose names are closest to an unknown ``name`` ("did you mean")."""
    key = name_key(name)
    if not key:
        return ()
    index = _index()
    hits = process.extract(key, list(index), scorer=fuzz.ratio, limit=10, score_cutoff=75)
    codes = dict.fromkeys(c for hit, _, _ in hits for c in index[hit])
    return tuple(codes)[:limit]


@dataclass(frozen=True)
class Resolution:
    """What a municipality name means: a code when it is certain, else the candidates and why."""

    name: str
    status: Status
    code: str | None = None
    candidates: tuple[str, ...] = ()  # every municipality the name may mean
    message: str = ""
    suggestions: tuple[str, ...] = ()  # for an unknown name: the closest municipalities ("did you mean")


def _as_point(point: object) -> shapely.Point | None:
    if point is None:
        return None
    if isinstance(point, shapely.Geometry):
        return None if point.is_empty else point
    lon, lat = point  # type: ignore[misc]
    return shapely.Point(float(lon), float(lat))


def _codes_at(point: shapely.Point, polygons) -> list[str]:
    """Codes of the polygons (a GeoDataFrame with a ``code`` column) that cover a WGS 84 point."""
    if polygons.crs is not None and polygons.crs.to_epsg() != 4326:
        polygons = polygons.to_crs(4326)
    covers = shapely.covers(polygons.geometry.values, point)
    return list(dict.fromkeys(polygons["code"].to_numpy()[covers]))


def resolve_municipality(name: object, point: object = None, polygons=None) -> Resolution:
    """The municipality ``name`` stands for. An ambiguous name is settled by ``point`` (a shapely Point or
    ``(lon, lat)`` in WGS 84) when it lies in exactly one candidate's polygon; ``polygons`` is a GeoDataFrame
    with ``code`` and geometry, by default the installed ``municipalities`` layer."""
    text = "" if name is None else str(name).strip()
    codes = candidate_codes(text)
    if not codes:
        near = suggestions(text)
        why = "unknown municipality (not a Kosovo municipality name in Albanian, Serbian or English)"
        if near:
            why += "; did you mean " + " or ".join(NAMES_BY_CODE[c].label for c in near) + "?"
        return Resolution(text, "unknown", None, (), why, near)
    if len(codes) == 1:
        return Resolution(text, "matched", codes[0], codes)
    options = _english(codes)
    p = _as_point(point)
    if p is None:
        return Resolution(text, "ambiguous", None, codes, f"ambiguous: {options}; give the point or the full name")
    if polygons is None:
        from geodata.io.load import load_layer  # the layer loader imports this module's callers

        polygons = load_layer("municipalities")
    inside = _codes_at(p, polygons)
    chosen = [c for c in codes if c in inside]
    if len(chosen) == 1:
        return Resolution(
            text,
            "matched",
            chosen[0],
            codes,
            f"{text!r} may be {options}; the point lies in {_english((chosen[0],))}",
        )
    if chosen:
        where = f"the point lies where {' and '.join(NAMES_BY_CODE[c].en for c in chosen)} share one drawn polygon"
    elif inside:
        where = f"the point lies in {_english(tuple(inside))}, which is neither"
    else:
        where = "the point lies in none of them"
    return Resolution(text, "ambiguous", None, codes, f"ambiguous: {options}, and {where}; give the full name")


def place_label(name: object, municipality: str) -> str:
    """A settlement's label on a map: its own name, or for the town its municipality is named after, the
    municipality's Albanian and Serbian names ("Zveçan/Zvečan" for GeoNames' ASCII "Zvecan", "Drenas/Glogovac"
    for "Glogovac")."""
    entry = NAMES_BY_CODE.get(municipality)
    if entry is not None and municipality in candidate_codes(name):
        return entry.label
    return str(name)


def match_municipality(name: object) -> str | None:
    """The municipality code for a name in any of its forms; None for an unknown or ambiguous name."""
    codes = candidate_codes(name)
    return codes[0] if len(codes) == 1 else None


def municipality_or_error(text: str, unknown: str = "unknown municipality {name!r}") -> str:
    """The code for a code or name given on a command line. Raises ``ValueError``: an ambiguous name lists its
    candidates with their codes; an unknown one says ``unknown`` (formatted with ``name``) and what is close."""
    if text in NAMES_BY_CODE:
        return text
    found = resolve_municipality(text)
    if found.code is not None:
        return found.code
    if found.status == "ambiguous":
        options = " or ".join(f"{NAMES_BY_CODE[c].en} ({c})" for c in found.candidates)
        raise ValueError(f"{text!r} is ambiguous: {options}; give the full name or the code")
    why = unknown.format(name=text)
    if found.suggestions:
        why += "; did you mean " + " or ".join(f"{NAMES_BY_CODE[c].label} ({c})" for c in found.suggestions) + "?"
    raise ValueError(why)
