"""Disclosure control: one threshold, applied the same way for display and for data outputs."""

from __future__ import annotations

import math

import pytest

from geodata.analysis.privacy import SUPPRESS_BELOW, suppress, suppress_value


@pytest.mark.parametrize(
    ("count", "shown", "value"),
    [
        (None, "—", None),
        (math.nan, "—", None),
        (0, "0", 0),
        (1, "<10", "<10"),
        (9.4, "<10", "<10"),
        (10, "10", 10),
        (12_345.6, "12,346", 12_346),
    ],
)
def test_small_counts_are_suppressed_zero_and_unknown_are_not(count, shown, value):
    assert suppress(count) == shown
    assert suppress_value(count) == value


def test_threshold_is_ten():
    assert SUPPRESS_BELOW == 10
