"""The explorer's project table: its columns, its row model (pages of rows on demand, or the whole capped list
with ``TFA_FAST=0``), the grid (created late, in its slot, with ``config.TABLE_LATE``) and the card that holds it
with the Download CSV button."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import config, ids, late_grid
from dashboard.data import TABLE_COLUMNS

#: Rows per block the table asks the server for (ag-grid's infinite row model), and blocks it keeps.
TABLE_BLOCK_ROWS = 100
TABLE_BLOCKS_KEPT = 10
TABLE_HEIGHT_PX = 420


def table_row_model() -> dict:
    """The grid's row model: pages of rows on demand (``config.FAST``), or the whole (capped) match list."""
    return {"rowModelType": "infinite"} if config.FAST else {"rowData": []}


def table_block_options() -> dict:
    if not config.FAST:
        return {}
    return {"cacheBlockSize": TABLE_BLOCK_ROWS, "maxBlocksInCache": TABLE_BLOCKS_KEPT, "infiniteInitialRowCount": 1}


def grid_columns() -> list[dict]:
    """The project table's columns."""
    return [
        {"field": "title", "headerName": TABLE_COLUMNS["title"], "flex": 3, "minWidth": 260, "tooltipField": "title"},
        {"field": "sector", "headerName": "Sector", "flex": 1.2, "minWidth": 130},
        {"field": "municipality_name", "headerName": "Municipality", "flex": 1.6, "minWidth": 170},
        {"field": "status", "headerName": "Status", "width": 110},
        {"field": "funder", "headerName": "Funder", "flex": 1.2, "minWidth": 140},
        {"field": "implementing_org", "headerName": "Implementing organisation", "flex": 1.4, "minWidth": 160},
        {
            "field": "committed_usd",
            "headerName": "Committed (USD)",
            "type": "numericColumn",
            "width": 150,
            "valueFormatter": {"function": "params.value == null ? '—' : d3.format(',.0f')(params.value)"},
        },
        {
            "field": "disbursed_usd",
            "headerName": "Disbursed (USD)",
            "type": "numericColumn",
            "width": 150,
            "valueFormatter": {"function": "params.value == null ? '—' : d3.format(',.0f')(params.value)"},
        },
        {"field": "start_date", "headerName": "Start", "width": 115},
        {"field": "end_date", "headerName": "End", "width": 115},
        {
            "field": "dataset",
            "headerName": "Dataset",
            "width": 120,
            "cellClassRules": {"cell-sample": "params.value == 'sample'"},
        },
    ]


def table_grid() -> dag.AgGrid:
    """The grid: pages of rows from the server (``config.FAST``), or the whole capped list."""
    return dag.AgGrid(
        id=ids.TABLE,
        columnDefs=grid_columns(),
        **table_row_model(),
        defaultColDef={"sortable": True, "resizable": True},
        getRowId="params.data.project_id",
        dashGridOptions={
            **table_block_options(),
            "rowSelection": {
                "mode": "singleRow",
                "checkboxes": False,
                "enableClickSelection": True,
            },
            "tooltipShowDelay": 300,
            "animateRows": False,
            # every column header in the DOM at any width, in reading order: a narrow grid otherwise draws its
            # header row before (or without) the cells a screen reader needs
            "suppressColumnVirtualisation": True,
            "ensureDomOrder": True,
        },
        className="ag-theme-alpine",
        style={"height": f"{TABLE_HEIGHT_PX}px", "width": "100%"},
    )


def table_card(note: str | None = None) -> html.Div:
    """The projects table (paged from the server) with its note (the number of matching projects, when the layout
    brings the first view) and the Download CSV button."""
    return html.Div(
        [
            html.Div(
                [
                    html.H2("Projects", className="h5 mb-0"),
                    html.Span(note, id=ids.TABLE_NOTE, className="table-note"),
                    dbc.Button(
                        "Download CSV",
                        id=ids.DOWNLOAD_BUTTON,
                        color="primary",
                        size="sm",
                        n_clicks=0,
                        className="ms-auto",
                    ),
                    dcc.Download(id=ids.DOWNLOAD),
                ],
                className="d-flex align-items-center gap-3 mb-2 flex-wrap",
            ),
            *(
                late_grid.slot(ids.TABLE_SLOT, ids.TABLE_MOUNT, TABLE_HEIGHT_PX, "The projects table")
                if config.TABLE_LATE
                else [table_grid()]
            ),
            # the grid's request for a block of rows, as assets/table_in_view.js passes it on (not None: a memory
            # store whose data is None reports a change when it mounts, which would call the server for nothing)
            dcc.Store(id=ids.TABLE_REQUEST, data={}),
            # the grid's clicks, passed on outside it: a callback must not listen to the grid and to components
            # outside it at once while the grid is not yet created (Dash reports a missing input)
            dcc.Store(id=ids.TABLE_CLICK, data={}),
        ],
        className="table-card",
    )
