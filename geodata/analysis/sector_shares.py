"""A project's sectors: its ``sectors`` field ("health:60;education:40", or names alone for equal shares) read as
shares of its money, for the aggregations (``sector_shares``, one row a project) and for people
(``sectors_in_words``: "Health 60%, Education 40%", as the explorer's table, its project panel and the CSV word it).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from geodata.facts.layers import SECTORS

_SHARE = re.compile(r"^\s*([^:]+?)\s*(?::\s*(\d+(?:\.\d+)?))?\s*$")


def sector_shares(sectors: pd.Series, primary: pd.Series) -> np.ndarray:
    """(n, len(SECTORS)) float32: each project's share of its money per sector; rows sum to 1
    (0 for a project with no known sector)."""
    out = np.zeros((len(sectors), len(SECTORS)), dtype=np.float32)
    text = sectors.fillna("").astype(str).to_numpy()
    prim = primary.fillna("").astype(str).to_numpy()
    single = {s: i for i, s in enumerate(SECTORS)}
    # Fast path: a single sector name (the common case) is one vectorised assignment.
    plain = np.array([t == "" or t in single for t in text])
    names = np.where(text == "", prim, text)
    for s, j in single.items():
        out[plain & (names == s), j] = 1.0
    for i in np.flatnonzero(~plain):
        for name, share in share_parts(text[i]):
            out[i, single[name]] += share
    return out


def share_parts(text: str) -> list[tuple[str, float]]:
    """One project's ``sectors`` field ("health:60;education:40", or names alone: equal shares) as (sector, share
    of its money) pairs summing to 1, in the field's order; a name that is not a sector is left out."""
    parts = [m.groups() for m in (_SHARE.match(p) for p in str(text).split(";")) if m]
    parts = [(name, float(w) if w else np.nan) for name, w in parts if name in SECTORS]
    if not parts:
        return []
    weights = np.array([w for _, w in parts], dtype=float)
    weights = np.where(np.isnan(weights), 1.0, weights) if np.isnan(weights).any() else weights
    total = weights.sum() or 1.0
    return [(name, float(w / total)) for (name, _), w in zip(parts, weights, strict=True)]


def sectors_in_words(text: object, sector: object = None) -> str:
    """A project's sectors as the page names them: "Health 60%, Education 40%" for shares, "Housing" for one
    sector; ``sector`` (the primary sector) when the ``sectors`` field names none."""
    shares = share_parts("" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text))
    if len(shares) > 1:
        return ", ".join(f"{name.capitalize()} {share:.0%}" for name, share in shares)
    if shares:
        return shares[0][0].capitalize()
    return "" if sector is None or (not isinstance(sector, str) and pd.isna(sector)) else str(sector).capitalize()
