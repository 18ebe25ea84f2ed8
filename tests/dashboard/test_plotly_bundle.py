"""The pages' plotly.js bundle (tools/plotly_bundle, ``make plotly-bundle``): it is the plotly.js version the Python
plotly package writes figures for, and it holds every trace type the pages draw, so a page never shows a figure
whose trace plotly.js does not know (the browser test ``test_plotly_bundle_pages`` checks the pages themselves)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

from dashboard import config

BUNDLE = config.ROOT / "tools" / "plotly_bundle"
#: Figures drawn only by kaleido's own plotly.js (images and slides), never in a page.
EXPORT_ONLY = config.ROOT / "dashboard" / "exports"


def _traces() -> set[str]:
    return set(json.loads((BUNDLE / "traces.json").read_text()))


def test_the_bundle_is_the_plotly_js_the_python_package_writes_for():
    package = json.loads((BUNDLE / "package.json").read_text())
    lock = json.loads((BUNDLE / "package-lock.json").read_text())
    assert package["dependencies"]["plotly.js"] == get_plotlyjs_version()
    assert lock["packages"]["node_modules/plotly.js"]["version"] == get_plotlyjs_version()
    # pinned exactly, and every package of the install pinned by its hash, so a build is the same everywhere
    assert all(v[0].isdigit() for v in package["dependencies"].values())
    assert all("integrity" in p for name, p in lock["packages"].items() if name)


def _trace_classes(path: Path) -> set[str]:
    """Names of plotly.graph_objects trace classes called in a module (``go.Bar(...)``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            value = node.func.value
            if isinstance(value, ast.Name) and value.id == "go" and node.func.attr != "Figure":
                cls = getattr(go, node.func.attr, None)
                if isinstance(cls, type) and issubclass(cls, BaseTraceType):
                    found.add(node.func.attr)
    return found


def test_every_trace_type_the_pages_draw_is_in_the_bundle():
    used = {}
    for path in sorted((config.ROOT / "dashboard").rglob("*.py")):
        if EXPORT_ONLY in path.parents:
            continue
        for name in _trace_classes(path):
            used.setdefault(getattr(go, name)().type, []).append(str(path.relative_to(config.ROOT)))
    assert used, "no trace found: the scan is broken"
    missing = {t: where for t, where in used.items() if t not in _traces()}
    assert not missing, f"trace types drawn in pages but not in tools/plotly_bundle/traces.json: {missing}"
    # and nothing in the bundle that no page draws (it only costs load time), but scatter, which plotly.js always has
    assert _traces() - set(used) <= {"scatter"}
