"""Column mapping shared by every importer, and the one place to import the cell and vocabulary helpers from.

A partner's spreadsheet says "Latitude", "Budget" or "Komuna"; an HXL file says ``#geo+lat``; the projects layer
says ``lat`` (for the point), ``committed`` and ``municipality``. ``header_key`` folds a header and
``map_columns`` finds its field in the synonym table (``synonyms``). The values people write ("Active",
"1.234,50", "Mitrovicë e Veriut", "Roma, Ashkali and Egyptian") are read by ``cells`` and turned into the
vocabularies of ``layers.PROJECTS`` by ``vocabularies``; their names are re-exported here.
"""

import re
import unicodedata

import cyrtranslit

from geodata.io.formula_escape import escape_formula  # noqa: F401 - one rule for every file the app writes
from geodata.io.importers.cells import (
    PLACEHOLDERS,
    UNSAFE_SCHEMES,
    has_bad_encoding,
    has_email,
    is_blank,
    is_formula_like,
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
    per_value,
    text,
    unsafe_link,
)
from geodata.io.importers.synonyms import ALIASES, COORDINATE_FIELDS, PERSONAL_COLUMNS
from geodata.io.importers.vocabularies import (
    IATI_STATUS,
    dac_sector,
    match_site,
    normalise_communities,
    normalise_currency,
    normalise_id,
    normalise_municipality,
    normalise_sector,
    normalise_sectors,
    normalise_status,
    sector_as_given,
    sector_problems,
    text_column,
)

__all__ = [
    "ALIASES",
    "COORDINATE_FIELDS",
    "IATI_STATUS",
    "PERSONAL_COLUMNS",
    "PLACEHOLDERS",
    "UNSAFE_SCHEMES",
    "dac_sector",
    "escape_formula",
    "has_bad_encoding",
    "has_email",
    "header_key",
    "is_blank",
    "is_formula_like",
    "looks_personal",
    "map_columns",
    "map_header",
    "match_site",
    "normalise_communities",
    "normalise_currency",
    "normalise_id",
    "normalise_municipality",
    "normalise_sector",
    "normalise_sectors",
    "normalise_status",
    "parse_bool",
    "parse_date",
    "parse_int",
    "parse_number",
    "per_value",
    "sector_as_given",
    "sector_problems",
    "text",
    "text_column",
    "unsafe_link",
]


_HEADER_LETTERS = str.maketrans(
    {
        "đ": "dj",
        "Đ": "dj",
        "ð": "dj",
        "Ð": "dj",
        "ë": "e",
        "Ë": "e",
        "ç": "c",
        "Ç": "c",
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "ß": "ss",
    }
)


def header_key(name: object) -> str:
    """A header as a lookup key: lower case, ASCII (Serbian Cyrillic transliterated, diacritics dropped), words
    joined by '_' ("Opština", "OPSTINA" and "Општина" are all ``opstina``; line breaks are spaces)."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    if re.search(r"[\u0400-\u04ff]", text):
        text = cyrtranslit.to_latin(text, "sr")
    text = unicodedata.normalize("NFKD", text.translate(_HEADER_LETTERS)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


_ALIAS_INDEX = {header_key(a): field for field, names in ALIASES.items() for a in names}


def map_header(name: object) -> str | None:
    """The canonical field a column header stands for, or None."""
    return _ALIAS_INDEX.get(header_key(name))


def map_columns(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """``(mapping raw -> field, ignored headers)``. When two headers map to one field, the first wins and the
    second is ignored (and listed)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    ignored: list[str] = []
    for h in headers:
        field = map_header(h)
        if field is None or field in taken:
            ignored.append(h)
            continue
        mapping[h] = field
        taken.add(field)
    return mapping, ignored


def looks_personal(header: object) -> bool:
    return header_key(header) in PERSONAL_COLUMNS
