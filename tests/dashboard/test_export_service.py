"""The export service (``dashboard.exports.service``): one entry per kind of file, each CSV through the one writer,
so every CSV carries its provenance lines, the disclosure rule, the designation footnote, small counts as "<10"
and no cell a spreadsheet would run; exact figures only for an editor (the server answers 403 to anyone else);
and the service imports no Dash."""

from __future__ import annotations

import base64
import csv
import io
import json
import subprocess
import sys
import types
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from auth_support import anonymous_client, callback_key, post_callback, signed_in_client
from shapely.geometry import Point

import geodata
from dashboard import data
from dashboard.exports import images, service
from geodata.analysis.filters import FilterState
from geodata.analysis.privacy import RULE, SUPPRESSED_LABEL
from geodata.facts.designation import DESIGNATION
from geodata.io import tables
from geodata.io.tables import EXACT_NOTE

FORMULA = '=HYPERLINK("http://example.invalid/x","open")'


@pytest.fixture(scope="module")
def small() -> gpd.GeoDataFrame:
    """One documented project in Leposavić that reached 6 Roma, with a formula for a title."""
    base = geodata.load("projects")
    row = base[~base["is_sample"].astype(bool)].iloc[[0]].copy()
    row["project_id"] = "small-formula"
    row["title"] = FORMULA
    row["municipality"] = "leposavic"
    row["site_id"] = None
    row["location_precision"] = 2
    row["beneficiaries_reached"] = pd.array([6], dtype="Int64")
    row["beneficiaries_targeted"] = pd.array([8], dtype="Int64")
    row["households_reached"] = pd.array([2], dtype="Int64")
    row["beneficiaries_by_community"] = "Roma=6"
    return gpd.GeoDataFrame(row.reset_index(drop=True), geometry=[Point(20.80, 43.10)], crs="EPSG:4326")


