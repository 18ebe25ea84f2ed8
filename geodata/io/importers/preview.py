"""From a ``RawTable`` to a checked preview, and from a preview to the store.

``build_preview`` normalises every row into the projects schema, places it
(coordinates in the file's CRS, else the camp or return site it names, else
its municipality's anchor point), and collects every problem with the row
number the user sees. Nothing is written: ``ImportPreview.commit`` does that,
either the valid rows only or all rows or none.

A valid row that would replace a documented project (shipped, or imported with
its own sources) or turn a sample row into documented data is held back
(``held_back``: file, row, field project_id, value, why) and written only when
the caller chooses ``commit(replace_documented=True)``; the log records it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geodata.analysis.privacy import PEOPLE_COLUMNS, SUPPRESS_BELOW, SUPPRESSED_LABEL
from geodata.facts.layers import PRECISION_CODES, PROJECTS, SECTORS, STATUSES, WGS84
from geodata.facts.municipality_registry import BY_CODE
from geodata.facts.names import normalise, resolve_municipality
from geodata.facts.validate import LayerError, Problem, cast_columns, validate
from geodata.io import store
from geodata.io.files import kosovo_outline
from geodata.io.formula_escape import escape_formula
from geodata.io.importers.base import RawTable
from geodata.io.importers.mapping import (
    has_email,
    is_formula_like,
    match_site,
    normalise_communities,
    normalise_currency,
    normalise_id,
    normalise_sector,
    normalise_sectors,
    normalise_status,
    parse_bool,
    parse_date,
    parse_int,
    parse_number,
    per_value,
    sector_as_given,
    sector_problems,
    text,
    unsafe_link,
)
from geodata.io.importers.money import RateUnavailable, usd_rate
from geodata.io.importers.number_formats import DOT, read_number_column
from geodata.io.load import load_layer

TEXT_FIELDS = (
    "project_id",
    "title",
    "description",
    "location_note",
    "implementing_org",
    "funder",
    "fx_note",
    "beneficiaries_by_community",
    "sources",
    "source_note",
)
FLOAT_FIELDS = ("committed", "disbursed", "committed_usd", "disbursed_usd")
INT_FIELDS = (
    "location_precision",
    "location_uncertainty_m",
    "beneficiaries_targeted",
    "beneficiaries_reached",
    "households_reached",
)
#: Problems about where a row is: when one of these is reported, validate's geometry findings are redundant.
_LOCATION_FIELDS = {"lat", "lon", "crs", "geometry", "municipality", "site_id", "location_precision"}


class ImportRejected(store.StoreError):
    """The user asked for all rows or none, and some rows have problems (or there is nothing to write)."""


@dataclass
class ImportPreview:
    """A checked file, not yet written. ``frame`` holds every row (valid or not) in the projects schema,
    plus ``lat``/``lon``; ``rows`` are the row numbers the user sees."""

    file_name: str
    sha256: str
    size_bytes: int
    format: str
    row_label: str
    frame: gpd.GeoDataFrame
    rows: list[int]
    problems: list[Problem]
    warnings: list[Problem]
    mapping: dict[str, str]
    ignored: list[str]
    default_sources: np.ndarray
    _diff: dict | None = field(default=None, repr=False)
    _held: dict[str, str] | None = field(default=None, repr=False)
    _ids: dict[int, str | None] | None = field(default=None, repr=False)

    # ---- what is wrong
    @property
    def file_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.row is None]

    @property
    def invalid_rows(self) -> set[int]:
        return {p.row for p in self.problems if p.row is not None}

    @property
    def valid_mask(self) -> np.ndarray:
        if self.file_problems:
            return np.zeros(len(self.rows), dtype=bool)
        return ~np.isin(np.asarray(self.rows, dtype=np.int64), list(self.invalid_rows))

    @property
    def n_valid(self) -> int:
        return int(self.valid_mask.sum())

    @property
    def n_rejected(self) -> int:
        return len(self.rows) - self.n_valid

    @property
    def ok(self) -> bool:
        """Every row can be imported."""
        return not self.problems and len(self.rows) > 0

    def cell_problems(self) -> dict[tuple[int, str | None], list[str]]:
        """``(row number, field) -> reasons`` for highlighting cells in a preview table."""
        out: dict[tuple[int, str | None], list[str]] = {}
        for p in self.problems:
            if p.row is not None:
                out.setdefault((p.row, p.field), []).append(p.why)
        return out

    # ---- what would change
    def diff(self) -> dict[str, list[str]]:
        """Valid rows by what committing them would do: ``add``, ``update`` or ``unchanged``."""
        if self._diff is None:
            current = store.portfolio()
            keys = set(current["project_id"].astype(str).tolist())
            out: dict[str, list[str]] = {"add": [], "update": [], "unchanged": []}
            rows = current.set_index(current["project_id"].astype(str), drop=False)
            mask = self.valid_mask
            valid = self.frame[mask]
            pids = valid["project_id"].astype(str).tolist()
            for k, (pid, default) in enumerate(zip(pids, self.default_sources[mask], strict=True)):
                if pid not in keys:
                    out["add"].append(pid)
                    continue
                row = valid.iloc[k]  # only rows already stored are compared
                ignore = ("sources",) if default else ()
                same = store.row_key(rows.loc[pid], ignore) == store.row_key(row, ignore)
                out["unchanged" if same else "update"].append(pid)
            self._diff = out
            updates = self.frame[mask][self.frame[mask]["project_id"].astype(str).isin(out["update"])]
            self._held = store.guarded_changes(current, updates, list(updates["project_id"].astype(str)))
        return self._diff

    # ---- what needs an explicit choice
    @property
    def held_back(self) -> list[Problem]:
        """Valid rows that would replace a documented project or turn a sample row into documented data: not
        written unless ``commit(replace_documented=True)``. One entry per row (field project_id)."""
        self.diff()
        held = self._held or {}
        if not held:
            return []
        mask = self.valid_mask
        return [
            Problem(self.file_name, number, "project_id", pid, held[pid])
            for number, pid, ok in zip(self.rows, self.frame["project_id"].astype(str).tolist(), mask, strict=True)
            if ok and pid in held
        ]

    def writable_mask(self, replace_documented: bool = False) -> np.ndarray:
        """The rows a commit writes: the valid ones, less those held back unless ``replace_documented``."""
        mask = self.valid_mask.copy()
        held = [] if replace_documented else [p.row for p in self.held_back]
        if held:
            mask &= ~np.isin(np.asarray(self.rows, dtype=np.int64), held)
        return mask

    # ---- a table for people
    #: Columns of ``table_records`` after the row number and status, in order.
    TABLE_FIELDS: tuple[str, ...] = (
        "project_id", "title", "sector", "sectors", "target_communities", "municipality", "site_id", "lat", "lon",
        "location_precision", "status", "start_date", "end_date", "currency", "committed", "disbursed",
        "committed_usd", "disbursed_usd", "implementing_org", "funder", "beneficiaries_reached", "is_sample",
        "sources",
    )  # fmt: skip

    def table_records(self) -> list[dict]:
        """One record per row for a preview grid: ``row`` (as in the file), ``outcome`` (new, update, unchanged,
        rejected), the values, and ``_why_<field>`` (the reasons, joined) for every cell with a problem.
        Problems about the location mark lat/lon; problems with no shown field mark the row number."""
        diff = self.diff()
        outcome = {pid: kind for kind in ("add", "update", "unchanged") for pid in diff[kind]}
        labels = {"add": "new", "update": "update", "unchanged": "unchanged"}
        cells = self.cell_problems()
        for p in self.held_back:
            cells.setdefault((p.row, p.field), []).append(p.why)
        held = {p.row for p in self.held_back}
        shown = set(self.TABLE_FIELDS)
        valid = self.valid_mask
        records = []
        for i, number in enumerate(self.rows):
            r = self.frame.iloc[i]
            rec: dict = {"row": number}
            rec["outcome"] = labels[outcome[str(r["project_id"])]] if valid[i] else "rejected"
            if number in held:
                rec["outcome"] = "needs choice"
            for name in self.TABLE_FIELDS:
                v = r.get(name)
                rec[name] = None if v is None or (not isinstance(v, str) and pd.isna(v)) else _json_value(v)
            for (row, name), why in cells.items():
                if row != number:
                    continue
                targets = ["lat", "lon"] if name in ("geometry", "crs") else [name if name in shown else "row"]
                for target in targets:
                    key = f"_why_{target}"
                    text = "; ".join(why) if target != "row" or name is None else f"{name}: {'; '.join(why)}"
                    rec[key] = f"{rec[key]}; {text}" if key in rec else text
            records.append(rec)
        return records

    # ---- reports
    def report_frame(self) -> pd.DataFrame:
        records = [
            {
                "severity": sev,
                "file": p.file,
                "row": p.row,
                "field": p.field,
                "value": p.value,
                "why": p.why,
                "id": self.row_id(p.row),
            }
            for sev, group in (("error", self.problems), ("needs choice", self.held_back), ("warning", self.warnings))
            for p in group
        ]
        frame = pd.DataFrame(records, columns=["severity", "file", "row", "field", "value", "why", "id"])
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def report_csv(self) -> str:
        """The report as CSV; every cell is made inert for spreadsheets (a value may hold a formula)."""
        frame = self.report_frame().astype(object).map(escape_formula)
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False)
        return buffer.getvalue()

    def summary(self) -> str:
        d = self.diff()
        text = (
            f"{len(self.rows)} {self.row_label}(s): {self.n_valid} valid ({len(d['add'])} new, "
            f"{len(d['update'])} update(s), {len(d['unchanged'])} unchanged), {self.n_rejected} rejected"
        )
        if self.held_back:
            text += f"; {len(self.held_back)} update(s) would replace documented data: written only by explicit choice"
        return text

    def row_id(self, row: int | None) -> str | None:
        """The project id (IATI: the iati-identifier) of the row with this number, when it has one."""
        if row is None:
            return None
        if self._ids is None:
            self._ids = {r: (str(pid) if isinstance(pid, str) and pid else None) for r, pid in
                         zip(self.rows, self.frame["project_id"], strict=True)}  # fmt: skip
        return self._ids.get(row)

    def row_name(self, row: int | None) -> str:
        """ "activity 3 (XM-DAC-41114-1)", "line 7 (t-1)": the row as the file numbers it, and its id."""
        if row is None:
            return "the file"
        pid = self.row_id(row)
        return f"{self.row_label} {row}" + (f" ({pid})" if pid else "")

    def describe(self, p: Problem) -> str:
        """One problem in plain words: where (row and id), which field, why, and the value as written."""
        value = "" if p.value is None else f" (value {_quoted(p.value)})"
        field = f", {p.field}" if p.field else ""
        return f"{self.row_name(p.row)}{field}: {p.why}{value}"

    def grouped_problems(self, first: int = 3) -> list[dict]:
        """The problems by kind (same field, same reason once numbers are set aside), the largest group first:
        ``field``, ``why`` (the first one's), ``count`` (rows), ``first`` (the first few problems)."""
        groups: dict[tuple, dict] = {}
        for p in self.problems:
            kind = (p.field, re.sub(r"\d[\d,.]*|'[^']*'", "#", p.why.split(":")[0]))
            g = groups.setdefault(kind, {"field": p.field, "why": p.why, "rows": set(), "first": []})
            g["rows"].add(p.row)
            if len(g["first"]) < first:
                g["first"].append(p)
        out = [{**g, "count": len(g["rows"])} for g in groups.values()]
        for g in out:
            del g["rows"]
        return sorted(out, key=lambda g: -g["count"])

    def report_lines(self) -> list[str]:
        lines = [f"{self.file_name}: {self.format} file, SHA-256 {self.sha256[:16]}…"]
        lines.append(f"  rows are numbered as in the file ({self.row_label} numbers)")
        if self.mapping:
            shown = ", ".join(f"{raw!r} -> {f}" for raw, f in self.mapping.items() if raw != f)
            if shown:
                lines.append(f"  columns: {shown}")
        if self.ignored:
            lines.append(f"  ignored columns (not stored): {', '.join(self.ignored)}")
        lines.append("  " + self.summary())
        if self.problems:
            lines.append(f"  problems by kind ({len(self.problems)} in {len(self.invalid_rows)} {self.row_label}(s)):")
            for group in self.grouped_problems():
                first = "; ".join(
                    f"{self.row_name(p.row)}{'' if p.value is None else ' ' + _quoted(p.value)}" for p in group["first"]
                )
                lines.append(
                    f"    {group['count']} × {group['field'] or 'file'}: {group['why']}"
                    + (f" — first: {first}" if first else "")
                )
            lines.append(f"  problems by {self.row_label}:")
            lines += [f"    {self.describe(p)}" for p in self.problems]
        if self.held_back:
            lines.append(f"  need an explicit choice ({len(self.held_back)}):")
            lines += [f"    {p}" for p in self.held_back]
        if self.warnings:
            lines.append(f"  warnings ({len(self.warnings)}):")
            lines += [f"    {p}" for p in self.warnings]
        return lines

    # ---- writing
    def commit(
        self, valid_only: bool = True, user: str | None = None, replace_documented: bool = False
    ) -> store.CommitResult:
        """Write the valid rows (``valid_only``) or all rows or none; added and updated rows are keyed on
        project_id. Rows in ``held_back`` are written only with ``replace_documented`` (the choice is logged);
        otherwise the valid rows are written without them, and all-or-nothing writes nothing. Raises
        ``ImportRejected`` (nothing written) when there is nothing that may be written."""
        if self.file_problems:
            raise ImportRejected(
                f"{self.file_name}: not imported, the file has problems that affect every row: "
                + "; ".join(p.why for p in self.file_problems)
            )
        if not valid_only and self.problems:
            raise ImportRejected(
                f"{self.file_name}: not imported, {self.n_rejected} of {len(self.rows)} {self.row_label}(s) have "
                "problems and all-or-nothing was chosen. Fix them, or commit the valid rows only"
            )
        held = [] if replace_documented else self.held_back
        if not valid_only and held:
            raise ImportRejected(
                f"{self.file_name}: not imported, {len(held)} row(s) would replace documented data and "
                "all-or-nothing was chosen. Choose to replace them explicitly, or commit the other rows only"
            )
        mask = self.writable_mask(replace_documented)
        if not mask.any():
            if held:
                raise ImportRejected(
                    f"{self.file_name}: not imported, every valid row would replace documented data "
                    f"({', '.join(str(p.value) for p in held[:5])}{' …' if len(held) > 5 else ''}); "
                    "choose to replace them explicitly"
                )
            raise ImportRejected(f"{self.file_name}: not imported, no valid rows")
        rows = self.frame[mask].drop(columns=["lat", "lon"])
        return store.apply_changes(
            store.ChangeSet(
                rows=gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84),
                file_name=self.file_name,
                sha256=self.sha256,
                size_bytes=self.size_bytes,
                format=self.format,
                mode="valid rows only" if valid_only else "all rows",
                rows_rejected=self.n_rejected,
                user=user,
                default_sources=self.default_sources[mask],
                replace_documented=replace_documented,
            )
        )


