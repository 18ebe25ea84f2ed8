"""The tables the app writes: the portfolio as CSV, Excel, GeoJSON, GeoPackage and HXL, each carrying its
provenance, and ``csv_bytes``, the one CSV writer behind every CSV the app writes (portfolio, HXL, the explorer's
download and the coverage gap table; ``dashboard.exports.service`` is the entry for each).

Provenance says when the file was made, with which filters (the sentence and
the URL query), how many rows are SAMPLE DATA, and where the rows came from:
the shipped layer and every import (file name, SHA-256, import id). It also carries
the designation footnote (UNSCR 1244 / ICJ) and the disclosure rule: counts of people
from 1 to 9 are written as "<10" in every format (``geodata.analysis.privacy``), unless an
editor asks for exact figures (``exact=True``; the file then says so in its provenance).

* CSV and HXL: '# ' comment lines above the header (the importer skips them);
* Excel: a "projects" sheet (sample rows shaded) and a "provenance" sheet;
* GeoJSON: a top-level "provenance" member (RFC 7946 foreign member);
* GeoPackage: a "projects" layer and a "provenance" attribute table.

Spreadsheet cells that start with =, +, -, @, tab or CR get a leading
apostrophe in CSV, HXL and Excel, so they cannot run as formulas.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geodata.analysis.filters import FilterState, describe, filter_projects
from geodata.analysis.privacy import PEOPLE_COLUMNS, RULE, suppress_frame
from geodata.facts.designation import DESIGNATION
from geodata.facts.layers import PROJECTS
from geodata.io import store
from geodata.io.atomic import write_bytes_atomic
from geodata.io.formula_escape import comment_line, escape_formula
from geodata.io.importers.hxl import EXPORT_TAGS
from geodata.io.load import boundary_credit

EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx", "geojson", "gpkg", "hxl")
MEDIA_TYPES = {
    "csv": "text/csv",
    "hxl": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}
SUFFIXES = {"csv": ".csv", "hxl": ".hxl.csv", "xlsx": ".xlsx", "geojson": ".geojson", "gpkg": ".gpkg"}
#: Columns of an export, in order: the projects schema, then the point.
COLUMNS: tuple[str, ...] = (*PROJECTS.columns, "lon", "lat")
#: What an exact-figures file says instead of the disclosure rule (editors only; the server refuses it to viewers).
EXACT_NOTE = (
    "EXACT FIGURES (program managers only): counts of people or households from 1 to 9 are NOT suppressed in this "
    "file. Do not publish or forward it; public exports show them as <10."
)


def disclose(frame: pd.DataFrame, exact: bool = False) -> pd.DataFrame:
    """``frame`` with the disclosure rule applied to its people columns (``suppress_frame``), or as it is for an
    editor's exact export."""
    return frame.copy() if exact else suppress_frame(frame)


def disclosure_note(exact: bool = False) -> str:
    return EXACT_NOTE if exact else RULE


def _cell(value: object) -> object:
    v = _plain(value)
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return escape_formula(v)


def csv_bytes(
    frame: pd.DataFrame,
    comments: Iterable[str],
    *,
    headers: Mapping[str, str] | None = None,
    tags: Sequence[str] | None = None,
    exact: bool = False,
    bom: bool = True,
) -> bytes:
    """The one CSV writer: '# ' provenance lines (``comments``, then the disclosure rule and the designation
    footnote unless a line already carries them), the header (``headers`` renames columns), an optional HXL tag
    row, then the rows. People columns are suppressed unless ``exact``; every text cell and comment line is
    formula-escaped (``geodata.io.formula_escape``). A comment line is written as it is (a spreadsheet shows it
    across cells), or quoted when it holds a quote or a line break, so no CSV reader can run it into the header.
    UTF-8 with a byte-order mark (Excel then reads the diacritics) unless ``bom=False``; CRLF line ends."""
    frame = disclose(frame, exact)
    lines = [str(c) for c in comments]
    note = disclosure_note(exact)
    if not any(note in line for line in lines):
        lines.append(note)
    if not any(DESIGNATION in line for line in lines):
        lines.append(DESIGNATION)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in lines:
        text = comment_line(line)
        if any(ch in text for ch in '"\r\n'):
            writer.writerow([text])
        else:
            buffer.write(text + "\r\n")
    writer.writerow([(headers or {}).get(c, c) for c in frame.columns])
    if tags is not None:
        writer.writerow(list(tags))
    for record in frame.itertuples(index=False):
        writer.writerow([_cell(v) for v in record])
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def import_report_csv(preview, made_at: str | None = None) -> bytes:
    """An import's report as CSV, through the one writer: one row per problem, choice and warning (severity,
    file, row, field, value, why, id), under a line naming the file, its SHA-256, the outcome and when the
    report was made; every cell formula-escaped (a value may hold a formula). ``preview`` is an
    ``ImportPreview``."""
    when = made_at or datetime.now(UTC).replace(microsecond=0).isoformat()
    comment = f"Import report: {preview.file_name} (SHA-256 {preview.sha256}); {preview.summary()}; made {when}"
    return csv_bytes(preview.report_frame(), [comment])


