"""Cells a spreadsheet would run as formulas, made inert in every CSV and XLSX the app writes (OWASP "CSV
injection"): the one CSV writer (``geodata.io.tables.csv_bytes``: the explorer's CSV download, the coverage gap
CSV, the portfolio CSV and HXL), the Excel export and the import error report all go through here.

A cell is escaped with a leading apostrophe, which spreadsheets read as "this is text". A cell needs it when it
starts with ``=``, ``+``, ``-`` or ``@`` (a signed plain number such as "-1500" or "+383 44 123 456" is left
alone), when that sign comes after leading whitespace (spaces, tabs, line breaks, no-break or full-width spaces,
which some spreadsheets trim before evaluating), or when it starts with a tab or carriage return. Because a
spreadsheet whose list separator is ``;`` (most of Europe) splits ``Roma;=HYPERLINK(…)`` into two cells, every
``;``-separated part of a cell is checked and escaped the same way, and so is every line of a multi-line cell
(such a spreadsheet does not see the quotes around a cell that starts after a ``,``, so each line of it becomes a
row of its own); free-text lines written outside CSV quoting (the ``#`` provenance lines) are split at ``,`` too.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

#: What a spreadsheet evaluates when a cell starts with it.
FORMULA_SIGNS = ("=", "+", "-", "@")
#: Characters that are themselves a formula prefix to some spreadsheets when they come first.
CONTROL_PREFIXES = ("\t", "\r")
_LEADING_SPACE = " \t\r\n\u00a0\u3000"
_PLAIN_NUMBER = re.compile(r"^[+-]?\s*\d[\d\s.,']*$")


def _dangerous(part: str) -> bool:
    if part.startswith(CONTROL_PREFIXES):
        return True
    s = unicodedata.normalize("NFKC", part).lstrip(_LEADING_SPACE)  # full-width "＝" is "=" to a spreadsheet
    return s.startswith(FORMULA_SIGNS) and not _PLAIN_NUMBER.match(s)


#: Where a spreadsheet may start a new cell inside one of ours: ``;`` and line breaks.
CELL_BREAKS = ";\n\r"


def escape_formula(value: object, separators: str = CELL_BREAKS) -> object:
    """``value`` with an apostrophe before every part (split at ``separators``) a spreadsheet would run as a
    formula; anything else (numbers, dates, None, safe text) unchanged."""
    if not isinstance(value, str) or not value:
        return value
    parts = re.split(f"([{re.escape(separators)}])", value) if separators else [value]
    if not any(_dangerous(p) for p in parts[::2]):
        return value
    out = "".join("'" + p if i % 2 == 0 and _dangerous(p) else p for i, p in enumerate(parts))
    return "'" + out if _dangerous(out) else out  # a cell that starts with a line break before a formula


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell escaped (other columns untouched)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(escape_formula, na_action="ignore")
    return out


def comment_line(text: str) -> str:
    """A ``# `` provenance line for the top of a CSV: written outside CSV quoting, so a spreadsheet may split it at
    ``,`` or ``;``; every part is escaped."""
    return "# " + str(escape_formula(text, separators="," + CELL_BREAKS))


__all__ = ["comment_line", "escape_formula", "escape_frame"]
