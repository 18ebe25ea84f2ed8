"""The import guard: an import cannot silently replace a documented project (shipped, or imported with its own
sources) or turn a sample row into documented data. Such rows are reported (file, row, field, value, why), held
back unless the caller chooses to replace them, and the choice is recorded in the import log. Every test runs on
both store backends (GeoPackage and PostGIS: the ``store_backend`` fixture)."""

from __future__ import annotations

import pyogrio
import pytest

import geodata
from geodata import cli
from geodata.io import store
from geodata.io.importers import preview_bytes
from geodata.io.importers.preview import ImportRejected

HEADER = "project_id,title,sector,target_communities,municipality,status,start_date,committed,currency,sources\n"
LEPOSAVIC = "doc-2013-leposavic-closure"

pytestmark = pytest.mark.usefixtures("store_backend")
SAMPLE = "sample-000007"


def csv(*rows: str) -> bytes:
    """A small project CSV with the given data lines."""
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def store_digest() -> str:
    """SHA-256 of everything stored: the store file's bytes, or the database's rows ('' when there is none)."""
    return store.digest()


def row(project_id: str, title: str = "Replacement title", sources: str = "") -> str:
    """One valid row (Leposavić, health) with the given id."""
    return f"{project_id},{title},health,Roma,Leposavić,completed,2013-06-01,1000,USD,{sources}"


def stored(project_id: str):
    projects = geodata.load("projects")
    return projects[projects["project_id"] == project_id].iloc[0]


def test_a_row_keyed_on_a_shipped_documented_project_is_reported_and_held_back():
    preview = preview_bytes(csv(row(LEPOSAVIC), row("new-1")), "partner.csv")
    assert preview.ok  # the rows are valid: holding back is not a problem with the row
    [held] = preview.held_back
    assert (held.file, held.row, held.field, held.value) == ("partner.csv", 2, "project_id", LEPOSAVIC)
    assert "would replace the documented project 'Closure of the Leposavić camp" in held.why
    assert "kosovalive360.com" in held.why and "choose to replace it explicitly" in held.why
    assert "explicit choice" in preview.summary()
    assert any("need an explicit choice (1)" in line for line in preview.report_lines())
    outcome = {r["project_id"]: r["outcome"] for r in preview.table_records()}
    assert outcome == {LEPOSAVIC: "needs choice", "new-1": "new"}
    report = preview.report_frame()
    assert list(report.loc[report["severity"] == "needs choice", "value"]) == [LEPOSAVIC]


def test_without_the_choice_the_documented_project_is_unchanged_and_the_rest_is_written():
    before = stored(LEPOSAVIC)
    result = preview_bytes(csv(row(LEPOSAVIC), row("new-1")), "partner.csv").commit(valid_only=True)
    assert result.added == ("new-1",) and result.updated == ()
    after = stored(LEPOSAVIC)
    assert after["title"] == before["title"] and after["sources"] == before["sources"]
    assert result.record.replaced_documented == ""


def test_all_or_nothing_with_a_held_row_writes_nothing():
    store.ensure_store()
    digest = store_digest()
    with pytest.raises(ImportRejected, match="replace documented data"):
        preview_bytes(csv(row(LEPOSAVIC), row("new-1")), "partner.csv").commit(valid_only=False)
    with pytest.raises(ImportRejected, match="every valid row would replace documented data"):
        preview_bytes(csv(row(LEPOSAVIC)), "partner.csv").commit()
    assert store_digest() == digest


def test_the_explicit_choice_replaces_it_and_is_logged_and_rollback_restores_it():
    store.ensure_store()
    before = geodata.load("projects")
    preview = preview_bytes(csv(row(LEPOSAVIC, sources="https://example.org/report")), "partner.csv")
    result = preview.commit(replace_documented=True, user="pm")
    assert result.updated == (LEPOSAVIC,)
    assert stored(LEPOSAVIC)["title"] == "Replacement title"
    [record] = store.history()
    assert record.replaced_documented_ids == (LEPOSAVIC,)
    assert "replaced by explicit choice: " + LEPOSAVIC in result.summary()
    store.rollback(record.import_id)
    restored = geodata.load("projects")
    assert stored(LEPOSAVIC)["title"] == before.set_index("project_id").loc[LEPOSAVIC, "title"]
    assert store.fingerprint(restored, with_import_ids=True) == store.fingerprint(before, with_import_ids=True)


