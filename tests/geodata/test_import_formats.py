"""Every import format with a small fixture made here: Excel, GeoJSON,
GeoPackage, zipped Shapefile, HXL and IATI XML, plus the malformed versions
of each (truncated zip, broken XML, entity expansion, not a spreadsheet)."""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import openpyxl
import pyogrio
import pytest
import shapely

from geodata.io import store
from geodata.io.importers import ImportFileError, detect_format, preview_bytes
from geodata.io.load import load_layer

ZVECAN = (20.84, 42.91)  # lon, lat inside Zvečan
NORTH_MITROVICA = (20.86, 42.896)  # lon, lat inside North Mitrovica, north of the Ibar


def anchor(code: str) -> tuple[float, float]:
    m = load_layer("municipalities").set_index("code")
    return float(m.loc[code, "anchor_lon"]), float(m.loc[code, "anchor_lat"])


# ---------------------------------------------------------------- Excel


def xlsx_bytes(rows: list[list[object]], title_rows: int = 0, sheet: str = "Sheet1") -> bytes:
    """A workbook whose first sheet has ``title_rows`` lines of text above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for i in range(title_rows):
        ws.append([f"Partner report, part {i + 1}"] if i == 0 else [])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


XLSX_HEADER = ["Project ID", "Title", "Sector", "Communities", "Municipality", "Status", "Start", "Budget", "Currency"]


def test_xlsx_rows_are_numbered_as_excel_shows_them():
    data = xlsx_bytes(
        [
            XLSX_HEADER,
            ["x-1", "Clinic", "Health", "Roma", "Zveçan", "Completed", datetime(2021, 3, 1), 5000, "EUR"],
            ["x-2", '=A2&"!"', "health", "Roma", "Zvečan", "ongoing", "2022", 10, "USD"],
            ["x-3", "School", "education", "Ashkali", "Leposaviq", "ongoing", "2022", -3, "USD"],
        ],
        title_rows=2,
    )
    preview = preview_bytes(data, "partner.xlsx")
    assert preview.format == "xlsx" and preview.rows == [4, 5, 6]
    first = preview.frame.iloc[0]
    assert (first["start_date"], first["currency"], first["committed"]) == ("2021-03-01", "EUR", 5000)
    assert (
        first["committed_usd"] > 5000 and "EUR→USD" in first["fx_note"]
    )  # converted at the ECB rate of the start date
    assert "ECB reference rate of 2021-03-01" in first["fx_note"]
    problems = {(p.row, p.field) for p in preview.problems}
    assert problems == {(5, "title"), (6, "committed")}


def test_xlsx_prefers_a_sheet_named_projects():
    wb = openpyxl.Workbook()
    wb.active.append(["notes only"])
    ws = wb.create_sheet("Projects")
    ws.append(XLSX_HEADER)
    ws.append(["x-1", "Clinic", "health", "Roma", "Zvecan", "ongoing", "2021", 1, "USD"])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert preview_bytes(buffer.getvalue(), "p.xlsx").ok


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"this is not a spreadsheet", "not an Excel .xlsx workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel .xls"),
        (None, "not an Excel workbook"),  # a zip without a workbook
        ("truncated", "not an Excel .xlsx workbook"),
    ],
)
def test_malformed_spreadsheets_give_a_clear_error(data, why):
    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("readme.txt", "hello")
        data = buffer.getvalue()
    elif data == "truncated":
        whole = xlsx_bytes([XLSX_HEADER])
        data = whole[: len(whole) // 2]
    with pytest.raises(ImportFileError, match=why):
        preview_bytes(data, "broken.xlsx", format="xlsx")
    assert not store.exists()


# ---------------------------------------------------------------- GeoJSON


def feature(props: dict, coords: tuple[float, float] | None) -> dict:
    geometry = {"type": "Point", "coordinates": list(coords)} if coords else None
    return {"type": "Feature", "properties": props, "geometry": geometry}


BASE = {
    "project_id": "g-1",
    "title": "Field team water point",
    "sector": "infrastructure",
    "target_communities": "Roma",
    "status": "completed",
    "start_date": "2019",
}


def geojson_bytes(features: list[dict], crs: str | None = None) -> bytes:
    doc: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc).encode()


def test_geojson_points_null_geometry_and_feature_numbers():
    data = geojson_bytes(
        [
            feature(BASE, ZVECAN),
            feature({**BASE, "project_id": "g-2", "municipality": "Leposavić"}, None),
            feature({**BASE, "project_id": "g-3"}, (19.0, 41.0)),
        ]
    )
    preview = preview_bytes(data, "field.geojson")
    assert preview.format == "geojson" and preview.rows == [1, 2, 3]
    first, second = preview.frame.iloc[0], preview.frame.iloc[1]
    assert (round(first.geometry.x, 6), round(first.geometry.y, 6)) == ZVECAN
    assert first["municipality"] == "zvecan"  # from the polygon: Zvečan has its own
    assert second["location_precision"] == 3 and (second.geometry.x, second.geometry.y) == anchor("leposavic")
    assert [(p.row, p.field) for p in preview.problems] == [(3, "geometry")]


def test_geojson_in_a_declared_crs_is_reprojected():
    x, y = gpd.GeoSeries([shapely.Point(ZVECAN)], crs=4326).to_crs(32634).iloc[0].coords[0]
    data = geojson_bytes([feature({**BASE, "municipality": "Zvecan"}, (x, y))], crs="urn:ogc:def:crs:EPSG::32634")
    preview = preview_bytes(data, "utm.geojson")
    assert preview.ok, preview.problems
    g = preview.frame.iloc[0].geometry
    assert g.x == pytest.approx(ZVECAN[0], abs=1e-6) and g.y == pytest.approx(ZVECAN[1], abs=1e-6)


def test_geojson_polygons_are_not_projects():
    poly = {"type": "Polygon", "coordinates": [[[20.8, 42.9], [20.9, 42.9], [20.9, 43.0], [20.8, 42.9]]]}
    data = json.dumps(
        {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": BASE, "geometry": poly}]}
    ).encode()
    preview = preview_bytes(data, "poly.geojson")
    assert [(p.field, p.value) for p in preview.problems] == [("geometry", "Polygon")]


def test_broken_geojson():
    with pytest.raises(ImportFileError, match="broken.geojson"):
        preview_bytes(b'{"type": "FeatureCollection", "features": [', "broken.geojson")


# ---------------------------------------------------------------- GeoPackage and Shapefile


def frame(rows: list[dict], crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    points = [shapely.Point(r.pop("xy")) if "xy" in r else None for r in rows]
    return gpd.GeoDataFrame(rows, geometry=points, crs=crs)


def test_geopackage_with_a_projects_layer(tmp_path):
    path = tmp_path / "partner.gpkg"
    pyogrio.write_dataframe(frame([{**BASE, "xy": ZVECAN}]), path, layer="projects")
    pyogrio.write_dataframe(frame([{"name": "other", "xy": ZVECAN}]), path, layer="villages")
    preview = preview_bytes(path.read_bytes(), "partner.gpkg")
    assert preview.format == "gpkg" and preview.ok, preview.problems


def test_geopackage_with_several_layers_and_none_named_projects(tmp_path):
    path = tmp_path / "partner.gpkg"
    pyogrio.write_dataframe(frame([{**BASE, "xy": ZVECAN}]), path, layer="a")
    pyogrio.write_dataframe(frame([{**BASE, "xy": ZVECAN}]), path, layer="b")
    with pytest.raises(ImportFileError, match="several layers"):
        preview_bytes(path.read_bytes(), "partner.gpkg")


def test_not_a_geopackage():
    with pytest.raises(ImportFileError, match="not a GeoPackage"):
        preview_bytes(b"hello world", "x.gpkg", format="gpkg")


def zipped_shapefile(tmp_path: Path, gdf: gpd.GeoDataFrame, keep_prj: bool = True) -> bytes:
    folder = tmp_path / "shp"
    folder.mkdir()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DBF truncates column names to 10 characters: wanted here
        gdf.to_file(folder / "projects.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for part in folder.iterdir():
            if keep_prj or part.suffix != ".prj":
                z.write(part, part.name)
    return buffer.getvalue()


def test_zipped_shapefile_in_utm_with_truncated_column_names(tmp_path):
    row = {**BASE, "target_communities": "Roma;Egyptian", "municipality": "Zvečan", "xy": ZVECAN}
    gdf = frame([row]).to_crs(32634)
    data = zipped_shapefile(tmp_path, gdf)
    preview = preview_bytes(data, "projects.zip")
    assert preview.format == "shapefile" and preview.ok, preview.problems
    r = preview.frame.iloc[0]
    assert r["target_communities"] == "Roma;Egyptian" and r["municipality"] == "zvecan"
    assert r.geometry.x == pytest.approx(ZVECAN[0], abs=1e-6)


def test_shapefile_without_prj_is_refused_not_guessed(tmp_path):
    data = zipped_shapefile(tmp_path, frame([{**BASE, "xy": ZVECAN}]), keep_prj=False)
    preview = preview_bytes(data, "projects.zip")
    assert [p.field for p in preview.file_problems] == ["crs"]
    assert preview.n_valid == 0


def test_truncated_zip(tmp_path):
    data = zipped_shapefile(tmp_path, frame([{**BASE, "xy": ZVECAN}]))
    with pytest.raises(ImportFileError, match="zip"):
        preview_bytes(data[: len(data) - 40], "projects.zip")


def test_zip_without_a_shapefile():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("notes.txt", "nothing")
    with pytest.raises(ImportFileError, match="without a .shp"):
        preview_bytes(buffer.getvalue(), "x.zip")


# ---------------------------------------------------------------- HXL


def test_hxl_tags_map_to_columns_over_a_free_header():
    text = (
        "Who-what-where, northern Kosovo\n"
        "Code,Activity,Implementer,Donor,Cluster,Region,Municipality,Lat,Lon,USD,Status,Start,Group\n"
        "#activity+code,#activity+name,#org+impl,#org+funder,#sector,#adm1,#adm2+name,#geo+lat,#geo+lon,"
        "#value+usd,#status,#date+start,#group\n"
        "h-1,Hygiene kits,Local NGO,Donor A,Health,Mitrovica,Zveçan,42.91,20.84,2000,active,2024-02,Roma\n"
        "h-2,Tutoring,Local NGO,Donor A,Education,Mitrovica,Mars,,,oops,active,2024-02,Ashkali\n"
    ).encode()
    preview = preview_bytes(text, "3w.csv")
    assert preview.format == "hxl" and preview.rows == [4, 5]
    r = preview.frame.iloc[0]
    assert (r["implementing_org"], r["funder"], r["sector"], r["committed_usd"]) == (
        "Local NGO",
        "Donor A",
        "health",
        2000,
    )
    assert r["status"] == "ongoing" and r["municipality"] == "zvecan"
    assert {(p.row, p.field) for p in preview.problems} == {(5, "municipality"), (5, "committed_usd")}


# ---------------------------------------------------------------- IATI


def iati(activities: str, version: str = "2.03") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{version}">{activities}</iati-activities>'
    ).encode()


ACTIVITY = """
<iati-activity default-currency="USD">
  <iati-identifier>XM-DAC-1-RAE-01</iati-identifier>
  <title>
    <narrative xml:lang="sq">Shëndeti</narrative>
    <narrative xml:lang="en">Lead screening for Roma and Ashkali children</narrative>
  </title>
  <description type="1"><narrative>Screening and referral.</narrative></description>
  <participating-org role="1" ref="XM-1"><narrative>Donor One</narrative></participating-org>
  <participating-org role="4"><narrative>Health NGO</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="1" iso-date="2022-01-01"/>
  <activity-date type="2" iso-date="2022-02-15"/>
  <activity-date type="3" iso-date="2024-12-31"/>
  <recipient-country code="XK" percentage="100"/>
  <location>
    <name><narrative>Osterode</narrative></name>
    <administrative vocabulary="G1" level="2" code="x"><narrative>Mitrovica North</narrative></administrative>
    <point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>42.896 20.86</pos></point>
    <exactness code="2"/>
  </location>
  <sector vocabulary="1" code="12220" percentage="70"/>
  <sector vocabulary="1" code="11220" percentage="30"/>
  <budget><period-start iso-date="2022-01-01"/><value currency="USD" value-date="2022-01-01">90000</value></budget>
  <transaction><transaction-type code="2"/><value value-date="2022-02-01">80000</value></transaction>
  <transaction><transaction-type code="3"/><value value-date="2022-06-01">30000</value></transaction>
  <transaction><transaction-type code="3"/><value value-date="2023-06-01">20000</value></transaction>
  <document-link url="https://example.org/report.pdf" format="application/pdf"/>
