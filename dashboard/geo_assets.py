"""The maps' fixed GeoJSON as files the browser loads once, instead of inline in every map figure: the boundary
units, the Kosovo outline and the hazards' bands (``DOCUMENTS``).

The polygons (``StaticLayers.polygons``, 130 kB and about 6,600 JSON objects, mostly coordinate pairs) were in
the explorer map's choropleth, the briefing's map and the coverage gap map's borders. Each figure carried them
through the response, Dash's renderer and dcc.Graph's deep copy before Plotly drew it (the copy took 0.4 s of the
coverage page's main thread at 10,000 projects; the borders were two thirds of the gap map's objects), and every
coverage view sent and kept them again. A figure now names ``polygons_url(static)``: Plotly fetches
a choropleth's GeoJSON by URL once a page and keeps it; MapLibre fetches and parses a layer's in its worker.

The URL carries a digest of the polygons, so the browser may keep the file for good, and any server process can
answer it from the data it serves (there is nothing per process to look up). A request naming another digest (the
boundaries changed since the page was drawn) gets the current polygons, not to be kept. The exports keep the
polygons inline: they are drawn without this server.

The coverage gap map's outline and hazard bands (3,100 coordinate pairs in its layout with its site rings) went the
same way: dcc.Graph deep-copies a figure's layout before every drawing (Ramda's ``clone``, whose memo finds an
object by a key every coordinate pair shares, so its cost grows with the square of their number), 0.1 s a drawing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import dash
import flask
import orjson

from dashboard.data import StaticLayers, static_layers
from geodata.analysis import coverage as cov
from geodata.analysis.coverage_view import VersionCache

PATH = "/_geo/boundary-units.geojson"
#: A year: the digest in the URL changes whenever the file does.
KEEP_SECONDS = 365 * 24 * 3600


#: The hazards' bands of a static-layers version, made once for the files of every radius.
_rings = VersionCache(1)


def _hazard_rings(static: StaticLayers, km: float) -> dict:
    """The bands around the hazards that end at ``km`` (the gap map shades each radius on its own)."""
    rings = _rings.get(static, "rings", lambda: cov.buffer_rings(static.hazards, cov.HAZARD_RING_KM))
    part = rings.loc[rings["radius_km"] == km, ["geometry"]]
    return part.__geo_interface__ if len(part) else {"type": "FeatureCollection", "features": []}


#: The files, by name (``/_geo/<name>.geojson``): each made from the static layers of a data version.
DOCUMENTS: dict[str, Callable[[StaticLayers], dict]] = {
    "boundary-units": lambda static: static.polygons,
    "outline": lambda static: static.outline,
    **{f"hazard-rings-{km:g}km": (lambda static, km=km: _hazard_rings(static, km)) for km in cov.HAZARD_RING_KM},
}

_encoded = VersionCache(len(DOCUMENTS))


def encoded(static: StaticLayers, name: str = "boundary-units") -> tuple[bytes, str]:
    """The file ``name`` as JSON bytes and their digest, made once per static-layers version."""

    def encode() -> tuple[bytes, str]:
        body = orjson.dumps(DOCUMENTS[name](static))
        return body, hashlib.blake2b(body, digest_size=8).hexdigest()

    return _encoded.get(static, name, encode)


def url(static: StaticLayers, name: str) -> str:
    """The URL of ``static``'s file ``name``, under the app's path prefix (for a figure's ``geojson`` or a layer's
    ``source``)."""
    return f"{dash.get_relative_path(f'/_geo/{name}.geojson')}?v={encoded(static, name)[1]}"


def polygons_url(static: StaticLayers) -> str:
    """The URL of ``static``'s polygons (the boundary units)."""
    return url(static, "boundary-units")


def hazard_ring_urls(static: StaticLayers) -> dict[float, str]:
    """The URL of the hazards' bands ending at each of ``HAZARD_RING_KM``, by that radius."""
    return {km: url(static, f"hazard-rings-{km:g}km") for km in cov.HAZARD_RING_KM}


def serve(name: str) -> flask.Response:
    if name not in DOCUMENTS:
        flask.abort(404)
    body, digest = encoded(static_layers(), name)
    response = flask.Response(body, mimetype="application/geo+json")
    if flask.request.args.get("v") == digest:
        response.headers["Cache-Control"] = f"public, max-age={KEEP_SECONDS}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


def install(server: flask.Flask, prefix: str = "/") -> None:
    """Serve ``/_geo/<name>.geojson`` under the app's routes prefix."""
    server.add_url_rule(prefix.rstrip("/") + "/_geo/<name>.geojson", "tfa_geo_documents", serve, methods=["GET"])