def test_a_sample_row_cannot_silently_become_documented_data():
    preview = preview_bytes(csv(row(SAMPLE)), "fix.csv")
    [held] = preview.held_back
    assert held.value == SAMPLE and "would turn the sample project" in held.why and "into documented data" in held.why
    with pytest.raises(ImportRejected):
        preview.commit()
    assert bool(stored(SAMPLE)["is_sample"])
    # a file that keeps the row a sample updates it like any other row
    marked = HEADER.strip() + ",is_sample\n" + row(SAMPLE, title="Sample corrected") + ",true\n"
    result = preview_bytes(marked.encode(), "fix.csv").commit()
    assert result.updated == (SAMPLE,) and bool(stored(SAMPLE)["is_sample"])
    assert stored(SAMPLE)["title"] == "Sample corrected"


def test_the_store_refuses_a_guarded_change_that_skips_the_preview():
    """The rule holds in the store itself, not only in the preview (a caller that builds its own change set)."""
    store.ensure_store()
    digest = store_digest()
    preview = preview_bytes(csv(row(LEPOSAVIC)), "partner.csv")
    rows = preview.frame.drop(columns=["lat", "lon"])
    change = store.ChangeSet(rows=rows, file_name="partner.csv", sha256="0" * 64, size_bytes=1, format="csv")
    with pytest.raises(store.StoreError, match="need an explicit choice"):
        store.apply_changes(change)
    assert store_digest() == digest


def test_rows_imported_with_their_own_sources_are_documented_and_without_sources_are_not():
    preview_bytes(csv(row("p-1", sources="https://example.org/a"), row("p-2")), "first.csv").commit()
    again = preview_bytes(csv(row("p-1", title="Changed"), row("p-2", title="Changed")), "second.csv")
    assert [p.value for p in again.held_back] == ["p-1"]
    result = again.commit()
    assert result.updated == ("p-2",)


def test_a_correction_of_a_documented_project_is_logged_as_replacing_it():
    result = store.edit_project(LEPOSAVIC, {"status": "completed", "title": "Closure of the Leposavić camp"})
    assert result.record.replaced_documented_ids == (LEPOSAVIC,)


def test_a_store_written_before_the_log_had_the_column_still_opens_and_imports(store_backend):
    if store_backend.name != "gpkg":
        pytest.skip("an older GeoPackage layout; the database's schema is versioned by its Alembic migrations")
    preview_bytes(csv(row("p-1")), "first.csv").commit()
    path = store.store_path()
    state = store._read_state(path)
    state.imports = state.imports.drop(columns=["replaced_documented"])
    store._write_state(state, path)
    assert "replaced_documented" not in pyogrio.read_dataframe(path, layer="imports").columns
    [old] = store.history()
    assert old.replaced_documented == "" and old.file_name == "first.csv"
    preview_bytes(csv(row(LEPOSAVIC)), "partner.csv").commit(replace_documented=True)
    assert [r.replaced_documented for r in store.history()] == [LEPOSAVIC, ""]
    store.rollback()
    assert stored(LEPOSAVIC)["title"].startswith("Closure of the Leposavić camp")


def test_cli_holds_documented_rows_back_unless_replace_documented(tmp_path, capsys):
    path = tmp_path / "partner.csv"
    path.write_bytes(csv(row(LEPOSAVIC), row("new-1")))
    assert cli.main(["import", str(path), "--dry-run"]) == 1
    assert cli.main(["import", str(path)]) == 1  # default: all or nothing
    out = capsys.readouterr().out
    assert "row 2, field 'project_id'" in out and "--replace-documented" in out
    assert not store.exists()
    assert cli.main(["import", str(path), "--commit-valid"]) == 1  # the other rows only
    assert "new-1" in set(geodata.load("projects")["project_id"])
    assert stored(LEPOSAVIC)["title"] != "Replacement title"
    assert cli.main(["import", str(path), "--replace-documented", "--user", "pm"]) == 0
    assert stored(LEPOSAVIC)["title"] == "Replacement title"
    capsys.readouterr()
    assert cli.main(["history"]) == 0
    assert f"replaced documented: {LEPOSAVIC}" in capsys.readouterr().out
