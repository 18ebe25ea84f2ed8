"""CSV (and HXL-tagged CSV): encoding detection, delimiter sniffing, line numbers.

Encodings: UTF-8 with or without BOM, UTF-16 with a BOM, else Windows-1250 or
Windows-1252 (chosen by the letters each produces; the report says which was
used). A UTF-8 file with a few broken bytes keeps UTF-8 and flags those rows
as "bad encoding" instead of garbling every other row.

Rows are numbered by the line they start on, as a text editor shows them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

from geodata.facts.validate import Problem
from geodata.io.importers.base import RawTable, file_error, table_from_rows
from geodata.io.importers.mapping import has_bad_encoding, per_value

DELIMITERS = ",;\t|"
#: Letters that only a right guess produces: Serbian Latin in cp1250, and what the same bytes become in cp1252.
_CP1250_LETTERS = set("čćđČĆĐšžŠŽ")
_CP1252_ONLY = set("èæðÈÆÐ¹¾")


#: Files that are something else under a .csv name, by their first bytes.
_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive; an Excel workbook is imported as xlsx"),
    (b"\xd0\xcf\x11\xe0", "an old Office document such as an .xls workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "a SQLite database or GeoPackage"),
)
#: C0 control bytes other than tab, line feed, form feed and carriage return (and NUL, counted apart).
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0e-\x1f]")


def decode(data: bytes, file: str) -> tuple[str, str, list[Problem]]:
    """``(text, encoding used, warnings)``. Raises ``ImportFileError`` for binary data."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16", []
        except UnicodeDecodeError:
            raise file_error(file, "starts with a UTF-16 mark but is not valid UTF-16") from None
    for magic, kind in _BINARY_SIGNATURES:
        if data.startswith(magic):
            raise file_error(file, f"is not a text file (it is {kind}); save it as CSV (UTF-8)")
    head = data[:65536]
    if head.count(b"\x00") > max(2, len(head) // 100):  # binary; a stray NUL in a cell is reported on its row
        raise file_error(file, "is not a text file (it contains NUL bytes); save it as CSV (UTF-8)")
    controls = len(_CONTROL_BYTES.findall(head))
    if controls > max(2, len(head) // 100):  # no text encoding we read puts these in text; stray ones are reported
        raise file_error(
            file,
            f"is not a text file ({controls} control bytes in its first {len(head)} bytes); save it as CSV (UTF-8)",
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8", []
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    good_non_ascii = 0
    for line in lines:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if any(b > 127 for b in line):
            good_non_ascii += 1
    if good_non_ascii:
        # UTF-8 elsewhere in the file: keep it, and let the rows with broken bytes be reported.
        warning = Problem(file, None, None, "UTF-8", "some lines are not valid UTF-8; their rows are reported")
        return data.decode("utf-8-sig", errors="replace"), "UTF-8", [warning]
    candidates = {}
    for enc in ("cp1250", "cp1252"):
        try:
            candidates[enc] = data.decode(enc)
        except UnicodeDecodeError:
            continue
    if not candidates:
        text = data.decode("cp1252", errors="replace")
        warning = Problem(file, None, None, None, "is neither UTF-8 nor Windows-1250/1252; undecodable rows reported")
        return text, "cp1252", [warning]

    def score(enc: str) -> int:
        t = candidates[enc]
        return sum(ch in _CP1250_LETTERS for ch in t) - 3 * sum(ch in _CP1252_ONLY for ch in t)

    enc = max(candidates, key=lambda e: (score(e), e == "cp1252"))
    name = {"cp1250": "Windows-1250", "cp1252": "Windows-1252"}[enc]
    warning = Problem(file, None, None, name, f"is not UTF-8; read as {name}. Check the accented letters")
    return candidates[enc], name, [warning]


def sniff(text: str) -> str:
    """The delimiter (',', ';', tab or '|'); ',' when the sample does not say."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def read_csv(data: bytes, file: str, fmt: str = "csv") -> RawTable:
    text, encoding, warnings = decode(data, file)
    delimiter = sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    rows: list[list[object]] = []
    numbers: list[int] = []
    line = 1
    try:
        for record in reader:
            rows.append([c if c != "" else None for c in record])
            numbers.append(line)
            line = reader.line_num + 1
    except csv.Error as exc:
        raise file_error(file, f"is not readable as CSV near line {reader.line_num}: {exc}") from None
    if not rows:
        raise file_error(file, "has no rows")
    table = table_from_rows(file, rows, numbers, fmt, "line")
    table.warnings = warnings + table.warnings
    found = []  # (row position, column position): one pass per distinct cell, reported row by row
    for j in range(table.data.shape[1]):
        cells = list(table.data.iloc[:, j])
        found += [(i, j) for i, bad in enumerate(per_value(cells, has_bad_encoding)) if bad]
    for i, j in sorted(found):
        column = table.data.columns[j]
        table.problems.append(
            Problem(
                file,
                table.rows[i],
                table.mapping.get(column, column),
                table.data.iat[i, j],
                f"bad encoding: undecodable bytes or control characters (file read as {encoding})",
            )
        )
    return table
