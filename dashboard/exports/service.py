"""The export service: one entry for every file the app writes for people to download or keep.

==================  =========================================  ===============================================
entry               what                                       called by
==================  =========================================  ===============================================
``explorer_csv``    the projects matching the explorer's       the explorer's "Download CSV"
                    filters, with the table's columns
``gap_csv``         the coverage gap table                     the coverage page's "Download gaps (CSV)"
``portfolio``       the portfolio: CSV, XLSX, GeoJSON, GPKG,   the Data page's export (editors),
                    HXL (``geodata.io.tables``)                ``python -m dashboard export --format csv``
``briefing``        PNG/SVG figures, PPTX deck, PDF            the briefing page's buttons,
                    (``dashboard.exports.briefing``)           ``python -m dashboard export --format pptx``
==================  =========================================  ===============================================

Every CSV goes through the one writer, ``geodata.io.tables.csv_bytes``: '#' provenance lines (filters, counts,
sources, the sample warning), the disclosure rule and the designation footnote (``geodata.facts.designation``),
counts of people from 1 to 9 as "<10" (``geodata.analysis.privacy``) and formula-like cells made inert
(``geodata.io.formula_escape``). ``exact=True`` keeps the exact counts: the web app offers it to signed-in
editors only and the server refuses it to anyone else (``dashboard.security.EDITOR_OUTPUTS``). Files written to
disk go through ``geodata.io.atomic``. No Dash import here: the pages wrap an ``ExportFile`` in a download.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.data import TABLE_COLUMNS, Snapshot, municipality_label, snapshot, table_frame
from dashboard.exports import briefing as B
from geodata.analysis import coverage as cov
from geodata.analysis.filters import FilterState, describe
from geodata.facts.layers import LAYERS, PRECISION_CODES
from geodata.io import tables
from geodata.io.atomic import write_bytes_atomic
from geodata.io.load import boundary_credit


@dataclass(frozen=True)
class ExportFile:
    """One exported file: its download name, media type and bytes."""

    name: str
    media_type: str
    data: bytes

    def text(self) -> str:
        """A CSV's text (without the byte-order mark)."""
        return self.data.decode("utf-8-sig")


CSV_TYPE = "text/csv"


# ---------------------------------------------------------------- explorer


#: The explorer CSV's columns: the table's, then the location precision and the sources.
EXPLORER_COLUMNS: dict[str, str] = {**TABLE_COLUMNS, "location_precision": "Location precision", "sources": "Sources"}


def explorer_lines(state: FilterState, count: int, has_sample: bool) -> list[str]:
    """What the explorer CSV's first lines say: the filters, the count, the sources and the sample warning."""
    spec = LAYERS["projects"]
    lines = [
        f"Trust Fund Atlas export: {describe(state)}. {count} projects.",
        f"Source: {spec.source}. Licence: {spec.license}. Each row's own sources are in the 'sources' column.",
        "Amounts in USD; an empty amount means no source gives it (it is not zero).",
        f"{boundary_credit()}.",
    ]
    if has_sample:
        lines.append("SAMPLE DATA: rows with dataset=sample are illustrative, generated, and not real projects.")
    return lines


def explorer_csv(state: FilterState, *, snap: Snapshot | None = None, exact: bool = False) -> ExportFile:
    """Every project matching ``state`` (what the explorer's table shows, without its row limit), with the
    table's columns plus location precision and sources, after the provenance lines."""
    snap = snap or snapshot()
    rows = np.flatnonzero(snap.mask(state))
    frame = table_frame(snap, rows, suppress=False)  # the writer applies the disclosure rule
    extra = snap.projects.iloc[rows]
    frame["location_precision"] = extra["location_precision"].map(
        lambda p: PRECISION_CODES.get(int(p), "") if pd.notna(p) else ""
    )
    frame["sources"] = extra["sources"]
    has_sample = bool(snap.kpi.is_sample[rows].any())
    lines = explorer_lines(state, len(rows), has_sample)
    data = tables.csv_bytes(frame, lines, headers=EXPLORER_COLUMNS, exact=exact)
    stamp = pd.Timestamp.now().strftime("%Y%m%d-%H%M")
    return ExportFile(f"trust-fund-atlas-projects-{stamp}.csv", CSV_TYPE, data)


