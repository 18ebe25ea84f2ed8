"""What an import would do, before anything is written: ``ImportPreview`` (built by ``preview.build_preview``).

It holds every row of the file in the projects schema (valid or not) with the row numbers the user sees, the
problems and warnings, and answers: which rows are valid, what committing them would add, update or leave
unchanged (``diff``), which valid rows would replace documented data and so need an explicit choice
(``held_back``), a grid for people (``table_records``), the report (``report_lines``, grouped by kind, and
``report_frame``, which ``geodata.io.tables.import_report_csv`` writes as CSV) and, last, ``commit``: the valid
rows only, or all rows or none.

A valid row that would replace a documented project (shipped, or imported with its own sources) or turn a
sample row into documented data is held back (``held_back``: file, row, field project_id, value, why) and
written only when the caller chooses ``commit(replace_documented=True)``; the log records it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.facts.layers import WGS84
from geodata.facts.validate import Problem
from geodata.io import store


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


def plain_value(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return int(value) if value.is_integer() else float(f"{value:.10g}")
    if isinstance(value, str | int | type(None)):
        return value
    return str(value)
