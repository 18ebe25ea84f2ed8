"""What the server sends over the network (dashboard/transfer.py): text compressed in an encoding the browser
accepts, fingerprinted assets kept a year, and nothing compressed with TFA_COMPRESS=0."""

from __future__ import annotations

import gzip
import json

import pytest
from backports import zstd

from dashboard import data
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


def test_nothing_is_compressed_when_a_proxy_does_it(monkeypatch):
    monkeypatch.setenv("TFA_COMPRESS", "0")
    app = _new_app()
    try:
        response, _ = _get(app.server.test_client(), "/_dash-layout", CHROMIUM)
        assert response.status_code == 200 and "Content-Encoding" not in response.headers
    finally:
        data.use_projects(None)