def _quoted(value: object) -> str:
    value = plain_value(value)
    return f"'{value}'" if isinstance(value, str) else str(value)


def _json_value(v: object) -> object:
    if isinstance(v, np.generic):
        return v.item()
    return v


# ---------------------------------------------------------------- building a preview


def _stored_people(project_ids: list) -> dict[str, dict]:
    """The stored people figures of these projects (to restore counts an export suppressed as "<10")."""
    current = store.portfolio()  # the store's projects, else the shipped layer
    rows = current[current["project_id"].isin([p for p in project_ids if p])]
    cols = [c for c in (*PEOPLE_COLUMNS, "beneficiaries_by_community") if c in rows.columns]
    return {str(r["project_id"]): {c: r[c] for c in cols} for _, r in rows.iterrows()}


def _restore_small(value: object) -> int | None:
    """A stored count hidden by suppression (1-9) comes back; anything else is unknown (None)."""
    if value is None or pd.isna(value):
        return None
    return int(value) if 0 < float(value) < SUPPRESS_BELOW else None


def _restore_pairs(text: str, stored: object) -> str | None:
    """'Roma=33;Egyptian=<10' with the stored small counts put back; a pair with no stored count is dropped."""
    known = {}
    if isinstance(stored, str):
        for item in stored.split(";"):
            name, _, count = item.partition("=")
            known[name.strip()] = count.strip()
    parts = []
    for item in text.split(";"):
        name, _, count = item.partition("=")
        name, count = name.strip(), count.strip()
        if count == SUPPRESSED_LABEL:
            restored = known.get(name, "")
            if restored.isdigit() and 0 < int(restored) < SUPPRESS_BELOW:
                parts.append(f"{name}={restored}")
        elif item.strip():
            parts.append(item.strip())
    return ";".join(parts) or None


