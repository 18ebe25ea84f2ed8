"""The one atomic-write routine: the old file or the new one, never a part, and nothing left behind."""

from __future__ import annotations

import stat

import pytest

from geodata.io.atomic import replacing, write_bytes_atomic


def test_a_failed_write_leaves_the_old_file_and_no_temporary_or_sidecar(tmp_path):
    target = tmp_path / "portfolio.gpkg"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(target, prefix=".portfolio-", suffix=".gpkg") as tmp:
        tmp.write_bytes(b"half")
        (tmp.parent / f"{tmp.name}-journal").write_bytes(b"j")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portfolio.gpkg"]


def test_a_writer_that_creates_the_file_itself_gets_a_free_name(tmp_path):
    target = tmp_path / "portfolio.gpkg"
    with replacing(target, prefix=".portfolio-", suffix=".gpkg", create=False) as tmp:
        assert not tmp.exists() and tmp.name.startswith(".portfolio-") and tmp.parent == tmp_path
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portfolio.gpkg"]


def test_bytes_are_private_unless_a_mode_is_given(tmp_path):
    write_bytes_atomic(tmp_path / "secret.json", b"{}")
    assert stat.S_IMODE((tmp_path / "secret.json").stat().st_mode) == 0o600
    write_bytes_atomic(tmp_path / "export.csv", b"a,b\n", mode=0o644)
    assert stat.S_IMODE((tmp_path / "export.csv").stat().st_mode) & 0o444 == 0o444  # readable by all
