"""Disclosure control: the one threshold below which counts about people are never shown.

The people behind this data are a vulnerable minority and a health complaint. Counts of people (reached,
targeted, per community) and health figures between 1 and 9 are replaced by "<10" wherever they are shown or
exported; zero stays zero (nothing to disclose) and unknown stays unknown.
"""

from __future__ import annotations

import math

import pandas as pd

#: Counts below this (and above zero) are never shown.
SUPPRESS_BELOW = 10
SUPPRESSED_LABEL = f"<{SUPPRESS_BELOW}"


def _unknown(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or bool(pd.isna(value))


def suppress(count: object) -> str:
    """A count for display: '—' when unknown, '<10' from 1 to 9, else with thousands separators."""
    if _unknown(count):
        return "—"
    v = float(count)
    return SUPPRESSED_LABEL if 0 < v < SUPPRESS_BELOW else f"{int(round(v)):,}"


def suppress_value(count: object) -> int | str | None:
    """A count for data outputs (JSON, CSV): None when unknown, '<10' from 1 to 9, else a whole number."""
    if _unknown(count):
        return None
    v = float(count)
    return SUPPRESSED_LABEL if 0 < v < SUPPRESS_BELOW else int(round(v))