def _unsafe_cell(name: str, value: object) -> str | None:
    """Why a cell of field ``name`` is not imported as written (a formula, a link a browser runs, an e-mail
    address), or None."""
    if is_formula_like(value):
        return (
            "looks like a spreadsheet formula (=, @, or + or - before a function, cell reference or "
            "sum); remove the leading character or put a space after it"
        )
    if name == "sources" and (scheme := unsafe_link(value)):
        return (
            f"contains a {scheme}: link, which a browser would run or open as a document; "
            "give the source as a web address (https://…)"
        )
    if name in TEXT_FIELDS and name != "sources" and has_email(value):
        return "contains an e-mail address; personal data is not imported"
    return None


def _is_suppressed(value: object) -> bool:
    return str(value).strip() == SUPPRESSED_LABEL


def _status(value: object) -> tuple[str | None, str | None]:
    """Our status for a cell, and the note that keeps what the file said when our vocabulary loses it."""
    given = text(value)
    note = f"status as given: {given}" if given and normalise(given) in ("suspended", "6") else None
    return normalise_status(value), note


def _sector(cells: tuple[object, object]) -> tuple[str | None, str | None, str | None, list[str]]:
    """``(sector, sectors, note, problems)`` from a row's sector and sectors cells."""
    sector_cell, sectors_cell = cells
    sectors, main = normalise_sectors(sectors_cell)
    sector = normalise_sector(sector_cell) or main
    given = sector_as_given(sector_cell, sector)
    note = f"sector as given: {given}" if given and sector in SECTORS else None
    return sector, sectors or sector, note, sector_problems(sectors)


