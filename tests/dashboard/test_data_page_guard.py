"""The Data page and the import guard: rows that would replace a documented project are listed before anything is
written, the commit leaves them out unless "Replace documented projects" is ticked, and the history names the
projects replaced by that choice."""

from __future__ import annotations

from data_page_support import text, trigger, upload

import geodata
from dashboard import ids
from geodata.io import store

CSV = (
    "project_id,title,sector,target_communities,municipality,status,start_date,committed,currency\n"
    "doc-2013-leposavic-closure,Renamed closure,health,Roma,Leposavić,completed,2013-06,1000,USD\n"
    "g-1,Roof repairs,housing,Roma,Leposaviq,completed,2023,9000,USD\n"
)


def _upload(text: str = CSV) -> str:
    return upload(text)


_trigger, _text = trigger, text


def _title(project_id: str) -> str:
    projects = geodata.load("projects")
    return projects.loc[projects["project_id"] == project_id, "title"].iloc[0]


def test_the_preview_lists_the_rows_that_need_a_choice(page):
    report, records, no_valid, *_, label = page.show_preview(_upload(), "auto", "partner.csv", False)
    text = _text(report)
    assert "1 row(s) would replace documented data" in text
    assert "row 2, field project_id: would replace the documented project 'Closure of the Leposavić camp" in text
    assert {r["project_id"]: r["outcome"] for r in records}["doc-2013-leposavic-closure"] == "needs choice"
    assert label == "Commit 1 valid row(s)" and not no_valid
    *_, label = page.show_preview(_upload(), "auto", "partner.csv", True)
    assert label == "Commit 2 valid row(s)"


def test_commit_without_the_choice_keeps_the_documented_project(page):
    before = _title("doc-2013-leposavic-closure")
    _trigger(f"{ids.DATA_COMMIT_VALID}.n_clicks")
    message, *_ = page.commit_or_cancel(1, None, None, _upload(), "partner.csv", "auto", False)
    text = _text(message)
    assert "1 added" in text and "Not written: doc-2013-leposavic-closure" in text
    assert _title("doc-2013-leposavic-closure") == before


def test_commit_with_the_choice_replaces_it_and_the_history_says_so(page):
    _trigger(f"{ids.DATA_COMMIT_VALID}.n_clicks")
    message, *_ = page.commit_or_cancel(1, None, None, _upload(), "partner.csv", "auto", True)
    assert "replaced by explicit choice: doc-2013-leposavic-closure" in _text(message)
    assert _title("doc-2013-leposavic-closure") == "Renamed closure"
    history = _text(page.history_table(store.history()))
    assert "replaced documented: doc-2013-leposavic-closure" in history
