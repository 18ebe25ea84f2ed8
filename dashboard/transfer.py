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
- The files (the assets, by their size and modification time; Dash's component scripts, which change only with
  their package) are compressed once per process and encoding and kept (``KeptBodies``, one body per file and
  encoding, whatever address names it): a first visit asks for 25 scripts at once, and compressing them took
  0.18-0.21 s of the server's CPU, beside the browser starting the page on the same machine.
  ``TFA_KEEP_COMPRESSED=0`` compresses every answer anew, for the benchmark to compare.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import flask
from dash.fingerprint import check_fingerprint
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


#: The cache key of an answer that is not kept (Flask-Compress asks for a key for every answer it compresses).
NOT_KEPT = "-"


class KeptBodies:
    """Flask-Compress's cache: the compressed bodies of the files the app serves (``kept_key``), kept for the life
    of the process (about 1.8 MB in each encoding for the page's files); every other answer is compressed anew and
    not kept (its key is ``NOT_KEPT``)."""

    def __init__(self) -> None:
        self._bodies: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        return self._bodies.get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";" + NOT_KEPT):
            with self._lock:
                self._bodies[key] = value

    def __len__(self) -> int:
        return len(self._bodies)


def kept_key(assets_prefix: str, assets_dir: Path):
    """The cache key of the current request's answer: the file it sends, named by what cannot vary with the address
    (an asset by its path, size and modification time; a component script by its path with Dash's version mark
    taken out), else ``NOT_KEPT``. Addresses that differ only in ``?m=`` or in a version mark get one body between
    them: the cache holds at most one body per file and encoding, whatever addresses are asked for."""

    def key(request: flask.Request) -> str:
        if request.method != "GET":
            return NOT_KEPT
        if request.path.startswith(assets_prefix):
            relative = request.path[len(assets_prefix) :]
            path = (assets_dir / relative).resolve()
            if assets_dir.resolve() not in path.parents or not path.is_file():
                return NOT_KEPT
            stat = path.stat()
            return f"asset:{relative}:{stat.st_size}:{stat.st_mtime_ns}"
        if "/_dash-component-suites/" in request.path:
            return "suite:" + check_fingerprint(request.path)[0]
        return NOT_KEPT

    return key


def keep_compressed() -> bool:
    return os.environ.get("TFA_KEEP_COMPRESSED", "1") != "0"


#: The encoding the page's files are compressed in ahead of the first visit: the first that Chromium and Firefox
#: accept (others are compressed on their first request, and kept then).
AHEAD_ENCODING = "zstd"


def compress_ahead(server: flask.Flask) -> int:
    """Ask ``server`` for its page's scripts and styles once, so that they are compressed and kept
    (``KeptBodies``) before the first visitor asks for them; the number of files. Nothing when answers are not
    compressed or not kept."""
    if not (enabled() and keep_compressed()):
        return 0
    client = server.test_client()
    page = client.get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    urls = re.findall(r'<(?:script src|link rel="stylesheet" href)="(/[^"]+)"', page)
    for url in urls:
        client.get(url, headers={"Accept-Encoding": AHEAD_ENCODING}).close()
    return len(urls)


def install(server: flask.Flask, assets_url_path: str, assets_dir: Path) -> None:
    """Compress ``server``'s text responses (unless ``TFA_COMPRESS=0``) and let browsers keep fingerprinted
    assets (served under ``assets_url_path``, e.g. "/assets", from ``assets_dir``)."""
    prefix = "/" + assets_url_path.strip("/") + "/"

    @server.after_request
    def keep_fingerprinted_assets(response: flask.Response) -> flask.Response:
        if response.status_code == 200 and flask.request.path.startswith(prefix) and flask.request.args.get("m"):
            response.headers["Cache-Control"] = f"public, max-age={KEEP_SECONDS}, immutable"
        return response

    if not enabled():
        return
    server.config["COMPRESS_MIMETYPES"] = list(COMPRESSED_TYPES)
    if keep_compressed():
        server.config["COMPRESS_CACHE_BACKEND"] = KeptBodies
        server.config["COMPRESS_CACHE_KEY"] = kept_key(prefix, assets_dir)
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
