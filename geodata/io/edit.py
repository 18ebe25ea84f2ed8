"""Correct one stored project: apply field changes to its row, check them like an import, write them as an edit.

``check_correction(project_id, values)`` runs the edited row through the importers' row checks
(``importers.preview.build_preview``: number and date parsing, vocabularies, municipality names, formula-like and
personal-data cells) and ``validate.validate`` (types, ranges, disbursed <= committed, end after start, inside
Kosovo). It writes nothing. ``save_correction`` writes only a correction with no problems, through
``store.edit_project`` (atomic, logged like an import, undone with ``store.rollback``); a refused save raises
``CorrectionRefused`` and leaves the store as it was.

Derived values follow the edit the way an import would derive them: USD amounts of a USD project follow its
amounts; amounts in another currency (any ISO 4217 code; the form's currency field) that change, or whose currency
changes, are converted again to USD at the ECB reference rate of the start date by the importers' code
(``importers.money``), with a new FX note; a code that is not ISO 4217, a currency the ECB does not quote or a start
date without a rate is a problem of the currency field;
a single-sector ``sectors`` follows ``sector``; a project drawn at its municipality's anchor moves to the new
municipality's anchor. The sample flag is not editable: a sample row stays sample.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.facts.layers import PROJECTS, WGS84
from geodata.facts.validate import Problem, plain
from geodata.io import store
from geodata.io.importers.base import RawTable
from geodata.io.importers.mapping import (
    match_site,
    normalise_currency,
    normalise_municipality,
    normalise_sector,
    parse_number,
)
from geodata.io.importers.preview import build_preview

#: The fields a correction may change, with the label people see.
EDITABLE: dict[str, str] = {
    "title": "Title",
    "sector": "Sector",
    "status": "Status",
    "municipality": "Municipality",
    "currency": "Currency",
    "committed": "Committed",
    "disbursed": "Disbursed",
    "start_date": "Start date",
    "end_date": "End date",
    "beneficiaries_targeted": "People targeted",
    "beneficiaries_reached": "People reached",
    "implementing_org": "Implementing organisation",
    "funder": "Funder",
    "sources": "Sources",
}
#: Precision code of a project drawn at its municipality's anchor point.
MUNICIPALITY_PRECISION = 3


class CorrectionRefused(store.StoreError):
    """A correction with problems (or made against an out-of-date row) was not written. Nothing changed."""

    def __init__(self, project_id: str, problems: list[Problem]):
        self.project_id = project_id
        self.problems = problems
        lines = "\n".join(f"  {describe(p)}" for p in problems)
        super().__init__(f"correction of {project_id} not saved; nothing was written:\n{lines}")


@dataclass(frozen=True)
class Correction:
    """A checked correction, not yet written. ``changes`` maps each changed column (and ``geometry`` when the
    point moves) to its new stored value; ``notes`` say which derived values followed the edit."""

    project_id: str
    before: pd.Series
    after: gpd.GeoDataFrame
    changes: dict[str, object]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """``(column, before, after)`` for every changed column (display values)."""
        return [(c, display_value(self.before.get(c)), display_value(v)) for c, v in self.changes.items()]


def describe(problem: Problem) -> str:
    """One problem for people: the field (label and column), the value, and why."""
    name = problem.field or "row"
    label = f"{EDITABLE[name]} ({name})" if name in EDITABLE else name
    v = problem.value
    shown = plain(v) if isinstance(v, int | float | np.integer | np.floating) else plain(display_value(v))
    value = "" if v is None else f" = {shown}"
    return f"{label}{value}: {problem.why}"


def display_value(value: object) -> object:
    """A stored value as a person would type it: '' for no value, whole floats without '.0'."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return ""
        return str(int(value)) if float(value).is_integer() else f"{float(value):.2f}".rstrip("0").rstrip(".")
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    if hasattr(value, "geom_type"):
        return f"{value.y:.5f}, {value.x:.5f}"
    return value


def row_token(row: pd.Series) -> str:
    """A token of one stored row's content (and the import that wrote it): a save made from a form filled
    with another token is refused, so a correction never overwrites a change it did not see."""
    return store.row_token(row)


def find(project_id: str, projects: gpd.GeoDataFrame | None = None) -> pd.Series:
    """The stored row of ``project_id`` (the store's portfolio, else the embedded one)."""
    projects = store.portfolio() if projects is None else projects
    match = projects[projects["project_id"].astype(str) == str(project_id)]
    if match.empty:
        raise store.StoreError(f"no project with id {project_id!r}")
    return match.iloc[0]


def form_values(row: pd.Series) -> dict[str, object]:
    """The editable fields of a stored row, as a form shows them."""
    return {name: display_value(row.get(name)) for name in EDITABLE}


