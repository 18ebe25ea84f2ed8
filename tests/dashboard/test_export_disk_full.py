"""The export command line (``python -m dashboard export``) on a full disk: one sentence naming the file, exit 2,
no traceback, no file."""

from __future__ import annotations

import errno
import os

from dashboard.exports import cli


def _no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_portfolio_export_onto_a_full_disk_names_the_file_and_exits_2(tmp_path, monkeypatch, capsys):
    out = tmp_path / "portfolio.csv"
    monkeypatch.setattr(os, "replace", _no_space)  # the atomic rename of the finished file
    assert cli.main(["--format", "csv", "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{out}: the disk is full" in err and "nothing was written" in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.iterdir())
