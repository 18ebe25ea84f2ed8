"""The polygons the explorer's choropleth leaves unshaded: matching projects lie in them but none reports the
chosen figure, so the value is unknown and is never drawn as 0. ``unreported_units`` marks them (``choropleth_z``
sets them to NaN) and ``unshaded_text`` is the map's note saying how many and which."""

from __future__ import annotations

import numpy as np

from dashboard.data import Snapshot

#: The snapshot's per-project flag saying whether a project reports the figure a metric shades by.
_KNOWN_FOR_METRIC = {
    "committed_usd": "committed_known",
    "usd_per_rae_resident": "committed_known",
    "disbursed_usd": "disbursed_known",
    "beneficiaries_reached": "reached_known",
}


#: What a polygon left unshaded does not report, per metric (as the charts' notes say it).
_UNREPORTED_FIGURE = {
    "committed_usd": "Committed amount",
    "usd_per_rae_resident": "Committed amount",
    "disbursed_usd": "Disbursed amount",
    "beneficiaries_reached": "People reached",
}
#: The note names at most this many polygons; beyond that it counts the rest.
_NAMED_UNITS = 4


def unreported_units(snap: Snapshot, mask: np.ndarray, metric: str) -> np.ndarray:
    """Per boundary unit: True where projects in ``mask`` lie in it but none reports ``metric``'s figure."""
    known = _KNOWN_FOR_METRIC.get(metric)
    k = len(snap.static.units)
    if known is None or not snap.n:
        return np.zeros(k, dtype=bool)
    projects = np.bincount(snap.unit_of_project, weights=mask.astype(np.float64), minlength=k + 1)[:-1]
    reported = np.bincount(snap.unit_of_project, weights=getattr(snap.kpi, known) & mask, minlength=k + 1)[:-1]
    return (projects > 0) & (reported == 0)


def unshaded_text(snap: Snapshot, mask: np.ndarray, metric: str) -> str:
    """The map's note on the polygons ``choropleth_z`` leaves undrawn because no matching project there reports
    the figure ("" when there are none): how many, and which."""
    flagged = np.flatnonzero(unreported_units(snap, mask, metric))
    if not len(flagged):
        return ""
    munis = snap.static.municipalities
    names = sorted(
        " and ".join(sorted(str(n) for n in munis.loc[munis["boundary_unit"] == snap.static.units[i], "name_en"]))
        for i in flagged
    )[:_NAMED_UNITS]
    more = len(flagged) - len(names)
    listed = ", ".join(names) + (f" and {more} more" if more else "")
    n = len(flagged)
    where = f"{n} municipality" if n == 1 else f"{n} municipalities"
    return (
        f"{_UNREPORTED_FIGURE[metric]} not reported for {where} with matching projects ({listed}): "
        "left unshaded, not drawn as 0."
    )
