"""CSV import: encodings, delimiters, column mapping, placement, every class of
row problem (with the line number a person sees), file errors and the CLI."""

from __future__ import annotations

import pytest
import shapely

import geodata
from geodata import cli
from geodata.io import store, tables
from geodata.io.importers import MAX_UPLOAD_BYTES, ImportFileError, preview_bytes
from geodata.io.load import load_layer

HEADER = (
    "project_id,title,sector,target_communities,municipality,status,start_date,end_date,committed,disbursed,currency"
)
GOOD = "t-1,Water point repair,infrastructure,Roma,Zvečan,ongoing,2023-04,,10000,2500,USD"


def make(*rows: str, header: str = HEADER, sep: str = ",", encoding: str = "utf-8") -> bytes:
    """A CSV file from comma-written lines, re-joined with ``sep`` and encoded."""
    lines = [header, *rows]
    return ("\n".join(line.replace(",", sep) for line in lines) + "\n").encode(encoding)


def anchor(code: str) -> tuple[float, float]:
    m = load_layer("municipalities").set_index("code")
    return float(m.loc[code, "anchor_lon"]), float(m.loc[code, "anchor_lat"])


def only_problem(preview, row: int) -> tuple[str | None, str]:
    found = [(p.field, p.why) for p in preview.problems if p.row == row]
    assert len(found) == 1, found
    return found[0]


def test_a_valid_file_previews_without_writing():
    preview = preview_bytes(make(GOOD), "good.csv")
    assert preview.ok and preview.n_valid == 1
    assert preview.diff()["add"] == ["t-1"]
    assert not store.exists()
    row = preview.frame.iloc[0]
    assert row["municipality"] == "zvecan"
    assert row["committed_usd"] == 10000 and row["disbursed_usd"] == 2500
    assert row["location_precision"] == 3 and (row.geometry.x, row.geometry.y) == anchor("zvecan")
    assert "municipality anchor" in row["location_note"]
    assert row["dataset"] == "documented" and not row["is_sample"]


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed(sep):
    preview = preview_bytes(make(GOOD, GOOD.replace("t-1", "t-2"), sep=sep), "x.csv")
    assert preview.ok and list(preview.frame["project_id"]) == ["t-1", "t-2"]


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1250", b""), ("utf-16", b"")],
)
def test_encodings(encoding, prefix):
    data = prefix + make(GOOD.replace("Water point repair", "Popravka česme u Leposaviću"), encoding=encoding)
    preview = preview_bytes(data, "x.csv")
    assert preview.ok, preview.problems
    assert preview.frame.iloc[0]["title"] == "Popravka česme u Leposaviću"
    if encoding == "cp1250":
        assert any("Windows-1250" in p.why for p in preview.warnings)


def test_windows_1252_albanian_text():
    line = GOOD.replace("Water point repair", "Rikonstruksion i shkollës në Zveçan").replace("Zvečan", "Zveçan")
    preview = preview_bytes(make(line, encoding="cp1252"), "x.csv")
    assert preview.ok, preview.problems
    assert preview.frame.iloc[0]["title"] == "Rikonstruksion i shkollës në Zveçan"
    assert preview.frame.iloc[0]["municipality"] == "zvecan"


def test_broken_bytes_in_a_utf8_file_are_reported_on_their_line():
    good = make(GOOD.replace("Water point repair", "Škola")).rstrip(b"\n")
    data = good + b"\nt-2,Bad \xff\xfe bytes,health,Roma,Zvecan,ongoing,2023,,1,,USD\n"
    preview = preview_bytes(data, "x.csv")
    assert only_problem(preview, 3) == ("title", pytest.approx(only_problem(preview, 3)[1]))
    assert "bad encoding" in only_problem(preview, 3)[1]
    assert preview.n_valid == 1 and preview.frame.iloc[0]["title"] == "Škola"


@pytest.mark.parametrize(
    "name", ["Mitrovicë e Veriut", "Severna Mitrovica", "mitrovice e veriut", "North Mitrovica", "SEVERNA MITROVICA"]
)
def test_municipality_names_in_albanian_or_serbian(name):
    preview = preview_bytes(make(GOOD.replace("Zvečan", name)), "x.csv")
    assert preview.ok and preview.frame.iloc[0]["municipality"] == "north-mitrovica"


