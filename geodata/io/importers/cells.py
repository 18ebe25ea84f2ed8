"""Cells as people write them: blanks and placeholders ("-", "n/a"), text, numbers ("1.234,50", "$1,200"),
whole numbers, yes/no, dates (ISO or day-first local forms), and what a cell must not carry (a formula, a link a
browser runs, an e-mail address, undecodable bytes). ``per_value`` runs any of these once per distinct cell of a
column.

Every parser returns ``(value, ok)``: ``ok`` is False when the text could not be read, and the caller reports
the original text. Nothing here guesses silently.
"""

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")

#: Cells that say "nothing here": read as empty, never as errors.
PLACEHOLDERS = frozenset({"-", "--", "---", "–", "—", "―", "n/a", "n.a.", "n.a", "na", "nan", "null", "..", "...", "…"})
_LONGEST_PLACEHOLDER = max(map(len, PLACEHOLDERS))


def is_blank(value: object) -> bool:
    """Empty, NaN, or a placeholder ("-", "n/a", "N/A", "—")."""
    if type(value) is str:  # most cells: no placeholder is longer than four characters
        s = value.strip()
        return not s or (len(s) <= _LONGEST_PLACEHOLDER and s.lower() in PLACEHOLDERS)
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating) and math.isnan(value):
        return True
    return isinstance(value, str) and (value.strip() == "" or value.strip().lower() in PLACEHOLDERS)


def per_value(values: Iterable[object], fn: Callable[[object], T]) -> list[T]:
    """``[fn(v) for v in values]``, with ``fn`` called once per distinct value: a column of 50,000 cells holds
    a few hundred distinct ones. Values are told apart by type and value (1, 1.0 and True stay apart);
    unhashable values (a list in a GeoJSON property) are computed each time. ``fn`` must be pure."""
    if isinstance(values, pd.Series):
        cells = values.to_numpy(dtype=object)
    else:
        values = values if isinstance(values, list | np.ndarray) else list(values)
        cells = np.fromiter(values, dtype=object, count=len(values))  # tuples and lists stay single cells
    if len(cells) > 64 and pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty"):
        # text and blanks only (a CSV column): the distinct texts are found in C, blanks go the slow way
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        results = np.empty(len(uniques) + 1, dtype=object)
        results[:-1] = [fn(u) for u in uniques]
        out = results[codes].tolist()  # code -1 (a blank) takes the last slot, filled below
        blank = np.flatnonzero(codes < 0)
        for i, r in zip(blank, _per_value(cells[blank], fn), strict=True):
            out[i] = r
        return out
    return _per_value(cells, fn)


def _per_value(values: Iterable[object], fn: Callable[[object], T]) -> list[T]:
    cache: dict[tuple[type, object], T] = {}
    out: list[T] = []
    append = out.append
    for v in values:
        key = (type(v), v)
        try:
            r = cache[key]
        except KeyError:
            r = cache[key] = fn(v)
        except TypeError:
            r = fn(v)
        append(r)
    return out


def text(value: object) -> str | None:
    """A cell as stripped text, or None when blank."""
    if type(value) is str:
        s = value.strip()
        return None if not s or (len(s) <= _LONGEST_PLACEHOLDER and s.lower() in PLACEHOLDERS) else s
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_PLAIN_NUMBER = re.compile(r"^[+-]?\s*\d[\d\s.,']*$")
#: What follows a leading + or - in a cell a spreadsheet evaluates: a function call (SUM(, cmd|), a cell
#: reference (A1, $B$2, Sheet1!A1) or arithmetic on numbers ("2+3"). Prose ("- Renforcer les capacités")
#: and plain numbers ("-1500", "+383 44 123 456") are none of these.
_EXPRESSION = re.compile(
    r"""^[+-]\s*(?:
        [A-Za-z_][\w.]*\s*[(|!]                        # a function call, DDE (cmd|'...') or sheet reference
      | \$?[A-Za-z]{1,3}\$?\d+\b(?!\s+[A-Za-zÀ-ÿ]{2})   # a cell reference not followed by words
      | [\d.,]+\s*[-+*/^&]\s*[\d(A-Za-z$]              # arithmetic
      | \(                                             # a parenthesised expression
    )""",
    re.VERBOSE,
)


def is_formula_like(value: object) -> bool:
    """A cell a spreadsheet would run as a formula: "=" or "@" first, or "+"/"-" followed by a function,
    a cell reference or arithmetic; leading spaces, tabs and line breaks do not hide it, nor do full-width
    forms ("＝"). A text that starts with "-" or "+" and reads as prose or a number is not one."""
    if not isinstance(value, str) or not value:
        return False
    s = unicodedata.normalize("NFKC", value).lstrip(" \t\r\n\u00a0\u3000")
    if not s:
        return False
    if s[0] == "=":
        return True
    if s[0] == "@":
        return bool(re.match(r"@\s*[A-Za-z_][\w.]*\s*\(", s))
    if s[0] in "+-":
        return not _PLAIN_NUMBER.match(s) and bool(_EXPRESSION.match(s))
    return False


