"""The briefing's "Largest projects" table sorts only the rows that can be among the largest: the same rows, in
the same order, as sorting every matching project (amount high to low, ties by project id, unknown amounts last)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.exports import content


def _projects(amounts: list[float | None], ids: list[str]) -> pd.DataFrame:
    n = len(amounts)
    return pd.DataFrame(
        {
            "project_id": ids,
            "title": [f"Project {i}" for i in ids],
            "sector": ["health"] * n,
            "municipality": ["XK-MIT-N"] * n,
            "status": ["ongoing"] * n,
            "committed_usd": ["" if a is None else f"{a}" for a in amounts],  # text, as partner files give it
            "disbursed_usd": [None] * n,
            "is_sample": [True] * n,
            "start_date": ["2019-05-01"] * n,
            "end_date": [None] * n,
        }
    )


def _full_sort_titles(projects: pd.DataFrame, n: int) -> list[str]:
    ordered = projects.assign(_c=pd.to_numeric(projects["committed_usd"], errors="coerce")).sort_values(
        ["_c", "project_id"], ascending=[False, True], na_position="last", kind="stable"
    )
    return [str(t) for t in ordered["title"][:n]]


@settings(max_examples=200, deadline=None)
@given(
    amounts=st.lists(st.one_of(st.none(), st.sampled_from([0.0, 5.0, 5.0, 250_000.0, 1_800_000.5])), max_size=40),
    n=st.integers(min_value=0, max_value=12),
    data=st.data(),
)
def test_same_rows_and_order_as_sorting_every_project(amounts, n, data):
    ids = data.draw(st.permutations([f"P{i:03d}" for i in range(len(amounts))]))
    projects = _projects(amounts, list(ids))
    table = content.largest_projects(projects, n)
    assert [row[0] for row in table.rows] == _full_sort_titles(projects, n)


def test_ties_at_the_cut_are_ordered_by_project_id():
    projects = _projects([10.0, 7.0, 7.0, 7.0, None, 3.0], ["P5", "P4", "P2", "P3", "P0", "P1"])
    table = content.largest_projects(projects, 3)
    assert [row[0] for row in table.rows] == ["Project P5", "Project P2", "Project P3"]


def test_candidates_are_few_when_many_projects_give_an_amount():
    committed = np.arange(100_000, dtype=float)
    committed[::7] = np.nan
    assert int(content._top_candidates(committed, 10).sum()) == 10
