"""The scripts every page loads: Dash's Babel polyfill left out where the pages do not need it.

Dash puts ``@babel/polyfill`` 7.12 (core-js 2 and regenerator-runtime, 99 kB) before every other script, for
browsers older than the ones MapLibre and the pages' plotly.js already need. In Chromium it costs about 0.1 s of a
first load's main thread as it starts, and it replaces some built-ins that it finds short of the latest
specification with its own, slower ones (``String.prototype.trim``, ``parseInt``), which plotly.js and the pages'
scripts then call (bench/README.md, twentieth round). What Dash's scripts do need of it is the global
``regeneratorRuntime``, which Dash's loader of lazy components (the Graph's plotly.js, the grid's ag-grid) calls
as each arrives; ``make plotly-bundle`` builds it beside the plotly.js bundle (``config.REGENERATOR_RUNTIME``,
loaded with the app's assets, before Dash's renderer starts), and only with that file is the polyfill left out.
``TFA_LEAN_SCRIPTS=0`` (or ``TFA_FAST=0``) keeps it, for the benchmark to compare.
"""

from __future__ import annotations

from dash import _dash_renderer

from dashboard import config

__all__ = ["POLYFILL", "leave_out_polyfill", "polyfill_left_out"]

#: How Dash names the polyfill among its renderer's dependencies (its package path and its external URL).
POLYFILL = "polyfill@"


def polyfill_left_out() -> bool:
    """Whether the pages load without Dash's Babel polyfill: the lean scripts are on and the runtime is built."""
    return config.LEAN_SCRIPTS and config.REGENERATOR_RUNTIME.exists()


def leave_out_polyfill() -> None:
    """Take the polyfill out of the renderer's dependencies (Dash reads them as it writes each page's scripts)."""
    for dependency in _dash_renderer._js_dist_dependencies:
        for key in ("relative_package_path", "external_url"):
            paths = dependency.get(key)
            if isinstance(paths, dict):
                dependency[key] = {mode: [p for p in found if POLYFILL not in p] for mode, found in paths.items()}
