"""Ranking municipalities for display: which ones a chart of committed funding lists, and in what order.

Pure numpy over the per-municipality aggregates (``geodata.analysis.kpis.Aggregates``): no figure, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: How many municipalities the "committed by municipality" chart lists.
TOP_MUNICIPALITIES = 12


def top_municipalities(
    codes: Sequence[str],
    projects: np.ndarray,
    committed: np.ndarray,
    committed_known: np.ndarray,
    top: int = TOP_MUNICIPALITIES,
) -> list[int]:
    """Positions (into ``codes``) of at most ``top`` municipalities with at least one project and a code, by
    committed USD (largest first), then by number of projects. A municipality whose projects give no committed
    amount (``committed_known`` 0) ranks after every one with a known amount: unknown is not ranked as zero,
    nor above a real amount. Ties keep the order of ``codes``."""
    projects = np.asarray(projects)
    ranked_committed = np.where(np.asarray(committed_known) > 0, np.asarray(committed, dtype=np.float64), -1.0)
    order = np.lexsort((-projects, -ranked_committed))
    return [int(i) for i in order if projects[i] > 0 and codes[i]][:top]