def test_column_aliases_are_recognised():
    header = "ID,Project name,Cluster,Community,Komuna,Phase,Start,Finish,Budget USD,Spent USD,Latitude,Lng"
    row = "a-1,Clinic,Health care,Roma and Egyptian,Leposaviq,Active,01.09.2022,2023,1500,200,43.1,20.8"
    preview = preview_bytes(make(row, header=header), "x.csv")
    assert preview.ok, preview.problems
    r = preview.frame.iloc[0]
    assert (r["sector"], r["status"], r["target_communities"]) == ("health", "ongoing", "Roma;Egyptian")
    assert (r["start_date"], r["end_date"], r["committed_usd"], r["currency"]) == ("2022-09-01", "2023", 1500, "USD")
    assert (round(r.geometry.y, 6), round(r.geometry.x, 6), r["location_precision"]) == (43.1, 20.8, 1)
    assert preview.mapping["Budget USD"] == "committed_usd"


def test_a_point_in_another_municipality_than_its_row_names_is_reported():
    """Leposavić in the municipality column, a point in Prizren: row, field, value and both places."""
    header = HEADER + ",lat,lon"
    row = GOOD.replace("Zvečan", "Leposavić") + ",42.2139,20.7397"
    preview = preview_bytes(make(row, header=header), "partner.csv")
    field, why = only_problem(preview, 2)
    assert field == "municipality"
    assert why == "the point lies in Prizren, the row says Leposavić"
    assert preview.n_valid == 0 and not store.exists()


def test_a_north_mitrovica_point_is_accepted_as_north_mitrovica_and_south_as_south():
    """The two Mitrovicas are separate polygons: a point in each is accepted for its own municipality, and
    a bare "Mitrovica" is settled by the point."""
    header = HEADER + ",lat,lon"
    north = GOOD.replace("t-1", "n-1").replace("Zvečan", "North Mitrovica") + ",42.8960,20.8600"
    south = GOOD.replace("t-1", "s-1").replace("Zvečan", "Mitrovicë e Jugut") + ",42.8780,20.8670"
    bare = GOOD.replace("t-1", "b-1").replace("Zvečan", "Mitrovica") + ",42.8960,20.8600"
    preview = preview_bytes(make(north, south, bare, header=header), "partner.csv")
    assert preview.ok, preview.problems
    got = dict(zip(preview.frame["project_id"], preview.frame["municipality"], strict=True))
    assert got == {"n-1": "north-mitrovica", "s-1": "south-mitrovica", "b-1": "north-mitrovica"}


def test_a_named_site_places_the_project_at_the_camp():
    preview = preview_bytes(make(GOOD + ",Osterode", header=HEADER + ",site"), "x.csv")
    r = preview.frame.iloc[0]
    camp = load_layer("camps").set_index("site_id").loc["osterode"]
    assert r["site_id"] == "osterode" and r["location_precision"] == 2
    assert r.geometry.equals(camp.geometry)


def test_coordinates_in_a_declared_crs_are_reprojected():
    x, y = 487000.0, 4750000.0  # UTM 34N, near Mitrovica
    header = HEADER + ",x,y,crs"
    preview = preview_bytes(make(GOOD.replace("Zvečan", "") + f",{x},{y},EPSG:32634", header=header), "x.csv")
    assert preview.ok, preview.problems
    g = preview.frame.iloc[0].geometry
    assert 20.8 < g.x < 20.9 and 42.8 < g.y < 42.95
    assert preview.frame.iloc[0]["municipality"]  # taken from the polygon


def test_projected_coordinates_without_a_crs_are_reported_and_crs_option_fixes_them():
    header = HEADER + ",x,y"
    data = make(GOOD + ",487000,4750000", header=header)
    assert "declare their CRS" in only_problem(preview_bytes(data, "x.csv"), 2)[1]
    assert preview_bytes(data, "x.csv", crs="EPSG:32634").ok


