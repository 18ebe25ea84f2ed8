"""The boundary units' GeoJSON as a file the browser loads once, instead of inline in every map figure.

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
"""

from __future__ import annotations

import hashlib

import dash
import flask
import orjson

from dashboard.data import StaticLayers, static_layers
from geodata.analysis.coverage_view import VersionCache

PATH = "/_geo/boundary-units.geojson"
#: A year: the digest in the URL changes whenever the polygons do.
KEEP_SECONDS = 365 * 24 * 3600

_encoded = VersionCache(1)


def encoded(static: StaticLayers) -> tuple[bytes, str]:
    """The polygons as JSON bytes and their digest, made once per static-layers version."""

    def encode() -> tuple[bytes, str]:
        body = orjson.dumps(static.polygons)
        return body, hashlib.blake2b(body, digest_size=8).hexdigest()

    return _encoded.get(static, "polygons", encode)


def polygons_url(static: StaticLayers) -> str:
    """The URL of ``static``'s polygons, under the app's path prefix (for a figure's ``geojson`` or a layer's
    ``source``)."""
    return f"{dash.get_relative_path(PATH)}?v={encoded(static)[1]}"


def boundary_units() -> flask.Response:
    body, digest = encoded(static_layers())
    response = flask.Response(body, mimetype="application/geo+json")
    if flask.request.args.get("v") == digest:
        response.headers["Cache-Control"] = f"public, max-age={KEEP_SECONDS}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


def install(server: flask.Flask, prefix: str = "/") -> None:
    """Serve ``PATH`` under the app's routes prefix."""
    server.add_url_rule(prefix.rstrip("/") + PATH, "tfa_boundary_units", boundary_units, methods=["GET"])
