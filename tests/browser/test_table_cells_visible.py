"""The tables show their cells as soon as they have drawn, before anyone scrolls to them: every header cell and
every cell of the first row is visible. ag-grid 35 hides all cells while it sizes flex columns and could leave
them hidden (a table with no visible cells, and a header row without cells for screen readers); the explorer's
table did so at most phone-sized loads once the first load had become faster."""

from __future__ import annotations

import pytest
from a11y_support import DESKTOP, PHONE, emulate, settle

from dashboard.app import create_app

pytestmark = pytest.mark.browser

# the grid's header cells and first-row cells, each with its text and computed visibility
_CELLS = """
const grid = document.querySelector(arguments[0] + ' .ag-root-wrapper');
if (!grid) return null;
const first = grid.querySelector('.ag-center-cols-container .ag-row[row-index="0"]');
const cells = [...grid.querySelectorAll('.ag-header-cell'), ...(first ? first.querySelectorAll('.ag-cell') : [])];
return cells.map(c => ({text: c.textContent.trim().slice(0, 30), visibility: getComputedStyle(c).visibility}));
"""


@pytest.mark.parametrize(
    ("path", "grid", "size"),
    [
        ("/", "#project-table", PHONE),
        ("/", "#project-table", DESKTOP),
        ("/coverage", ".coverage-gap-grid", PHONE),
        ("/coverage", ".coverage-gap-grid", DESKTOP),
    ],
    ids=["explorer-phone", "explorer-desktop", "coverage-phone", "coverage-desktop"],
)
def test_a_table_shows_its_header_and_first_row(dash_duo, path, grid, size):
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    emulate(driver, size)
    driver.get(dash_duo.server_url + path)
    settle(driver)
    cells = driver.execute_script(_CELLS, grid)
    assert cells, f"no header or first-row cell in {grid}"
    assert sum(1 for c in cells if c["text"]) >= len(cells) // 2, cells  # names and values, not blanks
    hidden = [c for c in cells if c["visibility"] != "visible"]
    assert hidden == [], hidden
    assert dash_duo.get_logs() == []
