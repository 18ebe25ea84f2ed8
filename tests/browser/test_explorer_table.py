"""The explorer's table in real headless Chromium: it holds a block of rows, asks for the next block when a
person scrolls to it (mouse wheel), and sorts every match on the server when a header is clicked."""

from __future__ import annotations

import numpy as np
import pytest
from waits import until

from dashboard import data, ids
from dashboard.app import create_app
from geodata.analysis.filters import FilterState

pytestmark = pytest.mark.browser


def _rows(dash_duo) -> dict[int, str]:
    """Rendered rows: row index -> project id."""
    found = dash_duo.driver.execute_script(
        f"return Array.from(document.querySelectorAll('#{ids.TABLE} .ag-center-cols-container .ag-row'))"
        ".map(r => [r.getAttribute('row-index'), r.getAttribute('row-id')]).filter(p => p[1])"
    )
    return {int(i): rid for i, rid in found}


def _centre(dash_duo, selector: str) -> tuple[float, float]:
    rect = dash_duo.driver.execute_script(
        "const e = document.querySelector(arguments[0]); e.scrollIntoView({block: 'center', behavior: 'instant'});"
        "const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];",
        selector,
    )
    return rect[0], rect[1]


def _mouse(dash_duo, kind: str, x: float, y: float, **extra) -> None:
    event = {"type": kind, "x": x, "y": y, "button": "left" if kind in ("mousePressed", "mouseReleased") else "none"}
    if kind in ("mousePressed", "mouseReleased"):
        event["clickCount"] = 1
    dash_duo.driver.execute_cdp_cmd("Input.dispatchMouseEvent", {**event, **extra})


def test_table_pages_on_scroll_and_sorts_on_the_server(dash_duo):
    dash_duo.start_server(create_app())
    snap = data.snapshot()
    order = data.table_order(snap, snap.mask(FilterState()))
    total = len(order)
    assert total > 100  # more than one block of rows (the shipped data)
    note = f"document.querySelector('#{ids.TABLE_NOTE}')"
    until(
        dash_duo.driver,
        lambda: f"{total} matching" in (dash_duo.driver.execute_script(f"return {note} ? {note}.textContent : ''")),
        what="the table note",
        timeout=40,
    )
    first = until(dash_duo.driver, lambda: _rows(dash_duo), what="the first rows", timeout=40)
    assert first[0] == str(snap.projects["project_id"].iloc[order[0]])
    # a real mouse wheel over the grid, down to its last row: the grid asks for the second block
    x, y = _centre(dash_duo, f"#{ids.TABLE} .ag-body-viewport")
    _mouse(dash_duo, "mouseMoved", x, y)
    last_id = str(snap.projects["project_id"].iloc[order[-1]])

    def reached_the_end():
        _mouse(dash_duo, "mouseWheel", x, y, deltaX=0, deltaY=1500)
        return _rows(dash_duo).get(total - 1) == last_id

    until(dash_duo.driver, reached_the_end, what="the last row after scrolling", timeout=40)
    # a real click on the Title header sorts every match on the server (not only the rows already loaded)
    hx, hy = _centre(dash_duo, f"#{ids.TABLE} .ag-header-cell[col-id=title] .ag-header-cell-label")
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        _mouse(dash_duo, kind, hx, hy)
    titles = snap.projects["title"].astype(str).to_numpy()
    expected = (
        snap.projects["project_id"].astype(str).to_numpy()[np.argsort([t.casefold() for t in titles], kind="stable")]
    )
    until(dash_duo.driver, lambda: _rows(dash_duo).get(0) == expected[0], what="the table sorted by title", timeout=40)
    assert dash_duo.get_logs() == []
