"""geodata in clear parts: each part says what it holds and lists its public modules; no module is long without a
reason written at its top."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PARTS = ("facts", "analysis", "io", "cli")
#: Modules other parts of the team own and split on their own schedule.
NOT_OURS = ("geodata/io/importers/", "geodata/io/store", "geodata/io/tables.py")
LONG = 400
WHY = "Why one module:"


@pytest.mark.parametrize("part", PARTS)
def test_each_part_says_what_it_holds_and_lists_its_public_modules(part):
    package = importlib.import_module(f"geodata.{part}")
    assert package.__doc__ and len(package.__doc__.split()) > 15
    modules = [name for name in package.__all__ if (ROOT / "geodata" / part / name).is_dir()
               or (ROOT / "geodata" / part / f"{name}.py").is_file()]  # fmt: skip
    assert modules, f"geodata.{part}.__all__ lists no module"
    for name in modules:
        assert not name.startswith("_")
        assert importlib.import_module(f"geodata.{part}.{name}")
        assert f"``{name}``" in package.__doc__, f"geodata.{part}'s docstring does not say what {name} holds"
    for name in set(package.__all__) - set(modules):
        assert hasattr(package, name), f"geodata.{part}.__all__ names {name}, which is neither module nor attribute"


def test_coverage_package_re_exports_every_public_name():
    coverage = importlib.import_module("geodata.analysis.coverage")
    for name in coverage.__all__:
        assert hasattr(coverage, name), name
    for module in ("rules", "allocation", "assignment", "index", "sites", "matrix", "exposure", "report"):
        sub = importlib.import_module(f"geodata.analysis.coverage.{module}")
        public = [
            n for n, v in vars(sub).items() if not n.startswith("_") and getattr(v, "__module__", "") == sub.__name__
        ]
        assert set(public) <= set(coverage.__all__), (module, set(public) - set(coverage.__all__))


def _ours() -> list[Path]:
    return [p for p in sorted((ROOT / "geodata").rglob("*.py")) if not str(p.relative_to(ROOT)).startswith(NOT_OURS)]


@pytest.mark.parametrize("path", _ours(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_long_module_says_why_it_is_one_module(path):
    text = path.read_text(encoding="utf-8")
    if len(text.splitlines()) <= LONG:
        return
    doc = ast.get_docstring(ast.parse(text)) or ""
    reasons = [line.strip()[len(WHY) :].strip() for line in doc.splitlines() if line.strip().startswith(WHY)]
    assert any(reasons), f"{path.relative_to(ROOT)}: over {LONG} lines; split it or say why on a line '{WHY} ...'"
