"""What every format reader returns (``RawTable``), the file-level error, and
the header detection shared by CSV, HXL and Excel."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geodata.facts.validate import LayerError, Problem
from geodata.io.importers import hxl
from geodata.io.importers.mapping import is_blank, looks_personal, map_columns, map_header

#: Largest file accepted (an upload or a CLI import).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: Most rows one import may hold.
MAX_ROWS = 50_000
#: Largest total uncompressed size inside a zip (xlsx, zipped shapefile): guards against zip bombs.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
#: Most members a zip (xlsx, zipped shapefile) may hold: a workbook has a few dozen, a shapefile a handful.
MAX_ZIP_MEMBERS = 1000


class ImportFileError(LayerError):
    """The file could not be read at all (wrong format, truncated, too big). Nothing was written."""


def file_error(file: str, why: str) -> ImportFileError:
    return ImportFileError([Problem(file, None, None, None, why)])


@dataclass
class RawTable:
    """A file's rows before normalisation.

    ``data`` has one column per header (cells as the reader found them); ``mapping`` names the canonical
    field of each mapped header; ``rows`` are the numbers a person sees in the file (CSV line, spreadsheet
    row, feature or activity number). Vector formats carry a ``geometry`` in the file's declared CRS.
    """

    data: pd.DataFrame
    rows: list[int]
    mapping: dict[str, str]
    ignored: list[str] = field(default_factory=list)
    geometry: gpd.GeoSeries | None = None
    crs: str | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    format: str = "csv"
    row_label: str = "row"


def check_size(file: str, size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise file_error(
            file,
            f"is {size / 1024 / 1024:.1f} MB; the largest file accepted is {MAX_UPLOAD_BYTES // 1024 // 1024} MB. "
            "Split it into smaller files",
        )
    if size == 0:
        raise file_error(file, "is empty")


def check_zip(file: str, archive: zipfile.ZipFile) -> None:
    """Refuse archives of more than MAX_ZIP_MEMBERS members or that would unpack to more than MAX_UNZIPPED_BYTES,
    from the archive's directory, before anything is unpacked."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise file_error(
            file, f"is an archive of {len(members)} files, more than the {MAX_ZIP_MEMBERS} accepted; refused"
        )
    total = sum(info.file_size for info in members)
    if total > MAX_UNZIPPED_BYTES:
        raise file_error(file, f"unpacks to {total / 1024 / 1024:.0f} MB, more than the limit; refused")


_COMMENT = re.compile(r"^#\s")
#: How far down a title block may push the header.
HEADER_SEARCH_ROWS = 20


def _header_row(rows: list[list[object]], start: int) -> int:
    """The row with the most recognised column names among the first rows (titles above a table are common);
    the first non-blank row when none is recognised."""
    best, best_hits = start, 0
    for i in range(start, min(start + HEADER_SEARCH_ROWS, len(rows))):
        if hxl.is_tag_row(rows[i]):
            break
        hits = len({f for c in rows[i] if not is_blank(c) and (f := map_header(c))})
        if hits > best_hits:
            best, best_hits = i, hits
    return best


def text_header(cell: object) -> str:
    """A header cell as one line ("Implementing\nPartner Name" -> "Implementing Partner Name")."""
    return "" if is_blank(cell) else " ".join(str(cell).split())


def table_from_rows(file: str, rows: list[list[object]], numbers: list[int], fmt: str, row_label: str) -> RawTable:
    """Find the header row (skipping blank rows and '# ' comment lines such as our export provenance),
    an HXL hashtag row if any, and build a ``RawTable`` from the rows below them."""
    start = 0
    while start < len(rows) and (
        all(is_blank(c) for c in rows[start])
        or (isinstance(rows[start][0], str) and _COMMENT.match(str(rows[start][0])) and len(rows[start]) >= 1)
    ):
        start += 1
    if start >= len(rows):
        raise file_error(file, "has no header row and no data")
    start = _header_row(rows, start)
    tag_row = next((i for i in range(start, min(start + 25, len(rows))) if hxl.is_tag_row(rows[i])), None)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if tag_row is not None:
        tags = [str(c).strip() if not is_blank(c) else "" for c in rows[tag_row]]
        # The text headers above the tag row (if any) name the columns for people and stand in for
        # tags we do not match (legacy pre-1.0 tags such as #sector_name, or none).
        texts = [text_header(c) for c in rows[start]] if tag_row > start else [""] * len(tags)
        texts += [""] * (len(tags) - len(texts))
        headers = [t or texts[i] or f"column {i + 1}" for i, t in enumerate(tags)]
        headers = [h if headers.count(h) == 1 else f"{h} ({i + 1})" for i, h in enumerate(headers)]
        by_tag = hxl.map_tags(tags)
        mapping = {headers[i]: f for i, f in by_tag.items()}
        used = set(mapping.values())
        for i, h in enumerate(headers):
            if i in by_tag or not texts[i]:
                continue
            f = map_header(texts[i])
            if f is not None and f not in used:
                mapping[h] = f
                used.add(f)
        ignored = [h for h in headers if h not in mapping and not h.startswith("column ")]
        body_start = tag_row + 1
        fmt = "hxl"
    else:
        headers = [text_header(c) for c in rows[start]]
        headers = [h if h else f"column {i + 1}" for i, h in enumerate(headers)]
        seen: set[str] = set()
        for h in headers:
            if h in seen:
                problems.append(Problem(file, numbers[start], h, h, "duplicate column name in the header"))
            seen.add(h)
        mapping, ignored = map_columns(headers)
        ignored = [h for h in ignored if not h.startswith("column ")]
        body_start = start + 1
    for h in ignored:
        if looks_personal(h):
            warnings.append(Problem(file, None, h, None, "looks like personal data: this column is not imported"))
    width = len(headers)
    body, body_numbers = [], []
    for cells, number in zip(rows[body_start:], numbers[body_start:], strict=True):
        if all(map(is_blank, cells)):
            continue
        if len(cells) > width and any(not is_blank(c) for c in cells[width:]):
            problems.append(
                Problem(file, number, None, len(cells), f"row has {len(cells)} cells but the header has {width}")
            )
        body.append(list(cells[:width]) + [None] * (width - len(cells)))
        body_numbers.append(number)
    if len(body) > MAX_ROWS:
        raise file_error(file, f"has {len(body)} rows; the most one import accepts is {MAX_ROWS}")
    unique_headers = list(dict.fromkeys(headers))
    data = pd.DataFrame(body, columns=headers, dtype=object)
    if len(unique_headers) != len(headers):
        data = data.loc[:, ~data.columns.duplicated()]
    if not mapping:
        problems.append(
            Problem(
                file,
                None,
                None,
                ", ".join(headers[:8]),
                "no column is recognised (expected names such as project_id, title, sector, municipality, lat, lon)",
            )
        )
    return RawTable(
        data=data.reset_index(drop=True),
        rows=body_numbers,
        mapping=mapping,
        ignored=ignored,
        problems=problems,
        warnings=warnings,
        format=fmt,
        row_label=row_label,
    )
