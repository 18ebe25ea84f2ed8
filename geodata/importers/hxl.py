"""HXL hashtags (https://hxlstandard.org): a CSV or sheet whose tag row starts
with '#'. Tags are matched to project fields here, over plain rows, rather than
through a library: the mapping is small and testable.

A tag is ``#base`` plus any number of ``+attributes`` in any order
(``#org +impl``, ``#value+usd+disbursed``). The most specific rule whose
attributes the tag carries wins.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"^#([a-z][a-z0-9_]*)((\s*\+\s*[a-z][a-z0-9_]*)*)\s*$", re.IGNORECASE)

#: (base, attributes the tag must carry, field); most specific first after sorting.
_RULES: tuple[tuple[str, frozenset[str], str | None], ...] = tuple(
    (base, frozenset(attrs), field)
    for base, attrs, field in (
        ("activity", {"id"}, "project_id"),
        ("activity", {"code"}, "project_id"),
        ("project", {"id"}, "project_id"),
        ("project", {"code"}, "project_id"),
        ("activity", {"description"}, "description"),
        ("project", {"description"}, "description"),
        ("activity", {"name"}, "title"),
        ("activity", set(), "title"),
        ("project", {"name"}, "title"),
        ("project", set(), "title"),
        ("description", set(), "description"),
        ("org", {"impl"}, "implementing_org"),
        ("org", {"implementer"}, "implementing_org"),
        ("org", {"funder"}, "funder"),
        ("org", {"donor"}, "funder"),
        ("org", {"funding"}, "funder"),
        ("org", set(), "implementing_org"),
        ("sector", {"list"}, "sectors"),
        ("sector", set(), "sector"),
        ("group", set(), "target_communities"),
        ("adm2", set(), "municipality"),
        ("adm1", set(), None),  # the region: not stored
        ("loc", set(), "site_id"),
        ("geo", {"lat"}, "lat"),
        ("geo", {"lon"}, "lon"),
        ("geo", {"crs"}, "crs"),
        ("geo", {"precision"}, "location_precision"),
        ("geo", {"uncertainty"}, "location_uncertainty_m"),
        ("geo", {"note"}, "location_note"),
        ("value", {"usd", "disbursed"}, "disbursed_usd"),
        ("value", {"usd", "spent"}, "disbursed_usd"),
        ("value", {"usd"}, "committed_usd"),
        ("value", {"disbursed"}, "disbursed"),
        ("value", {"spent"}, "disbursed"),
        ("value", {"expenditure"}, "disbursed"),
        ("value", set(), "committed"),
        ("currency", set(), "currency"),
        ("status", set(), "status"),
        ("date", {"start"}, "start_date"),
        ("date", {"end"}, "end_date"),
        ("date", set(), "start_date"),
        ("targeted", {"community"}, None),
        ("targeted", set(), "beneficiaries_targeted"),
        ("reached", {"community"}, "beneficiaries_by_community"),
        ("reached", {"households"}, "households_reached"),
        ("reached", set(), "beneficiaries_reached"),
        ("meta", {"sample"}, "is_sample"),
        ("meta", {"dataset"}, "dataset"),
        ("meta", {"source", "note"}, "source_note"),
        ("meta", {"fx"}, "fx_note"),
        ("meta", {"url"}, "sources"),
        ("meta", {"source"}, "sources"),
    )
)
_SORTED = sorted(_RULES, key=lambda r: -len(r[1]))

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


def parse_tag(cell: object) -> tuple[str, frozenset[str]] | None:
    """``('org', {'impl'})`` for '#org +impl'; None when the cell is not a hashtag."""
    if not isinstance(cell, str):
        return None
    m = _TAG.match(cell.strip())
    if not m:
        return None
    attrs = frozenset(a.strip().lower() for a in m.group(2).split("+") if a.strip())
    return m.group(1).lower(), attrs


def map_tag(cell: object) -> str | None:
    """The project field an HXL hashtag stands for, or None (not a tag, or a tag we do not store)."""
    parsed = parse_tag(cell)
    if parsed is None:
        return None
    base, attrs = parsed
    for rule_base, rule_attrs, field in _SORTED:
        if rule_base == base and rule_attrs <= attrs:
            return field
    return None


def is_tag_row(cells: list[object]) -> bool:
    """A hashtag row: at least one hashtag, and every non-empty cell is one."""
    filled = [c for c in cells if c is not None and str(c).strip() != ""]
    return bool(filled) and all(parse_tag(c) is not None for c in filled)
