"""Import project portfolios: CSV, HXL-tagged CSV, Excel, GeoJSON, GeoPackage,
zipped Shapefile and IATI activity XML.

``preview_file(path)`` / ``preview_bytes(data, name)`` read and check a file
and return an ``ImportPreview`` (nothing written); ``preview.commit()`` writes
its valid rows, or ``commit(valid_only=False)`` all rows or none. A file that
cannot be read raises ``ImportFileError`` (a ``LayerError``: file, why).

One module per reader: ``delimited`` (CSV and HXL), ``xlsx``, ``vector``
(GeoJSON, GeoPackage, zipped Shapefile through GDAL), ``iati``. Columns:
``synonyms`` (the one header table), ``mapping`` (folding headers onto it, and
the one import point for the helpers below), ``hxl`` (the hashtags). Values:
``cells`` (blanks, numbers, dates, unsafe cells; ``per_value`` runs a check
once per distinct cell), ``number_formats`` (one decimal convention per
column), ``vocabularies`` (sectors, statuses, communities, currencies, sites),
``money`` (ECB rates). The preview: ``preview`` assembles it from ``checks``
(the row checks, generated ids, validation) and ``placing`` (points); the
result and its commit are ``result``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from geodata.io.importers.base import MAX_UPLOAD_BYTES, ImportFileError, RawTable, check_size, file_error
from geodata.io.importers.preview import ImportPreview, ImportRejected, build_preview

FORMATS: tuple[str, ...] = ("csv", "hxl", "xlsx", "geojson", "gpkg", "shapefile", "iati")
_BY_SUFFIX = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".hxl": "hxl",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",  # read_xlsx explains that .xls must be saved as .xlsx
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".zip": "shapefile",
    ".shz": "shapefile",
    ".xml": "iati",
}

__all__ = [
    "FORMATS",
    "MAX_UPLOAD_BYTES",
    "ImportFileError",
    "ImportPreview",
    "ImportRejected",
    "detect_format",
    "preview_bytes",
    "preview_file",
]


def detect_format(file_name: str, data: bytes) -> str:
    """The format from the content where it is unambiguous, else from the file name; CSV by default."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if data.startswith(b"PK"):
        return "xlsx" if b"xl/" in data[:65536] or Path(file_name).suffix.lower() in (".xlsx", ".xlsm") else "shapefile"
    if head.startswith(b"<"):
        return "iati"
    if head.startswith(b"{"):
        return "geojson"
    return _BY_SUFFIX.get(Path(file_name).suffix.lower(), "csv")


def _read(data: bytes, file_name: str, fmt: str) -> RawTable:
    from geodata.io.importers import delimited, iati, vector, xlsx

    if fmt in ("csv", "hxl"):
        return delimited.read_csv(data, file_name, fmt)
    if fmt == "xlsx":
        return xlsx.read_xlsx(data, file_name)
    if fmt in ("geojson", "gpkg", "shapefile"):
        return vector.read_vector(data, file_name, fmt)
    if fmt == "iati":
        return iati.read_iati(data, file_name)
    raise file_error(file_name, f"unknown format {fmt!r}; known formats: {', '.join(FORMATS)}")


def preview_bytes(
    data: bytes,
    file_name: str,
    format: str | None = None,
    crs: str | None = None,
    currency: str | None = None,
    status: str | None = None,
) -> ImportPreview:
    """Read and check a file's bytes (an upload). Raises ``ImportFileError`` when it cannot be read. ``crs``,
    ``currency`` and ``status`` are what the person importing declares for rows that do not say."""
    check_size(file_name, len(data))
    fmt = format or detect_format(file_name, data)
    try:
        table = _read(data, file_name, fmt)
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - an untrusted file may break a parser in any way; say so, no traceback
        raise file_error(file_name, f"cannot be read as {fmt}: {type(exc).__name__}: {exc}") from None
    sha = hashlib.sha256(data).hexdigest()
    return build_preview(table, file_name, sha, len(data), crs=crs, currency=currency, status=status)


def preview_file(
    path: str | Path,
    format: str | None = None,
    crs: str | None = None,
    currency: str | None = None,
    status: str | None = None,
) -> ImportPreview:
    """Read and check a file on disk (the size limit is checked before reading it)."""
    path = Path(path)
    if not path.is_file():
        raise file_error(str(path), "file not found")
    check_size(path.name, path.stat().st_size)
    return preview_bytes(path.read_bytes(), path.name, format=format, crs=crs, currency=currency, status=status)
