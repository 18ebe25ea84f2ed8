"""How amounts of money are written for people (UI, slides, command line): one place, one style."""

from __future__ import annotations

import math


def usd(value: float | None, unknown: str = "—", exact: bool = False, unit: bool = True) -> str:
    """'USD 21.5m', 'USD 1.25m', 'USD 950k', 'USD 8,400'; ``exact`` gives every dollar ('USD 1,530,000');
    ``unit=False`` drops the 'USD ' prefix (for table cells under a USD heading); ``unknown`` when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return unknown
    try:
        v = float(value)
    except (TypeError, ValueError):
        return unknown
    if math.isnan(v):
        return unknown
    if exact or abs(v) < 1e4:
        text = f"{v:,.0f}"
    elif abs(v) >= 1e7:
        text = f"{v / 1e6:,.1f}".removesuffix(".0") + "m"
    elif abs(v) >= 1e6:
        text = f"{v / 1e6:,.2f}".rstrip("0").rstrip(".") + "m"
    else:
        text = f"{v / 1e3:,.0f}k"
    return f"USD {text}" if unit else text
