"""One test per class of validation problem: each names the file, row, field and value."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import numpy as np
import pytest
import shapely

import geodata
from geodata.facts.layers import CAMPS, PROJECTS
from geodata.facts.validate import LayerError, Problem, parse_dates, validate
from geodata.io.files import kosovo_outline


@pytest.fixture
def camps() -> gpd.GeoDataFrame:
    """The embedded camps layer (valid)."""
    return geodata.load("camps")


@pytest.fixture
def projects() -> gpd.GeoDataFrame:
    """The first ten embedded projects (valid)."""
    return geodata.load("projects").head(10).copy()


def problems(gdf, spec, **kw):
    with pytest.raises(LayerError) as exc:
        validate(gdf, spec, file="f.geojson", outline=kosovo_outline(), **kw)
    return exc.value.problems


def test_valid_layer_passes(camps):
    assert len(validate(camps, CAMPS, outline=kosovo_outline())) == 6


def test_wrong_crs_is_an_error_never_relabelled(camps):
    found = problems(camps.to_crs(32634), CAMPS)
    assert found[0].field == "crs" and "EPSG:32634" in str(found[0].value)
    assert "Reproject" in found[0].why


def test_missing_crs_is_an_error(camps):
    found = problems(camps.set_crs(None, allow_override=True), CAMPS)
    assert any(p.field == "crs" and "no CRS" in p.why for p in found)


def test_missing_required_column(camps):
    found = problems(camps.drop(columns="sources"), CAMPS)
    assert any(p.field == "sources" and "missing" in p.why for p in found)


def test_empty_required_value_names_row_and_field(camps):
    camps.loc[camps.index[2], "name_en"] = None
    found = problems(camps, CAMPS)
    assert [(p.row, p.field, p.why) for p in found] == [(3, "name_en", "is required but empty")]


def test_not_a_number(camps):
    camps = camps.astype({"location_uncertainty_m": object})
    camps.loc[camps.index[0], "location_uncertainty_m"] = "about 2 km"
    found = problems(camps, CAMPS)
    assert found[0].row == 1 and found[0].field == "location_uncertainty_m"
    assert found[0].value == "about 2 km" and "whole number" in found[0].why


def test_negative_value(camps):
    camps.loc[camps.index[1], "location_uncertainty_m"] = -5
    found = problems(camps, CAMPS)
    assert (found[0].row, found[0].field, found[0].value) == (2, "location_uncertainty_m", -5)


def test_value_outside_vocabulary(camps):
    camps.loc[camps.index[0], "site_type"] = "tent city"
    found = problems(camps, CAMPS)
    assert found[0].field == "site_type" and "must be one of" in found[0].why


def test_list_value_outside_vocabulary(projects):
    projects.loc[projects.index[0], "target_communities"] = "Roma;Martians"
    found = problems(projects, PROJECTS)
    assert found[0].field == "target_communities" and found[0].row == 1


def test_point_outside_kosovo(camps):
    camps.loc[camps.index[0], "geometry"] = shapely.Point(19.0, 45.0)
    found = problems(camps, CAMPS)
    assert (found[0].row, found[0].field, found[0].why) == (1, "geometry", "lies outside Kosovo")


def test_invalid_geometry():
    m = geodata.load("municipalities").head(2).copy()
    m.loc[m.index[0], "geometry"] = shapely.Polygon([(20.8, 42.8), (20.9, 42.9), (20.9, 42.8), (20.8, 42.9)])
    found = problems(m, geodata.LAYERS["municipalities"])
    assert found[0].field == "geometry" and "not valid" in found[0].why


def test_wrong_geometry_type(camps):
    camps.loc[camps.index[0], "geometry"] = shapely.box(20.8, 42.8, 20.81, 42.81)
    found = problems(camps, CAMPS)
    assert "geometry type" in found[0].why


def test_missing_geometry(camps):
    camps.loc[camps.index[0], "geometry"] = None
    assert any(p.field == "geometry" and p.row == 1 for p in problems(camps, CAMPS))


def test_duplicate_ids(camps):
    camps.loc[camps.index[3], "site_id"] = camps["site_id"].iloc[0]
    found = problems(camps, CAMPS)
    assert (found[0].row, found[0].field, found[0].why) == (4, "site_id", "duplicate id")


def test_disbursed_above_committed(projects):
    row = projects.index[projects["committed_usd"].notna()][0]
    projects.loc[row, "disbursed"] = projects.loc[row, "committed"] + 100
    projects.loc[row, "committed"] = projects.loc[row, "committed"]
    found = problems(projects, PROJECTS)
    assert any(p.field == "disbursed" and "above the committed" in p.why for p in found)


def test_end_before_start_and_unparseable_dates(projects):
    projects.loc[projects.index[0], "end_date"] = "2001-01-01"
    projects.loc[projects.index[1], "start_date"] = "last spring"
    found = problems(projects, PROJECTS)
    assert any(p.row == 1 and p.field == "end_date" and "before the start" in p.why for p in found)
    assert any(p.row == 2 and p.field == "start_date" and "not a date" in p.why for p in found)


def test_all_problems_are_collected_before_raising(camps):
    camps.loc[camps.index[0], "site_type"] = "tent"
    camps.loc[camps.index[1], "geometry"] = shapely.Point(10, 10)
    camps.loc[camps.index[2], "name_en"] = None
    assert len(problems(camps, CAMPS)) == 3


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("2013", False, "2013-01-01"),
        ("2013", True, "2013-12-31"),
        ("2012-02", True, "2012-02-29"),
        ("2007-03-05", False, "2007-03-05"),
    ],
)
def test_partial_dates_parse_to_period_bounds(value, end, expected):
    import pandas as pd

    assert parse_dates(pd.Series([value]), end=end).iloc[0] == pd.Timestamp(expected)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geodata", *args], capture_output=True, text=True)


def test_cli_validate_reports_every_problem_without_traceback(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"site_id":"x",'
        '"name_en":"X","municipality":"zvecan","site_type":"tent","location_precision":"two",'
        '"location_uncertainty_m":-5,"location_derivation":"d","sources":"s"},'
        '"geometry":{"type":"Point","coordinates":[10,45]}}]}'
    )
    out = _cli("validate", str(bad), "--layer", "camps")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    for text in ("row 1", "'site_type'", "'tent'", "'location_precision'", "outside Kosovo"):
        assert text in out.stderr


def test_cli_validate_unreadable_file(tmp_path):
    junk = tmp_path / "junk.geojson"
    junk.write_text("not json at all")
    out = _cli("validate", str(junk), "--layer", "camps")
    assert out.returncode == 1 and "cannot be read" in out.stderr and "Traceback" not in out.stderr


def test_cli_validate_valid_file_exits_0():
    from geodata import config

    out = _cli("validate", str(config.DATA_DIR / "camps.geojson"), "--layer", "camps")
    assert out.returncode == 0, out.stderr


def test_cli_info_json_has_the_promised_keys():
    import json

    out = _cli("info", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {r["name"] for r in rows} == set(geodata.LAYERS)
    for r in rows:
        assert {"name", "rows", "geometry_type", "crs", "source", "license", "vintage"} <= r.keys()


@pytest.mark.parametrize(
    ("value", "shown"),
    [(np.float64(22000.0), "22000"), (np.int64(6), "6"), (0.5, "0.5"), (float("nan"), "empty"), ("Zvečan", "'Zvečan'")],
)
def test_problem_messages_show_plain_values_never_numpy_reprs(value, shown):
    text = str(Problem("partner.csv", 3, "committed", value, "is wrong"))
    assert text == f"partner.csv, row 3, field 'committed': is wrong (value {shown})"
    assert "np." not in text


def test_cli_validate_reports_a_camp_in_another_municipality(tmp_path):
    camps = geodata.load("camps")
    camps.loc[camps["site_id"] == "leposavic-camp", "geometry"] = shapely.Point(20.7397, 42.2139)  # Prizren
    path = tmp_path / "camps.geojson"
    camps.to_file(path, driver="GeoJSON")
    out = _cli("validate", str(path), "--layer", "camps")
    assert out.returncode == 1
    assert "row 5, field 'municipality': the point lies in Prizren, the row says Leposavić" in out.stderr