def _split(text: str) -> tuple[list[str], list[list[str]]]:
    """The '#' lines (unquoted) and the CSV rows below them."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if not line.lstrip('"').startswith("# "))
    comments = [line.strip('"') for line in lines[:start]]
    return comments, list(csv.reader(io.StringIO("\n".join(lines[start:]))))


def _assert_one_writer(file: service.ExportFile, title_column: str, people_column: str | None) -> None:
    """What every CSV of the app carries (the writer's contract), checked on the bytes a user downloads."""
    assert file.media_type == "text/csv" and file.name.endswith(".csv")
    assert file.data.startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads Mitrovicë, not MitrovicÃ«
    comments, rows = _split(file.text())
    assert comments and all(c.startswith("# ") for c in comments)
    assert any(c.endswith(RULE) for c in comments) and any(c.endswith(DESIGNATION) for c in comments)
    header, body = rows[0], rows[1:]
    titles = [r[header.index(title_column)] for r in body]
    assert "'" + FORMULA in titles and FORMULA not in titles  # escaped, the value kept
    if people_column is not None:
        assert [r[header.index(people_column)] for r in body] == [SUPPRESSED_LABEL]


def test_explorer_csv(small):
    file = service.explorer_csv(FilterState(), snap=data.build_snapshot(small))
    _assert_one_writer(file, "Title", "People reached")
    comments, _ = _split(file.text())
    assert comments[0].startswith("# Trust Fund Atlas export: ") and "1 projects" in comments[0]
    assert any(c.startswith("# Source: ") for c in comments)


def test_gap_csv():
    gaps = pd.DataFrame(
        {
            "level": ["site"],
            "name": [FORMULA],
            "kind": ["former camp"],
            "municipality": ["leposavic"],
            "sector": ["health"],
            "missing": ["no health project within 5 km"],
            "nearest_km": [7.123456],
        }
    )
    result = types.SimpleNamespace(  # the fields of a CoverageResult the CSV reads
        gaps=gaps,
        filters="Health projects, documented data",
        radius_km=5.0,
        summary="1 of 1 sites has no health project",
        allocation_label="split by sector shares",
        has_sample=False,
        n_sample=0,
        n_projects=3,
    )
    file = service.gap_csv(result)
    _assert_one_writer(file, "Site or municipality", None)
    comments, rows = _split(file.text())
    assert comments[0] == "# Trust Fund Atlas coverage gaps: Health projects, documented data; radius 5 km."
    assert rows[1][rows[0].index("Nearest point project (km)")] == "7.12"
    assert rows[1][rows[0].index("Municipality")] == data.municipality_label("leposavic")


@pytest.mark.parametrize("fmt", ["csv", "hxl"])
def test_portfolio_csv_and_hxl(small, fmt, monkeypatch):
    monkeypatch.setattr(tables, "filtered_portfolio", lambda state: small)
    file = service.portfolio(fmt, FilterState())
    assert file.name.endswith(tables.SUFFIXES[fmt])
    if fmt == "csv":
        _assert_one_writer(file, "title", "beneficiaries_reached")
    else:  # HXL: no byte-order mark (HXL tools read plain UTF-8), a tag row under the header
        assert not file.data.startswith(b"\xef\xbb\xbf")
        comments, rows = _split(file.data.decode())
        assert f"# disclosure: {RULE}" in comments and f"# designation: {DESIGNATION}" in comments
        assert rows[1][rows[0].index("title")].startswith("#")
        assert rows[2][rows[0].index("title")] == "'" + FORMULA
        assert rows[2][rows[0].index("beneficiaries_reached")] == SUPPRESSED_LABEL
    exact = service.portfolio(fmt, FilterState(), exact=True)
    comments, rows = _split(exact.data.decode("utf-8-sig"))
    assert f"# disclosure: {EXACT_NOTE}" in comments and not any(RULE in c for c in comments)
    assert rows[-1][rows[0].index("beneficiaries_reached")] == "6"


def test_portfolio_other_formats_name_their_media_type(small, monkeypatch):
    monkeypatch.setattr(tables, "filtered_portfolio", lambda state: small)
    for fmt in ("xlsx", "geojson", "gpkg"):
        file = service.portfolio(fmt, FilterState())
        assert file.media_type == tables.MEDIA_TYPES[fmt] and file.name.endswith(tables.SUFFIXES[fmt])
    doc = json.loads(service.portfolio("geojson", FilterState()).data)
    assert doc["provenance"]["disclosure"] == RULE and doc["provenance"]["designation"] == DESIGNATION


def test_briefing_zip_carries_filters_date_and_footnote(monkeypatch):
    """The service's briefing entry (the renderer stubbed: the images have their own tests)."""
    monkeypatch.setattr(images, "render", lambda fig, fmt, width, height: b"image")
    file = service.briefing("png", FilterState(dataset="documented"), names=["by_sector", "over_time"])
    assert file.media_type == "application/zip" and file.name.endswith("-png.zip")
    with zipfile.ZipFile(io.BytesIO(file.data)) as zf:
        assert sorted(zf.namelist()) == ["README.txt", "by_sector.png", "over_time.png"]
        readme = zf.read("README.txt").decode()
    assert "Filters: All projects, documented data" in readme and DESIGNATION in readme and "Data as of" in readme


def test_write_is_atomic_and_whole(tmp_path, small, monkeypatch):
    monkeypatch.setattr(tables, "filtered_portfolio", lambda state: small)
    out = tmp_path / "sub" / "portfolio.csv"
    file = service.portfolio("csv")
    assert service.write(file, out) == out
    assert out.read_bytes() == file.data
    assert [p.name for p in out.parent.iterdir()] == ["portfolio.csv"]


# ---------------------------------------------------------------- exact figures: editors only, on the server


@pytest.fixture(scope="module")
def app():
    from dashboard.app import create_app

    app = create_app()
    app.server.test_client().get("/")  # Dash registers the pages' callbacks on its first request
    return app


def _export_request(app, exact: bool) -> tuple[str, dict, list[str]]:
    key = callback_key(app, "data-export-download.data")
    values = {
        "data-export-button.n_clicks": 1,
        "data-export-format.value": "csv",
        "data-filter-query.data": "",
        "data-export-exact.value": exact,
    }
    return key, values, ["data-export-button.n_clicks"]


@pytest.mark.parametrize("role", [None, "viewer"])
def test_a_viewers_exact_export_is_refused_with_403(app, role):
    client = anonymous_client(app) if role is None else signed_in_client(app, "donor", role)
    response = post_callback(client, app, *_export_request(app, exact=True))
    assert response.status_code == 403 and b"editor" in response.data
    assert b"EXACT" not in response.data


def test_an_editors_exact_export_says_so_and_the_public_one_suppresses(app):
    client = signed_in_client(app, "amira", "editor")
    texts = {}
    for exact in (False, True):
        response = post_callback(client, app, *_export_request(app, exact=exact))
        assert response.status_code == 200, response.data[:300]
        download = response.get_json()["response"]["data-export-download"]["data"]
        texts[exact] = base64.b64decode(download["content"]).decode("utf-8-sig")
    assert f"# disclosure: {RULE}" in texts[False] and EXACT_NOTE not in texts[False]
    assert f"# disclosure: {EXACT_NOTE}" in texts[True] and RULE not in texts[True]


# ---------------------------------------------------------------- architecture


def test_the_export_service_imports_no_dash():
    """Importing every module of dashboard/exports (and what they import) loads no Dash, in a fresh process."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import dashboard.exports as E\n"
        "for m in pkgutil.iter_modules(E.__path__):\n"
        "    importlib.import_module('dashboard.exports.' + m.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('dash', 'dash_bootstrap_components', "
        "'dash_ag_grid', 'flask'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
