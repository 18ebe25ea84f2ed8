"""Every shipped project round-trips through the correction form: its form values check clean and change nothing.

Apart from ``test_edit.py`` because the check is the same whichever store backend holds the portfolio (it is given
the projects), and checking all of them takes a while: once is enough."""

from __future__ import annotations

from geodata.io import edit, store


def test_every_shipped_project_passes_the_check_unchanged():
    """The form's values of every row check clean and change nothing (the check round-trips stored rows)."""
    projects = store.portfolio()
    for _, row in projects.iterrows():
        correction = edit.check_correction(row["project_id"], edit.form_values(row), projects)
        assert correction.ok, [edit.describe(p) for p in correction.problems]
        assert correction.changes == {}, row["project_id"]
