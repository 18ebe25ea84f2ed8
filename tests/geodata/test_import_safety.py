"""Files and values that must never get into the store: links a browser would run in a source field (imports and
corrections), binary data under a .csv name (unreadable, exit 2), workbooks with more rows than one import accepts
(refused while the sheet is streamed) and archives with too many members (refused from the archive's directory)."""

from __future__ import annotations

import gzip
import io
import random
import zipfile

import openpyxl
import pytest

from geodata.cli import main as cli_main
from geodata.io import edit, store
from geodata.io.importers import ImportFileError, base, preview_bytes
from geodata.io.importers.mapping import unsafe_link

HEADER = "project_id,title,sector,municipality,status,start_date,committed,currency,sources\n"
SAFE = "https://www.osce.org/files/report.pdf"


def _csv(sources: str) -> bytes:
    quoted = '"' + sources.replace('"', '""') + '"'
    return (HEADER + f"u-1,Roof repairs,housing,Zvečan,ongoing,2024-03,9000,USD,{quoted}\n").encode()


UNSAFE_SOURCES = [
    ("javascript:alert(document.cookie)", "javascript"),
    (f"{SAFE} JaVaScRiPt:alert(1)", "javascript"),
    ("java\tscript:alert(1)", "javascript"),
    ("\x01javascript:alert(1)", "javascript"),
    ("ｊａｖａｓｃｒｉｐｔ：alert(1)", "javascript"),
    ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "data"),
    (f"{SAFE}; DATA:image/svg+xml,<svg onload=alert(1)>", "data"),
    ("vbscript:msgbox(1)", "vbscript"),
]


@pytest.mark.parametrize(("sources", "scheme"), UNSAFE_SOURCES)
def test_a_link_a_browser_would_run_is_a_problem_of_the_sources_field(sources, scheme):
    assert unsafe_link(sources) == scheme
    preview = preview_bytes(_csv(sources), "partner.csv")
    [problem] = [p for p in preview.problems if p.field == "sources" and "link" in p.why]
    assert problem.row == 2 and problem.value == sources
    assert f"contains a {scheme}: link" in problem.why and "https://" in problem.why
    assert preview.n_valid == 0 and preview.invalid_rows == {2}


@pytest.mark.parametrize(
    "sources",
    [
        SAFE,
        f"{SAFE} https://unhcr.org/data:2016",
        "UNHCR data: 2016 report, https://unhcr.org",
        "a javascript guide",
        "https://example.org/?next=javascript:void(0)",
    ],
)
def test_addresses_and_prose_about_data_pass(sources):
    assert unsafe_link(sources) is None
    preview = preview_bytes(_csv(sources), "partner.csv")
    assert not [p for p in preview.problems if p.field == "sources"]


@pytest.mark.parametrize(("sources", "scheme"), UNSAFE_SOURCES[:2] + UNSAFE_SOURCES[5:6])
def test_a_correction_with_such_a_link_is_refused_and_nothing_is_written(sources, scheme):
    store.ensure_store()
    before = store.store_path().read_bytes()
    correction = edit.check_correction("sample-000007", {"sources": sources})
    [problem] = correction.problems
    assert problem.field == "sources" and f"contains a {scheme}: link" in edit.describe(problem)
    with pytest.raises(edit.CorrectionRefused):
        edit.save_correction("sample-000007", {"sources": sources})
    assert store.store_path().read_bytes() == before


def _garbage() -> dict[str, bytes]:
    rng = random.Random(11)
    return {
        "random.csv": rng.randbytes(20_000),
        "no-nul.csv": bytes(rng.randrange(1, 256) for _ in range(20_000)),
        "gzip.csv": gzip.compress(HEADER.encode() * 500),
        "image.csv": b"\x89PNG\r\n\x1a\n" + rng.randbytes(5_000),
        "workbook.csv": b"PK\x03\x04" + rng.randbytes(5_000),
        "pdf.csv": b"%PDF-1.7\n" + bytes(rng.randrange(32, 127) for _ in range(5_000)),
    }


@pytest.mark.parametrize("name", list(_garbage()))
def test_binary_data_named_csv_is_unreadable_and_the_command_exits_2(name, tmp_path, capsys):
    data = _garbage()[name]
    why = "is not a valid zip archive" if name == "workbook.csv" else "is not a text file"  # read by its content
    with pytest.raises(ImportFileError, match=why):
        preview_bytes(data, name)
    path = tmp_path / name
    path.write_bytes(data)
    assert cli_main(["import", str(path)]) == 2
    out = capsys.readouterr()
    assert why in out.out + out.err and "Traceback" not in out.out + out.err
    assert not store.exists() or store.history() == []


def test_a_csv_with_a_stray_control_character_is_still_read_and_the_row_reported():
    data = (HEADER + f"u-1,Roof\x07 repairs,housing,Zvečan,ongoing,2024-03,9000,USD,{SAFE}\n").encode()
    preview = preview_bytes(data, "partner.csv")
    [problem] = [p for p in preview.problems if p.field == "title"]
    assert problem.row == 2 and "bad encoding" in problem.why


def _workbook(rows: int) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("projects")
    ws.append(HEADER.strip().split(","))
    for i in range(rows):
        ws.append([f"x-{i}", "Roof repairs", "housing", "Zvečan", "ongoing", "2024-03", 9000, "USD", SAFE])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_workbook_with_more_rows_than_the_limit_is_refused_while_streaming(monkeypatch):
    monkeypatch.setattr(base, "MAX_ROWS", 50)
    data = _workbook(3_000)
    read = []
    real = openpyxl.worksheet._read_only.ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in real(self, *args, **kwargs):
            read.append(1)
            yield row

    monkeypatch.setattr(openpyxl.worksheet._read_only.ReadOnlyWorksheet, "_cells_by_row", counting)
    with pytest.raises(ImportFileError, match="has more than 50 rows; the most one import accepts is 50"):
        preview_bytes(data, "big.xlsx")
    assert 50 < len(read) <= 50 + base.HEADER_SEARCH_ROWS + 3  # stopped at the limit, not after 3,001 rows


def test_a_workbook_at_the_limit_is_read(monkeypatch):
    monkeypatch.setattr(base, "MAX_ROWS", 50)
    preview = preview_bytes(_workbook(50), "full.xlsx")
    assert len(preview.frame) == 50 and not preview.file_problems


def _archive(members: int, names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in names:
            z.writestr(n, b"x")
        for i in range(members - len(names)):
            z.writestr(f"pad/{i}.txt", b"")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "names"),
    [("many.xlsx", ["xl/workbook.xml", "[Content_Types].xml"]), ("many.zip", ["p.shp", "p.shx", "p.dbf", "p.prj"])],
)
def test_an_archive_with_too_many_members_is_refused_before_unpacking(name, names):
    with pytest.raises(ImportFileError, match=rf"is an archive of {base.MAX_ZIP_MEMBERS + 1} files, more than the"):
        preview_bytes(_archive(base.MAX_ZIP_MEMBERS + 1, names), name)
    with pytest.raises(ImportFileError) as small:  # a few members: refused for what they hold, not their number
        preview_bytes(_archive(10, names), name)
    assert "files, more than the" not in str(small.value)
