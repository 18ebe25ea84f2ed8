"""Installing an official municipal boundary file with ``use-boundaries``: any CRS and format, the
installer's source and licence named everywhere afterwards, and files with fewer than 38 municipalities
(the 30 of the 2000 law) reported, never with a merged polygon named after one municipality."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest

import geodata
from geodata import config
from geodata.cli.layers import layer_info
from geodata.facts.municipality_registry import BY_CODE, GEOBOUNDARIES_NAMES
from geodata.io import boundaries
from geodata.io.load import layer_provenance

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "boundaries"
GB_FILE = "geoBoundaries-XKX-ADM2_simplified.geojson"
NEW_SINCE_2000 = {
    "gracanica",
    "hani-i-elezit",
    "junik",
    "klokot",
    "mamusha",
    "north-mitrovica",
    "partesh",
    "ranilug",
}


def _geoboundaries() -> gpd.GeoDataFrame:
    """The geoBoundaries file as published (the reference copy when present, else the committed one)."""
    path = REFERENCE / GB_FILE
    if not path.exists():
        path = config.PACKAGE_DIR / "upstream" / GB_FILE
    return gpd.read_file(path)


def _write(gdf: gpd.GeoDataFrame, tmp_path: Path, fmt: str) -> Path:
    if fmt == "gpkg":
        path = tmp_path / "boundaries.gpkg"
        gdf.to_file(path, driver="GPKG")
    elif fmt == "zip":
        shp = tmp_path / "shp"
        shp.mkdir()
        gdf.to_file(shp / "boundaries.shp")
        path = tmp_path / "boundaries.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for f in shp.iterdir():
                zf.write(f, f.name)
    else:
        path = tmp_path / "boundaries.geojson"
        gdf.to_file(path, driver="GeoJSON")
    return path


def _law_2000_file(tmp_path: Path) -> Path:
    """A file of the 30 municipalities of the 2000 law: the geoBoundaries polygons dissolved into each
    current municipality's 2000-law parent (North and South Mitrovica into one "Kosovska Mitrovica", ...),
    Serbian names in a field NAZIV, in UTM 34N."""
    gb = _geoboundaries()
    code_of = {v: k for k, v in GEOBOUNDARIES_NAMES.items()}
    gb["NAZIV"] = [BY_CODE[code_of[n]].parent_2000 for n in gb["shapeName"]]
    law = gb.dissolve("NAZIV").reset_index()[["NAZIV", "geometry"]]
    assert len(law) == 30
    return _write(law.to_crs(32634), tmp_path, "gpkg")


@pytest.mark.parametrize("fmt", ["gpkg", "zip"])
def test_geoboundaries_file_in_utm_installs_with_its_stated_source_and_licence(tmp_path, fmt):
    """The real geoBoundaries file, reprojected to UTM 34N: its edges lie 2-5 km beyond Natural Earth's
    generalised outline in places, and it must still install, all 38 with a polygon of their own."""
    path = _write(_geoboundaries().to_crs(32634), tmp_path, fmt)
    report = boundaries.install(
        path,
        name_field="shapeName",
        source="geoBoundaries XKX ADM2, user copy",
        license="CC BY-SA 2.0",
        attribution="geoBoundaries / OpenStreetMap contributors",
    )
    assert len(report.matched) == 38 and report.missing == [] and report.unmatched_features == []
    assert report.matched["south-mitrovica"] == "Municipality of Mitrovica"
    installed = geodata.load("municipalities").set_index("code")
    assert installed.crs.to_epsg() == 4326
    assert installed["boundary_unit"].nunique() == 38
    assert installed.loc["zvecan", "boundary_source"] == "geoBoundaries XKX ADM2, user copy"
    embedded = boundaries.embedded_municipalities().set_index("code")
    moved = installed.loc["leposavic", "geometry"].symmetric_difference(embedded.loc["leposavic", "geometry"])
    assert moved.area < 0.002  # the unsimplified polygon, in the same place (square degrees)
    info = {row["name"]: row for row in layer_info()}["municipalities"]
    assert info["source"] == "geoBoundaries XKX ADM2, user copy"
    assert info["license"] == "CC BY-SA 2.0"
    assert boundaries.reset() is True
    assert layer_provenance("municipalities")["source"].startswith("geoBoundaries XKX ADM2 (gbOpen")


def test_a_file_of_the_30_municipalities_of_2000_reports_the_missing_eight(tmp_path):
    path = _law_2000_file(tmp_path)
    report = boundaries.install(path, name_field="NAZIV", source="Ministry file (2000 law)", license="public")
    assert set(report.missing) == NEW_SINCE_2000
    # each new municipality lies in a different 2000-law parent: eight merged features, 22 drawn as they are
    assert len(report.merged) == 8 and len(report.matched) == 22
    lines = "\n".join(report.lines())
    assert "missing: 8 current municipalities have no polygon of their own" in lines
    assert "North Mitrovica (north-mitrovica): drawn with the merged polygon 'Kosovska Mitrovica'" in lines
    installed = geodata.load("municipalities").set_index("code")
    for code in ("north-mitrovica", "south-mitrovica"):
        unit = installed.loc[code, "boundary_unit_name"]
        assert unit == "Kosovska Mitrovica (one polygon for North Mitrovica, South Mitrovica)"
        assert "not of" in installed.loc[code, "area_note"]
    assert installed.loc["zvecan", "boundary_unit_name"] == "Zvečan"  # a 2000-law municipality unchanged
    stated = json.loads(config.installed_boundaries_provenance_path().read_text(encoding="utf-8"))
    assert set(stated["report"]["missing"]) == NEW_SINCE_2000
    assert "8 municipalities without a polygon of their own" in layer_provenance("municipalities")["precision"]


def test_the_map_hover_of_a_merged_polygon_names_the_file_s_feature_once(tmp_path):
    """After the 30-polygon install the explorer's hover on the merged Mitrovica polygon names the two
    municipalities and the file's own label, without nesting the stand-in note in a sentence of its own."""
    from dashboard import data

    boundaries.install(_law_2000_file(tmp_path), name_field="NAZIV", source="Ministry file (2000 law)", license="x")
    static = data.static_layers()
    unit = geodata.load("municipalities").set_index("code").loc["north-mitrovica", "boundary_unit"]
    hover = static.unit_hover[static.units.index(unit)]
    assert hover.startswith("<b>North Mitrovica and South Mitrovica</b><br>")
    assert "2 municipalities share this polygon (Kosovska Mitrovica in the boundary file):" in hover
    assert "one polygon for" not in hover and "municipality of 2000" not in hover
    assert hover.count("(") == hover.count(")")
    assert boundaries.feature_label("Zvečan") == "Zvečan"  # a polygon of one municipality: its label as it is