def _sample_flag(cells: tuple[object, object]) -> tuple[bool, bool]:
    """``(is_sample, ok)`` from a row's is_sample and dataset cells: imported rows are real unless the file says
    otherwise."""
    flag, ok = parse_bool(cells[0])
    if flag is None:
        flag = text(cells[1]) == "sample"
    return bool(flag), ok


def _municipality(value: object):  # noqa: ANN202 - names.Resolution or None
    s = text(value)
    return None if s is None else resolve_municipality(s)


def _site(value: object) -> str | None | bool:
    """The site id a cell names, None for an unknown site, False for a blank cell."""
    return False if text(value) is None else match_site(value)


def _mapped(table: RawTable, name: str) -> bool:
    """Some column of the file maps to ``name`` (else every row's value is None)."""
    return any(f == name and raw in table.data.columns for raw, f in table.mapping.items())


def _column(table: RawTable, name: str) -> pd.Series:
    for raw, f in table.mapping.items():
        if f == name and raw in table.data.columns:
            return table.data[raw]
    return pd.Series([None] * len(table.data), index=table.data.index, dtype=object)


def _anchors() -> dict[str, tuple[float, float]]:
    m = load_layer("municipalities")
    return {
        r["code"]: (float(r["anchor_lon"]), float(r["anchor_lat"]))
        for _, r in m.iterrows()
        if pd.notna(r["anchor_lon"]) and pd.notna(r["anchor_lat"])
    }


