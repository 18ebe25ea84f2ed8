"""A layer file that passed validation is not checked again until anything its verdict depends on changes."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from geodata import config
from geodata.facts.layers import LAYERS
from geodata.facts.validate import LayerError
from geodata.io import load, validated

ROOT = config.PACKAGE_DIR.parent


@pytest.fixture
def camps(tmp_path):
    path = tmp_path / "camps.geojson"
    shutil.copy(config.DATA_DIR / "camps.geojson", path)
    return path


@pytest.fixture
def checks(monkeypatch):
    """How many times a layer was validated."""
    seen = []
    real = load.validate

    def counting(*args, **kwargs):
        seen.append(args[1].name)
        return real(*args, **kwargs)

    monkeypatch.setattr(load, "validate", counting)
    yield seen
    load._load_cached.cache_clear()


def fresh_load(name, path):
    load._load_cached.cache_clear()  # a new process: only the record on disk remembers
    return load._load_cached(name, str(path), path.stat().st_mtime_ns)


def test_an_unchanged_file_is_checked_once_and_loads_the_same_frame(camps, checks):
    first = fresh_load("camps", camps)
    second = fresh_load("camps", camps)
    assert checks == ["camps"]
    pd.testing.assert_frame_equal(pd.DataFrame(first), pd.DataFrame(second))
    assert list(second.dtypes.astype(str)) == list(first.dtypes.astype(str))
    assert json.loads(validated.record_path().read_text())["camps"] == validated.fingerprint(
        LAYERS["camps"], camps, config.DATA_DIR / "outline.geojson"
    )


def test_a_changed_file_is_checked_again_and_a_failing_one_every_time(camps, checks):
    fresh_load("camps", camps)
    data = json.loads(camps.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["site_type"] = "hotel"
    camps.write_text(json.dumps(data), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(LayerError, match="site_type"):
            fresh_load("camps", camps)
    assert checks == ["camps", "camps", "camps"]


def test_the_verdict_depends_on_the_spec_the_outline_and_the_checking_code(camps, monkeypatch, tmp_path):
    spec = LAYERS["camps"]
    outline = config.DATA_DIR / "outline.geojson"
    key = validated.fingerprint(spec, camps, outline)
    stricter = dataclasses.replace(spec, required=spec.required | {"operator"})
    assert validated.fingerprint(stricter, camps, outline) != key
    moved = tmp_path / "outline.geojson"
    moved.write_bytes(outline.read_bytes().replace(b"20.", b"21.", 1))
    assert validated.fingerprint(spec, camps, moved) != key
    monkeypatch.setattr(validated, "_checking_code", lambda: b"other rules")
    assert validated.fingerprint(spec, camps, outline) != key


def test_the_fingerprint_is_the_same_in_every_process():
    code = (
        "from geodata.io import validated; from geodata.facts.layers import LAYERS; from geodata import config\n"
        "print(validated.fingerprint(LAYERS['projects'], config.DATA_DIR / 'projects.geojson', None))"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
        for seed in ("1", "2")
    }
    assert len(seen) == 1  # the spec's sets are in a fixed order


def test_a_record_that_cannot_be_read_or_written_only_means_checking_again(camps, checks, monkeypatch, caplog):
    validated.record_path().parent.mkdir(parents=True, exist_ok=True)
    validated.record_path().write_text("{not json", encoding="utf-8")
    fresh_load("camps", camps)

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(validated, "write_bytes_atomic", full_disk)
    validated.record_path().unlink()
    with caplog.at_level(logging.WARNING, logger="geodata.io.validated"):
        assert len(fresh_load("camps", camps)) == len(fresh_load("camps", camps))
    assert checks == ["camps"] * 3
    assert "will be checked again" in caplog.text


def test_a_file_that_changes_while_it_is_read_is_checked_and_not_recorded(camps, checks, monkeypatch):
    fresh_load("camps", camps)  # passed and recorded
    real_read = load.read_file

    def read_then_change(path):
        frame = real_read(path)
        camps.write_bytes(camps.read_bytes() + b"\n")  # replaced just after it was read
        return frame

    monkeypatch.setattr(load, "read_file", read_then_change)
    fresh_load("camps", camps)
    assert checks == ["camps", "camps"]  # the frame read is checked, not trusted on the old record
    assert json.loads(validated.record_path().read_text())["camps"] != validated.fingerprint(
        LAYERS["camps"], camps, config.DATA_DIR / "outline.geojson"
    )