def test_install_requires_source_and_licence_and_leaves_nothing(tmp_path):
    path = _write(_geoboundaries().head(3), tmp_path, "geojson")
    with pytest.raises(geodata.LayerError, match="--license"):
        boundaries.install(path, name_field="shapeName", source="x", license="")
    assert not config.installed_boundaries_path().exists()
    assert not config.installed_boundaries_provenance_path().exists()


def test_use_boundaries_cli_reports_and_resets(tmp_path):
    path = _law_2000_file(tmp_path)
    run = [sys.executable, "-m", "geodata", "use-boundaries"]
    out = subprocess.run(
        [*run, str(path), "--name-field", "NAZIV", "--source", "Ministry", "--license", "public"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "missing: 8" in out.stdout
    info = subprocess.run([sys.executable, "-m", "geodata", "info"], capture_output=True, text=True).stdout
    assert "source: Ministry" in info and "license: public" in info
    out = subprocess.run([*run, "--reset"], capture_output=True, text=True)
    assert out.returncode == 0 and not config.installed_boundaries_path().exists()
    assert not config.installed_boundaries_provenance_path().exists()


def test_use_boundaries_rejects_file_without_crs_and_leaves_nothing(tmp_path):
    shp = tmp_path / "nocrs"
    shp.mkdir()
    gb = _geoboundaries().head(3)
    gpd.GeoDataFrame({"NAME": gb["shapeName"]}, geometry=gb.geometry.values).to_file(shp / "x.shp")
    path = tmp_path / "nocrs.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for f in shp.iterdir():
            if f.suffix != ".prj":
                zf.write(f, f.name)
    with pytest.raises(geodata.LayerError, match="no CRS"):
        boundaries.install(path, name_field="NAME", source="x", license="y")
    assert not config.installed_boundaries_path().exists()


def test_use_boundaries_unknown_field(tmp_path):
    path = _write(_geoboundaries().head(3), tmp_path, "gpkg")
    with pytest.raises(geodata.LayerError, match="field not in the file"):
        boundaries.install(path, name_field="NAZIV", source="x", license="y")
