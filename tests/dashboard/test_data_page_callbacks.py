"""The Data page's helpers and callbacks as plain functions: what the preview shows, plain messages without server
paths, and every part of the page current after a commit, a correction and a rollback."""

from __future__ import annotations

import base64

import numpy as np
from data_page_support import text, trigger, upload
from layout_support import find

from dashboard import ids
from dashboard.pages import data_layout
from dashboard.pages.data_logic import FROM_FILE
from geodata.analysis.filters import FilterState
from geodata.facts.validate import Problem
from geodata.io import store

CSV = (
    "project_id,title,sector,target_communities,municipality,status,start_date,committed,disbursed,currency,lat,lon\n"
    "f-1,Hygiene kits for returnees,health,Roma;Ashkali,Zvečan,ongoing,2024-03,22000,5000,USD,42.91,20.84\n"
    "f-2,After-school tutoring,education,Egyptian,Atlantis,ongoing,2024-09,1800,,USD,,\n"
    "f-3,Roof repairs,housing,Roma,Leposaviq,completed,2023,9000,,EUR,,\n"
)


def _upload(text: str = CSV) -> str:
    return upload(text)


_trigger, _text = trigger, text


def test_values_are_plain(page):
    p = Problem("x.csv", 2, "disbursed", np.float64(5000.0), "is above the committed amount (4200)")
    assert page.problem_text(p) == "x.csv, row 2, field disbursed: is above the committed amount (4200) (value: 5000)"
    assert page.plain(np.float64(22000.0)) == "22000" and page.plain(np.float64(0.5)) == "0.5"
    assert page.plain(np.int64(7)) == "7" and page.plain(None) == "" and page.plain("Zvečan") == "Zvečan"
    assert "np." not in page.problem_text(Problem("f", None, None, np.float64(1.25), "why"))


def test_messages_never_show_the_server_path(page):
    where = store.store_path()
    exc = store.StoreError(f"no project store at {where}; value np.float64(22000.0), id np.str_('a-1')")
    text = page.message_text(exc)
    assert str(where.parent) not in text and "np." not in text
    assert text == "no project store at the project store; value 22000, id 'a-1'"


def test_preview_shows_amount_currency_usd_coordinates_and_names(page):
    _, records, *_ = page.show_preview(_upload(), "auto", "partner.csv")
    by_id = {r["project_id"]: r for r in records}
    hygiene, tutoring, roofs = by_id["f-1"], by_id["f-2"], by_id["f-3"]
    assert hygiene["municipality"] == "Zvečan (Zveçan)" and roofs["municipality"].startswith("Leposavić")
    assert tutoring["municipality"] == "Atlantis" and "unknown municipality" in tutoring["_why_municipality"]
    assert (hygiene["committed"], hygiene["currency"], hygiene["committed_usd"]) == (22000.0, "USD", 22000.0)
    assert (roofs["committed"], roofs["currency"]) == (9000.0, "EUR")
    assert hygiene["coordinates"] == "42.91000, 20.84000" and tutoring["coordinates"] is None
    assert "lat" not in hygiene and "lon" not in hygiene
    shown = [c["field"] for c in page.column_defs()]
    # what a row is and how much it is come first, so they are on screen without scrolling
    assert shown[:9] == ["row", "outcome", "project_id", "title", "municipality", "committed", "currency",
                         "committed_usd", "coordinates"]  # fmt: skip
    assert set(shown) <= set(page.COLUMN_HEADERS)