def _raw(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and math.isnan(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _same(a: object, b: object) -> bool:
    return store._cell(a) == store._cell(b)


def check_correction(
    project_id: str, values: Mapping[str, object], projects: gpd.GeoDataFrame | None = None
) -> Correction:
    """Apply ``values`` (field -> text or value, as typed) to the project's stored row and check the result with
    the importers' row checks and the layer validation. Writes nothing."""
    before = find(project_id, projects)
    label = f"correction of {project_id}"
    problems: list[Problem] = [
        Problem(label, None, name, values[name], f"cannot be corrected here (editable: {', '.join(EDITABLE)})")
        for name in values
        if name not in EDITABLE
    ]
    values = {k: v for k, v in values.items() if k in EDITABLE}
    raw: dict[str, object] = {c: _raw(before.get(c)) for c in PROJECTS.columns}
    raw.update(values)
    raw["project_id"] = before["project_id"]
    notes: list[str] = []

    # Derived amounts: as an import derives them from the amounts and currency it is given.
    currency = normalise_currency(raw["currency"])
    amounts_changed = not _same(currency, before.get("currency")) or any(
        not _same(parse_number(raw[f])[0], before.get(f)) for f in ("committed", "disbursed")
    )
    derived: set[str] = set()
    if currency == "USD":
        derived = {"committed_usd", "disbursed_usd"}  # not given: the importer copies committed and disbursed
        if not _same(currency, before.get("currency")):
            raw["fx_note"] = None  # no conversion any more: the old rate's note would be false
    elif amounts_changed and any(pd.notna(before.get(f)) for f in ("committed_usd", "disbursed_usd")):
        derived = {"committed_usd", "disbursed_usd"}
        raw["fx_note"] = None
        notes.append(
            "The USD amounts and the FX note are recomputed: converted again at the ECB reference rate of the "
            "start date (an amount in a currency the ECB does not quote is reported instead)."
        )
    for name in derived:
        raw[name] = None

    # A single-sector list follows the main sector.
    if not _same(normalise_sector(raw["sector"]), before.get("sector")) and (
        pd.isna(before.get("sectors")) or _same(before.get("sectors"), before.get("sector"))
    ):
        raw["sectors"] = None

    # The point: kept, unless it is the old municipality's anchor and the municipality changed.
    geometry = before.geometry
    code, _ = normalise_municipality(raw["municipality"])
    if not _same(code, before.get("municipality")) and before.get("location_precision") == MUNICIPALITY_PRECISION:
        geometry = None
        if match_site(raw["site_id"]) is None:
            raw["site_id"] = None
        notes.append("The project is drawn at its municipality's anchor point, so the point moves with it.")

    table = RawTable(
        data=pd.DataFrame([raw], columns=list(PROJECTS.columns), dtype=object),
        rows=[1],
        mapping={c: c for c in PROJECTS.columns if c not in derived},
        geometry=gpd.GeoSeries([geometry], crs=WGS84),
        crs=WGS84,
        format="edit",
    )
    preview = build_preview(table, label, "", 0)
    problems += preview.problems
    if preview.default_sources[0]:  # the importer fills an empty source in with the file name; an edit may not
        problems.append(Problem(label, 1, "sources", None, "is a required field but empty"))
    notes += [describe(w) for w in preview.warnings]
    after = preview.frame.drop(columns=["lat", "lon"])
    changes: dict[str, object] = {}
    if not problems:
        new = after.iloc[0]
        changes = {c: _raw(new[c]) for c in PROJECTS.columns if not _same(new[c], before.get(c))}
        if store.row_key(new)[-1] != store.row_key(before)[-1]:
            changes["geometry"] = new.geometry
        if "is_sample" in changes or "dataset" in changes:  # never: the flag is passed through unchanged
            raise AssertionError(f"{label}: the sample flag would change")
    return Correction(str(project_id), before, after, changes, tuple(problems), tuple(notes))


def save_correction(
    project_id: str, values: Mapping[str, object], user: str | None = None, expected: str | None = None
) -> tuple[Correction, store.CommitResult]:
    """Check and write a correction. Raises ``CorrectionRefused`` (nothing written) when it has problems, or when
    ``expected`` (a ``row_token``) no longer matches the stored row. ``CommitResult.record`` is None when the
    values change nothing."""
    correction = check_correction(project_id, values)
    try:
        if expected is not None and row_token(correction.before) != expected:
            raise store.StaleEdit(str(project_id), *_last_change(str(project_id)))
        if not correction.ok:
            raise CorrectionRefused(project_id, list(correction.problems))
        if not correction.changes:
            return correction, store.CommitResult(None, unchanged=(str(project_id),))
        # the store checks ``expected`` again under its write lock: a concurrent save is refused, never lost
        return correction, store.edit_project(str(project_id), correction.changes, user=user, expected=expected)
    except store.StaleEdit as exc:
        raise CorrectionRefused(
            project_id, [Problem(f"correction of {project_id}", None, None, None, str(exc))]
        ) from None


def _last_change(project_id: str) -> tuple[str, str]:
    if not store.exists():
        return "", ""
    with store._locked() as state:
        return store.last_change(state, project_id)


__all__ = [
    "EDITABLE",
    "Correction",
    "CorrectionRefused",
    "check_correction",
    "describe",
    "display_value",
    "find",
    "form_values",
    "row_token",
    "save_correction",
]
