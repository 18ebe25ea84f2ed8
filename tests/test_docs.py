"""The README stays in step with the code: its layer table is the registry's, its test commands are the
Makefile's, and the test tiers it names are the ones every test gets."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from tiers import TIERS, tier

from geodata.cli.layers import layer_table_markdown
from geodata.facts.layers import LAYERS

ROOT = Path(__file__).resolve().parents[1]


def _readme_table() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- layer-table:start[^>]*-->\n(.*?)\n<!-- layer-table:end -->", text, re.S)
    assert match, "README.md lost its layer-table markers"
    return match.group(1)


def test_readme_layer_table_matches_the_registry():
    assert _readme_table() == layer_table_markdown(), (
        "README layer table is stale: paste the output of `python -m geodata info --markdown`"
    )


def test_every_layer_is_in_the_readme_and_has_provenance():
    table = _readme_table()
    for spec in LAYERS.values():
        assert f"`{spec.name}`" in table
        assert spec.source and spec.license and spec.vintage and spec.precision


def _readme_command(section: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"## {section}\n.*?```sh\n(.*?)\n```", readme, re.S)
    assert match, f"README section {section!r} lost its command"
    return match.group(1).strip()


def test_readme_has_the_two_commands_and_ci_runs_the_test_one():
    assert _readme_command("Run it").endswith("make serve")
    test_command = _readme_command("Test it")
    assert test_command.endswith("make test")
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command.replace("apt-get", "$SUDO apt-get") in ci


# ---------------------------------------------------------------- the test tiers and the fast path


def _make_recipe(target: str) -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.M)
    assert match, f"the Makefile has no {target!r} target"
    return [line.strip() for line in match.group(1).splitlines()]


def test_make_test_runs_every_tier_and_make_test_fast_the_unit_and_callback_ones():
    # no -m: every tier, as the README says
    assert _make_recipe("test") == ["$(BIN)/python -m pytest -n 2 --dist loadgroup --durations=25"]
    assert _make_recipe("test-fast") == ['$(BIN)/python -m pytest -m "unit or callback"']
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`make test-fast`" in readme.split("## Test it", 1)[1].split("\n## ", 1)[0]


def test_every_tier_is_a_registered_marker():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    registered = {m.split(":")[0] for m in pyproject["tool"]["pytest"]["ini_options"]["markers"]}
    assert set(TIERS) <= registered


@pytest.mark.parametrize(
    ("path", "fixtures", "expected"),
    [
        ("geodata/test_store.py", (), "unit"),
        ("test_architecture.py", ("tmp_path",), "unit"),
        ("dashboard/test_figures.py", (), "callback"),
        ("dashboard/test_coverage_page.py", ("dash_duo",), "browser"),  # a browser fixture wins anywhere
        ("browser/test_explorer.py", (), "browser"),
        ("briefing/test_briefing_layout.py", (), "callback"),  # layout arithmetic: nothing drawn
        ("briefing/test_briefing_images.py", (), "render"),  # imports the kaleido exporter
        ("briefing/test_briefing_deck.py", (), "render"),  # python-pptx
        ("briefing/test_briefing_pdf.py", (), "render"),  # LibreOffice
        ("briefing/test_briefing_layout.py", ("deck_factory",), "render"),
    ],
)
def test_each_test_gets_its_tier_from_where_it_lives_and_what_it_uses(path, fixtures, expected):
    assert tier(ROOT / "tests" / path, fixtures) == expected


def test_this_test_was_given_the_unit_tier(request):
    assert [m.name for m in request.node.iter_markers() if m.name in TIERS] == ["unit"]
