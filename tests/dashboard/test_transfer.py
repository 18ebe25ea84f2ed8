"""What the server sends over the network (dashboard/transfer.py): text compressed in an encoding the browser
accepts, fingerprinted assets kept a year, and nothing compressed with TFA_COMPRESS=0."""

from __future__ import annotations

import gzip
import json

import pytest
from backports import zstd

from dashboard import data, transfer
from dashboard.app import create_app

pytestmark = pytest.mark.callback

CHROMIUM = "gzip, deflate, br, zstd"  # what Chromium 156 sends


def _new_app():
    return create_app()


@pytest.fixture
def client():
    app = _new_app()
    try:
        yield app.server.test_client()
    finally:
        data.use_projects(None)


def _get(client, url: str, accepted: str):
    """(response, body): the file handle of a streamed asset closed."""
    response = client.get(url, headers={"Accept-Encoding": accepted})
    try:
        return response, response.get_data()
    finally:
        response.close()


def _script_urls(client) -> list[str]:
    page = client.get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    return [part.split('"', 1)[0] for part in page.split('<script src="')[1:]]


def test_text_is_compressed_in_an_encoding_the_browser_accepts(client):
    plotly = next(u for u in _script_urls(client) if "plotly" in u)
    plain, original = _get(client, plotly, "identity")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    packed, body = _get(client, plotly, CHROMIUM)
    assert packed.headers["Content-Encoding"] == "zstd"
    assert len(body) < len(original) / 2 and zstd.decompress(body) == original
    assert "Accept-Encoding" in packed.headers["Vary"]
    # Dash's JSON (the layout, every callback's answer), for a browser that takes zstd or only gzip
    for accepted, encoding, decode in ((CHROMIUM, "zstd", zstd.decompress), ("gzip", "gzip", gzip.decompress)):
        layout, body = _get(client, "/_dash-layout", accepted)
        assert layout.headers["Content-Encoding"] == encoding
        assert json.loads(decode(body))


def test_fingerprinted_assets_are_kept_a_year_and_others_asked_again(client):
    scripts = [u for u in _script_urls(client) if u.startswith("/assets/")]
    assert scripts and all("?m=" in u for u in scripts), scripts
    kept, _ = _get(client, scripts[0], CHROMIUM)
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    unversioned, _ = _get(client, scripts[0].split("?", 1)[0], CHROMIUM)
    assert unversioned.status_code == 200 and "max-age=31536000" not in unversioned.headers.get("Cache-Control", "")


@pytest.mark.skipif(not transfer.keep_compressed(), reason="TFA_KEEP_COMPRESSED=0 compresses every answer anew")
def test_what_never_changes_under_its_address_is_compressed_once(client, monkeypatch):
    """Versioned scripts (the app's assets with ``?m=``, Dash's component scripts with the version in their name)
    are compressed once per encoding and sent the same; the layout, a script without its version and every
    callback's answer are compressed each time."""
    from flask_compress import flask_compress

    compressed = []
    real = flask_compress._compress_data
    monkeypatch.setattr(
        flask_compress,
        "_compress_data",
        lambda app, data, algorithm: compressed.append(algorithm) or real(app, data, algorithm),
    )
    urls = _script_urls(client)
    versioned = [
        next(u for u in urls if u.startswith("/assets/")),
        next(u for u in urls if "_dash-component-suites" in u),
    ]
    for url in versioned:
        before = len(compressed)
        first = _get(client, url, CHROMIUM)[1]
        again = _get(client, url, CHROMIUM)[1]
        assert first == again and len(compressed) == before + 1, url
        _get(client, url, "gzip")  # another encoding: compressed once more, in that encoding
        assert compressed[-1] == "gzip" and len(compressed) == before + 2, url
    for url in ("/_dash-layout", versioned[0].split("?", 1)[0]):
        before = len(compressed)
        _get(client, url, CHROMIUM)
        _get(client, url, CHROMIUM)
        assert len(compressed) == before + 2, url


def test_nothing_is_compressed_when_a_proxy_does_it(monkeypatch):
    monkeypatch.setenv("TFA_COMPRESS", "0")
    app = _new_app()
    try:
        response, _ = _get(app.server.test_client(), "/_dash-layout", CHROMIUM)
        assert response.status_code == 200 and "Content-Encoding" not in response.headers
    finally:
        data.use_projects(None)


@pytest.mark.skipif(not transfer.keep_compressed(), reason="TFA_KEEP_COMPRESSED=0 compresses every answer anew")
def test_the_page_s_files_are_compressed_ahead_of_the_first_visit(client, monkeypatch):
    """After ``compress_ahead`` (the start-up's warm-up), a first visit's scripts and styles are sent from what was
    kept: none is compressed again, and each decompresses to the file."""
    from flask_compress import flask_compress

    files = transfer.compress_ahead(client.application)
    urls = _script_urls(client)
    assert files >= len(urls) + 3  # every script and the three style sheets
    compressed = []
    real = flask_compress._compress_data
    monkeypatch.setattr(
        flask_compress,
        "_compress_data",
        lambda app, data, algorithm: compressed.append(algorithm) or real(app, data, algorithm),
    )
    for url in urls:
        response, body = _get(client, url, CHROMIUM)
        assert response.headers["Content-Encoding"] == transfer.AHEAD_ENCODING, url
        assert zstd.decompress(body) == _get(client, url, "identity")[1], url
    assert compressed == []
