"""One project reaching 6 people, fed through every output channel: the count never leaves as 6, and every data
export carries the disclosure rule and the designation footnote."""

from __future__ import annotations

import csv
import io
import json
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from openpyxl import load_workbook
from shapely.geometry import Point

import geodata
from dashboard import data, figures
from dashboard.exports import service
from dashboard.exports.content import build_briefing
from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterState
from geodata.analysis.privacy import RULE, SUPPRESSED_LABEL
from geodata.facts.designation import DESIGNATION
from geodata.io.tables import EXACT_NOTE, EXPORT_FORMATS, export_bytes

SMALL = "small-group-6"


@pytest.fixture(scope="module")
def small():
    """The shipped projects' columns, one documented project in Leposavić that reached 6 Roma (8 targeted)."""
    base = geodata.load("projects")
    row = base[~base["is_sample"].astype(bool)].iloc[[0]].copy()
    row["project_id"] = SMALL
    row["title"] = "Small group project"
    row["municipality"] = "leposavic"
    row["site_id"] = None
    row["location_precision"] = 2
    row["beneficiaries_reached"] = pd.array([6], dtype="Int64")
    row["beneficiaries_targeted"] = pd.array([8], dtype="Int64")
    row["households_reached"] = pd.array([2], dtype="Int64")
    row["beneficiaries_by_community"] = "Roma=6"
    row["committed_usd"] = 40_000.0
    return gpd.GeoDataFrame(row.reset_index(drop=True), geometry=[Point(20.80, 43.10)], crs="EPSG:4326")


def _people_values(record: dict) -> list:
    return [record.get(c) for c in ("beneficiaries_reached", "beneficiaries_targeted", "households_reached")]


def test_explorer_table_rows_and_csv(small):
    snap = data.build_snapshot(small)
    rows, _ = data.table_rows(snap, np.ones(1, dtype=bool), 10)
    assert rows[0]["beneficiaries_reached"] == SUPPRESSED_LABEL
    text = service.explorer_csv(FilterState(), snap=snap).text()
    body = [line for line in text.splitlines() if not line.startswith("#")]
    record = next(csv.DictReader(body))
    assert record["People reached"] == SUPPRESSED_LABEL
    assert f"# {RULE}" in text and f"# {DESIGNATION}" in text
    exact = service.explorer_csv(FilterState(), snap=snap, exact=True).text()  # an editor's file, said so on top
    assert (
        next(csv.DictReader(line for line in exact.splitlines() if not line.startswith("#")))["People reached"] == "6"
    )
    assert f"# {EXACT_NOTE}" in exact and RULE not in exact and f"# {DESIGNATION}" in exact


@pytest.mark.parametrize("exact", [False, True], ids=["public", "exact"])
@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_geodata_export_every_format(small, fmt, exact, tmp_path):
    """Every format suppresses the counts and says so; an editor's exact file keeps them and says that instead."""
    blob = export_bytes(small, fmt, exact=exact)
    if fmt in ("csv", "hxl"):
        text = blob.decode("utf-8-sig")
        lines = [line for line in text.splitlines() if not line.lstrip('"').startswith("# ")]
        if fmt == "hxl":
            lines = lines[:1] + lines[2:]  # drop the tag row
        record = next(csv.DictReader(lines))
        meta = text
    elif fmt == "xlsx":
        wb = load_workbook(io.BytesIO(blob))
        sheet = wb["projects"]
        header = [c.value for c in sheet[1]]
        record = dict(zip(header, [c.value for c in sheet[2]], strict=True))
        meta = json.dumps([[c.value for c in r] for r in wb["provenance"].iter_rows()], ensure_ascii=False)
    elif fmt == "geojson":
        doc = json.loads(blob)
        record = doc["features"][0]["properties"]
        meta = json.dumps(doc["provenance"], ensure_ascii=False)
    else:
        path = tmp_path / "x.gpkg"
        path.write_bytes(blob)
        record = pyogrio.read_dataframe(path, layer="projects").iloc[0].to_dict()
        meta = json.dumps(pyogrio.read_dataframe(path, layer="provenance").to_dict("records"), ensure_ascii=False)
    if exact:
        assert [str(v) for v in _people_values(record)] == ["6", "8", "2"], fmt
        assert record["beneficiaries_by_community"] == "Roma=6"
        assert EXACT_NOTE in meta and RULE not in meta and DESIGNATION in meta
        return
    assert _people_values(record) == [SUPPRESSED_LABEL] * 3, fmt
    assert record["beneficiaries_by_community"] == f"Roma={SUPPRESSED_LABEL}"
    assert RULE in meta and DESIGNATION in meta and EXACT_NOTE not in meta


def test_map_hover_and_shading(small):
    snap = data.build_snapshot(small)
    mask = np.ones(1, dtype=bool)
    z = figures.choropleth_z(snap, mask, "beneficiaries_reached")
    hover = figures.choropleth_customdata(snap, z, "beneficiaries_reached")
    assert 6 not in z.tolist() and SUPPRESSED_LABEL in hover
    assert "%{z" not in figures.metric_hovertemplate("beneficiaries_reached")  # the hover shows the label only
    community = figures.chart_updates(snap, mask)["by_community"]["data"][0]
    assert community["text"][0] == SUPPRESSED_LABEL and community["y"][0] == 0.0


@pytest.fixture(scope="module")
def coverage_page():
    """The coverage page module as the app registers it."""
    from dashboard.app import create_app

    create_app()
    return sys.modules["pages.coverage"]


def test_coverage_json_and_gap_csv(small, coverage_page):
    snap = data.build_snapshot(small)
    index, sites, _ = coverage_page.coverage_inputs(snap)
    result = cov.coverage(index, sites, snap.static.municipalities, FilterState(), 5.0)
    doc = result.to_json_dict()
    lepo = next(r for r in doc["totals"] if r["municipality"] == "leposavic")
    assert lepo["beneficiaries_reached"] == SUPPRESSED_LABEL and lepo["beneficiaries_targeted"] == SUPPRESSED_LABEL
    assert doc["designation"] == DESIGNATION and doc["disclosure"] == RULE
    gap = service.gap_csv(result).text()
    assert f"# {DESIGNATION}" in gap and f"# {RULE}" in gap


def test_deck_text(small):
    briefing = build_briefing(FilterState(), projects=small, with_figures=False)
    people = next(k for k in briefing.kpis if k.label == "People reached")
    assert people.value == SUPPRESSED_LABEL
    assert "6" not in people.value + people.note.replace("of <10", "")
