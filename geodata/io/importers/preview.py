"""From a ``RawTable`` to a checked preview: ``build_preview`` normalises every row into the projects schema, places
it (coordinates in the file's CRS, else the camp or return site it names, else its municipality's anchor point),
and collects every problem with the row number the user sees. Nothing is written: ``ImportPreview.commit``
(``result``) does that, either the valid rows only or all rows or none.

The assembly only: the row checks are in ``checks``, the placing in ``placing``, the result in ``result``.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.analysis.privacy import PEOPLE_COLUMNS, SUPPRESSED_LABEL
from geodata.facts.layers import PRECISION_CODES, PROJECTS, STATUSES, WGS84
from geodata.facts.names import resolve_municipality
from geodata.facts.validate import Problem, cast_columns
from geodata.io.importers.base import RawTable
from geodata.io.importers.checks import (
    FLOAT_FIELDS,
    GENERATED_ID_PREFIX,
    GENERATED_IDS,
    INT_FIELDS,
    NO_STATUS,
    TEXT_FIELDS,
    _column,
    _convert_amounts,
    _dedupe,
    _drop_derived,
    _duplicate_ids,
    _generate_ids,
    _is_suppressed,
    _mapped,
    _municipality,
    _plain_problem,
    _restore_pairs,
    _restore_small,
    _sample_flag,
    _sector,
    _site,
    _status,
    _stored_people,
    _unsafe_cell,
    _validate_rows,
    generated_id,
)
from geodata.io.importers.mapping import (
    normalise_communities,
    normalise_id,
    normalise_status,
    parse_date,
    parse_int,
    per_value,
    text,
)
from geodata.io.importers.number_formats import DOT, read_number_column
from geodata.io.importers.placing import _place, _sites
from geodata.io.importers.result import ImportPreview, ImportRejected, plain_value
from geodata.io.load import load_layer

__all__ = [
    "GENERATED_IDS",
    "GENERATED_ID_PREFIX",
    "NO_STATUS",
    "ImportPreview",
    "ImportRejected",
    "build_preview",
    "generated_id",
    "plain_value",
]


def build_preview(
    table: RawTable,
    file_name: str,
    sha256: str,
    size_bytes: int,
    crs: str | None = None,
    currency: str | None = None,
    status: str | None = None,
) -> ImportPreview:
    """Normalise, place and check every row of ``table``. ``crs`` declares the CRS of coordinate columns when
    the file does not; ``currency`` the currency of amounts when the file does not; ``status`` the status of
    rows that give none (a person's statement, noted on each row: a status is never guessed).

    A file with no project id column (many 3W sheets) gets generated ids (``generated_id``: ``gen-`` and a hash
    of organisation, title, municipality and start date), the same for the same row in every import."""
    n = len(table.data)
    rows = list(table.rows)
    problems = list(table.problems)
    warnings = list(table.warnings)

    def add(i: int, name: str, value: object, why: str) -> None:
        problems.append(Problem(file_name, rows[i], name, value, why))

    # Cells that could run as formulas or hold personal data, in every imported column (once per distinct cell).
    for raw, name in table.mapping.items():
        if raw not in table.data.columns:
            continue
        cells = list(table.data[raw])
        for i, why in enumerate(per_value(cells, functools.partial(_unsafe_cell, name))):
            if why is not None:
                add(i, name, cells[i], why)

    out: dict[str, list] = {c: [None] * n for c in PROJECTS.columns}
    for name in TEXT_FIELDS:
        if _mapped(table, name):
            out[name] = per_value(_column(table, name), text)
    out["project_id"] = per_value(out["project_id"], normalise_id)
    for name in FLOAT_FIELDS:  # one decimal convention per column ("250.000" is 250,000 beside "2.000.000")
        cells = list(_column(table, name))
        reading = read_number_column(cells, default=DOT if table.format == "edit" else None)
        out[name] = reading.values
        for i, why in reading.cell_problems.items():
            add(i, name, cells[i], why)
    suppressed_in_file = any(
        _column(table, c).astype(str).str.contains(SUPPRESSED_LABEL, regex=False).any()
        for c in (*PEOPLE_COLUMNS, "beneficiaries_by_community")
    )
    stored = _stored_people(out["project_id"]) if suppressed_in_file else {}
    for name in INT_FIELDS:
        if not _mapped(table, name):
            continue
        cells = list(_column(table, name))
        suppressed = per_value(cells, _is_suppressed) if name in PEOPLE_COLUMNS else [False] * n
        for i, (value, ok) in enumerate(per_value(cells, parse_int)):
            if suppressed[i]:
                # a count our own exports suppressed: keep the stored small count, else it is unknown
                out[name][i] = _restore_small(stored.get(out["project_id"][i], {}).get(name))
                continue
            if not ok:
                add(i, name, cells[i], "is not a whole number")
            out[name][i] = value
    for i, v in enumerate(out["beneficiaries_by_community"]):
        if v and SUPPRESSED_LABEL in str(v):
            out["beneficiaries_by_community"][i] = _restore_pairs(
                str(v), stored.get(out["project_id"][i], {}).get("beneficiaries_by_community")
            )
    for name in ("start_date", "end_date"):
        if _mapped(table, name):  # unparseable text is kept: validate() reports it
            out[name] = [value for value, _ in per_value(_column(table, name), parse_date)]
    notes: list[list[str]] = [[] for _ in range(n)]  # what the file said that our vocabularies do not keep
    if _mapped(table, "status"):
        for i, (value, note) in enumerate(per_value(_column(table, "status"), _status)):
            out["status"][i] = value
            if note:
                notes[i].append(note)
    declared = normalise_status(status) if status else None
    if declared is not None:
        if declared not in STATUSES:
            raise ValueError(f"status {status!r} is not one of {', '.join(STATUSES)}")
        for i in range(n):
            if out["status"][i] is None:
                out["status"][i] = declared
                notes[i].append(f"status not given in the file; declared '{declared}' for such rows at import")
    if _mapped(table, "target_communities"):
        out["target_communities"] = per_value(_column(table, "target_communities"), normalise_communities)
    sector_col, sectors_col = list(_column(table, "sector")), list(_column(table, "sectors"))
    for i, (sector, sectors, note, whys) in enumerate(per_value(zip(sector_col, sectors_col, strict=True), _sector)):
        out["sector"][i], out["sectors"][i] = sector, sectors
        if note:
            notes[i].append(note)
        for why in whys:
            add(i, "sectors", sectors_col[i], why)

    _convert_amounts(table, out, rows, file_name, currency, add, warnings)

    # Sample flag and dataset: imported rows are real unless the file says otherwise.
    is_sample_col, dataset_col = list(_column(table, "is_sample")), list(_column(table, "dataset"))
    for i, (flag, ok) in enumerate(per_value(zip(is_sample_col, dataset_col, strict=True), _sample_flag)):
        if not ok:
            add(i, "is_sample", is_sample_col[i], "is not true or false")
        out["is_sample"][i] = flag
        out["dataset"][i] = "sample" if flag else "documented"

    for i, kept in enumerate(notes):
        if kept:
            out["source_note"][i] = "; ".join([out["source_note"][i], *kept] if out["source_note"][i] else kept)
    _duplicate_ids(out["project_id"], rows, add)

    default_sources = np.array([s is None for s in out["sources"]], dtype=bool)
    for i in np.flatnonzero(default_sources):
        out["sources"][i] = f"imported from {file_name}"

    # Municipality and site.
    sites = _sites()
    ambiguous: dict[int, object] = {}  # rows whose name fits several municipalities: settled by the row's point
    municipality_col = list(_column(table, "municipality"))
    for i, found in enumerate(per_value(municipality_col, _municipality)):
        if found is None:
            continue
        v = municipality_col[i]
        if found.status == "ambiguous":
            ambiguous[i] = v
        elif found.status == "unknown":
            add(i, "municipality", v, found.message)
            out["municipality"][i] = text(v)
        else:
            out["municipality"][i] = found.code
    site_col = list(_column(table, "site_id"))
    for i, site in enumerate(per_value(site_col, _site)):
        v = site_col[i]
        if site is False:
            continue
        if site is None:
            add(i, "site_id", v, f"unknown site (known: {', '.join(sites)})")
            out["site_id"][i] = text(v)
        else:
            out["site_id"][i] = site
            if out["municipality"][i] is None:
                out["municipality"][i] = sites[site][1]

    # Location.
    geometry = _place(table, out, rows, file_name, crs, problems, warnings, sites, frozenset(ambiguous))
    polygons = load_layer("municipalities") if ambiguous else None
    for i, v in ambiguous.items():
        found = resolve_municipality(text(v), point=geometry[i], polygons=polygons)
        out["municipality"][i] = found.code or text(v)
        if found.code is None:
            add(i, "municipality", v, found.message)
        else:
            warnings.append(Problem(file_name, rows[i], "municipality", v, found.message))
    for i, p in enumerate(out["location_precision"]):
        if p is not None and p not in PRECISION_CODES:
            add(
                i,
                "location_precision",
                p,
                f"is not an IATI precision code ({min(PRECISION_CODES)}-{max(PRECISION_CODES)})",
            )

    generated = not _mapped(table, "project_id") and n > 0
    if generated:
        _generate_ids(out, rows, add)
    no_status = not _mapped(table, "status") and declared is None
    if no_status:
        for i in range(n):
            add(i, "status", None, NO_STATUS)

    frame = gpd.GeoDataFrame(pd.DataFrame(out), geometry=geometry, crs=WGS84)
    problems += [  # what the generated ids and the missing status column already say
        p
        for p in _validate_rows(frame, rows, file_name, problems)
        if not (generated and p.field == "project_id" and p.why == "duplicate id")
        and not (no_status and p.field == "status" and "required" in p.why)
    ]
    try:
        frame = cast_columns(frame, PROJECTS)
    except (TypeError, ValueError):
        pass  # keep the uncast values for display; the problems already say what is wrong
    points = np.asarray(frame.geometry.values, dtype=object)
    frame["lat"] = shapely.get_y(points)  # NaN where a row has no point
    frame["lon"] = shapely.get_x(points)
    problems = [_plain_problem(p) for p in _dedupe(_drop_derived(problems, set(table.mapping.values())))]
    misplaced = {p.row for p in problems if p.field == "geometry"}
    problems = [  # a row that cannot be placed cannot name its municipality from the map either: say it once
        p for p in problems if not (p.row in misplaced and p.field == "municipality" and "required" in p.why)
    ]
    for name in PROJECTS.required - {"is_sample", "dataset", "sources", "location_precision"}:
        if name not in table.mapping.values() and n and not (name == "municipality" and table.geometry is not None):
            why = "no column for this required field"
            if name == "project_id":
                why = GENERATED_IDS
            elif name == "status" and declared is not None:
                why = f"no column for this required field; rows without one are '{declared}', as declared at import"
            warnings.append(Problem(file_name, None, name, None, why))
    return ImportPreview(
        file_name=file_name,
        sha256=sha256,
        size_bytes=size_bytes,
        format=table.format,
        row_label=table.row_label,
        frame=frame,
        rows=rows,
        problems=problems,
        warnings=warnings,
        mapping=dict(table.mapping),
        ignored=list(table.ignored),
        default_sources=default_sources,
    )
