"""The project store: seeding, atomic commits, the import log, rollback, and
what readers (``geodata.load``) see while and after it changes. Every test runs on both backends (GeoPackage and
PostGIS: the ``store_backend`` fixture)."""

from __future__ import annotations

import hashlib
import threading

import numpy as np
import pandas as pd
import pytest

import geodata
from geodata import config
from geodata.io import store
from geodata.io.importers import preview_bytes
from geodata.io.importers.preview import ImportRejected
from geodata.io.load import layer_version

pytestmark = pytest.mark.usefixtures("store_backend")

HEADER = "project_id,title,sector,target_communities,municipality,status,start_date,committed,currency\n"


def csv(*rows: str) -> bytes:
    """A small project CSV with the given data lines."""
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def new_rows(n: int, prefix: str = "t") -> bytes:
    """n valid new projects placed at their municipality."""
    return csv(
        *(f"{prefix}-{i},Project {i},health,Roma,Zvečan,ongoing,2023-0{1 + i % 9},{1000 + i},USD" for i in range(n))
    )


def store_digest() -> str:
    """SHA-256 of everything stored: the store file's bytes, or the database's rows ('' when there is none)."""
    return store.digest()


def test_reading_uses_the_embedded_layer_and_creates_no_store():
    projects = geodata.load("projects")
    assert len(projects) == len(store.embedded_projects())
    assert not store.exists()
    assert layer_version("projects").startswith(str(config.DATA_DIR))


def test_ensure_store_seeds_the_shipped_portfolio(store_backend):
    path = store.ensure_store()
    if store_backend.name == "gpkg":
        assert path.parent == config.user_data_dir()
    else:
        assert path == store.location() == store_backend.url
    seeded = geodata.load("projects")
    assert store.fingerprint(seeded) == store.fingerprint(store.embedded_projects())
    assert seeded["import_id"].isna().all()
    assert store.history() == []


def test_commit_is_visible_to_load_and_changes_the_layer_version():
    before = layer_version("projects")
    result = preview_bytes(new_rows(3), "three.csv").commit()
    assert result.record is not None and result.record.rows_added == 3
    assert layer_version("projects") != before
    projects = geodata.load("projects")
    added = projects[projects["project_id"].str.startswith("t-")]
    assert len(added) == 3
    assert set(added["import_id"]) == {result.record.import_id}
    assert (added["dataset"] == "documented").all() and not added["is_sample"].any()
    assert added["sources"].str.contains(f"three.csv (import {result.record.import_id})", regex=False).all()


def test_the_log_records_file_hash_counts_and_user():
    data = new_rows(2) + b"t-9,Bad,unknown sector,Roma,Zvecan,ongoing,2023,1,USD\n"
    preview = preview_bytes(data, "mixed.csv")
    preview.commit(valid_only=True, user="pm@example")
    [record] = store.history()
    assert record.file_name == "mixed.csv"
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert (record.rows_added, record.rows_updated, record.rows_rejected) == (2, 0, 1)
    assert record.user == "pm@example" and record.status == store.ACTIVE


def test_all_or_nothing_with_a_bad_row_writes_nothing():
    store.ensure_store()
    digest = store_digest()
    preview = preview_bytes(new_rows(2) + b"t-9,Bad,health,Roma,Nowhere,ongoing,2023,1,USD\n", "bad.csv")
    with pytest.raises(ImportRejected, match="all-or-nothing"):
        preview.commit(valid_only=False)
    assert store_digest() == digest
    assert store.history() == []


def test_rejected_import_without_a_store_creates_none():
    preview = preview_bytes(csv("t-1,Bad,health,Roma,Nowhere,ongoing,2023,1,USD"), "bad.csv")
    with pytest.raises(ImportRejected):
        preview.commit()
    assert not store.exists()


def test_a_failure_while_writing_leaves_the_store_byte_identical(store_backend, monkeypatch):
    preview_bytes(new_rows(2), "first.csv").commit()
    digest, fingerprint = store_digest(), store.fingerprint(geodata.load("projects"), with_import_ids=True)
    with store_backend.history_write_fails(monkeypatch), pytest.raises(OSError, match="simulated"):
        preview_bytes(new_rows(2, prefix="u"), "second.csv").commit()
    assert store_digest() == digest
    assert store.fingerprint(geodata.load("projects"), with_import_ids=True) == fingerprint
    if store_backend.name == "gpkg":
        leftovers = [p.name for p in store.store_path().parent.iterdir() if p.name.startswith(".portfolio-")]
        assert leftovers == []
    assert [r.file_name for r in store.history()] == ["first.csv"]


def test_update_keyed_on_project_id_replaces_the_row_and_rollback_restores_it():
    store.ensure_store()
    original = geodata.load("projects")
    target = original[original["project_id"] == "sample-000007"].iloc[0]
    data = csv("sample-000007,Corrected title,health,Roma,Leposavić,ongoing,2024-09-01,325500,USD")
    preview = preview_bytes(data, "fix.csv")
    assert preview.diff() == {"add": [], "update": ["sample-000007"], "unchanged": []}
    result = preview.commit(replace_documented=True)  # a sample row turned documented: only by explicit choice
    assert result.updated == ("sample-000007",)
    after = geodata.load("projects")
    assert len(after) == len(original)
    row = after[after["project_id"] == "sample-000007"].iloc[0]
    assert row["title"] == "Corrected title"
    assert not row["is_sample"]  # the file does not say it is a sample: imported rows are real
    assert list(after["project_id"]) == list(original["project_id"])  # replaced in place
    store.rollback()
    restored = geodata.load("projects")
    assert restored[restored["project_id"] == "sample-000007"].iloc[0]["title"] == target["title"]
    assert store.fingerprint(restored, with_import_ids=True) == store.fingerprint(original, with_import_ids=True)


