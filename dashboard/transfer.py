"""What the server sends over the network: compressed text, and assets browsers may keep.

- Text responses (the pages' scripts and styles, Dash's layouts and callback answers, the GeoJSON the maps load)
  are compressed with Flask-Compress, in the first of zstd, Brotli and gzip the browser accepts. A first visit
  fetches about 5.8 MB of scripts (3.1 MB of them plotly.js), 1.8 MB compressed; a filter click's answer at
  10,000 projects from about 97 to 33 kB. zstd at its level 3 compresses plotly.js in about 20 ms here.
  ``TFA_COMPRESS=0`` leaves compression to a reverse proxy (or to nobody). No response body carries a secret
  (cross-site requests are refused by their origin, not by a token in a page), so compressing them gives an
  attacker nothing to guess at.
- Files in ``assets/`` are linked with Dash's ``?m=<modification time>`` in their address, which changes when the
  file does: asked for with it, they may be kept a year (Dash already does so for its own component scripts).
  Without it, or on any other answer, browsers ask again each time (``no-cache``), as before.
"""

from __future__ import annotations

import os

import flask
from flask_compress import Compress

#: One year, as Dash gives its fingerprinted component scripts
KEEP_SECONDS = 31_536_000
#: What the app sends that compresses well: pages, scripts, styles, callback answers (JSON), the maps' GeoJSON, SVG
COMPRESSED_TYPES = (
    "text/html",
    "text/css",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "image/svg+xml",
)


def enabled() -> bool:
    return os.environ.get("TFA_COMPRESS", "1") != "0"


def install(server: flask.Flask, assets_url_path: str) -> None:
    """Compress ``server``'s text responses (unless ``TFA_COMPRESS=0``) and let browsers keep fingerprinted
    assets (served under ``assets_url_path``, e.g. "/assets")."""
    prefix = "/" + assets_url_path.strip("/") + "/"

    @server.after_request
    def keep_fingerprinted_assets(response: flask.Response) -> flask.Response:
        if response.status_code == 200 and flask.request.path.startswith(prefix) and flask.request.args.get("m"):
            response.headers["Cache-Control"] = f"public, max-age={KEEP_SECONDS}, immutable"
        return response

    if not enabled():
        return
    server.config["COMPRESS_MIMETYPES"] = list(COMPRESSED_TYPES)
    Compress(server)

    # registered after Compress, so run before it (Flask runs these last first)
    @server.after_request
    def read_files_whole(response: flask.Response) -> flask.Response:
        """A file sent as a stream (the assets) is read into the response first. Flask-Compress compresses a
        stream chunk by chunk but never closes the file behind it, and offers gzip only for whole bodies."""
        if response.direct_passthrough and response.mimetype in COMPRESSED_TYPES and response.status_code == 200:
            response.direct_passthrough = False
            response.make_sequence()  # reads the file, and closes it when the response is closed
        return response