def provenance(projects: pd.DataFrame, state: FilterState, exported_at: str | None = None, exact: bool = False) -> dict:
    """Where the exported rows come from and how they were chosen (and whether small counts are suppressed)."""
    import_ids = sorted({int(i) for i in projects["import_id"].dropna()}) if "import_id" in projects.columns else []
    shipped = int(projects["import_id"].isna().sum()) if "import_id" in projects.columns else len(projects)
    n_sample = int(projects["is_sample"].astype(bool).sum()) if len(projects) else 0
    sources = []
    if shipped:
        sources.append(
            {
                "file": f"geodata/data/{PROJECTS.path} (shipped with Trust Fund Atlas)",
                "rows": shipped,
                "source": PROJECTS.source,
            }
        )
    for item in store.source_files(import_ids):
        rows = int((projects["import_id"] == item["import_id"]).sum())
        sources.append(
            {
                "file": item["file_name"],
                "rows": rows,
                "import_id": item["import_id"],
                "sha256": item["sha256"],
                "imported_at": item["imported_at"],
            }
        )
    return {
        "title": "Trust Fund Atlas: community assistance projects",
        "exported_at": exported_at or datetime.now(UTC).replace(microsecond=0).isoformat(),
        "filters": describe(state),
        "filter_query": state.to_query(),
        "rows": len(projects),
        "sample_rows": n_sample,
        "sample_note": (
            f"{n_sample} row(s) are SAMPLE DATA (is_sample=true, dataset=sample): illustrative, not real projects"
            if n_sample
            else "no sample rows"
        ),
        "import_ids": import_ids,
        "sources": sources,
        "row_sources": "each row's 'sources' column cites its own evidence",
        "municipal_boundaries": boundary_credit(),
        "disclosure": disclosure_note(exact),
        "designation": DESIGNATION,
    }


def _provenance_lines(prov: dict) -> list[tuple[str, str]]:
    lines = [
        ("title", prov["title"]),
        ("exported_at", prov["exported_at"]),
        ("filters", prov["filters"]),
        ("filter_query", prov["filter_query"] or "(none)"),
        ("rows", str(prov["rows"])),
        ("sample", prov["sample_note"]),
        ("import_ids", ", ".join(map(str, prov["import_ids"])) or "(none)"),
    ]
    for s in prov["sources"]:
        detail = f"{s['file']}: {s['rows']} row(s)"
        if "import_id" in s:
            detail += f", import {s['import_id']} at {s['imported_at']}, SHA-256 {s['sha256']}"
        else:
            detail += f"; {s['source']}"
        lines.append(("source", detail))
    lines.append(("row_sources", prov["row_sources"]))
    lines.append(("municipal_boundaries", prov["municipal_boundaries"]))
    lines.append(("disclosure", prov["disclosure"]))
    lines.append(("designation", prov["designation"]))
    return lines


