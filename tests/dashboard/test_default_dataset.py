"""The default dataset: both datasets until a real portfolio has been imported, then documented data only (the
sample is opt-in). A URL without ``dataset=`` opens the default; an explicit one is honoured; the explorer's
dataset control and "Clear filters" show the default."""

from __future__ import annotations

import sys
from contextvars import copy_context

import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from layout_support import find as _find

from dashboard import ids, map_points
from geodata.analysis.filters import FilterState
from geodata.io import store
from geodata.io.importers import preview_bytes

HEADER = "project_id,title,sector,target_communities,municipality,status,start_date,committed,currency"


def _import(*lines: str, name: str = "partner.csv") -> store.CommitResult:
    return preview_bytes((HEADER + "\n" + "\n".join(lines) + "\n").encode(), name).commit()


REAL = "real-1,Water connections,infrastructure,Roma,Leposavić,ongoing,2024-03,12000,USD"


@pytest.fixture(scope="module")
def explorer():
    from dashboard.app import create_app

    create_app()
    return sys.modules["pages.explorer"]


def test_without_an_imported_portfolio_the_default_is_both():
    assert store.default_dataset() == "all"
    store.ensure_store()  # the shipped portfolio in a store is not an imported one
    assert store.default_dataset() == "all"
    assert FilterState.from_query("").dataset == "all"
    assert FilterState().to_query() == ""


def test_an_imported_sample_file_does_not_change_the_default():
    data = (HEADER + ",is_sample\n" + REAL.replace("real-1", "s-1") + ",true\n").encode()
    preview_bytes(data, "sample.csv").commit()
    assert store.default_dataset() == "all"


def test_after_a_real_import_the_default_is_documented_and_the_url_can_still_ask_for_more():
    record = _import(REAL).record
    assert store.default_dataset() == "documented"
    assert FilterState.from_query("").dataset == "documented"
    assert FilterState.from_query({"sector": "health"}).dataset == "documented"
    assert FilterState.from_query("dataset=all").dataset == "all"
    assert FilterState.from_query("dataset=sample").dataset == "sample"
    assert FilterState.from_query("dataset=nonsense").dataset == "documented"
    # the URL of each view opens that view again
    for dataset in ("all", "sample", "documented"):
        state = FilterState(sectors=("health",), dataset=dataset)
        assert FilterState.from_query(state.to_query()) == state
    assert FilterState(dataset="documented").to_query() == ""
    assert FilterState(dataset="all").to_query() == "dataset=all"
    store.rollback(record.import_id)
    assert store.default_dataset() == "all"


def test_a_correction_of_a_shipped_project_is_no_imported_portfolio():
    store.edit_project("sample-000007", {"status": "completed"})
    store.edit_project("doc-2013-leposavic-closure", {"status": "completed"})
    assert store.default_dataset() == "all"


def test_the_explorer_opens_on_the_default_and_honours_the_url(explorer):
    control = _find(explorer.layout(), ids.DATASET)
    assert control.value == "all"
    _import(REAL)
    assert _find(explorer.layout(), ids.DATASET).value == "documented"
    assert _find(explorer.layout(dataset="all"), ids.DATASET).value == "all"
    assert _find(explorer.layout(dataset="sample"), ids.DATASET).value == "sample"
    # the map's drawn points for the default view are the documented ones
    assert map_points.drawn_state("all").dataset == "documented"


def test_clear_filters_returns_to_the_default_dataset(explorer):
    _import(REAL)

    def run():
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": f"{ids.CLEAR}.n_clicks", "value": 1}]))
        return explorer.apply_click(1, None, None, None, None, None, [])

    values = copy_context().run(run)
    assert values[explorer.CONTROL_KEYS.index("dataset")] == "documented"
