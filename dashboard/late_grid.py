"""A grid created late (``config.TABLE_LATE``): below the fold, an ag-grid is not created with the page but in its
slot, as the slot comes near the viewport, before the page prints, or once the page's maps have drawn and the page
has been quiet (``assets/table_in_view.js``). Creating the explorer's grid took 0.2-0.25 s of the first load's main
thread, in the middle of its map's first drawing (bench/README.md, seventeenth round).

``slot()`` is what the layout holds in the grid's place; ``register()`` wires the page's request for the grid to
the callback that creates it. A callback must not take inputs from the grid and from components outside it at once:
until the grid is created, Dash reports such an input as missing (so its clicks go through a store outside it)."""

from __future__ import annotations

import json
from collections.abc import Callable

from dash import Input, Output, callback, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

__all__ = ["register", "slot"]


def slot(slot_id: str, mount_id: str, height_px: int, what: str) -> list:
    """The grid's slot, at its height (nothing moves when it comes) and busy until then, and the store the page
    sets to true when it wants the grid."""
    return [
        html.Div(
            html.P(f"{what} is being prepared.", className="table-slot-note"),
            id=slot_id,
            className="table-slot",
            style={"minHeight": f"{height_px}px"},
            **{"aria-busy": "true"},
        ),
        dcc.Store(id=mount_id, data=False),
    ]


def register(slot_id: str, mount_id: str, make_grid: Callable[[], object]) -> None:
    """Create ``make_grid()`` in the slot once the page wants it (``tfaTableInView.mount``, or at once without it)."""
    clientside_callback(
        "function (slotId) { const t = window.tfaTableInView; return t ? t.mount(slotId, __STORE__) : true; }".replace(
            "__STORE__", json.dumps(mount_id)
        ),
        Output(mount_id, "data"),
        Input(slot_id, "id"),
    )

    @callback(
        Output(slot_id, "children"),
        Output(slot_id, "aria-busy"),
        Input(mount_id, "data"),
        prevent_initial_call=True,
    )
    def create_grid(wanted):
        if not wanted:
            raise PreventUpdate
        return make_grid(), "false"