def _sites() -> dict[str, tuple[shapely.Point, str, object, str]]:
    camps = load_layer("camps")
    return {
        r["site_id"]: (r.geometry, r["municipality"], r["location_uncertainty_m"], r["name_en"])
        for _, r in camps.iterrows()
    }


def _municipalities_at(points: list[shapely.Point]) -> list[list[str]]:
    """For each point, the municipality codes whose drawn polygon covers it (several share a polygon)."""
    m = load_layer("municipalities")
    codes = list(m["code"])
    tree = shapely.STRtree(np.asarray(m.geometry.values, dtype=object))
    point_idx, polygon_idx = tree.query(np.asarray(points, dtype=object), predicate="covered_by")
    out: list[list[str]] = [[] for _ in points]
    for k in np.lexsort((polygon_idx, point_idx)):  # per point, in the layer's order
        out[point_idx[k]].append(codes[polygon_idx[k]])
    return out


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


def _convert_amounts(
    table: RawTable,
    out: dict[str, list],
    rows: list[int],
    file_name: str,
    currency: str | None,
    add,  # noqa: ANN001 - build_preview's reporter
    warnings: list[Problem],
) -> None:
    """Currency and USD amounts per row. Amounts in any ISO 4217 currency are converted at the ECB reference
    rate of the row's start date (IATI rows arrive converted per transaction, at each value date); USD
    amounts the file gives are kept as given. The rate, its date and source go into ``fx_note``; a rate that
    cannot be had is the row's problem (field currency), never a silent gap."""
    mapped = set(table.mapping.values())
    no_currency = False
    for i, v in enumerate(_column(table, "currency")):
        cur = normalise_currency(v) or (normalise_currency(currency) if currency else None)
        c, d = out["committed"][i], out["disbursed"][i]
        cu, du = out["committed_usd"][i], out["disbursed_usd"][i]
        if cur is None and (cu is not None or du is not None) and c is None and d is None:
            cur, c, d = "USD", cu, du
        if cur == "USD":
            cu = cu if cu is not None else c
            du = du if du is not None else d
            c = c if c is not None else cu
            d = d if d is not None else du
        elif cur is None and (c is not None or d is not None):
            no_currency = True
        elif cur is not None and ((c is not None and cu is None) or (d is not None and du is None)):
            try:
                rate = usd_rate(cur, out["start_date"][i], "start date")
            except RateUnavailable as exc:
                add(i, "currency", cur, f"amounts cannot be shown in USD: {exc}")
            else:
                cu = cu if cu is not None or c is None else round(c * rate.rate, 2)
                du = du if du is not None or d is None else round(d * rate.rate, 2)
                note = rate.note()
                out["fx_note"][i] = f"{out['fx_note'][i]}; {note}" if out["fx_note"][i] else note
        elif cur is not None and "fx_note" not in mapped and out["fx_note"][i] is None:
            out["fx_note"][i] = f"USD amounts as given in the file; {cur} amounts as given"
        out["currency"][i] = cur
        out["committed"][i], out["disbursed"][i] = c, d
        out["committed_usd"][i], out["disbursed_usd"][i] = cu, du
        if cu is not None and du is not None and du > cu + 0.005:
            add(i, "disbursed_usd", du, f"is above the committed amount ({cu:,.2f})".replace(".00)", ")"))
    if no_currency:
        warnings.append(
            Problem(
                file_name,
                None,
                "currency",
                None,
                "amounts have no currency: they are kept as given, with no USD value, and left out of USD "
                "totals. Add a currency column (an ISO 4217 code such as EUR, GBP, CHF) or choose the file's "
                "currency to show them in USD",
            )
        )


