"""A page's URL query, passed on to the query every page shares (``ids.FILTER_QUERY``: the navbar's links).

A page whose first view comes in its layout keeps its query in a store of its own (the explorer's
``ids.EXPLORER_QUERY``, the coverage page's ``ids.COVERAGE_QUERY``), set by the layout and then by its callback,
and this copies it out in the browser. Its callback must not write ``FILTER_QUERY`` itself: Dash's renderer calls
a new page's callback as the page appears, even with ``prevent_initial_call``, when one of its outputs lies
outside the page, and that is the round trip the first view in the layout saves.
"""

from __future__ import annotations

from dash import Input, Output, clientside_callback

from dashboard import ids

_PASS_ON = (
    "function (query) { return query === null || query === undefined ? window.dash_clientside.no_update : query; }"
)


def pass_on(store_id: str) -> None:
    """Register the copy of the page store ``store_id`` into ``FILTER_QUERY`` (at once as the page appears)."""
    clientside_callback(
        _PASS_ON,
        Output(ids.FILTER_QUERY, "data", allow_duplicate=True),
        Input(store_id, "data"),
        prevent_initial_call="initial_duplicate",
    )
