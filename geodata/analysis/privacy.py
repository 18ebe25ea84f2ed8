"""Disclosure control: the one threshold below which counts about people are never shown.

The people behind this data are a vulnerable minority and a health complaint. Counts of people (reached,
targeted, per community) and health figures between 1 and 9 are replaced by "<10" wherever they are shown or
exported; zero stays zero (nothing to disclose) and unknown stays unknown.
"""

from __future__ import annotations

import math

import numpy as np
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


#: Project columns that count people (or households), suppressed in every output channel.
PEOPLE_COLUMNS: tuple[str, ...] = ("beneficiaries_targeted", "beneficiaries_reached", "households_reached")
#: Project column of "Community=count" pairs; each count is suppressed on its own.
COMMUNITY_COLUMN = "beneficiaries_by_community"
#: The rule in words, stamped on every export.
RULE = (
    f"Counts of people or households from 1 to {SUPPRESS_BELOW - 1} are shown as {SUPPRESSED_LABEL} "
    "(disclosure control: no small group can be singled out); 0 stays 0, unknown stays empty."
)


def suppress_pairs(text: object) -> str | None:
    """'Roma=33;Egyptian=4' -> 'Roma=33;Egyptian=<10' (each count through ``suppress_value``); None when empty."""
    if _unknown(text) or not str(text).strip():
        return None
    parts = []
    for item in str(text).split(";"):
        name, sep, count = item.partition("=")
        count = count.strip()
        if sep and count.replace(".", "", 1).isdigit():
            parts.append(f"{name.strip()}={suppress_value(float(count))}")
        else:
            parts.append(item.strip())
    return ";".join(parts)


def suppress_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose people columns (``PEOPLE_COLUMNS``, ``COMMUNITY_COLUMN``, where present) hold
    suppressed values: whole numbers, '<10', or None. The columns become object dtype."""
    out = frame.copy()
    for col in PEOPLE_COLUMNS:
        if col in out.columns:
            out[col] = pd.Series([suppress_value(v) for v in out[col]], index=out.index, dtype=object)
    if COMMUNITY_COLUMN in out.columns:
        out[COMMUNITY_COLUMN] = pd.Series(
            [suppress_pairs(v) for v in out[COMMUNITY_COLUMN]], index=out.index, dtype=object
        )
    return out


def suppressed_mask(counts: object) -> np.ndarray:
    """Per count (array-like), whether ``suppress`` shows it as '<10' (from 1 to 9; unknown and 0 are not)."""
    values = np.asarray(counts, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return (values > 0) & (values < SUPPRESS_BELOW)