BAD_ROWS = {
    "outside Kosovo": (GOOD + ",41.0,19.0", "lat,lon", "geometry", "outside Kosovo"),
    "swapped coordinates": (GOOD + ",20.84,42.91", "lat,lon", "geometry", "swapped"),
    "unknown sector": (GOOD.replace("infrastructure", "astronomy"), "", "sector", "must be one of"),
    "unknown municipality": (GOOD.replace("Zvečan", "Atlantis"), "", "municipality", "unknown municipality"),
    "negative amount": (GOOD.replace("2500", "-2500"), "", "disbursed", "negative"),
    "non-numeric amount": (GOOD.replace("10000", "ten thousand"), "", "committed", "not a number"),
    "disbursed above committed": (GOOD.replace("2500", "20000"), "", "disbursed", "above the committed"),
    "end before start": (GOOD.replace("2023-04,", "2023-04,2022-01"), "", "end_date", "before the start"),
    "unparseable date": (GOOD.replace("2023-04", "spring 2023"), "", "start_date", "use YYYY, YYYY-MM or YYYY-MM-DD"),
    "no such day": (GOOD.replace("2023-04", "31.02.2023"), "", "start_date", "is not a date: no such day"),
    "missing required field": (GOOD.replace("Water point repair", ""), "", "title", "required"),
    "formula-like cell": (GOOD.replace("Water point repair", "=HYPERLINK(1)"), "", "title", "formula"),
    "formula with @": (GOOD.replace("Water point repair", "@SUM(A1)"), "", "title", "formula"),
    "unknown status": (GOOD.replace("ongoing", "dreaming"), "", "status", "must be one of"),
    "unknown community": (GOOD.replace("Roma", "Martians"), "", "target_communities", "separated values"),
    "personal e-mail": (GOOD.replace("Water point repair", "Call ana@example.org"), "", "title", "e-mail"),
    "bad sample flag": (GOOD + ",perhaps", "is_sample", "is_sample", "true or false"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_each_row_problem_names_line_field_and_value(case):
    line, extra, field, why = BAD_ROWS[case]
    header = HEADER + ("," + extra if extra else "")
    good = GOOD.replace("t-1", "t-0") + ("," * extra.count(",") + "," if extra else "")
    preview = preview_bytes(make(good, line, header=header), "partner.csv")
    got_field, got_why = only_problem(preview, 3)
    assert (got_field, why in got_why) == (field, True), (got_field, got_why)
    assert preview.n_valid == 1 and preview.n_rejected == 1
    assert all(p.file == "partner.csv" for p in preview.problems)


def test_duplicate_ids_reject_the_second_row():
    preview = preview_bytes(make(GOOD, GOOD), "x.csv")
    assert only_problem(preview, 3) == ("project_id", "duplicate id")
    assert preview.n_valid == 1


def test_missing_required_column_is_listed_as_a_warning_and_every_row_rejected():
    header = "project_id,title,sector,municipality,status,start_date"
    preview = preview_bytes(make("t-1,A,health,Zvecan,ongoing,2020", header=header), "x.csv")
    assert any(p.field == "target_communities" and "no column" in p.why for p in preview.warnings)
    assert only_problem(preview, 2)[0] == "target_communities"


def test_line_numbers_follow_the_file_through_multiline_cells_comments_and_blank_lines():
    data = (
        "# exported by someone\n\n"
        + HEADER
        + '\nt-1,"A title\nover two lines",health,Roma,Zvecan,ongoing,2023,,1,,USD\n\n'
        + "t-2,B,health,Roma,Atlantis,ongoing,2023,,1,,USD\n"
    ).encode()
    preview = preview_bytes(data, "x.csv")
    assert preview.rows == [4, 7]
    assert only_problem(preview, 7)[0] == "municipality"


def test_ragged_rows_and_unrecognised_columns():
    data = make(GOOD + ",extra,cells", GOOD.replace("t-1", "t-2"), header=HEADER + ",notes")
    preview = preview_bytes(data, "x.csv")
    assert "header has" in only_problem(preview, 2)[1]
    assert preview.ignored == ["notes"]


def test_personal_data_columns_are_not_imported():
    preview = preview_bytes(make(GOOD + ",Ana Example", header=HEADER + ",beneficiary_name"), "x.csv")
    assert preview.ok
    assert any("personal data" in p.why for p in preview.warnings)
    assert "Ana Example" not in preview.frame.astype(str).to_numpy()


def test_is_sample_column_is_honoured():
    preview = preview_bytes(make(GOOD + ",yes", header=HEADER + ",is_sample"), "x.csv")
    r = preview.frame.iloc[0]
    assert bool(r["is_sample"]) and r["dataset"] == "sample"


def test_amounts_without_currency_are_kept_without_usd_and_warned():
    preview = preview_bytes(make(GOOD.replace(",USD", ",")), "x.csv")
    r = preview.frame.iloc[0]
    assert r["committed"] == 10000 and r["committed_usd"] != r["committed_usd"]  # NaN: no USD value
    assert any(p.field == "currency" for p in preview.warnings)
    assert (
        preview_bytes(make(GOOD.replace(",USD", ",")), "x.csv", currency="USD").frame.iloc[0]["committed_usd"] == 10000
    )


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary\x00\x00\x00\x00", "not a text file"),
        (b"\n\n\n", "no header"),
        (b"just,some,words\nno,known,columns\n", "no column is recognised"),
    ],
)
def test_unreadable_or_unusable_files(data, why):
    try:
        preview = preview_bytes(data, "x.csv")
    except ImportFileError as exc:
        assert why in str(exc)
    else:
        assert any(why in p.why for p in preview.file_problems)
        assert preview.n_valid == 0


