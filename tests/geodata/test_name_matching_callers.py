"""Municipality names where people give them: imports (CSV, IATI), the command lines and the URL. An ambiguous
name ("Mitrovica") is settled by the row's point, or reported with its candidates; never mapped to one silently."""

from __future__ import annotations

import pytest

import geodata
from dashboard.exports import cli as E
from geodata.analysis.filters import FilterState
from geodata.cli import main as cli_main
from geodata.io.importers import preview_bytes

HEADER = "project_id,title,sector,target_communities,municipality,status,start_date,committed,currency,lat,lon,site_id"


def _site(site_id: str) -> tuple[float, float]:
    """(lat, lon) of a former camp or site: Česmin Lug lies north of the Ibar, the Roma Mahalla south of it."""
    camps = geodata.load("camps").set_index("site_id")
    g = camps.loc[site_id, "geometry"]
    return round(g.y, 5), round(g.x, 5)


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _row(pid: str, municipality: str, point: tuple[float, float] | None = None, site: str = "") -> str:
    lat, lon = point if point else ("", "")
    return f"{pid},Clinic,health,Roma,{municipality},ongoing,2023-04,1000,USD,{lat},{lon},{site}"


def _problems(preview, row: int) -> list[tuple[str, object, str]]:
    return [(p.field, p.value, p.why) for p in preview.problems if p.row == row]


@pytest.mark.parametrize("name", ["Mitrovica", "Kosovska Mitrovica", "Municipality of Mitrovica", "Митровица"])
def test_csv_ambiguous_name_is_settled_by_the_rows_point(name):
    north, south = _site("cesmin-lug"), _site("roma-mahalla")
    preview = preview_bytes(_csv(_row("n", name, north), _row("s", name, south)), "partner.csv")
    assert preview.ok, preview.problems
    assert list(preview.frame["municipality"]) == ["north-mitrovica", "south-mitrovica"]
    said = {(w.row, w.field, w.value): w.why for w in preview.warnings if w.field == "municipality"}
    assert said[(2, "municipality", name)].endswith("the point lies in North Mitrovica")
    assert said[(3, "municipality", name)].endswith("the point lies in South Mitrovica")


def test_csv_ambiguous_name_is_settled_by_the_rows_site():
    preview = preview_bytes(_csv(_row("s", "Mitrovica", site="roma-mahalla")), "partner.csv")
    assert preview.ok, preview.problems
    assert preview.frame["municipality"].iloc[0] == "south-mitrovica"


def test_csv_ambiguous_name_without_a_point_is_a_row_problem():
    preview = preview_bytes(
        _csv(_row("ok", "Mitrovicë e Veriut"), _row("x", "Mitrovica"), _row("y", "Mitrovica", (42.66, 21.16))),
        "partner.csv",
    )
    assert not preview.ok
    assert _problems(preview, 2) == []
    assert _problems(preview, 3) == [
        ("municipality", "Mitrovica", "ambiguous: North Mitrovica or South Mitrovica; give the point or the full name")
    ]
    [(field, value, why)] = _problems(preview, 4)
    assert (field, value) == ("municipality", "Mitrovica")
    assert "the point lies in Pristina, which is neither" in why
    reported = str(next(p for p in preview.problems if p.row == 3))
    assert "partner.csv" in reported and "row 3" in reported and "'municipality'" in reported


def test_csv_unknown_name_suggests_the_closest():
    preview = preview_bytes(_csv(_row("x", "Leposavik")), "partner.csv")
    [(field, value, why)] = _problems(preview, 2)
    assert (field, value) == ("municipality", "Leposavik")
    assert why.startswith("unknown municipality") and why.endswith("did you mean Leposaviq/Leposavić?")


IATI = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03"><iati-activity default-currency="USD">
  <iati-identifier>XM-DAC-1-RAE-{n}</iati-identifier>
  <title><narrative>Health centre support</narrative></title>
  <participating-org role="1"><narrative>Donor One</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date type="2" iso-date="2022-02-15"/>
  <recipient-country code="XK"/>
  <location>
    <name><narrative>Health centre</narrative></name>
    <administrative vocabulary="G1" level="2"><narrative>Mitrovica</narrative></administrative>
    {point}
  </location>
  <sector vocabulary="1" code="12220"/>
</iati-activity></iati-activities>
"""


def test_iati_ambiguous_administrative_name_is_settled_by_the_point():
    lat, lon = _site("cesmin-lug")
    point = f'<point srsName="http://www.opengis.net/def/crs/EPSG/0/4326"><pos>{lat} {lon}</pos></point>'
    preview = preview_bytes(IATI.format(n="01", point=point).encode(), "funder.xml")
    assert [p for p in preview.problems if p.field == "municipality"] == []
    assert preview.frame["municipality"].iloc[0] == "north-mitrovica"


def test_iati_ambiguous_administrative_name_without_a_point_is_reported():
    preview = preview_bytes(IATI.format(n="02", point="").encode(), "funder.xml")
    assert [(p.row, p.value, p.why) for p in preview.problems if p.field == "municipality"] == [
        (1, "Mitrovica", "ambiguous: North Mitrovica or South Mitrovica; give the point or the full name")
    ]


def test_coverage_cli_refuses_an_ambiguous_name_and_lists_the_candidates(capsys):
    with pytest.raises(SystemExit) as exc:
        cli_main(["coverage", "--municipality", "Mitrovica"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "'Mitrovica' is ambiguous: North Mitrovica (north-mitrovica) or South Mitrovica (south-mitrovica)" in err


def test_coverage_cli_suggests_a_close_name(capsys):
    with pytest.raises(SystemExit):
        cli_main(["coverage", "--municipality", "Zvecn"])
    assert "did you mean Zveçan/Zvečan (zvecan)?" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["--municipality", "Kosovska Mitrovica"], ["--query", "municipality=Mitrovica"]],
)
def test_data_export_cli_refuses_an_ambiguous_name(tmp_path, capsys, argv):
    out = tmp_path / "x.csv"
    with pytest.raises(SystemExit) as exc:  # argparse refuses the value, as in ``coverage``
        cli_main(["export", "--format", "csv", "--out", str(out), *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "North Mitrovica" in err and "South Mitrovica" in err
    assert not out.exists()


def test_briefing_export_cli_refuses_an_ambiguous_name(tmp_path, capsys):
    out = tmp_path / "x.pptx"
    assert E.main(["--format", "pptx", "--out", str(out), "--municipality", "Mitrovica"]) == 2
    assert "'Mitrovica' is ambiguous: North Mitrovica (north-mitrovica) or South" in capsys.readouterr().err
    assert not out.exists()
    args = E.parser().parse_args(
        [
            "--format",
            "pptx",
            "--out",
            str(out),
            "--municipality",
            "Severna Kosovska Mitrovica",
            "--url",
            "municipality=Gllogoc",
        ]
    )
    assert E.state_from_args(args).municipalities == ("drenas", "north-mitrovica")


def test_url_takes_names_and_ignores_ambiguous_ones_with_a_note():
    state = FilterState.from_query(
        "municipality=Mitrovica&municipality=Zve%C3%A7an&municipality=Atlantis&sector=health"
    )
    assert state.municipalities == ("zvecan",) and state.sectors == ("health",)
    assert state.notes == (
        "municipality 'Mitrovica' ignored: it may be North Mitrovica or South Mitrovica",
        "municipality 'Atlantis' ignored: not a Kosovo municipality",
    )
    assert state.to_query() == "sector=health&municipality=zvecan"
    assert FilterState.from_query(state.to_query()) == state
