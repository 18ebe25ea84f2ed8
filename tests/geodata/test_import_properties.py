"""Property tests: whatever bytes or table the CSV importer is fed, it either
reports a file error or returns a preview whose problems point at real rows,
and committing writes exactly the valid rows or nothing at all."""

from __future__ import annotations

import csv
import hashlib
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata.facts.layers import PROJECTS
from geodata.facts.validate import validate
from geodata.io import store
from geodata.io.files import kosovo_outline
from geodata.io.importers import ImportFileError, ImportRejected, preview_bytes

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WRITES = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])

COLUMNS = [
    "project_id", "title", "sector", "target_communities", "municipality", "status", "start_date", "end_date",
    "committed", "disbursed", "currency", "lat", "lon", "site_id", "is_sample",
]  # fmt: skip
GOOD = {
    "project_id": st.from_regex(r"p-[0-9]{1,3}", fullmatch=True),
    "title": st.sampled_from(["Clinic", "Škola", "Shtëpi", "Water", "=cmd()", "", "a,b;c", 'quo"te']),
    "sector": st.sampled_from(["health", "Education", "housing", "nope", ""]),
    "target_communities": st.sampled_from(["Roma", "RAE", "Ashkali;Egyptian", "Martians", ""]),
    "municipality": st.sampled_from(["Zvečan", "Leposaviq", "Mitrovicë e Veriut", "Atlantis", ""]),
    "status": st.sampled_from(["ongoing", "Completed", "active", "??", ""]),
    "start_date": st.sampled_from(["2020", "2021-05", "2022-02-30", "31.12.2019", "soon", ""]),
    "end_date": st.sampled_from(["", "2019", "2025-12-31"]),
    "committed": st.sampled_from(["1000", "-5", "1.234,50", "lots", ""]),
    "disbursed": st.sampled_from(["", "10", "5000"]),
    "currency": st.sampled_from(["USD", "EUR", "", "XYZ"]),
    "lat": st.sampled_from(["", "42.91", "45", "abc"]),
    "lon": st.sampled_from(["", "20.84", "19", ""]),
    "site_id": st.sampled_from(["", "", "osterode", "nowhere"]),
    "is_sample": st.sampled_from(["", "false", "true", "maybe"]),
}
cell = st.one_of(st.text(max_size=12), st.sampled_from(["", "=1+1", "@x", "-", "\u00a0", "\r\n"]))
row = st.fixed_dictionaries({c: st.one_of(GOOD[c], cell) if c in ("title", "committed") else GOOD[c] for c in COLUMNS})


def to_csv(rows: list[dict], delimiter: str, columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    for r in rows:
        writer.writerow([r[c] for c in columns])
    return buffer.getvalue().encode("utf-8")


def digest() -> str:
    path = store.store_path()
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def check_preview(preview) -> None:
    """Invariants of every preview."""
    assert len(preview.rows) == len(preview.frame) == len(preview.default_sources)
    assert all(p.row is None or p.row in preview.rows for p in preview.problems)
    assert preview.n_valid + preview.n_rejected == len(preview.rows)
    valid = preview.frame[preview.valid_mask].drop(columns=["lat", "lon"])
    if len(valid):
        validate(valid.reset_index(drop=True), PROJECTS, file="valid rows", outline=kosovo_outline())


@FAST
@given(data=st.binary(max_size=600))
def test_random_bytes_never_crash(data):
    try:
        preview = preview_bytes(data, "random.csv", format="csv")
    except ImportFileError as exc:
        assert exc.problems and all(p.file == "random.csv" for p in exc.problems)
        return
    check_preview(preview)


@FAST
@given(text=st.text(max_size=400), delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_random_text_with_a_known_header_never_crashes(text, delimiter):
    data = (delimiter.join(COLUMNS) + "\n" + text).encode("utf-8")
    try:
        preview = preview_bytes(data, "random.csv")
    except ImportFileError:
        return
    check_preview(preview)


@FAST
@given(
    rows=st.lists(row, min_size=1, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    columns=st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=len(COLUMNS), unique=True),
)
def test_random_tables_are_imported_or_reported(rows, delimiter, columns):
    try:
        preview = preview_bytes(to_csv(rows, delimiter, columns), "table.csv")
    except ImportFileError as exc:
        assert exc.problems
        return
    check_preview(preview)


@WRITES
@given(rows=st.lists(row, min_size=1, max_size=5), valid_only=st.booleans())
def test_commit_writes_exactly_the_valid_rows_or_nothing(rows, valid_only):
    store.ensure_store()
    try:
        preview = preview_bytes(to_csv(rows, ",", COLUMNS), "table.csv")
    except ImportFileError:
        return
    before, before_digest = store.current_projects(), digest()
    try:
        result = preview.commit(valid_only=valid_only)
    except ImportRejected:
        assert digest() == before_digest
        assert not valid_only and preview.problems or preview.n_valid == 0
        return
    assert valid_only or not preview.problems
    after = store.current_projects()
    changed = len(result.added) + len(result.updated) + len(result.unchanged)
    assert changed == preview.n_valid
    assert len(after) == len(before) + len(result.added)
    if result.record is None:
        assert digest() == before_digest
    current = {r["project_id"]: store.row_key(r, ("sources",)) for _, r in after.iterrows()}
    for _, r in preview.frame[preview.valid_mask].iterrows():
        assert current[r["project_id"]] == store.row_key(r, ("sources",))
