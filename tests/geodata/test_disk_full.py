"""A full disk while the command line writes the store or an export: one sentence naming the file, exit 2, no
traceback, and nothing written."""

from __future__ import annotations

import errno
import os

import pyogrio
import pytest

from geodata.cli import main
from geodata.io import store
from geodata.io.diskfull import write_failure

CSV = (
    "project_id,title,sector,target_communities,municipality,status,start_date,committed,disbursed,currency,lat,lon\n"
    "s-1,Hygiene kits for returnees,health,Roma;Ashkali,Zvečan,ongoing,2024-03,22000,5000,USD,42.91,20.84\n"
)


def _no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_an_import_onto_a_full_disk_says_so_and_exits_2(tmp_path, monkeypatch, capsys):
    source = tmp_path / "partner.csv"
    source.write_text(CSV, encoding="utf-8")
    monkeypatch.setattr(pyogrio, "write_dataframe", _no_space)  # the store's GeoPackage write
    assert main(["import", str(source)]) == 2
    err = capsys.readouterr().err
    assert f"{store.store_path()}: the disk is full" in err and "nothing was written" in err
    assert "Traceback" not in err
    assert not store.exists()
    assert not [p for p in store.store_path().parent.iterdir() if p.name.startswith(".portfolio-")]


def test_an_export_onto_a_full_disk_names_the_output_file_and_exits_2(tmp_path, monkeypatch, capsys):
    out = tmp_path / "exports" / "portfolio.csv"
    monkeypatch.setattr(os, "replace", _no_space)  # the atomic rename of the finished file
    assert main(["export", "--format", "csv", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out}: the disk is full" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "/data/x.gpkg: the disk is full"),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), "/data/x.gpkg: the disk is full"),
        (OSError(errno.EACCES, "Permission denied"), "/data/x.gpkg: could not be written (Permission denied)"),
        (OSError(errno.ENOSPC, "No space left on device", "/other/y.tmp"), "/other/y.tmp: the disk is full"),
    ],
)
def test_the_message(exc, expected):
    assert write_failure(exc, "/data/x.gpkg").startswith(expected)
