"""What the Data page computes apart from Dash: the upload's bytes and preview, the preview grid's columns and
rows, values and messages as people write them (no server path, no ``np.float64(...)``) and the store's version
token. No Dash imports: the page's components are in ``data_blocks`` and ``data_layout``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from dashboard.data import municipality_label
from geodata.facts.layers import SECTORS, STATUSES
from geodata.facts.municipality_registry import BY_CODE, MUNICIPALITIES
from geodata.facts.validate import Problem
from geodata.io import edit, store
from geodata.io.importers import FORMATS, ImportPreview, preview_bytes
from geodata.io.importers.base import file_error

FORMAT_LABELS = {
    "csv": "CSV",
    "hxl": "HXL-tagged CSV",
    "xlsx": "Excel (.xlsx)",
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "shapefile": "Zipped Shapefile",
    "iati": "IATI activity XML",
}
#: Preview grid columns, in order: what the row is, where, how much (amount, currency, USD) and the rest.
COLUMN_HEADERS = {
    "row": "Row",
    "outcome": "Outcome",
    "project_id": "ID",
    "title": "Title",
    "municipality": "Municipality",
    "committed": "Amount",
    "currency": "Cur.",
    "committed_usd": "USD",
    "coordinates": "Lat, lon",
    "sector": "Sector",
    "disbursed": "Disbursed",
    "disbursed_usd": "Disbursed (USD)",
    "location_precision": "Precision",
    "site_id": "Site",
    "status": "Status",
    "start_date": "Start",
    "end_date": "End",
    "target_communities": "Communities",
    "sectors": "Sectors",
    "implementing_org": "Implementing org.",
    "funder": "Funder",
    "beneficiaries_reached": "People reached",
    "is_sample": "Sample?",
    "sources": "Sources",
}
HEADER_TOOLTIPS = {
    "committed": "Committed amount, in the file's currency",
    "currency": "Currency of the amounts",
    "committed_usd": "Committed amount in USD (empty: the file gives no USD value)",
    "coordinates": "Latitude, longitude (WGS 84)",
}
AMOUNT_FIELDS = ("committed", "committed_usd", "disbursed", "disbursed_usd")
#: Grid column widths (px; default 110), so that the row, its place and its amount fit a 1280 px screen.
COLUMN_WIDTHS = {
    "project_id": 95,
    "municipality": 175,
    "committed": 115,
    "currency": 95,
    "committed_usd": 140,
    "coordinates": 165,
    "disbursed_usd": 140,
    "title": 210,
    "sources": 220,
}
INVALID_STYLE = {"backgroundColor": "#f8d7da", "color": "#58151c", "fontWeight": "600"}


def decode_upload(contents: str, filename: str = "upload") -> bytes:
    """The bytes of a ``dcc.Upload`` data URL ("data:<type>;base64,<data>")."""
    _, _, payload = (contents or "").partition(",")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise file_error(filename, "the upload could not be decoded; try again") from None


#: The value of the currency and status choices that leaves them to the file.
FROM_FILE = "file"


def read_upload(
    contents: str, filename: str, fmt: str | None, currency: str | None = None, status: str | None = None
) -> ImportPreview:
    """The preview of an upload; raises ``ImportFileError`` when it cannot be read. ``currency`` and ``status``
    (the page's choices; ``FROM_FILE`` or None: none) fill what the file does not say."""
    data = decode_upload(contents, filename or "upload")
    return preview_bytes(
        data,
        filename or "upload",
        format=fmt if fmt in FORMATS else None,
        currency=None if currency in (None, FROM_FILE) else currency,
        status=None if status in (None, FROM_FILE) else status,
    )


def column_defs() -> list[dict]:
    """Grid columns: each cell with a problem is shaded and explains itself on hover."""
    defs = []
    for field, header in COLUMN_HEADERS.items():
        col: dict = {"field": field, "headerName": header, "minWidth": 70, "width": COLUMN_WIDTHS.get(field, 110)}
        if field in HEADER_TOOLTIPS:
            col["headerTooltip"] = HEADER_TOOLTIPS[field]
        if field != "outcome":
            col["tooltipField"] = f"_why_{field}"
            col["cellClassRules"] = {"data-cell-invalid": f"params.data && params.data._why_{field} != null"}
            col["cellStyle"] = {
                "styleConditions": [
                    {"condition": f"params.data && params.data._why_{field} != null", "style": INVALID_STYLE}
                ]
            }
        if field == "row":
            col.update(pinned="left", width=80, minWidth=70)
        if field == "outcome":
            col.update(pinned="left", width=110)
            col["cellClassRules"] = {"data-row-rejected": "params.value === 'rejected'"}
            col["cellStyle"] = {
                "styleConditions": [{"condition": "params.value === 'rejected'", "style": INVALID_STYLE}]
            }
        if field in AMOUNT_FIELDS:
            col["type"] = "numericColumn"
            col["valueFormatter"] = {
                "function": "params.value == null ? '' : Number(params.value).toLocaleString('en-GB', "
                "{maximumFractionDigits: 2})"
            }
        defs.append(col)
    return defs


def plain(value: object) -> str:
    """A value as people write it: 22000 (not np.float64(22000.0)), 42.91, text as it is; '' for no value."""
    shown = edit.display_value(value)
    return str(shown) if not isinstance(shown, bool) else ("yes" if shown else "no")


def problem_text(problem: Problem) -> str:
    """One problem: file, row and field, why, and the value as it was written."""
    where = problem.file
    if problem.row is not None:
        where += f", row {problem.row}"
    if problem.field:
        where += f", field {problem.field}"
    value = plain(problem.value) if problem.value is not None else ""
    return f"{where}: {problem.why}" + (f" (value: {value})" if value != "" else "")


def preview_records(preview: ImportPreview) -> list[dict]:
    """The preview's rows for the grid: municipality names instead of codes (a value that is not a known
    municipality stays as written), and the coordinates in one column, flagged with the location's problems."""
    records = []
    for rec in preview.table_records():
        rec = dict(rec)
        code = rec.get("municipality")
        if code in BY_CODE:
            rec["municipality"] = municipality_label(code)
        lat, lon = rec.pop("lat", None), rec.pop("lon", None)
        rec["coordinates"] = f"{lat:.5f}, {lon:.5f}" if lat is not None and lon is not None else None
        why = list(dict.fromkeys(w for w in (rec.pop("_why_lat", None), rec.pop("_why_lon", None)) if w))
        if why:
            rec["_why_coordinates"] = "; ".join(why)
        records.append(rec)
    return records


_NUMPY_REPR = re.compile(r"np\.(?:float|int|uint)\d*\(([-+\d.eE]+|nan)\)")
_NUMPY_STR = re.compile(r"np\.str_\(('[^']*'|\"[^\"]*\")\)")


def message_text(exc: Exception) -> str:
    """An error's message for the page: the store's location is not shown (it is a server path), and numbers
    read as numbers (``np.float64(22000.0)`` -> ``22000``)."""
    text = str(exc)
    for place in sorted({str(store.store_path()), str(store.store_path().parent)}, key=len, reverse=True):
        text = text.replace(place, "the project store")
    text = _NUMPY_REPR.sub(lambda m: plain(float(m.group(1))), text)
    return _NUMPY_STR.sub(lambda m: m.group(1), text)


def data_version() -> str:
    """A token of the store's state (none yet: the shipped portfolio); it changes with every write."""
    return hashlib.sha256((store.version() or "shipped portfolio").encode()).hexdigest()[:16]


#: Fields chosen from a vocabulary (the rest are typed and parsed like an imported cell).
EDIT_CHOICES = {
    "sector": [{"label": s, "value": s} for s in SECTORS],
    "status": [{"label": s, "value": s} for s in STATUSES],
    "municipality": [
        {"label": " / ".join(dict.fromkeys((m.name_en, m.name_sq, m.name_sr))), "value": m.code}
        for m in sorted(MUNICIPALITIES, key=lambda m: m.name_en)
    ],
}