#: Generated ids start with this, so a person sees at once that the file gave none.
GENERATED_ID_PREFIX = "gen-"
GENERATED_FROM = ("implementing_org", "title", "municipality", "start_date")
GENERATED_IDS = (
    "no project id column: each row's id is generated (gen-…, a hash of organisation, title, municipality and "
    "start date), and the same row gets the same id in every import. Add a project id column to choose them"
)
NO_STATUS = (
    "is required (pipeline, ongoing, completed or cancelled) and the file has no status column; a status is "
    "never guessed. Add a status column, or declare the status of the file's rows at import"
)


def generated_id(implementing_org: object, title: object, municipality: object, start_date: object) -> str:
    """A stable id for a row of a file with no id column: ``gen-`` and 12 hex digits of the SHA-256 of the
    organisation, title, municipality (its code once resolved) and start date (ISO), case and spacing folded."""
    parts = ["" if v is None else " ".join(str(v).split()).casefold() for v in
             (implementing_org, title, municipality, start_date)]  # fmt: skip
    return GENERATED_ID_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


def _generate_ids(out: dict[str, list], rows: list[int], add) -> None:  # noqa: ANN001 - build_preview's reporter
    """Ids for a file with no id column; rows that give the same organisation, title, municipality and start
    date get the same id, and the second is reported (they are one project twice, or need ids)."""
    first: dict[str, int] = {}
    note = "project id generated from organisation, title, municipality and start date (no id column in the file)"
    for i in range(len(rows)):
        pid = generated_id(*(out[name][i] for name in GENERATED_FROM))
        out["project_id"][i] = pid
        out["source_note"][i] = f"{out['source_note'][i]}; {note}" if out["source_note"][i] else note
        if pid in first:
            add(
                i,
                "project_id",
                pid,
                f"is generated from the same organisation, title, municipality and start date as row "
                f"{rows[first[pid]]}: the same project twice, or give the rows project ids",
            )
        first.setdefault(pid, i)


def _duplicate_ids(ids: list[str | None], rows: list[int], add) -> None:  # noqa: ANN001
    """Ids that differ only in case (or in invisible characters, already removed) name one project twice."""
    first: dict[str, int] = {}
    for i, pid in enumerate(ids):
        if pid is None:
            continue
        key = pid.casefold()
        if key in first and ids[first[key]] != pid:
            add(
                i, "project_id", pid, f"is the same id as {ids[first[key]]} on row {rows[first[key]]} (ids ignore case)"
            )
        first.setdefault(key, i)


def _plain_problem(p: Problem) -> Problem:
    """A problem whose value reads as the file wrote it (no numpy or Python reprs)."""
    return Problem(p.file, p.row, p.field, plain_value(p.value), p.why)