</iati-activity>
"""


def test_iati_activity_fields():
    preview = preview_bytes(iati(ACTIVITY), "funder.xml")
    assert preview.format == "iati" and preview.ok, preview.problems
    r = preview.frame.iloc[0]
    assert r["project_id"] == "XM-DAC-1-RAE-01"
    assert r["title"] == "Lead screening for Roma and Ashkali children"
    assert (r["funder"], r["implementing_org"], r["status"]) == ("Donor One", "Health NGO", "ongoing")
    assert (r["start_date"], r["end_date"]) == ("2022-02-15", "2024-12-31")
    assert (r["sector"], r["sectors"]) == ("health", "health:70;education:30")
    assert (r["committed_usd"], r["disbursed_usd"]) == (80000, 50000)
    assert (r["site_id"], r["municipality"], r["location_precision"]) == ("osterode", "north-mitrovica", 2)
    assert r["target_communities"] == "Roma;Ashkali"
    assert r["sources"] == "https://example.org/report.pdf"
    assert (round(r.geometry.x, 6), round(r.geometry.y, 6)) == NORTH_MITROVICA


def test_an_iati_activity_at_a_north_mitrovica_point_stated_as_zvecan_is_reported_by_activity():
    wrong = ACTIVITY.replace("<name><narrative>Osterode</narrative></name>", "").replace("Mitrovica North", "Zvečan")
    preview = preview_bytes(iati(wrong), "funder.xml")
    (problem,) = preview.problems
    assert (problem.row, problem.field) == (1, "municipality")
    assert problem.why.startswith("the point lies in North Mitrovica, the row says Zvečan")


def test_iati_problems_are_numbered_by_activity():
    other = ACTIVITY.replace("RAE-01", "RAE-02").replace('code="XK"', 'code="AL"').replace("12220", "99999")
    preview = preview_bytes(iati(ACTIVITY + other), "funder.xml")
    assert preview.rows == [1, 2]
    assert {(p.row, p.field) for p in preview.problems} == {(2, "recipient-country"), (2, "sector")}


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b"<iati-activities><iati-activity><title>&lol2;</title></iati-activity></iati-activities>",
            "refused for safety",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
            b"<iati-activities><iati-activity><title>&ext;</title></iati-activity></iati-activities>",
            "refused for safety",
        ),
        (b"<iati-activities><iati-activity><title>cut", "not well-formed XML"),
        (b"<html><body>hello</body></html>", "not IATI activities"),
        (iati(ACTIVITY, version="1.05"), "only 2.0x"),
        (iati(""), "no iati-activity"),
    ],
)
def test_unsafe_or_broken_xml_is_refused(data, why):
    with pytest.raises(ImportFileError, match=why):
        preview_bytes(data, "bad.xml")
    assert not store.exists()


# ---------------------------------------------------------------- format detection and commit


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.csv", b"id,title\n", "csv"),
        ("a", b"SQLite format 3\x00rest", "gpkg"),
        ("a.bin", b"<?xml version='1.0'?><iati-activities/>", "iati"),
        ("a.txt", b'  {"type": "FeatureCollection"}', "geojson"),
        ("a.zip", b"PK\x03\x04whatever", "shapefile"),
        ("a.xlsx", b"PK\x03\x04whatever", "xlsx"),
    ],
)
def test_detect_format(name, data, expected):
    assert detect_format(name, data) == expected


def test_each_format_commits_into_the_store(tmp_path):
    preview_bytes(iati(ACTIVITY), "funder.xml").commit()
    preview_bytes(geojson_bytes([feature(BASE, ZVECAN)]), "field.geojson").commit()
    ids = [r.file_name for r in store.history()]
    assert ids == ["field.geojson", "funder.xml"]
    current = store.current_projects().set_index("project_id")
    assert current.loc["g-1", "import_id"] == 2 and current.loc["XM-DAC-1-RAE-01", "import_id"] == 1