#: Link schemes that run code or carry a whole document when a browser opens them; a source must be an address.
UNSAFE_SCHEMES = ("javascript", "vbscript", "data")
_LINK_SEPARATORS = re.compile(r"[\s;,<>\"'()\[\]]+")
_UNSAFE_LINK = re.compile(r"^(javascript|vbscript):|^data:.", re.IGNORECASE)


def unsafe_link(value: object) -> str | None:
    """The scheme ("javascript", "vbscript" or "data") of a link in a text that a browser would run or open as a
    document, or None. Browsers ignore case, leading control characters and tabs or line breaks inside the
    scheme, and so does this check ("JaVa\tScRiPt:", "\x01javascript:"); full-width letters are folded."""
    if not isinstance(value, str) or not value:
        return None
    s = unicodedata.normalize("NFKC", value)
    for token in _LINK_SEPARATORS.split(s):
        token = re.sub(r"[\x00-\x20\x7f]", "", token)
        if m := _UNSAFE_LINK.match(token):
            return (m.group(1) or "data").lower()
    # a scheme split by tabs or line breaks ("java\nscript:") is one scheme to a browser
    joined = re.sub(r"[\t\n\r]", "", s)
    if joined != s:
        for token in _LINK_SEPARATORS.split(joined):
            if m := _UNSAFE_LINK.match(re.sub(r"[\x00-\x20\x7f]", "", token)):
                return (m.group(1) or "data").lower()
    return None


_BAD_CHARS = re.compile("[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_bad_encoding(value: object) -> bool:
    """Undecodable bytes (U+FFFD) or control characters in a text cell."""
    return isinstance(value, str) and bool(_BAD_CHARS.search(value))


_EMAIL = re.compile(r"(?<![/\w.])[\w.+-]+@[\w-]+(\.[\w-]+)+")


def has_email(value: object) -> bool:
    return isinstance(value, str) and bool(_EMAIL.search(value))


# ---------------------------------------------------------------- numbers


def parse_number(value: object) -> tuple[float | None, bool]:
    """A number from a cell: 1234.5, "1,234.50", "1.234,50", "1 234", "$1,200", "EUR 300". Blank -> (None, True)."""
    if is_blank(value):
        return None, True
    if isinstance(value, bool | np.bool_):
        return None, False
    if isinstance(value, int | float | np.integer | np.floating):
        f = float(value)
        return (f, True) if math.isfinite(f) else (None, False)
    s = str(value).strip()
    s = re.sub(r"^([A-Z]{3}|US\$|[$€£])\s*|\s*([A-Z]{3}|[$€£])$", "", s)
    s = re.sub(r"(?i)^(usd|eur|us\$)\s*|\s*(usd|eur)$", "", s)
    s = s.replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not re.fullmatch(r"[+-]?[\d.,]*\d[\d.,]*", s):
        return None, False
    if "," in s and "." in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif "," in s:
        s = s.replace(",", "") if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", s) else s.replace(",", ".")
    elif re.fullmatch(r"[+-]?\d{1,3}(\.\d{3}){2,}", s):
        s = s.replace(".", "")
    try:
        f = float(s)
    except ValueError:
        return None, False
    return (f, True) if math.isfinite(f) else (None, False)


def parse_int(value: object) -> tuple[int | None, bool]:
    f, ok = parse_number(value)
    if not ok or f is None:
        return None, ok
    if not float(f).is_integer() or abs(f) > 2**53:
        return None, False
    return int(f), True


_TRUE = {"true", "yes", "y", "1", "t", "sample", "po", "da"}
_FALSE = {"false", "no", "n", "0", "f", "documented", "jo", "ne"}


def parse_bool(value: object) -> tuple[bool | None, bool]:
    if is_blank(value):
        return None, True
    if isinstance(value, bool | np.bool_):
        return bool(value), True
    s = str(value).strip().lower()
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value), True
    if s in _TRUE:
        return True, True
    if s in _FALSE:
        return False, True
    return None, False


# ---------------------------------------------------------------- dates


def parse_date(value: object) -> tuple[str | None, bool]:
    """An ISO date string (YYYY, YYYY-MM or YYYY-MM-DD) from a cell. Day-first local forms (31.12.2019,
    31/12/2019) are converted; anything else is returned as text with ok=False for the report."""
    if is_blank(value):
        return None, True
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat(), True
    if isinstance(value, date):
        return value.isoformat(), True
    if isinstance(value, int | np.integer) and 1900 <= int(value) <= 2100:
        return str(int(value)), True
    if isinstance(value, float) and value.is_integer() and 1900 <= value <= 2100:
        return str(int(value)), True
    s = str(value).strip()
    m = re.fullmatch(r"(\d{4})(-\d{2})?(-\d{2})?(?:[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?", s)
    if m:
        iso = m.group(1) + (m.group(2) or "") + ((m.group(3) or "") if m.group(2) else "")
        return (iso, True) if _real_date(iso) else (s, False)
    m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", s)
    if m:
        iso = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        return (iso, True) if _real_date(iso) else (s, False)
    m = re.fullmatch(r"(\d{1,2})[./](\d{4})", s)
    if m:
        iso = f"{m.group(2)}-{int(m.group(1)):02d}"
        return (iso, True) if _real_date(iso) else (s, False)
    return s, False


def _real_date(iso: str) -> bool:
    parts = [int(p) for p in iso.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True
