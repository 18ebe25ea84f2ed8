"""One filter-state constructor: the command lines (``coverage``, ``export``) and the URL give the same state;
the command line refuses a bad value with a message naming the flag and the value (exit 2), the URL drops it
with a note."""

from __future__ import annotations

import argparse

import pytest

from geodata import cli
from geodata.analysis.filters import (
    YEARS,
    FilterError,
    FilterState,
    add_filter_arguments,
    state_from_args,
)

ARGS = [
    "--sector", "Health,education",
    "--community", "roma",
    "--municipality", "Mitrovicë e Veriut",
    "--municipality", "zvecan",
    "--status", "ongoing",
    "--funder", "Sample donor A",
    "--org", "Sample partner NGO 1",
    "--id", "sample-000001",
    "--from", "2018",
    "--to", "2024",
    "-q", "water",
    "--dataset", "documented",
]  # fmt: skip
URL = (
    "sector=health&sector=education&community=Roma&municipality=north-mitrovica&municipality=Zve%C3%A7an"
    "&status=ongoing&funder=Sample+donor+A&org=Sample+partner+NGO+1&id=sample-000001&from=2018&to=2024&q=water"
    "&dataset=documented"
)
EXPECTED = FilterState(
    sectors=("health", "education"),
    communities=("Roma",),
    municipalities=("north-mitrovica", "zvecan"),
    statuses=("ongoing",),
    funders=("Sample donor A",),
    orgs=("Sample partner NGO 1",),
    ids=("sample-000001",),
    year_from=2018,
    year_to=2024,
    text="water",
    dataset="documented",
)


def _parser() -> argparse.ArgumentParser:
    """A bare parser with only the filter flags (as another command line would add them)."""
    p = argparse.ArgumentParser(prog="tool")
    add_filter_arguments(p)
    return p


def _cli_state(argv: list[str]) -> FilterState:
    return state_from_args(cli.parser().parse_args(argv))


def test_every_command_line_and_the_url_give_the_same_state(tmp_path):
    out = str(tmp_path / "x.csv")
    assert _cli_state(["coverage", *ARGS]) == EXPECTED
    assert _cli_state(["export", "--format", "csv", "--out", out, *ARGS]) == EXPECTED
    assert state_from_args(_parser().parse_args(ARGS)) == EXPECTED
    assert FilterState.from_query(URL) == EXPECTED
    assert FilterState.from_query(URL).notes == ()
    assert _cli_state(["coverage", "--url", URL]) == EXPECTED
    assert FilterState.from_query(EXPECTED.to_query()) == EXPECTED


def test_the_url_flag_comes_first_and_flags_add_to_it_or_replace_it():
    state = _cli_state(["coverage", "--query", "https://atlas.example/coverage?sector=health&from=2010", "--sector",
                        "housing", "--from", "2019"])  # fmt: skip
    assert state.sectors == ("health", "housing") and state.year_from == 2019


