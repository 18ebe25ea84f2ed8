"""Portfolio exports: CSV, Excel, GeoJSON, GeoPackage and HXL, each carrying its provenance.

Provenance says when the file was made, with which filters (the sentence and
the URL query), how many rows are SAMPLE DATA, and where the rows came from:
the shipped layer and every import (file name, SHA-256, import id). It also carries
the designation footnote (UNSCR 1244 / ICJ) and the disclosure rule: counts of people
from 1 to 9 are written as "<10" in every format (``geodata.privacy``).

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
import os
import tempfile
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


def provenance(projects: pd.DataFrame, state: FilterState, exported_at: str | None = None) -> dict:
    """Where the exported rows come from and how they were chosen."""
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
        "disclosure": RULE,
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


def table(projects: gpd.GeoDataFrame) -> pd.DataFrame:
    """The exported columns: the projects schema plus lon/lat of the point (no store bookkeeping). Counts of
    people are suppressed (``geodata.analysis.privacy.suppress_frame``): whole numbers, "<10" or empty."""
    out = pd.DataFrame({c: projects[c] for c in PROJECTS.columns if c in projects.columns})
    for c in PROJECTS.columns:
        if c not in out.columns:
            out[c] = pd.NA
    geoms = projects.geometry
    out["lon"] = [g.x if g is not None and not g.is_empty else np.nan for g in geoms]
    out["lat"] = [g.y if g is not None and not g.is_empty else np.nan for g in geoms]
    return suppress_frame(out[list(COLUMNS)].reset_index(drop=True))


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _csv_bytes(frame: pd.DataFrame, prov: dict, tags: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for key, value in _provenance_lines(prov):
        writer.writerow([comment_line(f"{key}: {value}")])
    writer.writerow(list(frame.columns))
    if tags:
        writer.writerow([EXPORT_TAGS[c] for c in frame.columns])
    for record in frame.itertuples(index=False):
        cells = []
        for v in map(_plain, record):
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, float):
                v = repr(v)
            cells.append("" if v is None else escape_formula(v))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig" if not tags else "utf-8")


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
    projects: gpd.GeoDataFrame, fmt: str, state: FilterState | None = None, exported_at: str | None = None
) -> bytes:
    """``projects`` (already filtered by ``state``) as a file of format ``fmt``, with provenance."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}")
    state = state or FilterState()
    prov = provenance(projects, state, exported_at)
    frame = table(projects)
    if fmt in ("csv", "hxl"):
        return _csv_bytes(frame, prov, tags=fmt == "hxl")
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


def export_portfolio(fmt: str, state: FilterState | None = None, out: Path | str | None = None) -> bytes:
    """Export the filtered portfolio; with ``out``, also write it there atomically (never a partial file)."""
    state = state or FilterState()
    data = export_bytes(filtered_portfolio(state), fmt, state)
    if out is not None:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}-", dir=out.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return data


__all__ = [
    "COLUMNS",
    "EXPORT_FORMATS",
    "MEDIA_TYPES",
    "export_bytes",
    "export_portfolio",
    "file_name",
    "filtered_portfolio",
    "provenance",
    "table",
]