def test_the_page_is_current_after_commit_correction_and_rollback(page):
    state = FilterState(dataset="documented")
    query = state.to_query()
    before = page.export_sentence(state)
    n_before = int(_text(before).split(": ")[1].split(" ")[0])
    version0 = page.data_version()
    assert "f-1" not in str(page.project_options())

    # commit the valid rows: the version changes, and the refresh brings the picker, history, counts
    _trigger("data-commit-valid.n_clicks")
    message, contents, version1 = page.commit_or_cancel(1, None, None, _upload(), "partner.csv", "auto")
    assert "Imported" in _text(message) and contents is None and version1 != version0
    options, history, info, sentence = page.refresh_page(version1, query)
    assert {"f-1", "f-3"} <= {o["value"] for o in options} and "f-2" not in {o["value"] for o in options}
    assert "partner.csv" in _text(history) and "Roll back" in str(history)
    added = int(_text(sentence).split(": ")[1].split(" ")[0])
    assert added == n_before + 2  # f-1 and f-3 (f-2 is rejected: unknown municipality)
    assert str(store.store_path().parent) not in info and "1 import(s)" in info

    # a correction: saved as an edit, and the picker shows the new title
    form = page.edit.form_values(page.edit.find("f-3"))
    form["title"] = "Roof repairs, Leposavić"
    token = page.edit.row_token(page.edit.find("f-3"))
    saved, _, version2 = page.save_correction(1, "f-3", token, *[form[name] for name in ids.DATA_EDIT_FIELDS])
    assert "Saved as import 2" in _text(saved) and version2 not in (version0, version1)
    options, history, info, _ = page.refresh_page(version2, query)
    assert {o["value"]: o["label"] for o in options}["f-3"].startswith("Roof repairs, Leposavić")
    assert "edit of f-3" in _text(history) and "2 import(s)" in info

    # roll back the correction, then the import: the picker and the export counts follow each time
    _trigger('{"index":2,"type":"data-rollback"}.submit_n_clicks')
    rolled, version3 = page.roll_back([None, 1])
    assert "Rolled back import 2" in _text(rolled) and version3 != version2
    options, *_ = page.refresh_page(version3, query)
    assert {o["value"]: o["label"] for o in options}["f-3"].startswith("Roof repairs ·")

    _trigger('{"index":1,"type":"data-rollback"}.submit_n_clicks')
    rolled, version4 = page.roll_back([1, None])
    assert "Rolled back import 1" in _text(rolled) and version4 != version3
    options, history, info, sentence = page.refresh_page(version4, query)
    assert not {"f-1", "f-3"} & {o["value"] for o in options}
    assert int(_text(sentence).split(": ")[1].split(" ")[0]) == n_before
    assert _text(history).count("rolled back") == 2


SHEET_3W = (  # a 3W sheet: no status column and no currency column
    "project_id,title,sector,target_communities,municipality,start_date,committed\n"
    "w-1,Water connection,infrastructure,Roma,Zvečan,2024-03,22000\n"
    "w-2,Homework club,education,Egyptian,Leposaviq,2023-09,1800\n"
)


def test_the_page_declares_the_currency_and_status_a_3w_sheet_leaves_out(page):
    report, records, commit_disabled, *_ = page.show_preview(_upload(SHEET_3W), "auto", "3w.csv", False)
    assert commit_disabled and {r["outcome"] for r in records} == {"rejected"}
    assert "the file has no status column" in _text(report)

    report, records, commit_disabled, *_, label = page.show_preview(
        _upload(SHEET_3W), "auto", "3w.csv", False, "EUR", "ongoing"
    )
    assert not commit_disabled and label == "Commit 2 valid row(s)"
    by_id = {r["project_id"]: r for r in records}
    assert (by_id["w-1"]["committed"], by_id["w-1"]["currency"]) == (22000.0, "EUR")
    assert by_id["w-1"]["committed_usd"] > 22000  # converted at the ECB rate of March 2024 (1 EUR > 1 USD)

    _trigger("data-commit-valid.n_clicks")
    message, *_ = page.commit_or_cancel(1, None, None, _upload(SHEET_3W), "3w.csv", "auto", False, "EUR", "ongoing")
    assert "Imported" in _text(message)
    stored = store.portfolio().set_index("project_id")
    assert stored.loc["w-2", "status"] == "ongoing" and stored.loc["w-2", "currency"] == "EUR"
    assert "ECB" in stored.loc["w-2", "fx_note"]


def test_the_choices_offer_every_status_and_iso_currency_and_default_to_the_file(page):
    choices = data_layout.file_choices()
    currency, status = find(choices, ids.DATA_CURRENCY), find(choices, ids.DATA_DEFAULT_STATUS)
    assert currency.value == status.value == FROM_FILE
    assert {"EUR", "USD", "GBP", "CHF", "RSD"} <= {o["value"] for o in currency.options}
    assert [o["value"] for o in status.options][1:] == ["pipeline", "ongoing", "completed", "cancelled"]


def test_the_error_report_download_is_the_one_csv_writers(page):
    download = page.download_report(1, _upload(), "partner.csv", "auto")
    assert download["filename"] == "partner-report.csv" and download["base64"]
    text = base64.b64decode(download["content"]).decode("utf-8-sig")
    assert text.startswith("# Import report: partner.csv (SHA-256 ")
    assert "f-2" in text and "Atlantis" in text and "unknown municipality" in text