def test_the_size_limit_is_checked_with_a_clear_message():
    with pytest.raises(ImportFileError, match="largest file accepted is 20 MB"):
        preview_bytes(b"x" * (MAX_UPLOAD_BYTES + 1), "huge.csv")


def test_the_report_csv_goes_through_the_one_writer_and_escapes_formulas():
    preview = preview_bytes(make(GOOD.replace("Water point repair", "=1+2").replace("Zvečan", "Atlantis")), "x.csv")
    report = tables.import_report_csv(preview, made_at="2026-11-30T00:00:00+00:00").decode("utf-8-sig")
    assert "'=1+2" in report and ",=1+2" not in report
    first, *_ = report.splitlines()
    assert first.startswith("# Import report: x.csv (SHA-256 ") and "made 2026-11-30T00:00:00+00:00" in first
    assert "unknown municipality" in report and "Atlantis" in report


# ---------------------------------------------------------------- the CLI


def run(*argv: str) -> int:
    return cli.main(list(argv))


def test_cli_exit_codes_and_dry_run(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(make(GOOD))
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(make(GOOD.replace("t-1", "t-5"), GOOD.replace("t-1", "t-6").replace("Zvečan", "Atlantis")))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")

    assert run("import", str(good), "--dry-run") == 0
    assert not store.exists()
    assert run("import", str(mixed)) == 1  # default: all or nothing
    assert not store.exists()
    assert run("import", str(broken)) == 2
    err = capsys.readouterr().err
    assert "broken.xlsx" in err and "Traceback" not in err

    assert run("import", str(good)) == 0
    assert run("import", str(mixed), "--commit-valid", "--user", "tester") == 1
    out = capsys.readouterr().out
    assert "line 3" not in out or "Atlantis" in out
    ids = set(geodata.load("projects")["project_id"])
    assert {"t-1", "t-5"} <= ids and "t-6" not in ids

    assert run("history") == 0
    history = capsys.readouterr().out
    assert "mixed.csv" in history and "good.csv" in history and "tester" in history
    assert run("rollback") == 0
    assert "t-5" not in set(geodata.load("projects")["project_id"])
    assert run("rollback", "99") == 1


def test_cli_report_file(tmp_path):
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes(make(GOOD.replace("Zvečan", "Atlantis")))
    report = tmp_path / "report.csv"
    assert run("import", str(mixed), "--dry-run", "--report", str(report)) == 1
    text = report.read_text()
    assert "Atlantis" in text and "unknown municipality" in text


def test_imported_point_is_inside_kosovo():
    preview_bytes(make(GOOD), "good.csv").commit()
    row = geodata.load("projects").set_index("project_id").loc["t-1"]
    outline = geodata.load("outline").geometry.union_all()
    assert shapely.covers(outline.buffer(0.02), row.geometry)
