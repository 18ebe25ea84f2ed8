"""Export -> import leaves projects unchanged (issue 10), starting from files shaped by the public specs: an OCHA
3W sheet with an HXL 1.1 hashtag row (https://hxlstandard.org/standard/1-1final/dictionary/) and an IATI 2.03
activity file (https://iatistandard.org/en/iati-standard/203/activity-standard/). Each is imported, the result
exported in every format (``geodata.io.tables.export_bytes``), the export imported into a fresh store, and every
field of every project compared (coordinates to the 7 decimals the store compares, finer than any export's
rounding would allow to pass)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geodata.facts.layers import PROJECTS
from geodata.io import store
from geodata.io.importers import preview_bytes
from geodata.io.tables import EXPORT_FORMATS, export_bytes

NAMES = {"csv": "rt.csv", "hxl": "rt.hxl.csv", "xlsx": "rt.xlsx", "geojson": "rt.geojson", "gpkg": "rt.gpkg"}


def hxl_3w() -> bytes:
    """An OCHA 3W sheet: a title row, the template's text headers, the HXL row, three projects (one with a
    point, two placed at their municipality; EUR amounts written with a dot for thousands)."""
    rows = [
        ["3W Kosovo - partner report, Q4 2023"] + [""] * 13,
        ["Project code", "Activity", "Implementing Partner Name", "Donor Name", "Cluster", "District", "Latitude",
         "Longitude", "Start", "End", "Status", "Budget", "Currency", "Target group"],
        ["#activity+id", "#activity+name", "#org+impl+name", "#org+funder+name", "#sector+cluster", "#adm2+name",
         "#geo+lat", "#geo+lon", "#date+start", "#date+end", "#status", "#value", "#currency", "#group"],
        ["3W-001", "Clinic outreach", "Health NGO", "Donor Ministry", "Health", "Zvečan", "42.9083715",
         "20.8401239", "2023-01-15", "2023-12-31", "ongoing", "250.000", "EUR", "Roma;Ashkali"],
        ["3W-002", "Water points", "Health NGO", "Donor Ministry", "WASH", "Leposaviq", "", "", "2023-02-01",
         "", "Pipeline", "2.000.000", "EUR", "RAE"],
        ["3W-003", "Roof repairs", "Shelter Org", "", "Shelter/NFI", "Mitrovicë e Veriut", "", "", "2022-05",
         "2022-11", "completed", "15.500", "EUR", "Egyptian"],
    ]  # fmt: skip
    return ("\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n").encode()


def iati_203() -> bytes:
    """One IATI 2.03 activity: identifier, title, participating organisations (role 1 funding, 4 implementing),
    status 2, start date, a point in EPSG:4326, a DAC sector, commitment and disbursement in EUR."""
    return """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2024-01-01T00:00:00Z">
<iati-activity default-currency="EUR" xml:lang="en">
  <iati-identifier>XM-DAC-41114-KSV-RT1</iati-identifier>
  <reporting-org ref="XM-DAC-41114" type="40"><narrative>Reporting Agency</narrative></reporting-org>
  <title><narrative>Primary health care for Roma families</narrative></title>
  <description type="1"><narrative>Mobile clinic visits</narrative></description>
  <participating-org role="1" type="10"><narrative>Donor Ministry</narrative></participating-org>
  <participating-org role="4" type="22"><narrative>Health NGO</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="2" iso-date="2021-03-01"/>
  <recipient-country code="XK" percentage="100"/>
  <location>
    <name><narrative>Zvečan</narrative></name>
    <point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>42.9101 20.8402</pos></point>
    <exactness code="1"/>
  </location>
  <sector vocabulary="1" code="12220" percentage="100"/>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2021-03-01"/>
    <value value-date="2021-03-01">100000</value></transaction>
  <transaction><transaction-type code="3"/><transaction-date iso-date="2021-06-01"/>
    <value value-date="2021-06-01">40000</value></transaction>
</iati-activity>
</iati-activities>
""".encode()


SOURCES = [(hxl_3w, "3w-q4.csv", ["3W-001", "3W-002", "3W-003"]), (iati_203, "donor.xml", ["XM-DAC-41114-KSV-RT1"])]


def imported(make, name: str, ids: list[str]) -> pd.DataFrame:
    preview = preview_bytes(make(), name)
    assert preview.ok, preview.report_lines()
    preview.commit()
    projects = store.current_projects()
    projects = projects[projects["project_id"].isin(ids)].sort_values("project_id").reset_index(drop=True)
    assert list(projects["project_id"]) == sorted(ids)
    return projects


def same(a: object, b: object) -> bool:
    if pd.isna(a) if not isinstance(a, list | tuple) else False:
        return pd.isna(b)
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(b, int | float) and math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return a == b


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize(("make", "name", "ids"), SOURCES, ids=["ocha-3w-hxl", "iati-2.03"])
def test_export_then_import_into_a_fresh_store_gives_the_same_projects(make, name, ids, fmt, tmp_path, monkeypatch):
    before = imported(make, name, ids)
    data = export_bytes(before, fmt)

    monkeypatch.setenv("TFA_DATA_DIR", str(tmp_path / "fresh"))  # another installation: nothing imported yet
    assert store.history() == []
    preview = preview_bytes(data, NAMES[fmt])
    assert preview.ok, preview.report_lines()
    assert sorted(preview.diff()["add"]) == sorted(ids)
    preview.commit()
    after = store.current_projects()
    after = after[after["project_id"].isin(ids)].sort_values("project_id").reset_index(drop=True)

    assert len(after) == len(before)
    for (_, b), (_, a) in zip(before.iterrows(), after.iterrows(), strict=True):
        for column in PROJECTS.columns:
            assert same(b[column], a[column]), (b["project_id"], column, b[column], a[column])
        assert round(a.geometry.x, 7) == round(b.geometry.x, 7)
        assert round(a.geometry.y, 7) == round(b.geometry.y, 7)
    assert [store.row_key(r) for _, r in after.iterrows()] == [store.row_key(r) for _, r in before.iterrows()]


def test_the_round_trip_sources_are_what_the_specs_describe():
    """The fixtures mean what the specs say: 3W amounts with a dot for thousands, converted from EUR at an ECB
    rate; the IATI point kept to its given decimals, the commitment and disbursement read from transactions."""
    three_w = imported(hxl_3w, "3w-q4.csv", ["3W-001", "3W-002", "3W-003"]).set_index("project_id")
    assert list(three_w["committed"]) == [250_000.0, 2_000_000.0, 15_500.0]
    assert three_w.loc["3W-002", "status"] == "pipeline"
    assert three_w.loc["3W-002", "sector"] == "infrastructure"  # WASH
    assert three_w["fx_note"].str.contains("ECB reference rate").all()
    assert (three_w.loc["3W-001", "geometry"].y, three_w.loc["3W-001", "geometry"].x) == (42.9083715, 20.8401239)
    assert list(three_w["location_precision"]) == [1, 3, 3]
    iati = imported(iati_203, "donor.xml", ["XM-DAC-41114-KSV-RT1"]).iloc[0]
    assert (iati["committed"], iati["disbursed"], iati["status"]) == (100_000.0, 40_000.0, "ongoing")
    assert (iati.geometry.y, iati.geometry.x) == (42.9101, 20.8402)
