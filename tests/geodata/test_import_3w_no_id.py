"""3W sheets with no project id and no status column, as the OCHA 3W template is often filled in: who
(organisation), what (sector/cluster, activity), where (admin 1, admin 2), when (start, end). Ids are generated
(stable, and shown as generated); a status is never guessed: the rows need one declared at import."""

from __future__ import annotations

import pytest

from geodata.io.importers import preview_bytes
from geodata.io.importers.preview import GENERATED_ID_PREFIX, GENERATED_IDS, NO_STATUS, generated_id

HEADER = ["Organization", "Organization Acronym", "Organization Type", "Sector/Cluster", "Activity", "Admin 1",
          "Admin 2", "Start date", "End date", "Target group"]  # fmt: skip
ROWS = [
    ["Health NGO", "HNGO", "NNGO", "Health", "Clinic outreach", "Mitrovicë", "Zvečan", "2023-01-15", "2023-12-31",
     "Roma;Ashkali"],
    ["Health NGO", "HNGO", "NNGO", "WASH", "Water points", "Mitrovicë", "Leposaviq", "2023-02-01", "", "RAE"],
    ["Shelter Org", "SO", "INGO", "Shelter/NFI", "Roof repairs", "Mitrovicë", "Mitrovicë e Veriut", "2022-05",
     "2022-11", "Egyptian"],
]  # fmt: skip


def sheet(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    return ("\n".join(",".join(f'"{c}"' for c in r) for r in [header, *rows]) + "\n").encode()


def ids(preview) -> list[str]:
    return list(preview.frame["project_id"].astype(str))


def test_rows_get_stable_generated_ids_shown_as_generated():
    preview = preview_bytes(sheet(ROWS), "3w-template.csv")
    got = ids(preview)
    assert all(pid.startswith(GENERATED_ID_PREFIX) and len(pid) == len(GENERATED_ID_PREFIX) + 12 for pid in got)
    assert len(set(got)) == 3
    # the same rows give the same ids in another import, in another order, with other spacing and case
    shuffled = [ROWS[2], [c.upper() if i == 4 else f" {c} " for i, c in enumerate(ROWS[0])], ROWS[1]]
    again = ids(preview_bytes(sheet(shuffled), "3w-template-v2.csv"))
    assert again == [got[2], got[0], got[1]]
    # the hash is of organisation, title, municipality (code) and start date, as the docstring says
    assert got[0] == generated_id("Health NGO", "Clinic outreach", "zvecan", "2023-01-15")
    assert got[0] != generated_id("Health NGO", "Clinic outreach", "zvecan", "2023-01-16")
    # shown as such: a file warning, the row's note, and the report's row names
    assert any(w.field == "project_id" and w.why == GENERATED_IDS for w in preview.warnings)
    assert (
        "project id generated from organisation, title, municipality and start date"
        in (preview.frame["source_note"].iloc[0])
    )
    lines = "\n".join(preview.report_lines())
    assert f"line 2 ({got[0]})" in lines
    assert GENERATED_IDS in lines


def test_no_status_column_rejects_every_row_and_says_why():
    preview = preview_bytes(sheet(ROWS), "3w-template.csv")
    assert preview.n_valid == 0
    status = [p for p in preview.problems if p.field == "status"]
    assert [p.row for p in status] == [2, 3, 4]
    assert {p.why for p in status} == {NO_STATUS}
    assert set(preview.frame["status"].isna()) == {True}  # nothing invented
    assert {(p.row, p.field) for p in preview.problems} == {(r, "status") for r in (2, 3, 4)}  # nothing else


def test_a_declared_status_is_used_and_noted_then_the_rows_commit_and_reimport_unchanged():
    preview = preview_bytes(sheet(ROWS), "3w-template.csv", status="ongoing")
    assert preview.ok, preview.report_lines()
    assert set(preview.frame["status"]) == {"ongoing"}
    note = preview.frame["source_note"].iloc[0]
    assert "status not given in the file; declared 'ongoing'" in note
    assert any(w.field == "status" and "as declared at import" in w.why for w in preview.warnings)
    result = preview.commit()
    assert sorted(result.added) == sorted(ids(preview))
    again = preview_bytes(sheet(ROWS), "3w-template.csv", status="ongoing")
    assert again.diff() == {"add": [], "update": [], "unchanged": ids(preview)}


def test_a_declared_status_must_be_one_of_ours():
    with pytest.raises(ValueError, match="not one of"):
        preview_bytes(sheet(ROWS), "3w-template.csv", status="maybe")


def test_a_status_column_wins_over_the_declared_status():
    rows = [[*r, s] for r, s in zip(ROWS, ["completed", "", "pipeline"], strict=True)]
    preview = preview_bytes(sheet(rows, [*HEADER, "Status"]), "3w.csv", status="ongoing")
    assert list(preview.frame["status"]) == ["completed", "ongoing", "pipeline"]
    notes = list(preview.frame["source_note"].fillna(""))
    assert ["declared 'ongoing'" in n for n in notes] == [False, True, False]


def test_the_same_who_what_where_when_twice_is_reported_on_the_second_row():
    preview = preview_bytes(sheet([ROWS[0], ROWS[1], ROWS[0]]), "3w.csv", status="completed")
    dup = [p for p in preview.problems if p.field == "project_id"]
    assert [p.row for p in dup] == [4]
    assert "same organisation, title, municipality and start date as row 2" in dup[0].why
    assert preview.n_valid == 2


def test_a_file_with_an_id_column_keeps_its_ids_and_blank_ids_stay_errors():
    header = ["Project code", *HEADER, "Status"]
    rows = [["P-1", *ROWS[0], "ongoing"], ["", *ROWS[1], "ongoing"]]
    preview = preview_bytes(sheet(rows, header), "3w.csv")
    assert ids(preview)[0] == "P-1"
    assert [(p.row, p.field) for p in preview.problems] == [(3, "project_id")]
    assert not any(w.field == "project_id" for w in preview.warnings)


def test_the_command_line_declares_the_status_and_takes_any_iso_currency(tmp_path, capsys):
    from geodata.cli import main

    path = tmp_path / "3w-template.csv"
    path.write_bytes(sheet(ROWS))
    assert main(["import", str(path), "--dry-run"]) != 0  # no status column: every row rejected
    capsys.readouterr()
    assert main(["import", str(path), "--dry-run", "--status", "ongoing", "--currency", "gbp"]) == 0
    out = capsys.readouterr().out
    assert "3 valid" in out or "3 of 3" in out, out
    with pytest.raises(SystemExit) as exc:
        main(["import", str(path), "--dry-run", "--currency", "XYZ"])
    assert exc.value.code == 2
    assert "'XYZ' is not an ISO 4217 currency code" in capsys.readouterr().err
