"""The "data as of" date of exports: the store's newest log entry on either backend, else the compile date."""

from __future__ import annotations

import datetime as dt

from dashboard.exports.content import data_date
from geodata import config
from geodata.io import store


def _words(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_without_a_store_the_date_is_when_the_embedded_layers_were_compiled(store_backend):
    assert not store.exists()
    assert data_date() == _words(config.EMBEDDED_DATA_DATE)


def test_with_a_store_the_date_is_its_newest_log_entry(store_backend, monkeypatch):
    monkeypatch.setattr(config, "EMBEDDED_DATA_DATE", dt.date(2020, 1, 15))  # so the two dates differ
    project = str(store.portfolio()["project_id"].iloc[0])
    store.edit_project(project, {"title": "Water supply for the Roma Mahalla (corrected title)"}, user="tester")
    newest = max(r.imported_at for r in store.history())
    assert data_date() == _words(dt.datetime.fromisoformat(newest).date())
    assert data_date() != "15 January 2020"