# ---------------------------------------------------------------- coverage gaps


GAP_COLUMNS = {
    "level": "Level",
    "name": "Site or municipality",
    "kind": "Kind",
    "municipality_name": "Municipality",
    "sector": "Sector",
    "missing": "What is missing",
    "nearest_km": "Nearest point project (km)",
}


def gap_frame(result: cov.CoverageResult) -> pd.DataFrame:
    """The gap table (the coverage page's grid and CSV): one row per site or municipality without a sector."""
    g = result.gaps.copy()
    g["municipality_name"] = g["municipality"].map(lambda c: municipality_label(str(c)))
    g["nearest_km"] = g["nearest_km"].round(2)
    return g[list(GAP_COLUMNS)]


def gap_lines(result: cov.CoverageResult) -> list[str]:
    """What the gap CSV's first lines say: the filters, radius, rules and sample warning."""
    lines = [
        f"Trust Fund Atlas coverage gaps: {result.filters}; radius {result.radius_km:g} km.",
        f"Summary: {result.summary}",
        f"Allocation: {result.allocation_label}; {cov.LOCATION_RULE}.",
        "Site gaps count point projects (IATI location precision 1, 2 or 5) within the radius; "
        "municipality gaps count every project assigned to the municipality.",
        f"{boundary_credit()}.",
    ]
    if result.has_sample:
        lines.append(f"SAMPLE DATA: {result.n_sample} of the {result.n_projects} projects are illustrative, not real.")
    return lines


def gap_csv(result: cov.CoverageResult, *, exact: bool = False) -> ExportFile:
    """The coverage gap table as CSV, after the provenance lines."""
    data = tables.csv_bytes(gap_frame(result), gap_lines(result), headers=GAP_COLUMNS, exact=exact)
    return ExportFile("coverage-gaps.csv", CSV_TYPE, data)


# ---------------------------------------------------------------- portfolio


PORTFOLIO_FORMATS = tables.EXPORT_FORMATS


def portfolio(fmt: str, state: FilterState | None = None, *, exact: bool = False) -> ExportFile:
    """The portfolio (the store's, else the shipped layer) filtered by ``state``, as ``fmt`` with provenance."""
    data = tables.export_portfolio(fmt, state or FilterState(), exact=exact)
    return ExportFile(tables.file_name(fmt), tables.MEDIA_TYPES[fmt], data)


# ---------------------------------------------------------------- briefing


BRIEFING_FORMATS = B.FORMATS


def briefing(
    fmt: str,
    state: FilterState,
    *,
    names: Sequence[str] | None = None,
    metric: str = "committed_usd",
    progress: B.Progress | None = None,
    link: str = "",
) -> ExportFile:
    """The briefing for ``state`` as PNG/SVG (several figures in a zip), PPTX or PDF. Raises ``ExportError``."""
    name, data = B.briefing_bytes(state, fmt, names=names, metric=metric, progress=progress, link=link)
    return ExportFile(name, B.MEDIA_TYPES[name.rsplit(".", 1)[-1]], data)


#: Several PNG/SVG figures into a directory, or one file (see ``dashboard.exports.briefing.write_briefing``).
write_briefing = B.write_briefing


# ---------------------------------------------------------------- to disk


def write(file: ExportFile, out: Path | str) -> Path:
    """Write ``file`` to ``out`` atomically (a reader sees the old file or the whole new one); returns the path."""
    out = Path(out)
    write_bytes_atomic(out, file.data, mode=0o666)
    return out


__all__ = [
    "BRIEFING_FORMATS",
    "EXPLORER_COLUMNS",
    "GAP_COLUMNS",
    "PORTFOLIO_FORMATS",
    "ExportFile",
    "briefing",
    "explorer_csv",
    "gap_csv",
    "gap_frame",
    "portfolio",
    "write",
    "write_briefing",
]
