"""The import report and the rules behind it: what counts as a spreadsheet formula (OWASP CSV injection),
a grouped summary before the rows, plain values, identifiers normalised, and a NaN point as no point."""

from __future__ import annotations

import json

import pytest

from geodata.io.importers import preview_bytes
from geodata.io.importers.mapping import is_formula_like, normalise_id

HEADER = "project_id,title,description,sector,target_communities,municipality,status,start_date,committed,currency"


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def row(pid: str, description: str = "Repairs", committed: str = "1000", municipality: str = "Zvečan") -> str:
    return f'{pid},Water point,"{description}",infrastructure,Roma,{municipality},ongoing,2022,"{committed}",USD'


@pytest.mark.parametrize(
    "cell",
    [
        "=1+2",
        '=HYPERLINK("http://x","y")',
        "  =SUM(A1:A3)",
        "\t=1+1",
        "\n=cmd|' /C calc'!A0",
        "＝1+2",  # full-width equals sign
        "+SUM(A1)",
        "-2+3",
        "+A1",
        "-$B$2*3",
        "@SUM(A1)",
        "-cmd|' /C calc'!A0",
        "＋A1",
    ],
)
def test_cells_a_spreadsheet_would_run_are_caught(cell):
    assert is_formula_like(cell)


@pytest.mark.parametrize(
    "cell",
    [
        "- Renforcer les capacités des associations",
        "-Renforcer les capacités",
        "+ 20 families housed",
        "-1500",
        "+383 44 123 456",
        "-12,5",
        "- A1 priority for the municipality",
        "@ the community centre",
        "Plain text",
    ],
)
def test_prose_and_numbers_that_start_with_a_sign_are_not_formulas(cell):
    assert not is_formula_like(cell)


def test_a_prose_description_starting_with_a_dash_imports_and_a_formula_is_reported():
    preview = preview_bytes(
        csv(row("a", "- Renforcer les capacités"), row("b", "=HYPERLINK(1)"), row("c", "  ＝1+2")), "x.csv"
    )
    assert [(p.row, p.field) for p in preview.problems] == [(3, "description"), (4, "description")]


def test_the_report_groups_problems_first_then_lists_rows_with_ids_and_plain_values():
    rows = [row(f"r-{i}", municipality="Atlantis") for i in range(5)] + [row("ok"), row("x-1", committed="1.2.3")]
    preview = preview_bytes(csv(*rows), "partner.csv")
    groups = preview.grouped_problems()
    assert [(g["field"], g["count"]) for g in groups] == [("municipality", 5), ("committed", 1)]
    assert [p.row for p in groups[0]["first"]] == [2, 3, 4]
    lines = preview.report_lines()
    at = next(i for i, line in enumerate(lines) if "problems by kind" in line)
    assert lines[at + 1].strip().startswith("5 × municipality:") and "line 2 (r-0) 'Atlantis'" in lines[at + 1]
    assert any("line 8 (x-1), committed: is not a number (value '1.2.3')" in line for line in lines[at:])
    text = "\n".join(lines)
    assert "np.float64" not in text and "np.int64" not in text


def test_numeric_values_in_problems_are_plain():
    preview = preview_bytes(
        b"project_id,title,sector,target_communities,municipality,status,start_date,committed,disbursed,currency\n"
        b"a,T,health,Roma,Zve\xc4\x8dan,ongoing,2022,100,22000,USD\n",
        "x.csv",
    )
    [p] = [p for p in preview.problems if p.field in ("disbursed", "disbursed_usd")]
    assert p.value == 22000 and type(p.value) is int
    assert "22000" in preview.describe(p) and "np." not in preview.describe(p)


def test_ids_are_normalised_and_duplicates_found_ignoring_case():
    assert normalise_id("Cafe\u0301-1\u200b") == "Café-1"
    assert normalise_id("\ufeffAB-2 ") == "AB-2"
    preview = preview_bytes(csv(row("Café-1\u200b"), row("CAFÉ-1"), row("cafe\u0301-2")), "x.csv")
    assert list(preview.frame["project_id"]) == ["Café-1", "CAFÉ-1", "café-2"]
    [p] = preview.problems
    assert (p.row, p.field, p.value) == (3, "project_id", "CAFÉ-1") and "ignore case" in p.why


def test_a_nan_point_is_no_coordinates():
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": ["NaN", "NaN"]},
        "properties": {
            "project_id": "g-1", "title": "T", "sector": "health", "target_communities": "Roma",
            "municipality": "Zvečan", "status": "ongoing", "start_date": "2022",
        },
    }  # fmt: skip
    collection = {"type": "FeatureCollection", "features": [feature]}
    preview = preview_bytes(json.dumps(collection).encode(), "x.geojson")
    r = preview.frame.iloc[0]
    assert r["location_precision"] == 3 and "municipality anchor" in r["location_note"], preview.problems
    text_rows = csv(row("n").replace(",USD", ",USD"))
    assert preview_bytes(text_rows, "x.csv").ok


def test_nan_coordinate_cells_are_no_coordinates():
    data = (
        b"project_id,title,sector,target_communities,municipality,status,start_date,lat,lon\n"
        b"a,T,health,Roma,Zve\xc4\x8dan,ongoing,2022,NaN,nan\n"
        b"b,T,health,Roma,Zve\xc4\x8dan,ongoing,2022,,\n"
    )
    preview = preview_bytes(data, "x.csv")
    assert preview.ok, preview.problems
    assert list(preview.frame["location_precision"]) == [3, 3]
