"""The architecture, read from the source (statically: imports inside functions count too).

- Imports flow one way: ``dashboard`` imports ``geodata``, never the reverse, and no import cycle exists
  among the modules of either.
- Nothing in ``geodata``, the figure builders (``dashboard/figures*``), the snapshots (``dashboard/data.py``)
  or the export service (``dashboard/exports/``) imports Dash, directly or through a module it imports.
- Each part of ``geodata`` (facts, analysis, io, cli) names its public surface in ``__all__``, and the
  dashboard imports from a part only what that ``__all__`` names (never a name starting with ``_``).
- No module is longer than 400 lines unless its docstring has a line starting "Why one module:".
- The README's "Layout" section names what is in the tree, and only that.
"""

from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("geodata", "dashboard")
PARTS = ("facts", "analysis", "io", "cli")
MAX_LINES = 400
WHY = "Why one module:"

#: Modules still over MAX_LINES without a "Why one module:" line, each with the reason it is allowed for now.
#: The test fails when an entry is no longer needed, so this list only shrinks.
ALLOWED_LONG: dict[str, str] = {}

#: Parts whose ``__all__`` does not yet list every module the dashboard imports from them (strict xfail: the
#: test fails as soon as it passes, so the entry must then go).
UNLISTED: dict[str, str] = {}


# ------------------------------------------------------------------ reading imports


@dataclass(frozen=True)
class Import:
    module: str  # absolute dotted name of the module imported from (or imported)
    names: tuple[str, ...]  # the names of ``from module import a, b``; () for ``import module``
    line: int


