"""The coverage page's first draw: one analysis when no sector or municipality is chosen, and views kept per
data version (a view drawn before is answered without analysing again)."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from dashboard import data
from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterState


@pytest.fixture(scope="module")
def page():
    from dashboard.app import create_app

    create_app()
    return sys.modules["pages.coverage"]


def _count_calls(monkeypatch) -> list:
    calls = []
    real = cov.coverage

    def counting(*args, **kwargs):
        calls.append(kwargs.get("axis_filters", True))
        return real(*args, **kwargs)

    monkeypatch.setattr(cov, "coverage", counting)
    return calls


def test_one_analysis_without_axis_filters_and_the_same_matrix(page, monkeypatch):
    snap = data.snapshot()
    calls = _count_calls(monkeypatch)
    full, filtered = page.analyse(snap, FilterState(), 5.0, cov.DEFAULT_ALLOCATION)
    assert len(calls) == 1 and full is filtered
    index, sites, _ = page.coverage_inputs(snap)
    separate = cov.coverage(index, sites, snap.static.municipalities, FilterState(), 5.0, axis_filters=False)
    pd.testing.assert_frame_equal(full.matrix, separate.matrix)
    pd.testing.assert_frame_equal(full.totals, separate.totals)
    calls.clear()
    full, filtered = page.analyse(snap, FilterState(sectors=("health",)), 5.0, cov.DEFAULT_ALLOCATION)
    assert sorted(calls) == [False, True] and full is not filtered  # a chosen sector: the matrix shows them all


def test_a_view_drawn_before_is_not_analysed_again(page, monkeypatch):
    snap = data.snapshot()
    calls = _count_calls(monkeypatch)
    first = page.coverage_view(snap, "sector=education", 3.0, cov.DEFAULT_ALLOCATION, "projects")
    n = len(calls)
    assert n >= 1
    again = page.coverage_view(snap, "sector=education", 3.0, cov.DEFAULT_ALLOCATION, "projects")
    assert again is first and len(calls) == n
    other = page.coverage_view(snap, "sector=education", 4.0, cov.DEFAULT_ALLOCATION, "projects")
    assert other is not first and len(calls) > n
    assert "radius 4 km" in str(other[4]) and "radius 3 km" in str(first[4])


def test_views_are_bounded_and_follow_the_data_version(page, monkeypatch):
    snap = data.snapshot()
    for radius in range(1, data.COVERAGE_VIEWS_KEPT + 5):
        page.coverage_view(snap, "", float(radius), cov.DEFAULT_ALLOCATION, "projects")
    assert len(data.coverage_views) <= data.COVERAGE_VIEWS_KEPT
    kept = page.coverage_view(snap, "", 1.5, cov.DEFAULT_ALLOCATION, "projects")
    other_version = data.build_snapshot(snap.projects.iloc[:20].copy(), snap.static)
    fresh = page.coverage_view(other_version, "", 1.5, cov.DEFAULT_ALLOCATION, "projects")
    assert fresh is not kept and len(data.coverage_views) == 1  # the old version's views are dropped


def test_warm_up_draws_the_default_view_before_the_first_visit(page, monkeypatch):
    from dashboard import warmup

    data.coverage_views.clear()
    warmup.warm_in_background(None).join(timeout=120)
    calls = _count_calls(monkeypatch)
    page.update_coverage(FilterState.from_query("").to_query(), cov.DEFAULT_RADIUS_KM, None, "projects")
    assert calls == []  # the first visit's view was drawn by the warm-up
