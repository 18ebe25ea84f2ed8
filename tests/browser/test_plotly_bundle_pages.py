"""Every page draws with the project's plotly.js bundle (tools/plotly_bundle, ``make plotly-bundle``), not Dash's
full plotly.js: the page never fetches the full one, its Plotly knows exactly the bundle's trace types, and every
figure on the explorer, coverage and briefing pages is drawn with a trace type it knows. The pages load without
Dash's Babel polyfill, and the graphs, which Dash loads as lazy components, still arrive."""

from __future__ import annotations

import json

import pytest
from waits import callbacks_done, until

from dashboard import config
from dashboard.app import create_app

pytestmark = pytest.mark.skipif(not config.FAST, reason="TFA_FAST=0 loads Dash's full plotly.js")

TRACES = set(json.loads((config.ROOT / "tools" / "plotly_bundle" / "traces.json").read_text()))

# every graph on the page, with the trace types of its figure and whether Plotly has drawn it
_GRAPHS = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).map(gd => ({
  id: (gd.closest('[id]') || {}).id,
  types: (gd.data || []).map(t => t.type || 'scatter'),
  drawn: !!gd._fullLayout && (gd._fullData || []).length === (gd.data || []).length,
}));
"""
# Dash's Babel polyfill is left out (dashboard/page_scripts.py); the global its lazy-component loader calls is there
_SCRIPTS = """
return {polyfill: performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes('polyfill@')),
        runtime: typeof regeneratorRuntime === 'object' && typeof regeneratorRuntime.mark === 'function'};
"""
_FULL_FETCHED = """
return performance.getEntriesByType('resource').map(e => e.name)
  .filter(n => n.includes('/plotly/package_data/plotly'));
"""


def test_the_pages_draw_every_figure_with_the_bundle(dash_duo):
    assert config.PLOTLY_BUNDLE.exists(), "run make plotly-bundle (make test does)"
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    seen = set()
    for path, graphs in (("/", 5), ("/coverage", 1), ("/briefing", 3)):
        driver.get(dash_duo.server_url + path)
        found = until(
            driver,
            lambda graphs=graphs: (
                callbacks_done(driver)
                and (g := driver.execute_script(_GRAPHS))
                and len(g) >= graphs
                and all(x["drawn"] for x in g)
                and g
            ),
            f"the graphs of {path} drawn",
            timeout=60,
        )
        registered = set(driver.execute_script("return Object.keys(Plotly.PlotSchema.get().traces)"))
        assert registered == TRACES, path  # the bundle's Plotly, not the full one
        assert driver.execute_script(_FULL_FETCHED) == [], path
        if config.LEAN_SCRIPTS:
            assert driver.execute_script(_SCRIPTS) == {"polyfill": [], "runtime": True}, path
        for graph in found:
            assert set(graph["types"]) <= registered, (path, graph)
            seen.update(graph["types"])
    assert seen == TRACES  # and every trace type of the bundle is drawn somewhere: none is there for nothing
    assert dash_duo.get_logs() == []
