"""Amounts written the way people write them, read one column at a time.

A column of "250.000", "2.000.000" and "1.500" is one convention (a point groups thousands), and
"250.000" means 250,000 there; in a column of "250000.00" and "12.5" it would mean 250. So the decimal
mark is decided per column, never per cell:

* each text cell is tried under the two conventions, *decimal point* (1,234.56, as Babel's ``en`` locale)
  and *decimal comma* (1.234,56, as ``de``), strictly: group marks only between groups of three digits.
  The strict reading is Babel's (``parse_decimal(strict=True)``), done here with one precompiled pattern
  per convention because an import reads up to 100,000 cells (a test checks the two agree); spaces,
  no-break spaces and apostrophes that group digits in threes (1 234,50; 1'234.50) are taken out first;
* the cells that only one convention reads decide the column (the majority, when they disagree: the
  others are reported as written in a different format);
* when no cell decides and some cells read differently under the two ("250.000", "250,000"), the column's
  convention cannot be determined: those cells are named and not imported.

Placeholders ("-", "n/a", "—") and empty cells are empty. Currency codes and symbols around a number are
ignored here (the currency comes from its own column); "(1,500)" is an accounting negative.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from babel.numbers import NumberFormatError, parse_decimal

from geodata.io.importers.mapping import is_blank, per_value

DOT, COMMA = "decimal point", "decimal comma"
_LOCALES = {DOT: "en", COMMA: "de"}
_EXAMPLES = {DOT: "1,234.56", COMMA: "1.234,56"}

_AFFIX = re.compile(r"^(?:[A-Z]{3}|US\$|[$€£¥]|CHF|Fr\.?|лв|kn|din\.?)\s*|\s*(?:[A-Z]{3}|[$€£¥]|CHF|Fr\.?|din\.?)$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’]")
_SPACE_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:[\s\u00a0\u202f\u2009'’]\d{3})+(?:[.,]\d+)?$")
_NUMBERISH = re.compile(r"^[+-]?[\d.,]*\d[\d.,]*$")


_CONVENTIONS = {
    (True, True): frozenset({DOT, COMMA}),
    (True, False): frozenset({DOT}),
    (False, True): frozenset({COMMA}),
    (False, False): frozenset(),
}


@dataclass(frozen=True)
class CellReading:
    """How one text cell reads under each convention (``None``: it cannot be read so)."""

    dot: float | None
    comma: float | None

    @property
    def conventions(self) -> frozenset[str]:
        return _CONVENTIONS[self.dot is not None, self.comma is not None]

    @property
    def ambiguous(self) -> bool:
        return self.dot is not None and self.comma is not None and self.dot != self.comma


@functools.lru_cache(maxsize=65536)
def read_cell(raw: str) -> CellReading:
    """The two readings of one text cell (cached: a column repeats its values)."""
    s = raw.strip()
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1].strip()
    s = _AFFIX.sub("", s).strip()
    if _SPACE_GROUPED.match(s):
        s = _SPACES.sub("", s)
    elif _SPACES.search(s):
        return CellReading(None, None)
    if not _NUMBERISH.match(s):
        return CellReading(None, None)
    out = []
    for convention in (DOT, COMMA):
        f = strict_value(s, convention)
        out.append(-f if negative and f is not None else f)
    return CellReading(*out)


_STRICT = {
    DOT: re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$"),
    COMMA: re.compile(r"^([+-]?)(\d{1,3}(?:\.\d{3})+|\d*)(?:,(\d*))?$"),
}


_GROUP = {DOT: ",", COMMA: "."}


def strict_value(s: str, convention: str) -> float | None:
    """The number ``s`` stands for under ``convention`` (group marks only between threes), or None."""
    m = _STRICT[convention].match(s)
    if m is None or not (m.group(2) or m.group(3)):
        return None
    whole = m.group(2).replace(_GROUP[convention], "") or "0"
    f = float(f"{m.group(1)}{whole}.{m.group(3) or '0'}")
    return f if math.isfinite(f) else None


def babel_value(s: str, convention: str) -> float | None:
    """Babel's strict reading of ``s`` under ``convention`` (the reference ``strict_value`` is tested against)."""
    try:
        value: Decimal = parse_decimal(s, locale=_LOCALES[convention], strict=True)
    except NumberFormatError:
        return None
    return float(value)


@dataclass
class ColumnReading:
    """The numbers of one column and what could not be read. ``convention`` is None when no cell decided.
    ``cell_problems`` maps a cell's position to why it was not read."""

    values: list[float | None]
    convention: str | None
    cell_problems: dict[int, str] = field(default_factory=dict)


def read_number_column(cells: list[object], default: str | None = None) -> ColumnReading:
    """Numbers from one column's cells, with one decimal convention for the whole column. ``default`` is the
    convention to use when no cell decides (the app's own form writes 1,234.5); None reports such cells."""
    n = len(cells)
    values: list[float | None] = [None] * n
    readings: dict[int, CellReading] = {}
    problems: dict[int, str] = {}
    for i, (kind, read) in enumerate(per_value(cells, _classify)):
        if kind == "value":
            values[i] = read  # type: ignore[assignment]
        elif kind == "reading":
            readings[i] = read  # type: ignore[assignment]
        elif kind == "bad":
            problems[i] = "is not a number"
    votes = {DOT: 0, COMMA: 0}
    for r in readings.values():
        if len(r.conventions) == 1:
            votes[next(iter(r.conventions))] += 1
    convention = default
    if votes[DOT] or votes[COMMA]:
        convention = DOT if votes[DOT] >= votes[COMMA] else COMMA
    for i, r in readings.items():
        if convention is None:
            if r.ambiguous:
                problems[i] = (
                    f"could be {_plain(r.dot)} or {_plain(r.comma)}: no cell in this column shows whether "
                    "'.' or ',' marks its decimals. Write amounts without thousands separators (250000) or "
                    f"with decimals ({_EXAMPLES[DOT]} or {_EXAMPLES[COMMA]})"
                )
            else:
                values[i] = r.dot if r.dot is not None else r.comma
        else:
            value = r.dot if convention == DOT else r.comma
            if value is None:
                other = COMMA if convention == DOT else DOT
                problems[i] = (
                    f"is written with a {other}, but this column uses a {convention} "
                    f"(like {_EXAMPLES[convention]}); write it the same way"
                )
            else:
                values[i] = value
    return ColumnReading(values, convention, problems)


def _classify(cell: object) -> tuple[str, float | CellReading | None]:
    """One cell before the column's convention is known: ``blank``, ``bad`` (not a number), ``value`` (a
    number cell) or ``reading`` (a text cell's two readings)."""
    if is_blank(cell):
        return "blank", None
    if isinstance(cell, bool | np.bool_):
        return "bad", None
    if isinstance(cell, int | float | np.integer | np.floating):
        f = float(cell)
        return ("value", f) if math.isfinite(f) else ("bad", None)
    reading = read_cell(str(cell))
    return ("reading", reading) if reading.conventions else ("bad", None)


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if not float(value).is_integer() else f"{value:,.0f}"
