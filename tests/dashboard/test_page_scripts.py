"""The pages load without Dash's Babel polyfill where its one needed part, the global ``regeneratorRuntime``, is
built (``dashboard/page_scripts.py``); the browser test ``test_plotly_bundle_pages`` loads them and checks that the
lazy components still arrive."""

from __future__ import annotations

import re

import pytest
from dash import _dash_renderer

from dashboard import config, page_scripts


def _scripts(html: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', html)


@pytest.fixture(scope="module")
def index_page() -> str:
    from dashboard.app import create_app

    return create_app().server.test_client().get("/").get_data(as_text=True)


@pytest.mark.skipif(not config.LEAN_SCRIPTS, reason="TFA_LEAN_SCRIPTS=0 (or TFA_FAST=0) keeps the polyfill")
def test_the_page_loads_the_runtime_and_not_the_polyfill(index_page):
    assert config.REGENERATOR_RUNTIME.exists(), "run make plotly-bundle (make test does)"
    scripts = _scripts(index_page)
    assert not [s for s in scripts if page_scripts.POLYFILL in s]
    runtime = [i for i, s in enumerate(scripts) if "/vendor/regenerator-runtime.min.js" in s]
    renderer = [i for i, s in enumerate(scripts) if "dash_renderer" in s]
    # before the renderer starts the page (Dash's loader of lazy components calls it)
    assert len(runtime) == 1 and renderer and runtime[0] < renderer[0]
    # React and the rest of the renderer's dependencies are still there
    assert any("react-dom@" in s for s in scripts) and any("prop-types@" in s for s in scripts)


def test_the_polyfill_stays_without_the_runtime_or_with_the_switch_off(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "LEAN_SCRIPTS", True)
    monkeypatch.setattr(config, "REGENERATOR_RUNTIME", tmp_path / "missing.js")
    assert not page_scripts.polyfill_left_out()
    (tmp_path / "missing.js").write_text("")
    assert page_scripts.polyfill_left_out()
    monkeypatch.setattr(config, "LEAN_SCRIPTS", False)
    assert not page_scripts.polyfill_left_out()


def test_leaving_the_polyfill_out_takes_only_the_polyfill(monkeypatch):
    dependencies = [
        {
            "relative_package_path": {"prod": ["deps/polyfill@7.12.1.min.js", "deps/react@18.3.1.min.js"]},
            "external_url": {"prod": ["https://example.org/@babel/polyfill@7.12.1/p.js", "https://example.org/r.js"]},
            "namespace": "dash",
        }
    ]
    monkeypatch.setattr(_dash_renderer, "_js_dist_dependencies", dependencies)
    page_scripts.leave_out_polyfill()
    page_scripts.leave_out_polyfill()  # twice: the same
    assert dependencies[0]["relative_package_path"] == {"prod": ["deps/react@18.3.1.min.js"]}
    assert dependencies[0]["external_url"] == {"prod": ["https://example.org/r.js"]}
    assert dependencies[0]["namespace"] == "dash"
