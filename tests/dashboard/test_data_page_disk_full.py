"""The Data page says a full disk the way the command line does (without the server path), and writes nothing."""

from __future__ import annotations

import errno
import os

import pyogrio
from data_page_support import text, trigger, upload

from dashboard import ids
from geodata.io import store

CSV = (
    "project_id,title,sector,target_communities,municipality,status,start_date,committed,disbursed,currency,lat,lon\n"
    "s-1,Hygiene kits for returnees,health,Roma;Ashkali,Zvečan,ongoing,2024-03,22000,5000,USD,42.91,20.84\n"
)


def _no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_commit_onto_a_full_disk_shows_the_message_and_writes_nothing(page, monkeypatch):
    monkeypatch.setattr(pyogrio, "write_dataframe", _no_space)
    trigger(f"{ids.DATA_COMMIT_VALID}.n_clicks")
    message, contents, version = page.commit_or_cancel(1, None, None, upload(CSV), "partner.csv", "auto")
    shown = text(message)
    assert "the project store: the disk is full" in shown and "nothing was written" in shown
    assert str(store.store_path().parent) not in shown
    assert message.id == "data-write-failed" and message.color == "danger"
    assert not store.exists()
    assert contents is page.no_update and version is page.no_update  # the upload stays for another try
