"""HXL hashtags (https://hxlstandard.org, HXL 1.1): a CSV or sheet whose tag row starts with '#'.

Tags are parsed and matched with libhxl, the HXL Standard's reference library (``hxl.model.Column`` and
``TagPattern``), so "#org +impl", "#org+impl+name" and "#org+name+impl" are the same tag and a pattern such
as ``#org+impl-acronym`` means what the standard says. Each field has an ordered list of patterns; the
first pattern that matches a column not yet taken wins, so attribute precedence is right whatever the column
order: ``#org+impl``/``#org+name`` before ``+acronym``, ``#sector+name`` before ``+code``, ``#adm2+name``
before ``+code``; ``#date+start``/``+end`` are the only dates (never ``#date+month`` or a bare ``#date``,
which in a 3W is the reporting date). A legacy pre-1.0 tag (``#sector_name``) or an unknown tag is not
matched: the caller falls back to the column's text header.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hxl.model import Column, TagPattern

_NOT_NAMES = "-acronym-code-id-type-pcode"

#: field -> patterns, most wanted first. Fields are matched in this order.
FIELD_PATTERNS: dict[str, tuple[str, ...]] = {
    "project_id": ("#activity+id", "#activity+code", "#project+id", "#project+code"),
    "description": ("#activity+description", "#project+description", "#description"),
    "title": ("#activity+name", "#project+name", "#activity-id-code-description", "#project-id-code-description"),
    "funder": (
        "#org+funder+name", "#org+donor+name", "#org+funding+name",
        f"#org+funder{_NOT_NAMES}", f"#org+donor{_NOT_NAMES}", f"#org+funding{_NOT_NAMES}",
        "#org+funder", "#org+donor", "#org+funding",
    ),
    "implementing_org": (
        "#org+impl+name", "#org+implementer+name", f"#org+impl{_NOT_NAMES}", f"#org+implementer{_NOT_NAMES}",
        "#org+name-funder-donor-funding-prog", f"#org{_NOT_NAMES}-funder-donor-funding-prog",
        "#org+impl", "#org+implementer", "#org-funder-donor-funding-prog",
    ),
    "sectors": ("#sector+list",),
    "sector": ("#sector+name-list", f"#sector+cluster{_NOT_NAMES}", f"#sector{_NOT_NAMES}-list", "#sector-list"),
    "target_communities": ("#group+name", "#group-code-id"),
    "municipality": ("#adm2+name", f"#adm2{_NOT_NAMES}", "#adm2"),
    "site_id": ("#loc+name", f"#loc{_NOT_NAMES}", "#loc"),
    "lat": ("#geo+lat",),
    "lon": ("#geo+lon",),
    "crs": ("#geo+crs",),
    "location_precision": ("#geo+precision",),
    "location_uncertainty_m": ("#geo+uncertainty",),
    "location_note": ("#geo+note",),
    "disbursed_usd": ("#value+usd+disbursed", "#value+usd+spent", "#value+usd+expenditure"),
    "committed_usd": ("#value+usd-disbursed-spent-expenditure-pct",),
    "disbursed": ("#value+disbursed", "#value+spent", "#value+expenditure"),
    "committed": ("#value+committed", "#value+budget", "#value+funding", "#value-pct-disbursed-spent-expenditure"),
    "currency": ("#currency",),
    "status": ("#status",),
    "start_date": ("#date+start",),
    "end_date": ("#date+end",),
    "beneficiaries_by_community": ("#reached+community",),
    "households_reached": ("#reached+households",),
    "beneficiaries_reached": ("#reached+total", "#reached-community-households"),
    "beneficiaries_targeted": ("#targeted+total", "#targeted-community-households"),
    "is_sample": ("#meta+sample",),
    "dataset": ("#meta+dataset",),
    "source_note": ("#meta+source+note",),
    "fx_note": ("#meta+fx",),
    "sources": ("#meta+source+url", "#meta+url", "#meta+source-note"),
}  # fmt: skip


@functools.cache
def _patterns() -> tuple[tuple[str, tuple[TagPattern, ...]], ...]:
    from hxl.model import TagPattern  # libhxl loads when a file is read (0.2 s), not when the app starts

    return tuple((f, tuple(TagPattern.parse(p) for p in pats)) for f, pats in FIELD_PATTERNS.items())


def parse_column(cell: object) -> Column | None:
    """The libhxl column for a hashtag cell ("#org +impl"), or None when the cell is not a hashtag."""
    if not isinstance(cell, str) or not cell.strip().startswith("#"):
        return None
    from hxl.model import Column

    column = Column.parse(cell.strip())
    return column or None


def map_tags(cells: list[object]) -> dict[int, str]:
    """Column position -> field for a tag row: per field, its first pattern that matches a free column."""
    columns = {i: c for i, cell in enumerate(cells) if (c := parse_column(cell)) is not None}
    taken: dict[int, str] = {}
    for field, patterns in _patterns():
        for pattern in patterns:
            found = next((i for i, c in columns.items() if i not in taken and pattern.match(c)), None)
            if found is not None:
                taken[found] = field
                break
    return taken


def map_tag(cell: object) -> str | None:
    """The field one hashtag stands for on its own, or None."""
    return map_tags([cell]).get(0)


#: The tag each field is exported with (``export.py``); ``map_tag`` reads every one of them back.
EXPORT_TAGS: dict[str, str] = {
    "project_id": "#activity+id",
    "title": "#activity+name",
    "description": "#description",
    "sector": "#sector",
    "sectors": "#sector+list",
    "target_communities": "#group",
    "municipality": "#adm2+code",
    "site_id": "#loc+code",
    "location_precision": "#geo+precision",
    "location_uncertainty_m": "#geo+uncertainty",
    "location_note": "#geo+note",
    "implementing_org": "#org+impl",
    "funder": "#org+funder",
    "currency": "#currency",
    "committed": "#value+committed",
    "disbursed": "#value+disbursed",
    "committed_usd": "#value+committed+usd",
    "disbursed_usd": "#value+disbursed+usd",
    "fx_note": "#meta+fx",
    "start_date": "#date+start",
    "end_date": "#date+end",
    "status": "#status",
    "beneficiaries_targeted": "#targeted",
    "beneficiaries_reached": "#reached",
    "beneficiaries_by_community": "#reached+community",
    "households_reached": "#reached+households",
    "is_sample": "#meta+sample",
    "dataset": "#meta+dataset",
    "sources": "#meta+source+url",
    "source_note": "#meta+source+note",
    "lat": "#geo+lat",
    "lon": "#geo+lon",
}


def is_tag_row(cells: list[object]) -> bool:
    """A hashtag row: at least one hashtag, and every non-empty cell is one."""
    filled = [c for c in cells if c is not None and str(c).strip() != ""]
    return bool(filled) and all(parse_column(c) is not None for c in filled)
