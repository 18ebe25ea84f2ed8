"""Exports: every format round-trips through the importer to the same
portfolio, carries provenance, honours filters and defuses formulas."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pyogrio
import pytest

from geodata import cli
from geodata.analysis.filters import FilterState
from geodata.io import store
from geodata.io import tables as export
from geodata.io.importers import preview_bytes

NAMES = {"csv": "p.csv", "hxl": "p.hxl.csv", "xlsx": "p.xlsx", "geojson": "p.geojson", "gpkg": "p.gpkg"}


def keys(frame) -> list[tuple]:
    return [store.row_key(r) for _, r in frame.iterrows()]


@pytest.mark.parametrize("fmt", export.EXPORT_FORMATS)
def test_round_trip_gives_the_same_portfolio(fmt):
    portfolio = store.portfolio()
    data = export.export_bytes(portfolio, fmt, FilterState())
    preview = preview_bytes(data, NAMES[fmt])
    assert preview.ok, preview.problems[:5]
    assert preview.format == fmt
    assert keys(preview.frame) == keys(portfolio)
    assert preview.diff()["unchanged"] == list(portfolio["project_id"])
    assert int(preview.frame["is_sample"].sum()) == int(portfolio["is_sample"].sum())


def test_round_trip_of_imported_rows_through_the_store():
    text = (
        "project_id,title,sector,target_communities,municipality,status,start_date,committed,currency,lat,lon\n"
        "r-1,Roof repairs,housing,Roma;Egyptian,Mitrovicë e Veriut,completed,2019-05,12000.5,EUR,42.896,20.86\n"
    )
    preview_bytes(text.encode(), "partner.csv").commit()
    before = store.current_projects()
    data = export.export_portfolio("csv", FilterState(dataset="documented"))
    again = preview_bytes(data, "export.csv")
    assert again.ok
    documented = before[~before["is_sample"]]
    assert keys(again.frame) == keys(documented)
    result = again.commit()
    assert result.record is None  # nothing changed
    assert store.fingerprint(store.current_projects(), True) == store.fingerprint(before, True)


def test_provenance_names_filters_files_imports_and_sample_rows():
    preview_bytes(
        b"project_id,title,sector,target_communities,municipality,status,start_date\n"
        b"r-1,Roof repairs,housing,Roma,Zvecan,completed,2019\n",
        "partner.csv",
    ).commit()
    state = FilterState(municipalities=("zvecan",))
    prov = export.provenance(export.filtered_portfolio(state), state, exported_at="2025-01-01T00:00:00+00:00")
    assert prov["filters"].startswith("All projects in Zvečan")
    # a real portfolio is imported, so a URL without a dataset would show documented data: "all" is written out
    assert prov["filter_query"] == "municipality=zvecan&dataset=all"
    assert prov["import_ids"] == [1]
    files = [s["file"] for s in prov["sources"]]
    assert "partner.csv" in files and any("shipped" in f for f in files)
    partner = next(s for s in prov["sources"] if s["file"] == "partner.csv")
    assert partner["rows"] == 1 and len(partner["sha256"]) == 64
    assert prov["sample_rows"] > 0 and "SAMPLE DATA" in prov["sample_note"]


def test_provenance_in_every_format():
    portfolio = store.portfolio()
    state = FilterState(sectors=("health",))
    subset = export.filtered_portfolio(state)
    assert 0 < len(subset) < len(portfolio)
    text = export.export_bytes(subset, "csv", state).decode("utf-8-sig")
    assert "# filters: Health projects" in text and "SAMPLE DATA" in text
    hxl_text = export.export_bytes(subset, "hxl", state).decode()
    assert "#activity+id" in hxl_text and "# exported_at:" in hxl_text
    doc = json.loads(export.export_bytes(subset, "geojson", state))
    assert doc["provenance"]["filter_query"] == "sector=health" and len(doc["features"]) == len(subset)
    wb = openpyxl.load_workbook(io.BytesIO(export.export_bytes(subset, "xlsx", state)))
    assert wb.sheetnames == ["projects", "provenance"]
    meta = {r[0]: r[1] for r in wb["provenance"].iter_rows(min_row=2, values_only=True)}
    assert meta["filters"].startswith("Health projects") and meta["rows"] == str(len(subset))
    gpkg = export.export_bytes(subset, "gpkg", state)
    path = store.store_path().parent / "x.gpkg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gpkg)
    assert sorted(str(n) for n, _ in pyogrio.list_layers(path)) == ["projects", "provenance"]
    assert len(pyogrio.read_dataframe(path, layer="projects")) == len(subset)


def test_formula_like_cells_are_escaped_in_csv_and_xlsx():
    portfolio = store.portfolio().head(3).copy()
    portfolio["title"] = ['=HYPERLINK("http://x")', "+1+2", "@SUM(A1)"]
    portfolio["implementing_org"] = ["-cmd", "plain", "\tTab"]
    rows = list(csv.reader(io.StringIO(export.export_bytes(portfolio, "csv").decode("utf-8-sig"))))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "project_id")
    header, body = rows[header_at], rows[header_at + 1 :]
    titles = [r[header.index("title")] for r in body]
    assert titles == ['\'=HYPERLINK("http://x")', "'+1+2", "'@SUM(A1)"]
    assert [r[header.index("implementing_org")] for r in body] == ["'-cmd", "plain", "'\tTab"]
    wb = openpyxl.load_workbook(io.BytesIO(export.export_bytes(portfolio, "xlsx")))
    ws = wb["projects"]
    col = [c.value for c in ws[1]].index("title") + 1
    cells = [ws.cell(row=r, column=col) for r in range(2, 5)]
    assert [c.value for c in cells] == titles and all(c.data_type == "s" for c in cells)
    # negative numbers stay numbers
    assert export.export_bytes(portfolio.assign(committed=-1.0), "csv").count(b"'-1") == 0


def test_sample_rows_are_marked_in_the_spreadsheet():
    portfolio = store.portfolio()
    wb = openpyxl.load_workbook(io.BytesIO(export.export_bytes(portfolio, "xlsx")))
    ws = wb["projects"]
    header = [c.value for c in ws[1]]
    sample_at = header.index("is_sample")
    shaded = [row[0].fill.fgColor.rgb.endswith("FCE4D6") for row in ws.iter_rows(min_row=2) if row[sample_at].value]
    assert shaded and all(shaded)
    assert "SAMPLE DATA" in ws.cell(row=1, column=sample_at + 1).comment.text


def test_cli_export_with_filters(tmp_path, capsys):
    out = tmp_path / "sub" / "health.csv"
    code = cli.main(
        [
            "export",
            "--format",
            "csv",
            "--out",
            str(out),
            "--sector",
            "health",
            "--municipality",
            "Leposaviq",
            "--dataset",
            "sample",
            "--from",
            "2020",
        ]
    )
    assert code == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "# filter_query: sector=health&municipality=leposavic&from=2020&dataset=sample" in text
    preview = preview_bytes(out.read_bytes(), "health.csv")
    assert preview.ok and len(preview.rows) > 0
    assert set(preview.frame["municipality"]) == {"leposavic"} and preview.frame["is_sample"].all()
    with pytest.raises(SystemExit) as exc:  # argparse refuses the value, as in ``coverage``
        cli.main(["export", "--format", "csv", "--out", str(out), "--municipality", "Atlantis"])
    assert exc.value.code == 2
    assert "argument --municipality: unknown municipality 'Atlantis'" in capsys.readouterr().err


def test_cli_export_accepts_a_dashboard_query(tmp_path):
    out = tmp_path / "q.geojson"
    assert cli.main(["export", "--format", "geojson", "--out", str(out), "--query", "?dataset=documented"]) == 0
    doc = json.loads(out.read_text())
    assert doc["features"] and all(not f["properties"]["is_sample"] for f in doc["features"])