def module_files(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` under ``packages`` (a package is its ``__init__``)."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path) -> list[Import]:
    """Every import statement of the module, at any depth (functions and conditionals included), with
    relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([module] if module else []))
            found.append(Import(module, tuple(alias.name for alias in node.names), node.lineno))
    return found


def dependencies(name: str, path: Path, modules: dict[str, Path]) -> dict[str, int]:
    """The project modules this module imports -> the line of the first such import. ``from pkg import sub``
    depends on the submodule ``pkg.sub`` only; ``from mod import name`` on ``mod``; a dotted name that is not a
    module stands for the nearest module above it."""
    deps: dict[str, int] = {}
    for imp in imports(name, path):
        targets = [f"{imp.module}.{n}" for n in imp.names if f"{imp.module}.{n}" in modules]
        if len(targets) < len(imp.names) or not imp.names:
            targets.append(imp.module)
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                deps.setdefault(target, imp.line)
    return deps


def import_graph(root: Path = ROOT, packages=PACKAGES) -> dict[str, dict[str, int]]:
    modules = module_files(root, packages)
    return {name: dependencies(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, dict[str, int] | set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted, in sorted order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _is_dash(module: str) -> bool:
    return module == "dash" or module.startswith(("dash.", "dash_"))


# ------------------------------------------------------------------ (a) one-way imports, no cycles

GRAPH = import_graph()
MODULES = module_files(ROOT)


def _where(name: str) -> str:
    return str(MODULES[name].relative_to(ROOT))


def test_no_import_cycles():
    found = cycles(GRAPH)
    report = [
        " / ".join(component)
        + ":\n"
        + "\n".join(
            f"    {a} -> {b} ({_where(a)}:{GRAPH[a][b]})" for a in component for b in sorted(GRAPH[a]) if b in component
        )
        for component in found
    ]
    assert not found, "import cycles (function-level imports included):\n" + "\n".join(report)


def test_the_cycle_finder_sees_a_cycle_through_a_function_level_relative_import(tmp_path):
    """The check above can fail: a cycle closed by ``from . import a`` inside a function is found."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.sub.b import thing\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("def thing():\n    from .. import a\n    return a\n")
    (package / "sub" / "c.py").write_text("from pkg import a\nimport pkg.sub.b as b\n")
    graph = import_graph(tmp_path, ("pkg",))
    assert graph["pkg.sub.b"] == {"pkg.a": 2}
    assert graph["pkg.sub.c"] == {"pkg.a": 1, "pkg.sub.b": 2}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b"]]
    assert cycles({"x": {"y"}, "y": {"z"}, "z": set()}) == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith("geodata")))
def test_geodata_does_not_import_dashboard(name):
    bad = [i for i in imports(name, MODULES[name]) if i.module == "dashboard" or i.module.startswith("dashboard.")]
    assert not bad, f"{_where(name)} imports {[f'{i.module} (line {i.line})' for i in bad]}"


# ------------------------------------------------------------------ (b) no Dash below the app


def _dash_free(name: str) -> bool:
    return (
        name.startswith("geodata")
        or name in ("dashboard.data", "dashboard.figures")
        or name.startswith(("dashboard.exports", "dashboard.figures."))
    )


DASH_FREE = sorted(n for n in MODULES if _dash_free(n))


def _reached(name: str) -> dict[str, list[str]]:
    """Every project module importing ``name`` runs, with the chain that leads there. Importing a module runs
    its packages' ``__init__`` first, so those count as imported too."""
    chains = {name: [name]}
    todo = [name]
    while todo:
        current = todo.pop()
        parents = [".".join(current.split(".")[:k]) for k in range(1, current.count(".") + 1)]
        for nxt in [*GRAPH[current], *(p for p in parents if p in MODULES)]:
            if nxt not in chains:
                chains[nxt] = [*chains[current], nxt]
                todo.append(nxt)
    return chains


def test_the_dash_free_modules_include_the_figures_the_snapshots_and_the_export_service():
    assert {"dashboard.data", "dashboard.exports"} <= set(DASH_FREE)
    assert any(n == "dashboard.figures" or n.startswith("dashboard.figures.") for n in DASH_FREE)
    assert "dashboard.app" not in DASH_FREE and "dashboard.pages.explorer" not in DASH_FREE


@pytest.mark.parametrize("name", DASH_FREE)
def test_no_dash_import(name):
    problems = []
    for reached, chain in sorted(_reached(name).items()):
        for imp in imports(reached, MODULES[reached]):
            if _is_dash(imp.module):
                via = " -> ".join(chain)
                problems.append(f"{imp.module} imported at {_where(reached)}:{imp.line} (via {via})")
    assert not problems, f"{name} must not import Dash:\n" + "\n".join(problems)


# ------------------------------------------------------------------ (c) each part's public surface


def _declared_all(part: str) -> list[str] | None:
    """``__all__`` of ``geodata/<part>/__init__.py`` read from the source, or None when it has none."""
    tree = ast.parse((ROOT / "geodata" / part / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return list(ast.literal_eval(node.value))
    return None


@pytest.mark.parametrize("part", PARTS)
def test_each_part_names_its_public_surface(part):
    public = _declared_all(part)
    assert public is not None, f"geodata/{part}/__init__.py has no __all__"
    assert public, f"geodata/{part}/__init__.py has an empty __all__"
    assert len(public) == len(set(public)), f"geodata.{part}.__all__ repeats a name"
    assert not [n for n in public if n.startswith("_")], f"geodata.{part}.__all__ names a private name"
    module = importlib.import_module(f"geodata.{part}")
    directory = ROOT / "geodata" / part
    missing = [
        n
        for n in public
        if not hasattr(module, n)
        and not (directory / f"{n}.py").exists()
        and not (directory / n / "__init__.py").exists()
    ]
    assert not missing, f"geodata.{part}.__all__ names what does not exist: {missing}"


def _part_imports(part: str) -> list[tuple[str, Import]]:
    prefix = f"geodata.{part}"
    return [
        (name, imp)
        for name in sorted(MODULES)
        if name.startswith("dashboard")
        for imp in imports(name, MODULES[name])
        if imp.module == prefix or imp.module.startswith(prefix + ".")
    ]


def _outside_surface(imp: Import, part: str, public: set[str]) -> list[str]:
    """What this import takes from ``geodata.<part>`` that its ``__all__`` does not offer."""
    rest = imp.module.split(".")[2:]
    if not rest:  # from geodata.<part> import a, b
        return [n for n in imp.names if n not in public]
    private = [c for c in rest[1:] + list(imp.names) if c.startswith("_")]
    return ([rest[0]] if rest[0] not in public else []) + private


@pytest.mark.parametrize(
    "part",
    [
        pytest.param(part, marks=pytest.mark.xfail(strict=True, reason=UNLISTED[part])) if part in UNLISTED else part
        for part in PARTS
    ],
)
def test_the_dashboard_uses_only_each_parts_public_surface(part):
    public = _declared_all(part)
    assert public is not None, f"geodata/{part}/__init__.py has no __all__"
    bad = [
        f"{_where(name)}:{imp.line} takes {taken} from {imp.module}"
        for name, imp in _part_imports(part)
        if (taken := _outside_surface(imp, part, set(public)))
    ]
    assert not bad, f"not in geodata.{part}.__all__ (or private):\n" + "\n".join(bad)


def test_the_surface_check_sees_private_and_undeclared_names():
    public = {"layers", "LAYERS"}
    assert _outside_surface(Import("geodata.facts", ("LAYERS", "sample"), 1), "facts", public) == ["sample"]
    assert _outside_surface(Import("geodata.facts.layers", ("SECTORS",), 1), "facts", public) == []
    assert _outside_surface(Import("geodata.facts.layers", ("_private",), 1), "facts", public) == ["_private"]
    assert _outside_surface(Import("geodata.facts.build", ("round_coords",), 1), "facts", public) == ["build"]
    assert _outside_surface(Import("geodata.facts.layers._x", (), 1), "facts", public) == ["_x"]


# ------------------------------------------------------------------ (d) module length


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _says_why(path: Path) -> bool:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return any(line.strip().startswith(WHY) and line.strip()[len(WHY) :].strip() for line in doc.splitlines())


def _too_long() -> dict[str, int]:
    return {
        str(path.relative_to(ROOT)): n
        for path in MODULES.values()
        if (n := _line_count(path)) > MAX_LINES and not _says_why(path)
    }


def test_no_module_over_400_lines_without_a_reason():
    offenders = {path: n for path, n in _too_long().items() if path not in ALLOWED_LONG}
    listing = "\n".join(f"    {path}: {n} lines" for path, n in sorted(offenders.items(), key=lambda kv: -kv[1]))
    assert not offenders, (
        f"modules over {MAX_LINES} lines: split them, or say in the module docstring on a line starting "
        f"{WHY!r} why they stay whole:\n{listing}"
    )


def test_every_allowed_long_module_still_needs_it():
    stale = sorted(set(ALLOWED_LONG) - set(_too_long()))
    assert not stale, f"remove from ALLOWED_LONG (gone, short enough, or says why): {stale}"


def test_the_length_check_reads_the_docstring(tmp_path):
    long_body = "x = 1\n" * (MAX_LINES + 1)
    (tmp_path / "why.py").write_text(f'"""A module.\n\n{WHY} one table, read top to bottom.\n"""\n{long_body}')
    (tmp_path / "bare.py").write_text(f'"""A module.\n\n{WHY}\n"""\n{long_body}')
    assert _says_why(tmp_path / "why.py")
    assert not _says_why(tmp_path / "bare.py")  # the reason must be written, not only the heading


# ------------------------------------------------------------------ (e) the README's layout


def layout_entries(readme: str) -> list[str]:
    """The paths of the README's Layout tree. Each line of its code block starts (after its indent, two spaces
    a level) with a directory ``name/`` or a file, inside the directory above it with less indent; a line
    indented deeper than one level below the entry above continues that entry's description."""
    match = re.search(r"^## Layout\n.*?^```\n(.*?)^```", readme, re.S | re.M)
    assert match, "README.md lost its Layout section (a tree in a ``` block)"
    entries: list[str] = []
    parents: list[str] = []
    for line in match.group(1).splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if not line.strip() or indent > 2 * len(parents):
            continue
        assert indent % 2 == 0, f"README layout: {line!r} is not indented by whole levels"
        parents = parents[: indent // 2]
        token = line.split()[0]
        entries.append("".join(parents) + token)
        parents.append(token if token.endswith("/") else "")
    return entries


def _packages_under(directory: Path) -> set[str]:
    return {f"{p.parent.relative_to(ROOT)}/" for p in directory.glob("*/__init__.py")}


def test_readme_layout_matches_the_tree():
    entries = layout_entries((ROOT / "README.md").read_text(encoding="utf-8"))
    missing_in_tree = [e for e in entries if not (ROOT / e).exists()]
    assert not missing_in_tree, f"the README's Layout names what is not in the tree: {missing_in_tree}"
    required = _packages_under(ROOT) | _packages_under(ROOT / "geodata") | _packages_under(ROOT / "dashboard")
    assert {"geodata/", "dashboard/"} | {f"geodata/{p}/" for p in PARTS} <= required
    missing_in_readme = sorted(required - set(entries))
    assert not missing_in_readme, f"the README's Layout does not name: {missing_in_readme}"


def test_the_layout_reader_follows_the_indent():
    readme = (
        "## Layout\n\n```\ngeodata/   x\n  facts/   y\n           more about facts/\n    a.py   z\n  io/\n"
        "tests/     t\n           and the rest\n```\n"
    )
    assert layout_entries(readme) == ["geodata/", "geodata/facts/", "geodata/facts/a.py", "geodata/io/", "tests/"]


def test_test_module_names_are_unique():
    """pytest imports test modules by their base name (rootdir import mode): two files of one name in different
    folders stop the whole run at collection."""
    names: dict[str, list[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        names.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert not {n: p for n, p in names.items() if len(p) > 1}
