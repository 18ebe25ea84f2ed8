"""Typed-array patch encoding: the explorer's project points as plotly typed arrays (base64), so a filter
response carries only numbers. ``project_trace_arrays`` gives the per-trace numpy arrays, ``typed`` encodes
one, ``project_trace_specs`` encodes every project trace for a ``dash.Patch``."""

from __future__ import annotations

import base64

import numpy as np

from dashboard.data import TRACE_PER_SECTOR, Snapshot

_DTYPE = {"f4": "f4", "f8": "f8", "i1": "i1", "u1": "u1", "i2": "i2", "u2": "u2", "i4": "i4", "u4": "u4"}


def typed(values: np.ndarray) -> dict | list:
    """A numpy array as a plotly typed-array spec ({"dtype", "bdata"}: base64 of little-endian bytes), which
    plotly.js decodes into a typed array. Empty arrays become [] (nothing to decode)."""
    arr = np.ascontiguousarray(values)
    if arr.size == 0:
        return []
    code = arr.dtype.str[1:]
    if code not in _DTYPE or arr.dtype.byteorder == ">":
        raise TypeError(f"no plotly typed array for dtype {arr.dtype}")
    return {"dtype": _DTYPE[code], "bdata": base64.b64encode(arr.tobytes()).decode("ascii")}


def project_trace_arrays(snap: Snapshot, mask: np.ndarray) -> list[dict[str, np.ndarray]]:
    """For each project trace, in order, one marker per stack of projects at the same place (see
    ``Snapshot.drawn_points``): lat/lon (float32), size (uint8), customdata (int32 row position of the project
    the marker stands for) and, with one trace per level, color (uint8 sector codes)."""
    return [_trace_arrays(snap, drawn.shown) for drawn in snap.drawn_points(mask)]


def project_trace_specs(snap: Snapshot, mask: np.ndarray) -> list[dict[str, dict | list]]:
    """``project_trace_arrays`` as typed-array specs, ready for a patch. A trace whose points all pass the
    filter reuses the specs cached on the snapshot, and an empty one is ``[]``, so only partly filtered traces
    are gathered and encoded."""
    out = []
    for i, rows in enumerate(snap.group_rows):
        n_keep = int(np.count_nonzero(mask[rows]))
        if n_keep == 0:
            out.append({key: [] for key in _TRACE_KEYS})
            continue
        if n_keep == len(rows) and i in snap.full_trace_specs:
            out.append(snap.full_trace_specs[i])
            continue
        spec = {key: typed(v) for key, v in _trace_arrays(snap, snap.drawn(i, mask).shown).items()}
        if n_keep == len(rows):
            snap.full_trace_specs[i] = spec
        out.append(spec)
    return out


_TRACE_KEYS = ("lat", "lon", "size", "customdata") + (() if TRACE_PER_SECTOR else ("color",))


def _trace_arrays(snap: Snapshot, rows: np.ndarray) -> dict[str, np.ndarray]:
    out = {"lat": snap.lat[rows], "lon": snap.lon[rows], "size": snap.size[rows], "customdata": rows.astype(np.int32)}
    if not TRACE_PER_SECTOR:
        out["color"] = snap.sector_code[rows]
    return out
