"""Money is written one way everywhere."""

from __future__ import annotations

import math

import pytest

from geodata.analysis.formatting import usd


@pytest.mark.parametrize(
    ("value", "kwargs", "text"),
    [
        (None, {}, "—"),
        (math.nan, {"unknown": "n/a"}, "n/a"),
        (8_400, {}, "USD 8,400"),
        (950_000, {}, "USD 950k"),
        (1_530_000, {}, "USD 1.53m"),
        (5_000_000, {}, "USD 5m"),
        (21_540_000, {}, "USD 21.5m"),
        (1_530_000, {"exact": True}, "USD 1,530,000"),
        (2_400_000, {"unit": False}, "2.4m"),
    ],
)
def test_usd(value, kwargs, text):
    assert usd(value, **kwargs) == text
