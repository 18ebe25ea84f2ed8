"""Test tiers, given to every test by ``conftest.py`` from where it lives and what it uses (no test file names
its tier):

- ``browser``: real headless Chromium (a ``dash_duo``/selenium fixture, ``tests/browser/``, or marked so);
- ``render``: the briefing exports that draw with kaleido, build PPTX or convert to PDF with LibreOffice
  (the ``tests/briefing`` modules that import a renderer, or use the ``deck_factory`` fixture);
- ``callback``: the Dash app without a browser (``tests/dashboard/``, the rest of ``tests/briefing/``);
- ``unit``: ``tests/geodata/`` and the top-level tests.

``make test-fast`` runs ``-m "unit or callback"``; ``make test`` runs every tier.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

TESTS = Path(__file__).resolve().parent
TIERS = ("unit", "callback", "render", "browser")
BROWSER_FIXTURES = frozenset(
    {"dash_duo", "dash_br", "dash_thread_server", "dash_process_server", "dash_multi_process_server", "selenium"}
)
RENDER_FIXTURES = frozenset({"deck_factory"})
#: Modules that render: importing one of these (or a name from one) makes a briefing test a render test.
RENDERERS = (
    "kaleido",
    "pptx",
    "pypdf",
    "dashboard.export",
    "dashboard.exports.cli",
    "dashboard.exports.deck",
    "dashboard.exports.images",
    "dashboard.exports.pdf",
)


@functools.cache
def imports_a_renderer(path: Path) -> bool:
    """Whether the test module imports a renderer (at any depth, ``from package import renderer`` included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return any(n == r or n.startswith(r + ".") for n in names for r in RENDERERS)


def tier(path: Path, fixtures) -> str:
    """The tier of a test in file ``path`` that uses ``fixtures`` (a test marked ``browser`` keeps that mark)."""
    folder = path.resolve().relative_to(TESTS).parts[:-1]
    if folder[:1] == ("browser",) or BROWSER_FIXTURES.intersection(fixtures):
        return "browser"
    if folder[:1] == ("briefing",):
        return "render" if RENDER_FIXTURES.intersection(fixtures) or imports_a_renderer(path) else "callback"
    if folder[:1] == ("dashboard",):
        return "callback"
    return "unit"
