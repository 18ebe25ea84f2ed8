"""IATI activity XML 2.0x (https://iatistandard.org), parsed with defusedxml.

defusedxml refuses entity declarations and external references, so a file
cannot expand into gigabytes ("billion laughs") or make us read other files.
Each ``iati-activity`` becomes one row, numbered from 1 in file order:

* iati-identifier -> project_id; title, description (English narrative first);
* participating-org role 4 -> implementing_org, role 1 -> funder;
* activity-status 1..5 -> pipeline / ongoing / completed / cancelled;
* activity-date types 1-4 -> start_date / end_date (actual before planned);
* sector (DAC 3 or 5 digits, with percentages) -> sector and sectors;
* location: point/pos ("lat lon", CRS from srsName), exactness, name and
  administrative names -> coordinates, precision, site and municipality;
* transactions 2/11 (commitments) and 3/4 (disbursements, expenditure), else
  the sum of budgets -> committed / disbursed in the activity's currency;
* recipient-country must include XK when given; document-link urls -> sources;
* target communities: the RAE groups the title or description names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET
import pandas as pd

from geodata.importers.base import MAX_ROWS, RawTable, file_error
from geodata.importers.mapping import dac_sector, match_site, normalise_sectors, parse_number
from geodata.names import candidate_codes, match_municipality
from geodata.validate import Problem

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS = {"1": "pipeline", "2": "ongoing", "3": "ongoing", "4": "completed", "5": "cancelled"}
FIELDS = (
    "project_id",
    "title",
    "description",
    "sector",
    "sectors",
    "target_communities",
    "municipality",
    "site_id",
    "location_precision",
    "location_note",
    "implementing_org",
    "funder",
    "currency",
    "committed",
    "disbursed",
    "start_date",
    "end_date",
    "status",
    "sources",
    "lat",
    "lon",
    "crs",
)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if _local(c.tag) == name]


def _first(el: Element, name: str) -> Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _narrative(el: Element | None) -> str | None:
    if el is None:
        return None
    narratives = _children(el, "narrative")
    if not narratives:
        text = (el.text or "").strip()
        return text or None
    english = [n for n in narratives if (n.get(XML_LANG) or "en").lower().startswith("en")]
    for n in english + narratives:
        if (n.text or "").strip():
            return n.text.strip()
    return None


def _join(values: Iterable[str | None]) -> str | None:
    kept = list(dict.fromkeys(v for v in values if v))
    return "; ".join(kept) if kept else None


def _communities(*texts: str | None) -> str | None:
    blob = " ".join(t for t in texts if t)
    if re.search(r"\bRAE\b", blob):
        return "Roma;Ashkali;Egyptian"
    found = [c for c in ("Roma", "Ashkali", "Egyptian") if re.search(rf"\b{c}", blob, re.IGNORECASE)]
    return ";".join(found) or None


def _crs_from_srs(srs: str | None) -> str:
    if not srs:
        return "EPSG:4326"
    m = re.search(r"EPSG/0/(\d+)|EPSG::?(\d+)", srs, re.IGNORECASE)
    return f"EPSG:{m.group(1) or m.group(2)}" if m else srs


def _activity(act: Element, file: str, number: int, problems: list[Problem]) -> dict:
    row: dict[str, object] = dict.fromkeys(FIELDS)
    ident = _first(act, "iati-identifier")
    row["project_id"] = (ident.text or "").strip() or None if ident is not None else None
    row["title"] = _narrative(_first(act, "title"))
    descriptions = _children(act, "description")
    general = [d for d in descriptions if d.get("type", "1") == "1"] or descriptions
    row["description"] = _narrative(general[0]) if general else None
    orgs = _children(act, "participating-org")
    row["implementing_org"] = _join(_narrative(o) or o.get("ref") for o in orgs if o.get("role") == "4")
    row["funder"] = _join(_narrative(o) or o.get("ref") for o in orgs if o.get("role") == "1")
    status = _first(act, "activity-status")
    if status is not None:
        code = status.get("code", "")
        row["status"] = STATUS.get(code, f"IATI status {code}")
    dates = {d.get("type"): d.get("iso-date") for d in _children(act, "activity-date")}
    row["start_date"] = dates.get("2") or dates.get("1")
    row["end_date"] = dates.get("4") or dates.get("3")

    sectors = []
    for s in _children(act, "sector"):
        vocab, code = s.get("vocabulary", "1"), (s.get("code") or "").strip()
        name = dac_sector(code) if vocab in ("1", "2") else None
        if name is None:
            problems.append(
                Problem(file, number, "sector", code, f"sector code (vocabulary {vocab}) has no counterpart here")
            )
            continue
        pct = s.get("percentage")
        sectors.append(f"{name}:{pct}" if pct else name)
    if sectors:
        merged: dict[str, float] = {}
        for part in sectors:
            name, _, pct = part.partition(":")
            merged[name] = merged.get(name, 0.0) + (parse_number(pct)[0] or 0.0)
        spec = ";".join(f"{k}:{v:g}" if v else k for k, v in merged.items()) if len(merged) > 1 else next(iter(merged))
        row["sectors"], row["sector"] = normalise_sectors(spec)

    countries = [c.get("code", "").upper() for c in _children(act, "recipient-country")]
    if countries and "XK" not in countries:
        problems.append(Problem(file, number, "recipient-country", ", ".join(countries), "is not Kosovo (XK)"))

    locations = _children(act, "location")
    with_point = [loc for loc in locations if _first(loc, "point") is not None]
    location = with_point[0] if with_point else (locations[0] if locations else None)
    if location is not None:
        names = [_narrative(_first(location, "name"))] + [
            _narrative(a) or a.get("code") for a in _children(location, "administrative")
        ]
        for name in names:
            if name and row["site_id"] is None and match_site(name):
                row["site_id"] = match_site(name)
            if name and row["municipality"] is None and match_municipality(name):
                row["municipality"] = match_municipality(name)
        if row["municipality"] is None:  # a name only the point can settle ("Mitrovica"), else the admin-2 text
            admin = [a for a in _children(location, "administrative") if a.get("level") in ("2", None)]
            either = [name for name in names if name and len(candidate_codes(name)) > 1]
            if either:
                row["municipality"] = either[0]
            elif admin:
                row["municipality"] = _narrative(admin[0]) or admin[0].get("code")
        point = _first(location, "point")
        if point is not None:
            pos = _first(point, "pos")
            parts = (pos.text or "").split() if pos is not None else []
            if len(parts) == 2:
                row["lat"], row["lon"] = parts
                row["crs"] = _crs_from_srs(point.get("srsName"))
            else:
                problems.append(
                    Problem(file, number, "location", pos.text if pos is not None else None, "pos is not 'lat lon'")
                )
            exact = _first(location, "exactness")
            row["location_precision"] = 1 if exact is not None and exact.get("code") == "1" else 2
        row["location_note"] = _join(n for n in names if n)
        if len(locations) > 1:
            row["location_note"] = f"{row['location_note'] or ''} (first of {len(locations)} locations in the file)"

    default_currency = act.get("default-currency")
    committed, disbursed, currencies = 0.0, 0.0, set()
    has_commitment = has_disbursement = False
    for t in _children(act, "transaction"):
        kind = (_first(t, "transaction-type").get("code") if _first(t, "transaction-type") is not None else "") or ""
        value = _first(t, "value")
        if value is None:
            continue
        amount, ok = parse_number(value.text)
        if not ok or amount is None:
            problems.append(Problem(file, number, "transaction", value.text, "value is not a number"))
            continue
        if kind in ("2", "11"):
            committed += amount
            has_commitment = True
        elif kind in ("3", "4"):
            disbursed += amount
            has_disbursement = True
        else:
            continue
        currencies.add(value.get("currency") or default_currency)
    if not has_commitment:
        for b in _children(act, "budget"):
            value = _first(b, "value")
            amount, ok = parse_number(value.text if value is not None else None)
            if ok and amount is not None:
                committed += amount
                has_commitment = True
                currencies.add(value.get("currency") or default_currency)
            elif value is not None:
                problems.append(Problem(file, number, "budget", value.text, "value is not a number"))
    currencies.discard(None)
    if len(currencies) > 1:
        problems.append(Problem(file, number, "currency", ", ".join(sorted(currencies)), "mixes currencies"))
    row["currency"] = next(iter(currencies)) if len(currencies) == 1 else default_currency
    row["committed"] = committed if has_commitment else None
    row["disbursed"] = disbursed if has_disbursement else None
    row["target_communities"] = _communities(row["title"], row["description"])
    row["sources"] = _join(d.get("url") for d in _children(act, "document-link"))
    return row


def read_iati(data: bytes, file: str) -> RawTable:
    try:
        root = SafeET.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        raise file_error(
            file, f"uses XML entities or external references, which are refused for safety ({type(exc).__name__})"
        ) from None
    except (ParseError, ValueError) as exc:
        raise file_error(file, f"is not well-formed XML: {exc}") from None
    if _local(root.tag) == "iati-activity":
        activities = [root]
        version = root.get("version") or ""
    elif _local(root.tag) == "iati-activities":
        activities = _children(root, "iati-activity")
        version = root.get("version") or ""
    else:
        raise file_error(file, f"is XML but not IATI activities (root element <{_local(root.tag)}>)")
    if version and not version.startswith("2."):
        raise file_error(file, f"is IATI version {version}; only 2.0x activity files are read")
    if not activities:
        raise file_error(file, "has no iati-activity elements")
    if len(activities) > MAX_ROWS:
        raise file_error(file, f"has {len(activities)} activities; the most one import accepts is {MAX_ROWS}")
    problems: list[Problem] = []
    rows = [_activity(act, file, i, problems) for i, act in enumerate(activities, start=1)]
    data_frame = pd.DataFrame(rows, columns=list(FIELDS), dtype=object)
    warnings = [] if version else [Problem(file, None, "version", None, "no IATI version declared; read as 2.0x")]
    return RawTable(
        data=data_frame,
        rows=list(range(1, len(rows) + 1)),
        mapping={f: f for f in FIELDS},
        problems=problems,
        warnings=warnings,
        format="iati",
        row_label="activity",
    )
