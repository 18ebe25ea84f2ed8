"""Optimistic concurrency of corrections: the version the editor saw is checked under the store's write lock, so of
two concurrent corrections of one project the second is refused ("changed by NAME at TIME since you opened it") and
neither is lost."""

from __future__ import annotations

import threading

import pytest

from geodata.io import edit, store

pytestmark = pytest.mark.usefixtures("store_backend")  # on the GeoPackage (flock) and PostGIS (a row lock)


def _project() -> str:
    store.ensure_store()
    return str(store.current_projects().iloc[0]["project_id"])


def _race(target, args_by_name: dict[str, tuple]) -> dict[str, object]:
    """Run ``target(*args)`` for each name in its own thread, all released at once; what each returned or raised."""
    barrier = threading.Barrier(len(args_by_name))
    outcome: dict[str, object] = {}

    def run(name, args):
        barrier.wait()
        try:
            outcome[name] = target(*args)
        except Exception as exc:  # noqa: BLE001 (the test inspects it)
            outcome[name] = exc

    threads = [threading.Thread(target=run, args=(n, a)) for n, a in args_by_name.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcome


def _one_refused(outcome: dict[str, object], refused_type) -> tuple[str, str]:
    refused = [n for n, v in outcome.items() if isinstance(v, refused_type)]
    saved = [n for n, v in outcome.items() if not isinstance(v, Exception)]
    assert len(refused) == 1 and len(saved) == 1, outcome
    return saved[0], refused[0]


def test_two_concurrent_store_edits_end_with_one_refusal_and_no_loss():
    pid = _project()
    token = store.row_token(store.current_projects().iloc[0])
    outcome = _race(
        store.edit_project,
        {
            "amira": (pid, {"title": "Title by Amira"}, "amira", token),
            "bojan": (pid, {"title": "Title by Bojan"}, "bojan", token),
        },
    )
    winner, loser = _one_refused(outcome, store.StaleEdit)
    message = str(outcome[loser])
    record = store.history()[0]
    assert f"{pid} was changed by {winner} at {record.imported_at[:10]}" in message
    assert "since you opened it" in message and "nothing was written" in message
    assert store.current_projects().set_index("project_id").loc[pid, "title"] == f"Title by {winner.title()}"
    assert [(r.user, r.file_name) for r in store.history()] == [(winner, f"edit of {pid}")]


def test_two_concurrent_corrections_from_the_data_page_functions():
    pid = _project()
    row = edit.find(pid)
    token = edit.row_token(row)
    values = {name: edit.form_values(row)[name] for name in edit.EDITABLE}
    outcome = _race(
        edit.save_correction,
        {
            "amira": (pid, {**values, "title": "Corrected by Amira"}, "amira", token),
            "bojan": (pid, {**values, "title": "Corrected by Bojan"}, "bojan", token),
        },
    )
    winner, loser = _one_refused(outcome, edit.CorrectionRefused)
    assert f"was changed by {winner} at" in str(outcome[loser])
    assert edit.find(pid)["title"] == f"Corrected by {winner.title()}"
    assert len(store.history()) == 1


def test_a_correction_after_a_rollback_names_who_rolled_back():
    pid = _project()
    row = edit.find(pid)
    store.edit_project(pid, {"title": "First"}, user="amira", expected=edit.row_token(row))
    opened = edit.row_token(edit.find(pid))
    store.rollback(user="chef")
    with pytest.raises(store.StaleEdit, match=f"{pid} was changed by chef at"):
        store.edit_project(pid, {"title": "Second"}, user="amira", expected=opened)
    assert edit.find(pid)["title"] == row["title"]
