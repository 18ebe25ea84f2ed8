"""Imports flow one way: dashboard imports geodata; geodata and the figure builders never import Dash."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NO_DASH = sorted((ROOT / "geodata").rglob("*.py")) + [ROOT / "dashboard" / "figures.py", ROOT / "dashboard" / "data.py"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", NO_DASH, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_dash_import(path):
    bad = {n for n in _imports(path) if n == "dash" or n.startswith(("dash.", "dash_"))}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", sorted((ROOT / "geodata").rglob("*.py")), ids=lambda p: p.name)
def test_geodata_does_not_import_dashboard(path):
    assert not {n for n in _imports(path) if n == "dashboard" or n.startswith("dashboard.")}
