"""The boundary units' GeoJSON served as a file the maps load by URL (``dashboard.geo_assets``): the same
polygons the exports carry inline, kept by the browser only under the digest of what it holds."""

from __future__ import annotations

import json
import sys

import pytest

from dashboard import data, geo_assets
from dashboard.app import create_app
from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterState


@pytest.fixture(scope="module")
def app():
    return create_app()


def test_the_file_is_the_polygons_and_is_kept_under_its_digest(app):
    static = data.snapshot().static
    url = geo_assets.polygons_url(static)
    path, digest = url.split("?v=")
    assert path == "/_geo/boundary-units.geojson" and len(digest) == 16
    response = app.server.test_client().get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert json.loads(response.get_data()) == static.polygons
    assert "immutable" in response.headers["Cache-Control"]


@pytest.mark.parametrize("query", ["", "?v=0000000000000000"])
def test_another_digest_gets_the_current_polygons_not_to_be_kept(app, query):
    response = app.server.test_client().get("/_geo/boundary-units.geojson" + query)
    assert response.status_code == 200
    assert json.loads(response.get_data()) == data.snapshot().static.polygons
    assert response.headers["Cache-Control"] == "no-cache"


def test_the_digest_follows_the_polygons(app):
    static = data.snapshot().static
    other = type(static)(
        **{**static.__dict__, "polygons": {**static.polygons, "features": static.polygons["features"][:3]}}
    )
    assert geo_assets.polygons_url(other) != geo_assets.polygons_url(static)
    assert geo_assets.encoded(static)[1] == geo_assets.polygons_url(static).split("?v=")[1]


def test_the_coverage_gap_map_draws_the_borders_from_the_file(app):
    page = sys.modules["pages.coverage"]
    snap = data.snapshot()
    out = page.draw_view(
        snap, FilterState.from_query("").to_query(), cov.DEFAULT_RADIUS_KM, cov.DEFAULT_ALLOCATION, "projects"
    )
    gap_map = next(o for o in out if hasattr(o, "layout") and o.layout.map.layers)
    sources = [layer.source for layer in gap_map.layout.map.layers]
    assert geo_assets.polygons_url(snap.static) in sources
    assert not any(isinstance(s, dict) and s == snap.static.polygons for s in sources)  # not inline as well
    # the outline and the hazards' bands too: the layout keeps only what the view changes (the sites' rings)
    assert geo_assets.url(snap.static, "outline") in sources
    assert all(u in sources for u in geo_assets.hazard_ring_urls(snap.static).values())


def test_the_gap_map_s_files_are_what_it_drew_inline(app):
    """The outline and each radius's hazard bands, served, are the GeoJSON the gap map carried inline."""
    snap = data.snapshot()
    client = app.server.test_client()
    outline = client.get(geo_assets.url(snap.static, "outline"))
    assert outline.status_code == 200 and "immutable" in outline.headers["Cache-Control"]
    assert json.loads(outline.get_data()) == snap.static.outline
    rings = data.coverage_inputs(snap).hazard_rings
    for km, url in geo_assets.hazard_ring_urls(snap.static).items():
        served = json.loads(client.get(url).get_data())
        inline = json.loads(json.dumps(rings.loc[rings["radius_km"] == km, ["geometry"]].__geo_interface__))
        assert served == inline and len(served["features"]) == len(snap.static.hazards)
    assert client.get("/_geo/no-such-file.geojson").status_code == 404


def _graph_figure(component, graph_id: str) -> dict | None:
    """The figure of the dcc.Graph ``graph_id`` in a layout."""
    if getattr(component, "id", None) == graph_id and hasattr(component, "figure"):
        return component.figure
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            found = _graph_figure(child, graph_id)
            if found is not None:
                return found
    return None


@pytest.mark.parametrize("query", [{}, {"sector": "health"}])
def test_the_explorer_map_loads_the_outline_from_its_file(app, query):
    """The explorer map's layout names the outline's file, as the gap map's does, and carries none of its
    coordinate pairs: dcc.Graph copies a layout before every drawing, at a cost that grows with their square."""
    from dashboard import ids

    snap = data.snapshot()
    with app.server.test_request_context("/"):
        layout = sys.modules["pages.explorer"].layout(**query)
    figure = _graph_figure(layout, ids.MAP)
    assert figure is not None
    sources = [layer.get("source") for layer in figure["layout"]["map"]["layers"]]
    assert geo_assets.url(snap.static, "outline") in sources
    assert not any(isinstance(s, dict) and s == snap.static.outline for s in sources)
    served = app.server.test_client().get(geo_assets.url(snap.static, "outline"))
    assert json.loads(served.get_data()) == snap.static.outline
