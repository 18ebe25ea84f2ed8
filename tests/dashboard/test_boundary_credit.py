"""The municipal boundaries' source, licence and credit line on every map and export: geoBoundaries'
CC BY-SA credit for the embedded layer, and after ``use-boundaries`` the installer's stated source and
licence, never the embedded one's."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest

from dashboard import data, figures
from dashboard.exports import content, service
from geodata import config
from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterState
from geodata.io import boundaries
from geodata.io.load import boundary_credit, load_layer
from geodata.io.tables import provenance

EMBEDDED = "Municipal boundaries: geoBoundaries (Runfola et al. 2020), from OpenStreetMap contributors, CC BY-SA 2.0"


def _provenance_lines(csv_text: str) -> str:
    """The '# ' lines on top of a CSV."""
    return "\n".join(line for line in csv_text.splitlines() if line.startswith("#"))


def _texts() -> dict[str, str]:
    notes = {a["name"]: a["text"] for a in figures.map_annotations(has_sample=False, empty=False)}
    sources = " ".join(n.text for n in content.source_notes())
    prov = provenance(load_layer("projects").head(3), FilterState())
    snap = data.snapshot()
    inputs = data.coverage_inputs(snap)
    result = cov.coverage(inputs.index, inputs.sites, snap.static.municipalities, FilterState(), 5.0)
    return {
        "map": notes["boundary-credit"],
        "caption": content.map_caption(),
        "sources slide": sources,
        "methods slide": " ".join(content.methods()),
        "data export": prov["municipal_boundaries"],
        "explorer CSV": _provenance_lines(service.explorer_csv(FilterState(), snap=snap).text()),
        "gap CSV": _provenance_lines(service.gap_csv(result).text()),
        "coverage JSON": json.loads(json.dumps(result.to_json_dict()))["municipal_boundaries"],
    }


def test_the_embedded_layer_credits_geoboundaries_everywhere():
    assert boundary_credit() == EMBEDDED
    for channel, text in _texts().items():
        assert EMBEDDED in text, channel


@pytest.fixture
def installed(tmp_path):
    src = gpd.read_file(config.PACKAGE_DIR / "upstream" / "geoBoundaries-XKX-ADM2_simplified.geojson")
    path = tmp_path / "komunat.gpkg"
    src.to_crs(32634).to_file(path, driver="GPKG")
    boundaries.install(path, name_field="shapeName", source="Kosovo Cadastral Agency (test file)", license="licence X")
    yield
    boundaries.reset()


def test_after_an_install_every_channel_names_the_installed_source_and_licence(installed):
    for channel, text in _texts().items():
        assert "Kosovo Cadastral Agency (test file)" in text, channel
        assert "licence X" in text, channel
        if channel != "sources slide":  # the slide also lists the outline layer, still derived from geoBoundaries
            assert "geoBoundaries" not in text, channel
