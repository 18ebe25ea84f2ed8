"""Installing an official boundary file, and matching municipality names."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import geopandas as gpd
import pytest

import geodata
from geodata import boundaries, config
from geodata.names import match_municipality


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Mitrovicë e Veriut", "north-mitrovica"),
        ("Severna Mitrovica", "north-mitrovica"),
        ("Mitrovica e Veriut", "north-mitrovica"),
        ("Južna Mitrovica", "south-mitrovica"),
        ("Leposaviq", "leposavic"),
        ("Leposavic", "leposavic"),
        ("Komuna e Leposaviqit", "leposavic"),
        ("Zveçan", "zvecan"),
        ("Opština Zvečan", "zvecan"),
        ("Đakovica", "gjakova"),
        ("Djakovica", "gjakova"),
        ("Gjakovë", "gjakova"),
        ("Uroševac", "ferizaj"),
        ("Graçanicë", "gracanica"),
        ("Kllokot", "klokot"),
        ("Shtërpcë", "shtrpce"),
        ("Elez Han", "hani-i-elezit"),
    ],
)
def test_match_municipality_any_language_with_or_without_diacritics(name, code):
    assert match_municipality(name) == code


@pytest.mark.parametrize("name", ["", None, "Belgrade", "Mitrovica North Pole"])
def test_unknown_names_do_not_match(name):
    assert match_municipality(name) is None


def _official_file(tmp_path, fmt: str):
    """A 'ministry' file built from the embedded layer: one polygon per distinct municipality (the shared
    Mitrovica polygon given to North Mitrovica only), Serbian names in a field called OPSTINA, reprojected
    to UTM 34N, plus one feature that matches nothing."""
    m = geodata.load("municipalities")
    own = m.drop_duplicates("boundary_unit").copy()  # north-mitrovica keeps the Mitrovica polygon
    extra = own.iloc[[0]].copy()
    extra["name_sr"] = "Atlantida"
    src = gpd.GeoDataFrame(
        {"OPSTINA": list(own["name_sr"]) + ["Atlantida"], "SIFRA": list(own["code"]) + ["x"]},
        geometry=list(own.geometry) + list(extra.geometry),
        crs=4326,
    ).to_crs(32634)
    if fmt == "gpkg":
        path = tmp_path / "opstine.gpkg"
        src.to_file(path, driver="GPKG")
    elif fmt == "zip":
        shp_dir = tmp_path / "shp"
        shp_dir.mkdir()
        src.to_file(shp_dir / "opstine.shp")
        path = tmp_path / "opstine.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for f in shp_dir.iterdir():
                zf.write(f, f.name)
    else:
        path = tmp_path / "opstine.geojson"
        src.to_file(path, driver="GeoJSON")
    return path


@pytest.mark.parametrize("fmt", ["gpkg", "zip"])
def test_use_boundaries_installs_file_in_other_crs_with_other_fields(tmp_path, fmt):
    path = _official_file(tmp_path, fmt)
    report = boundaries.install(path, name_field="OPSTINA")
    assert len(report.matched) == 30
    assert report.unmatched_features == ["Atlantida"]
    assert "south-mitrovica" in report.kept_embedded
    installed = geodata.load("municipalities").set_index("code")
    assert installed.crs.to_epsg() == 4326
    assert installed.loc["zvecan", "boundary_unit"] == "official:zvecan"
    assert "Official boundary" in installed.loc["zvecan", "boundary_note"]
    assert "Not in the installed file" in installed.loc["south-mitrovica", "boundary_note"]
    # reprojected back: the polygon is where the embedded one was
    embedded = boundaries.embedded_municipalities().set_index("code")
    assert (
        installed.loc["leposavic", "geometry"].symmetric_difference(embedded.loc["leposavic", "geometry"]).area < 1e-6
    )
    assert boundaries.reset() is True
    assert geodata.load("municipalities").set_index("code").loc["zvecan", "boundary_unit"].startswith("KOS-")


def test_use_boundaries_cli_reports_and_resets(tmp_path):
    path = _official_file(tmp_path, "gpkg")
    run = [sys.executable, "-m", "geodata", "use-boundaries"]
    out = subprocess.run(
        [*run, str(path), "--name-field", "OPSTINA", "--code-field", "SIFRA"], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "matched 30 of 38" in out.stdout and "Atlantida" in out.stdout
    assert config.installed_boundaries_path().exists()
    out = subprocess.run([*run, "--reset"], capture_output=True, text=True)
    assert out.returncode == 0 and not config.installed_boundaries_path().exists()


def test_use_boundaries_rejects_file_without_crs_and_leaves_nothing(tmp_path):
    m = geodata.load("municipalities").head(3)
    shp_dir = tmp_path / "nocrs"
    shp_dir.mkdir()
    gpd.GeoDataFrame({"NAME": m["name_sq"]}, geometry=m.geometry.values).to_file(shp_dir / "x.shp")
    path = tmp_path / "nocrs.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for f in shp_dir.iterdir():
            if f.suffix != ".prj":
                zf.write(f, f.name)
    with pytest.raises(geodata.LayerError, match="no CRS"):
        boundaries.install(path, name_field="NAME")
    assert not config.installed_boundaries_path().exists()


def test_use_boundaries_unknown_field(tmp_path):
    path = _official_file(tmp_path, "gpkg")
    with pytest.raises(geodata.LayerError, match="field not in the file"):
        boundaries.install(path, name_field="NAZIV")