def table(projects: gpd.GeoDataFrame, exact: bool = False) -> pd.DataFrame:
    """The exported columns: the projects schema plus lon/lat of the point (no store bookkeeping). Counts of
    people are suppressed (``disclose``): whole numbers, "<10" or empty; as they are with ``exact``."""
    out = pd.DataFrame({c: projects[c] for c in PROJECTS.columns if c in projects.columns})
    for c in PROJECTS.columns:
        if c not in out.columns:
            out[c] = pd.NA
    geoms = projects.geometry
    out["lon"] = [g.x if g is not None and not g.is_empty else np.nan for g in geoms]
    out["lat"] = [g.y if g is not None and not g.is_empty else np.nan for g in geoms]
    return disclose(out[list(COLUMNS)].reset_index(drop=True), exact)


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _xlsx_bytes(frame: pd.DataFrame, prov: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "projects"
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    sample_fill = PatternFill("solid", fgColor="FCE4D6")
    sample_at = list(frame.columns).index("is_sample") + 1
    for record in frame.itertuples(index=False):
        ws.append([escape_formula(_plain(v)) for v in record])
        if ws.cell(row=ws.max_row, column=sample_at).value is True:
            for cell in ws[ws.max_row]:
                cell.fill = sample_fill
    ws.freeze_panes = "A2"
    if prov["sample_rows"]:
        ws.cell(row=1, column=sample_at).comment = Comment(
            "Shaded rows are SAMPLE DATA: illustrative, not real.", "TFA"
        )
    meta = wb.create_sheet("provenance")
    meta.append(["key", "value"])
    for cell in meta[1]:
        cell.font = Font(bold=True)
    for key, value in _provenance_lines(prov):
        meta.append([key, escape_formula(value)])
    meta.column_dimensions["A"].width = 14
    meta.column_dimensions["B"].width = 120
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _geojson_bytes(projects: gpd.GeoDataFrame, frame: pd.DataFrame, prov: dict) -> bytes:
    features = []
    for (_, row), geom in zip(frame.iterrows(), projects.geometry, strict=True):
        props = {c: _plain(row[c]) for c in PROJECTS.columns}
        for col in PEOPLE_COLUMNS:  # whole numbers or "<10": one type per property (text), as in the GeoPackage
            props[col] = None if props[col] is None else str(props[col])
        geometry = None if geom is None or geom.is_empty else {"type": "Point", "coordinates": [geom.x, geom.y]}
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    doc = {"type": "FeatureCollection", "provenance": prov, "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def _gpkg_bytes(projects: gpd.GeoDataFrame, frame: pd.DataFrame, prov: dict) -> bytes:
    frame = frame.drop(columns=["lon", "lat"])
    for col in PEOPLE_COLUMNS:  # whole numbers or "<10": a text column
        frame[col] = [None if v is None else str(v) for v in frame[col]]
    gdf = gpd.GeoDataFrame(frame, geometry=projects.geometry.reset_index(drop=True), crs=PROJECTS.crs)
    meta = pd.DataFrame(_provenance_lines(prov), columns=["key", "value"])
    with tempfile.TemporaryDirectory(prefix="tfa-export-") as tmp:
        path = Path(tmp) / "export.gpkg"
        pyogrio.write_dataframe(gdf, path, layer="projects", driver="GPKG", geometry_type="Point")
        pyogrio.write_dataframe(meta, path, layer="provenance", driver="GPKG")
        return path.read_bytes()


def export_bytes(
    projects: gpd.GeoDataFrame,
    fmt: str,
    state: FilterState | None = None,
    exported_at: str | None = None,
    *,
    exact: bool = False,
) -> bytes:
    """``projects`` (already filtered by ``state``) as a file of format ``fmt``, with provenance; counts of people
    suppressed unless ``exact`` (an editor's export: see ``dashboard.security``)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    state = state or FilterState()
    prov = provenance(projects, state, exported_at, exact=exact)
    if fmt in ("csv", "hxl"):  # the CSV writer applies the disclosure rule itself
        raw = table(projects, exact=True)
        comments = [f"{key}: {value}" for key, value in _provenance_lines(prov)]
        tags = [EXPORT_TAGS[c] for c in raw.columns] if fmt == "hxl" else None
        return csv_bytes(raw, comments, tags=tags, exact=exact, bom=fmt == "csv")
    frame = table(projects, exact=exact)
    if fmt == "xlsx":
        return _xlsx_bytes(frame, prov)
    if fmt == "geojson":
        return _geojson_bytes(projects, frame, prov)
    return _gpkg_bytes(projects, frame, prov)


def filtered_portfolio(state: FilterState) -> gpd.GeoDataFrame:
    """The current portfolio (the store's, else the shipped layer) filtered by ``state``."""
    return filter_projects(store.portfolio(), state)


def file_name(fmt: str, when: datetime | None = None) -> str:
    stamp = (when or datetime.now(UTC)).strftime("%Y%m%dT%H%MZ")
    return f"trust-fund-atlas-projects-{stamp}{SUFFIXES[fmt]}"


def export_portfolio(
    fmt: str, state: FilterState | None = None, out: Path | str | None = None, *, exact: bool = False
) -> bytes:
    """Export the filtered portfolio; with ``out``, also write it there atomically (never a partial file)."""
    state = state or FilterState()
    data = export_bytes(filtered_portfolio(state), fmt, state, exact=exact)
    if out is not None:
        write_bytes_atomic(Path(out), data, mode=0o666)
    return data


__all__ = [
    "COLUMNS",
    "EXACT_NOTE",
    "EXPORT_FORMATS",
    "MEDIA_TYPES",
    "csv_bytes",
    "disclose",
    "export_bytes",
    "export_portfolio",
    "file_name",
    "filtered_portfolio",
    "provenance",
    "table",
]
