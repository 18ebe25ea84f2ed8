"""The row checks of an import: each takes the file's cells (or the rows being built) and answers values in the
projects schema or the reasons a cell is not imported, once per distinct value where it can (``per_value``).

Cell safety (formulas, links a browser runs, e-mail addresses), vocabularies (status, sector, sample flag),
counts our own exports suppressed as "<10" (restored from the store when it knows them), amounts in USD at the
ECB rate of the start date, ids (duplicates ignoring case; generated ids for files with none), and the layer
checks of ``geodata.facts.validate`` renumbered to the file's rows. ``preview.build_preview`` calls them in order.
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import pandas as pd
import shapely

from geodata.analysis.privacy import PEOPLE_COLUMNS, SUPPRESS_BELOW, SUPPRESSED_LABEL
from geodata.facts.layers import PROJECTS, SECTORS
from geodata.facts.names import normalise, resolve_municipality
from geodata.facts.validate import LayerError, Problem, validate
from geodata.io import store
from geodata.io.files import kosovo_outline
from geodata.io.importers.base import RawTable
from geodata.io.importers.mapping import (
    has_email,
    is_formula_like,
    match_site,
    normalise_currency,
    normalise_sector,
    normalise_sectors,
    normalise_status,
    parse_bool,
    sector_as_given,
    sector_problems,
    text,
    unsafe_link,
)
from geodata.io.importers.money import RateUnavailable, parse_iso_date, usd_rate
from geodata.io.importers.result import plain_value
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


def _start_date_reported(start: object) -> bool:
    """Whether validate() rejects this start date: empty though required, or text kept because it is no date."""
    if start is None:
        return "start_date" in PROJECTS.required
    return parse_iso_date(start) is None


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
        needs_rate = cur is not None and ((c is not None and cu is None) or (d is not None and du is None))
        start = out["start_date"][i]
        if cur is None and (cu is not None or du is not None) and c is None and d is None:
            cur, c, d = "USD", cu, du
        if cur == "USD":
            cu = cu if cu is not None else c
            du = du if du is not None else d
            c = c if c is not None else cu
            d = d if d is not None else du
        elif cur is None and (c is not None or d is not None):
            no_currency = True
        elif needs_rate and _start_date_reported(start):
            pass  # the rate is taken on the start date, which is the row's problem already: one cause, one message
        elif needs_rate:
            try:
                rate = usd_rate(cur, start, "start date")
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
