"""What the server sends over the network (dashboard/transfer.py): text compressed in an encoding the browser
accepts, fingerprinted assets kept a year, and nothing compressed with TFA_COMPRESS=0."""

from __future__ import annotations

import gzip
import json
import re

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


def _counting_compressions(monkeypatch) -> list[str]:
    """The encodings of every compression Flask-Compress makes from now on."""
    from flask_compress import flask_compress

    compressed: list[str] = []
    real = flask_compress._compress_data

    def counted(app, data, algorithm):
        compressed.append(algorithm)
        return real(app, data, algorithm)

    monkeypatch.setattr(flask_compress, "_compress_data", counted)
    return compressed


@pytest.mark.skipif(not transfer.keep_compressed(), reason="TFA_KEEP_COMPRESSED=0 compresses every answer anew")
def test_each_file_is_compressed_once_per_encoding_whatever_its_address(client, monkeypatch):
    """The app's assets and Dash's component scripts are compressed once per encoding and sent the same after; an
    address with another ``?m=`` or version mark gets the same body (so no address can make the cache grow); the
    layout is compressed each time."""
    compressed = _counting_compressions(monkeypatch)
    urls = _script_urls(client)
    asset = next(u for u in urls if u.startswith("/assets/"))
    suite = next(u for u in urls if "_dash-component-suites" in u and ".v" in u)
    others = {
        asset: [asset.split("?", 1)[0], asset.split("?", 1)[0] + "?m=1"],
        suite: [re.sub(r"\.v[\w-]+m[0-9a-f]+\.", ".v9_9_9m123abc.", suite)],
    }
    for url, aliases in others.items():
        before = len(compressed)
        first = _get(client, url, CHROMIUM)[1]
        assert _get(client, url, CHROMIUM)[1] == first and len(compressed) == before + 1, url
        for alias in aliases:
            response, body = _get(client, alias, CHROMIUM)
            assert response.status_code == 200 and body == first, alias
        assert len(compressed) == before + 1, url
        _get(client, url, "gzip")  # another encoding: compressed once more, in that encoding
        assert compressed[-1] == "gzip" and len(compressed) == before + 2, url
    before = len(compressed)
    _get(client, "/_dash-layout", CHROMIUM)
    _get(client, "/_dash-layout", CHROMIUM)
    assert len(compressed) == before + 2


def test_a_changed_asset_is_compressed_again(tmp_path):
    """An asset's key follows its file: a new size or modification time, a new key; a file outside the assets or
    missing is not kept."""
    import flask

    (tmp_path / "a.js").write_text("one")
    key = transfer.kept_key("/assets/", tmp_path)
    app = flask.Flask(__name__)
    with app.test_request_context("/assets/a.js?m=1"):
        first = key(flask.request)
    with app.test_request_context("/assets/a.js?m=2"):
        assert key(flask.request) == first != transfer.NOT_KEPT
    (tmp_path / "a.js").write_text("two, longer")
    with app.test_request_context("/assets/a.js?m=1"):
        assert key(flask.request) not in (first, transfer.NOT_KEPT)
    for path in ("/assets/missing.js", "/assets/../a.js", "/_dash-layout"):
        with app.test_request_context(path):
            assert key(flask.request) == transfer.NOT_KEPT, path
    with app.test_request_context("/_dash-update-component", method="POST"):
        assert key(flask.request) == transfer.NOT_KEPT


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
    files = transfer.compress_ahead(client.application)
    urls = _script_urls(client)
    assert files >= len(urls) + 3  # every script and the three style sheets
    compressed = _counting_compressions(monkeypatch)
    for url in urls:
        response, body = _get(client, url, CHROMIUM)
        assert response.headers["Content-Encoding"] == transfer.AHEAD_ENCODING, url
        assert zstd.decompress(body) == _get(client, url, "identity")[1], url
    assert compressed == []