def test_rollback_of_the_last_import_restores_the_previous_state_exactly():
    preview_bytes(new_rows(3), "one.csv").commit()
    before = geodata.load("projects")
    preview_bytes(
        new_rows(2, prefix="u") + b"t-1,Renamed,education,Ashkali,Leposaviq,completed,2020,5,USD\n", "two.csv"
    ).commit()
    assert len(geodata.load("projects")) == len(before) + 2
    record = store.rollback()
    assert record.file_name == "two.csv" and record.status == store.ROLLED_BACK
    after = geodata.load("projects")
    assert store.fingerprint(after, with_import_ids=True) == store.fingerprint(before, with_import_ids=True)
    assert list(after.dtypes) == list(before.dtypes)
    assert [r.status for r in store.history()] == [store.ROLLED_BACK, store.ACTIVE]


def test_rollback_of_an_earlier_import_keeps_later_independent_ones():
    first = preview_bytes(new_rows(2), "one.csv").commit().record
    preview_bytes(new_rows(2, prefix="u"), "two.csv").commit()
    store.rollback(first.import_id)
    ids = set(geodata.load("projects")["project_id"])
    assert {"u-0", "u-1"} <= ids and not {"t-0", "t-1"} & ids


def test_rollback_refuses_when_a_later_import_changed_the_same_rows():
    first = preview_bytes(new_rows(2), "one.csv").commit().record
    preview_bytes(csv("t-0,Changed,health,Roma,Zvečan,ongoing,2023,9,USD"), "two.csv").commit()
    digest = store_digest()
    with pytest.raises(store.StoreError, match="later import"):
        store.rollback(first.import_id)
    assert store_digest() == digest


def test_rollback_errors_are_clear_and_change_nothing():
    with pytest.raises(store.StoreError, match="no project store"):
        store.rollback()
    record = preview_bytes(new_rows(1), "one.csv").commit().record
    store.rollback(record.import_id)
    digest = store_digest()
    with pytest.raises(store.StoreError, match="already rolled back"):
        store.rollback(record.import_id)
    with pytest.raises(store.StoreError, match="no import with id 99"):
        store.rollback(99)
    with pytest.raises(store.StoreError, match="no active import"):
        store.rollback()
    assert store_digest() == digest


def test_committing_rows_already_in_the_store_writes_nothing():
    preview_bytes(new_rows(2), "one.csv").commit()
    digest = store_digest()
    result = preview_bytes(new_rows(2), "again.csv").commit()
    assert result.record is None and len(result.unchanged) == 2
    assert store_digest() == digest


def test_edit_is_logged_and_can_be_rolled_back():
    store.ensure_store()
    before = geodata.load("projects")
    result = store.edit_project("sample-000007", {"status": "completed"}, user="pm")
    assert result.record.format == "edit" and result.updated == ("sample-000007",)
    with pytest.raises(store.StoreError, match="must be one of"):
        store.edit_project("sample-000007", {"status": "finished-ish"})
    with pytest.raises(store.StoreError, match="no project"):
        store.edit_project("nope", {"status": "completed"})
    store.rollback()
    assert store.fingerprint(geodata.load("projects")) == store.fingerprint(before)


def test_readers_never_see_a_half_written_portfolio():
    store.ensure_store()
    before_ids = frozenset(geodata.load("projects")["project_id"])
    preview = preview_bytes(new_rows(60), "big.csv")
    after_ids = before_ids | {f"t-{i}" for i in range(60)}
    seen: list[frozenset] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader():
        try:
            while not stop.is_set():
                seen.append(frozenset(geodata.load("projects")["project_id"]))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        preview.commit()
        store.rollback()
        preview_bytes(new_rows(60), "big-again.csv").commit()
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not errors
    assert len(seen) > 3
    assert {s for s in seen} <= {before_ids, after_ids}
    assert seen[-1] == after_ids or frozenset(geodata.load("projects")["project_id"]) == after_ids


def test_each_reader_gets_its_own_portfolio_without_a_second_copy_of_it():
    """Readers share the cached portfolio's columns (one copy in memory at 100,000 projects, not two), and a
    reader that changes its frame changes neither the cache nor another reader's frame."""
    store.ensure_store()
    first, second = store.current_projects(), store.current_projects()
    assert np.shares_memory(first["committed_usd"].to_numpy(), second["committed_usd"].to_numpy())
    before = second["committed_usd"].copy()
    first.loc[first.index[0], "committed_usd"] = -1.0
    first["title"] = "changed"
    pd.testing.assert_series_equal(second["committed_usd"], before)
    again = store.current_projects()
    pd.testing.assert_series_equal(again["committed_usd"], before)
    assert "changed" not in set(again["title"])
