"""Text repeated on many rows is held once, and a GeoPackage store read in parts reads the same portfolio."""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.facts.validate import shared_strings
from geodata.io import store
from geodata.io.store import gpkg


def test_repeated_text_is_one_string_and_keeps_every_value():
    cells = ["".join(["Health", " x"]), None, "".join(["Heal", "th x"]), "Housing", float("nan")]  # equal, made apart
    values = pd.Series(cells, index=[10, 11, 12, 13, 14], dtype=object)
    assert values[10] is not values[12]
    out = shared_strings(values)
    assert str(out.dtype) == "string" and list(out.index) == [10, 11, 12, 13, 14]
    assert out.tolist() == ["Health x", pd.NA, "Health x", "Housing", pd.NA]
    assert out[10] is out[12]


def test_mostly_distinct_text_is_kept_as_it_is():
    values = pd.Series([f"KSV-{i}" for i in range(10)] + ["KSV-0"], dtype=object)
    out = shared_strings(values)
    assert out.tolist() == values.tolist() and str(out.dtype) == "string"


@pytest.mark.parametrize("batch", [7, 1000])
def test_a_store_read_in_parts_is_the_store_read_at_once(monkeypatch, batch):
    store.ensure_store()
    monkeypatch.setattr(gpkg, "READ_BATCH", 10_000)
    whole = gpkg._read_projects(gpkg.store_path())
    monkeypatch.setattr(gpkg, "READ_BATCH", batch)
    parts = gpkg._read_projects(gpkg.store_path())
    assert len(whole) > 7
    pd.testing.assert_frame_equal(
        pd.DataFrame(parts).drop(columns="geometry"), pd.DataFrame(whole).drop(columns="geometry")
    )
    assert parts.geometry.geom_equals(whole.geometry).all() and parts.crs == whole.crs
    if batch >= len(whole):  # one part: each distinct sector is one string
        first: dict[str, str] = {}
        assert all(first.setdefault(v, v) is v for v in parts["sector"])


def test_both_stores_hold_each_repeated_text_once(store_backend):
    """GeoPackage and PostGIS alike: the portfolio a reader gets holds one string per distinct sector."""
    store.ensure_store()
    sectors = store.current_projects()["sector"].dropna()
    first: dict[str, str] = {}
    assert len(sectors) > len(set(sectors)) and all(first.setdefault(v, v) is v for v in sectors)
