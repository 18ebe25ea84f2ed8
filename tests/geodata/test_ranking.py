"""geodata.analysis.ranking: which municipalities the committed-funding chart lists, and in what order; and the
suppression mask the figures take from geodata.analysis.privacy."""

from __future__ import annotations

import numpy as np
import pytest

from geodata.analysis.privacy import SUPPRESS_BELOW, suppress, suppressed_mask
from geodata.analysis.ranking import TOP_MUNICIPALITIES, top_municipalities


def _rank(codes, projects, committed, known, top=TOP_MUNICIPALITIES):
    return top_municipalities(codes, np.array(projects), np.array(committed, dtype=float), np.array(known), top)


def test_largest_committed_first_then_most_projects():
    codes = ["A", "B", "C", "D"]
    assert _rank(codes, [1, 3, 2, 5], [100.0, 500.0, 500.0, 50.0], [1, 3, 2, 5]) == [1, 2, 0, 3]


def test_unknown_amount_ranks_after_every_known_one_even_zero():
    codes = ["A", "B", "C"]
    # B's projects give no amount: it is not ranked as 0 above C's real 0, nor above A
    assert _rank(codes, [1, 4, 1], [10.0, 999.0, 0.0], [1, 0, 1]) == [0, 2, 1]


def test_without_projects_or_code_left_out():
    codes = ["A", "", "C"]
    assert _rank(codes, [0, 2, 1], [100.0, 100.0, 5.0], [0, 2, 1]) == [2]


def test_at_most_top_and_ties_keep_code_order():
    codes = [f"M{i}" for i in range(20)]
    ranked = _rank(codes, [1] * 20, [7.0] * 20, [1] * 20)
    assert ranked == list(range(TOP_MUNICIPALITIES))
    assert _rank(codes, [1] * 20, [7.0] * 20, [1] * 20, top=3) == [0, 1, 2]


def test_no_projects_no_rows():
    assert _rank([], [], [], []) == []


@pytest.mark.parametrize("count", [np.nan, 0, 1, 5, SUPPRESS_BELOW - 1, SUPPRESS_BELOW, 12_345])
def test_suppressed_mask_agrees_with_suppress(count):
    assert bool(suppressed_mask([count])[0]) == (suppress(count) == "<10")


def test_suppressed_mask_is_elementwise():
    assert suppressed_mask(np.array([0.0, 3.0, 10.0, np.nan, 9.5])).tolist() == [False, True, False, False, True]
