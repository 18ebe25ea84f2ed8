"""Excel workbooks (.xlsx) through openpyxl.

The first sheet is read, or the one named "projects" when there is one. Rows
are numbered as Excel shows them. Formulas are read as their text ("=SUM(…)"),
so the report can flag them instead of silently taking a cached value.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from geodata.io.importers import base
from geodata.io.importers.base import RawTable, check_zip, file_error, table_from_rows
from geodata.io.importers.mapping import is_blank


def read_xlsx(data: bytes, file: str) -> RawTable:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise file_error(file, "is an old Excel .xls workbook; save it as .xlsx (or CSV) and import that")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip(file, archive)
            if "xl/workbook.xml" not in archive.namelist():
                raise file_error(file, "is a zip archive but not an Excel workbook (no xl/workbook.xml)")
    except zipfile.BadZipFile:
        raise file_error(file, "is not an Excel .xlsx workbook (not a valid zip archive; truncated?)") from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise file_error(file, f"cannot be read as an Excel workbook: {exc}") from None
    try:
        names = workbook.sheetnames
        if not names:
            raise file_error(file, "has no worksheets")
        sheet = workbook[next((n for n in names if n.strip().lower() == "projects"), names[0])]
        rows: list[list[object]] = []
        numbers: list[int] = []
        # streamed: a sheet with more rows than one import accepts is refused as soon as the reading passes the
        # limit (with room for a title block and an HXL tag row above the data), never loaded whole
        most = base.MAX_ROWS + base.HEADER_SEARCH_ROWS + 2
        filled = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [v.strip() if isinstance(v, str) else v for v in values]
            if any(not is_blank(c) for c in cells):
                filled += 1
                if filled > most:
                    raise file_error(
                        file, f"has more than {base.MAX_ROWS} rows; the most one import accepts is {base.MAX_ROWS}"
                    )
            rows.append(cells)
            numbers.append(number)
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise file_error(file, f"cannot be read as an Excel workbook: {exc}") from None
    finally:
        workbook.close()
    if not rows:
        raise file_error(file, f"sheet {sheet.title!r} is empty")
    return table_from_rows(file, rows, numbers, "xlsx", "row")
