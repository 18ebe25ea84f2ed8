"""The README stays in step with the code: its layer table is the registry's."""

from __future__ import annotations

import re
from pathlib import Path

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
