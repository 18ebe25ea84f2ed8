"""Every CSV and XLSX the app writes — the explorer's "Download CSV", the coverage gap CSV and the data exports
(CSV, HXL, XLSX) — makes formula-like cells inert the same way (geodata.io.formula_escape): a formula at the start,
behind leading whitespace or after a ';' (where a spreadsheet whose list separator is ';' starts a new cell), in
the rows and in the '#' provenance lines. Each file is read back as a spreadsheet would read it, split at ',' and
at ';', and no cell may start like a formula."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import sys
import unicodedata

import geopandas as gpd
import pytest
from openpyxl import load_workbook

import geodata
from dashboard import data
from dashboard.exports import service
from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterState
from geodata.io.tables import export_bytes

HOSTILE = [
    '=HYPERLINK("http://example.invalid/x","open")',
    "   =1+1",
    "\t@SUM(A1:A9)",
    "\n-2+3",
    "Roma;=cmd|' /C calc'!A0",
    "Health; +SUM(1;2)",
    "＝1+1",
    "Sample funder, @A1",
]
SEARCH = "=cmd|"  # a title search typed into the explorer: it reaches the provenance lines
PLAIN_NUMBER = re.compile(r"^[+-]?\s*\d[\d\s.,']*$")


def runs_as_formula(cell: object) -> bool:
    """What a spreadsheet would evaluate (checked independently of the code under test)."""
    if not isinstance(cell, str) or not cell:
        return False
    if cell[0] in "\t\r":
        return True
    s = unicodedata.normalize("NFKC", cell).lstrip(" \t\r\n\u00a0\u3000")
    return s[:1] in ("=", "+", "-", "@") and not PLAIN_NUMBER.match(s)


@pytest.fixture(scope="module")
def hostile() -> gpd.GeoDataFrame:
    """Shipped projects whose titles, funders and organisations hold formula-like text (values an import lets
    through, such as 'Roma;=…', and values stored before the import rules existed)."""
    base = geodata.load("projects")
    rows = base.head(len(HOSTILE)).copy().reset_index(drop=True)
    for i, value in enumerate(HOSTILE):
        rows.loc[i, "title"] = f"{value} {SEARCH}" if i == 0 else value
        rows.loc[i, "funder"] = HOSTILE[(i + 1) % len(HOSTILE)]
        rows.loc[i, "implementing_org"] = HOSTILE[(i + 2) % len(HOSTILE)]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=base.crs)


def _explorer_csv(projects) -> str:
    snap = data.build_snapshot(projects)
    everything, searched = FilterState(text=""), FilterState(text=SEARCH)
    assert int(snap.mask(everything).sum()) == len(projects) and int(snap.mask(searched).sum()) >= 1
    return service.explorer_csv(everything, snap=snap).text() + service.explorer_csv(searched, snap=snap).text()


def _gap_csv(projects) -> str:
    from dashboard.app import create_app

    create_app()
    page = sys.modules["pages.coverage"]
    snap = data.build_snapshot(projects)
    index, sites, _ = page.coverage_inputs(snap)
    result = cov.coverage(index, sites, snap.static.municipalities, FilterState(text=SEARCH), 5.0)
    gaps = result.gaps.copy()
    assert len(gaps) >= len(HOSTILE)
    gaps.loc[gaps.index[: len(HOSTILE)], "name"] = HOSTILE  # names as a boundary file could give them
    return service.gap_csv(dataclasses.replace(result, gaps=gaps)).text()


def _export(fmt: str):
    return lambda projects: export_bytes(projects, fmt, FilterState(text=SEARCH))


WRITERS = {
    "explorer CSV": _explorer_csv,
    "coverage gap CSV": _gap_csv,
    "export CSV": _export("csv"),
    "export HXL": _export("hxl"),
    "export XLSX": _export("xlsx"),
}


def _cells(blob: bytes | str) -> list[object]:
    if isinstance(blob, bytes) and blob.startswith(b"PK"):
        wb = load_workbook(io.BytesIO(blob))
        return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    text = blob.decode("utf-8-sig") if isinstance(blob, bytes) else blob
    return [
        cell
        for delimiter in (",", ";")  # how a spreadsheet opens it in an English and in a European locale
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for cell in row
    ]


@pytest.mark.parametrize("writer", list(WRITERS))
def test_no_cell_of_any_written_file_runs_as_a_formula(hostile, writer):
    cells = _cells(WRITERS[writer](hostile))
    assert not [c for c in cells if runs_as_formula(c)]
    # the values are still there, made inert: the apostrophe is the only change
    text = "\n".join(str(c) for c in cells if c is not None)
    for value in ("HYPERLINK", "=1+1", "@SUM(A1:A9)", "=cmd|"):
        assert value in text, (writer, value)
    assert "'=cmd|' /C calc'!A0" in text and "Roma" in text


def test_the_check_itself_sees_formulas():
    """The reading above would catch an unescaped file: the same frame written plainly has runnable cells."""
    assert runs_as_formula("   =1+1") and runs_as_formula("\t@SUM(A1)") and runs_as_formula("＝1")
    assert not runs_as_formula("-1500") and not runs_as_formula("'=1+1")
    plain = io.StringIO()
    csv.writer(plain).writerows([[v] for v in HOSTILE])
    assert sum(runs_as_formula(c) for c in _cells(plain.getvalue())) >= len(HOSTILE)