def test_no_dataset_flag_means_what_a_url_without_dataset_means(monkeypatch):
    monkeypatch.setattr("geodata.analysis.filters.url_default_dataset", lambda: "documented")
    assert _cli_state(["coverage"]).dataset == "documented" == FilterState.from_query("").dataset
    assert _cli_state(["coverage"]) == FilterState.from_query("") == FilterState(dataset="documented")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--sector", "helth"], "argument --sector: unknown sector 'helth'; choose from: health, "),
        (["--sector", "health,helth"], "argument --sector: unknown sector 'helth'"),
        (["--community", "Martians"], "argument --community: unknown community 'Martians'; choose from: Roma, "),
        (["--status", "dreaming"], "argument --status: unknown status 'dreaming'; choose from: pipeline, "),
        (["--dataset", "everything"], "argument --dataset: unknown dataset 'everything'; choose from: documented, "),
        (["--municipality", "Atlantis"], "argument --municipality: unknown municipality 'Atlantis': give its name"),
        (["--municipality", "Zvecn"], "unknown municipality 'Zvecn': give its name (Albanian, Serbian or English) or "
         "its code; did you mean Zveçan/Zvečan (zvecan)?"),
        (["--municipality", "Mitrovica"], "argument --municipality: 'Mitrovica' is ambiguous: North Mitrovica "
         "(north-mitrovica) or South Mitrovica (south-mitrovica)"),
        (["--from", "soon"], "argument --from: must be a year from 1900 to 2100, such as 2018, not 'soon'"),
        (["--to", "1899"], "argument --to: must be a year from 1900 to 2100, such as 2018, not '1899'"),
        (["--url", "sector=health&dataset=everything"], "argument --url/--query: unknown dataset 'everything'"),
        (["--url", "municipality=Mitrovica"], "argument --url/--query: --municipality 'Mitrovica' is ambiguous"),
        (["--query", "from=20x"], "argument --url/--query: --from must be a year from 1900 to 2100"),
    ],
)  # fmt: skip
def test_each_bad_value_stops_the_command_line_naming_the_flag_and_the_value(capsys, argv, message):
    for command in (["coverage"], ["export", "--format", "csv", "--out", "never-written.csv"]):
        with pytest.raises(SystemExit) as exc:
            cli.main([*command, *argv])
        assert exc.value.code == 2
        assert message in capsys.readouterr().err


def test_years_the_wrong_way_round_exit_2_from_both_commands(tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert cli.main(["coverage", "--from", "2024", "--to", "2020"]) == 2
    assert capsys.readouterr().err.strip() == "--from 2024 is after --to 2020"
    assert cli.main(["export", "--format", "csv", "--out", str(out), "--url", "from=2024", "--to", "2020"]) == 2
    assert capsys.readouterr().err.strip() == "--from 2024 is after --to 2020"
    assert not out.exists()


def test_strict_constructor_lists_every_problem_at_once():
    with pytest.raises(FilterError) as exc:
        FilterState.from_query("sector=helth&from=2030&to=2020&municipality=Atlantis", strict=True)
    assert exc.value.problems == (
        "unknown sector 'helth'; choose from: health, economic development, infrastructure, housing, education, "
        "social protection, environment/remediation, other",
        "unknown municipality 'Atlantis': give its name (Albanian, Serbian or English) or its code",
        "--from 2030 is after --to 2020",
    )


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("sector=astrology", "sector 'astrology' ignored: choose from health, economic development, "),
        ("community=Martians", "community 'Martians' ignored: choose from Roma, Ashkali, Egyptian"),
        ("status=dreaming", "status 'dreaming' ignored: choose from pipeline, ongoing, completed, cancelled"),
        ("dataset=everything", "dataset 'everything' ignored: choose from documented, sample, all"),
        ("municipality=Mitrovica", "municipality 'Mitrovica' ignored: it may be North Mitrovica or South Mitrovica"),
        ("municipality=Atlantis", "municipality 'Atlantis' ignored: not a Kosovo municipality"),
        ("from=soon", "from='soon' ignored: not a year"),
        ("to=1899", "to=1899 ignored: not a year from 1900 to 2100"),
    ],
)
def test_the_url_drops_each_bad_value_with_a_note(query, note):
    state = FilterState.from_query(query + "&sector=health", default_dataset="all")
    assert len(state.notes) == 1 and state.notes[0].startswith(note)
    assert state == FilterState(sectors=("health",), dataset="all")


def test_one_year_range_for_the_url_and_the_command_line():
    lo, hi = YEARS
    assert FilterState.from_query(f"from={lo}&to={hi}").year_from == lo
    assert _cli_state(["coverage", "--from", str(lo), "--to", str(hi)]).year_to == hi
    for year in (lo - 1, hi + 1):
        assert FilterState.from_query(f"from={year}").year_from is None
        with pytest.raises(SystemExit):
            cli.parser().parse_args(["coverage", "--from", str(year)])