def plain_value(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return int(value) if value.is_integer() else float(f"{value:.10g}")
    if isinstance(value, str | int | type(None)):
        return value
    return str(value)


def _place(
    table: RawTable,
    out: dict[str, list],
    rows: list[int],
    file_name: str,
    crs: str | None,
    problems: list[Problem],
    warnings: list[Problem],
    sites: dict,
    ambiguous: frozenset[int] = frozenset(),
) -> list[shapely.Geometry | None]:
    """A WGS 84 point per row, and the precision and note that say how it was found. Rows in ``ambiguous`` name
    a municipality that only their point can settle: they are not placed at an anchor."""
    n = len(rows)
    geometry: list[shapely.Geometry | None] = [None] * n
    lat_col, lon_col, crs_col = list(_column(table, "lat")), list(_column(table, "lon")), list(_column(table, "crs"))
    transformers: dict[str, Transformer | None] = {}

    def to_wgs84(i: int, x: float, y: float, source: str) -> shapely.Point | None:
        if source not in transformers:
            try:
                crs_obj = CRS.from_user_input(source)
                transformers[source] = (
                    None if crs_obj.equals(CRS(WGS84)) else Transformer.from_crs(crs_obj, WGS84, always_xy=True)
                )
            except CRSError:
                transformers[source] = False  # type: ignore[assignment]
        t = transformers[source]
        if t is False:
            problems.append(Problem(file_name, rows[i], "crs", source, "is not a CRS GDAL/PROJ knows"))
            return None
        if t is not None:
            x, y = t.transform(x, y)
        if not (np.isfinite(x) and np.isfinite(y)):
            problems.append(Problem(file_name, rows[i], "geometry", f"{x}, {y}", "cannot be reprojected"))
            return None
        return shapely.Point(x, y)

    from_file = [False] * n
    file_geometry = list(table.geometry) if table.geometry is not None else None
    lat_read, lon_read = per_value(lat_col, parse_number), per_value(lon_col, parse_number)
    for i in range(n):
        if file_geometry is None and lat_col[i] is None and lon_col[i] is None:
            continue  # no coordinates (most 3W rows): placed below
        if file_geometry is not None:
            g = file_geometry[i]
            if g is not None and not g.is_empty and not np.isfinite(shapely.get_coordinates(g)).all():
                g = None  # a point of NaN coordinates is no point: the row has no coordinates
            if g is not None and not g.is_empty:
                if g.geom_type == "MultiPoint" and len(g.geoms) == 1:
                    g = g.geoms[0]
                if g.geom_type != "Point":
                    problems.append(
                        Problem(file_name, rows[i], "geometry", g.geom_type, "projects are points; this is not one")
                    )
                    continue
                if table.crs is not None:
                    geometry[i] = to_wgs84(i, g.x, g.y, table.crs)
                from_file[i] = True
                continue
        lat_raw, lon_raw = lat_col[i], lon_col[i]
        (lat, lat_ok), (lon, lon_ok) = lat_read[i], lon_read[i]
        if not lat_ok:
            problems.append(Problem(file_name, rows[i], "lat", lat_raw, "is not a number"))
        if not lon_ok:
            problems.append(Problem(file_name, rows[i], "lon", lon_raw, "is not a number"))
        if not (lat_ok and lon_ok):
            continue
        if (lat is None) != (lon is None):
            missing = "lon" if lon is None else "lat"
            problems.append(Problem(file_name, rows[i], missing, None, "one coordinate is given without the other"))
            continue
        if lat is None:
            continue
        source = text(crs_col[i]) or crs or table.crs
        if source is None:
            if abs(lon) <= 180 and abs(lat) <= 90:
                source = WGS84
            else:
                problems.append(
                    Problem(
                        file_name,
                        rows[i],
                        "lat",
                        f"{lat}, {lon}",
                        "coordinates are not longitude/latitude; declare their CRS (a crs column such as "
                        "EPSG:32634, or --crs)",
                    )
                )
                continue
        geometry[i] = to_wgs84(i, lon, lat, source)
        from_file[i] = True

    # Rows with coordinates but no municipality: take it from the drawn polygon when only one municipality uses it.
    flagged = {p.row for p in problems if p.field == "municipality"}
    need_municipality = [
        i
        for i in range(n)
        if geometry[i] is not None and out["municipality"][i] is None and rows[i] not in flagged and i not in ambiguous
    ]
    if need_municipality:
        found = _municipalities_at([geometry[i] for i in need_municipality])
        for i, codes in zip(need_municipality, found, strict=True):
            if len(codes) == 1:
                out["municipality"][i] = codes[0]
                warnings.append(
                    Problem(
                        file_name, rows[i], "municipality", codes[0], "taken from the coordinates (not in the file)"
                    )
                )
            elif codes:
                names = ", ".join(BY_CODE[c].name_en for c in codes)
                problems.append(
                    Problem(
                        file_name,
                        rows[i],
                        "municipality",
                        None,
                        f"is required: the point lies where {names} share one drawn polygon, so name the municipality",
                    )
                )

    anchors = _anchors()
    at_anchor: list[int] = []  # rows placed at their municipality's anchor: their points are made at once
    misplaced = {p.row for p in problems if p.field in ("lat", "lon", "crs", "geometry")}
    for i in range(n):
        if from_file[i]:
            if geometry[i] is not None:
                if out["location_precision"][i] is None:
                    out["location_precision"][i] = 1
                if out["location_note"][i] is None:
                    out["location_note"][i] = "coordinates as given in the file"
            continue
        if rows[i] in misplaced:
            continue
        site = out["site_id"][i]
        if site in sites:
            point, _, uncertainty, name = sites[site]
            geometry[i] = point
            out["location_precision"][i] = out["location_precision"][i] or 2
            if out["location_uncertainty_m"][i] is None and pd.notna(uncertainty):
                out["location_uncertainty_m"][i] = int(uncertainty)
            out["location_note"][i] = out["location_note"][i] or (
                f"placed at the {name} point (see the camps layer): the file gives no coordinates"
            )
            continue
        code = out["municipality"][i]
        if code in anchors:
            at_anchor.append(i)
            out["location_precision"][i] = 3
            out["location_note"][i] = out["location_note"][i] or (
                f"placed at the {BY_CODE[code].name_en} municipality anchor: the file gives no coordinates"
            )
        elif code is None and i not in ambiguous:
            problems.append(
                Problem(
                    file_name,
                    rows[i],
                    "geometry",
                    None,
                    "no coordinates, and no known site or municipality to place the project at",
                )
            )
    if at_anchor:
        coords = np.array([anchors[out["municipality"][i]] for i in at_anchor], dtype=float)
        for i, point in zip(at_anchor, shapely.points(coords), strict=True):
            geometry[i] = point
    return geometry


def _validate_rows(frame: gpd.GeoDataFrame, rows: list[int], file_name: str, found: list[Problem]) -> list[Problem]:
    """The layer checks of ``geodata.validate`` (types, vocabularies, ranges, duplicates, dates, inside Kosovo),
    renumbered to the file's rows; findings already reported here are left out."""
    try:
        validate(
            frame.reset_index(drop=True),
            PROJECTS,
            file=file_name,
            outline=kosovo_outline(),
            municipalities=load_layer("municipalities"),
        )
    except LayerError as exc:
        located = {p.row for p in found if p.row is not None and p.field in _LOCATION_FIELDS}
        # a currency the rate lookup already named ("not an ISO 4217 currency code") needs no list of every code
        currency_named = {p.row for p in found if p.field == "currency"}
        out = []
        for p in exc.problems:
            row = rows[p.row - 1] if p.row is not None and 0 < p.row <= len(rows) else p.row
            if row in located and p.field in ("geometry", "location_precision"):
                continue
            if row in currency_named and p.field == "currency":
                continue
            why = p.why
            if why == "lies outside Kosovo":
                g = frame.geometry.iloc[p.row - 1]
                if shapely.covers(kosovo_outline(), shapely.Point(g.y, g.x)):
                    why = "lies outside Kosovo (latitude and longitude look swapped)"
            if p.why == "is required but empty":
                why = "is a required field but empty"
            out.append(Problem(p.file, row, p.field, p.value, why))
        return out
    return []


_DERIVED = {
    "committed_usd": "committed",
    "disbursed_usd": "disbursed",
    "committed": "committed_usd",
    "disbursed": "disbursed_usd",
}


def _drop_derived(problems: list[Problem], mapped: set[str]) -> list[Problem]:
    """An amount copied from its counterpart (USD amounts) repeats the counterpart's problem: report it once."""
    reported = {(p.row, p.field) for p in problems}
    return [
        p
        for p in problems
        if not (p.field in _DERIVED and p.field not in mapped and (p.row, _DERIVED[p.field]) in reported)
    ]


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple] = set()
    out = []
    for p in problems:
        key = (p.row, p.field, p.why)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.row is not None, p.row or 0))
