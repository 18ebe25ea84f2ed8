"""IATI activity XML 2.01-2.03 (https://iatistandard.org/en/iati-standard/203/), parsed with defusedxml.

defusedxml refuses entity declarations and external references, so a file
cannot expand into gigabytes ("billion laughs") or make us read other files.
Each ``iati-activity`` becomes one row, numbered from 1 in file order; the
report names it by that number and its ``iati-identifier``. The rules:

* version: the activity's own ``version`` when it has one, else the file's;
  anything but 2.0x is reported for that activity;
* iati-identifier -> project_id (NFC, invisible characters removed); title,
  description (English narrative first);
* participating-org: funder = the funding orgs (role 1), else the extending
  orgs (3), else the reporting-org; implementing_org = the implementing orgs
  (4), else the accountable orgs (2). IATI 1.x role names are read too;
* activity-status (the whole ActivityStatus codelist, see
  ``mapping.IATI_STATUS``): 1 pipeline, 2 ongoing, 3 finalisation -> completed,
  4 completed, 5 cancelled, 6 suspended -> ongoing; 3 and 6 are kept in the
  row's source note;
* activity-date types 1-4 -> start_date / end_date (actual before planned);
* sector: DAC purpose codes (vocabulary 1, 5 digits) or else DAC categories
  (vocabulary 2, 3 digits), with percentages; other vocabularies only when
  there is no DAC sector. A DAC code outside our seven sectors is "other" and
  the source note keeps the code;
* recipient-country / recipient-region: the Kosovo (XK) percentage applies to
  every amount (the Kosovo share is what the dashboard counts; fx_note says
  so and gives the full commitment); no XK, or a share that cannot be known,
  is reported;
* transactions: committed = outgoing commitments (2), else incoming
  commitments (11), else incoming funds (1), else the budgets (revised before
  original); disbursed = disbursements (3) + expenditure (4); negative values
  net. Each amount is converted to USD at the ECB reference rate of its value
  date (``money.usd_rate``); fx_note records the rates;
* location: point/pos ("lat lon", CRS from srsName), exactness, name and
  administrative names or codes -> coordinates, precision, site and
  municipality (without a point, the municipality's anchor places it);
* document-link urls -> sources; target communities: the RAE groups the title
  or description names.

Why one module: one activity element is read into one row by rules that share
its helpers (narratives, org roles, percentages, value dates); split, each part
would need the others to make sense of an activity.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeET
import pandas as pd

from geodata.facts.layers import OTHER_SECTOR, SECTORS
from geodata.facts.names import candidate_codes, match_municipality
from geodata.facts.validate import Problem
from geodata.io.importers.base import MAX_ROWS, RawTable, file_error
from geodata.io.importers.mapping import (
    IATI_STATUS,
    dac_sector,
    match_site,
    normalise_id,
    normalise_sector,
    normalise_sectors,
    parse_number,
)
from geodata.io.importers.money import RateUnavailable, usd_rate
from geodata.io.importers.money import source as money_source

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
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
    "committed_usd",
    "disbursed_usd",
    "fx_note",
    "source_note",
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


#: Participating-org roles (IATI OrganisationRole codelist; IATI 1.x wrote the names).
ROLES = {"1": "funding", "2": "accountable", "3": "extending", "4": "implementing"}
#: Transaction types (IATI TransactionType codelist; 1.x letter codes mapped to their 2.0x numbers).
TRANSACTION_TYPES = {
    "1": "incoming funds", "2": "outgoing commitment", "3": "disbursement", "4": "expenditure",
    "11": "incoming commitment", "IF": "1", "C": "2", "D": "3", "E": "4",
}  # fmt: skip
#: DAC sector categories (vocabulary 2, the IATI SectorCategory codelist); a 5-digit DAC purpose code
#: (vocabulary 1) starts with one of them.
DAC_CATEGORIES = frozenset(
    "111 112 113 114 121 122 123 130 140 151 152 160 210 220 230 231 232 233 234 235 236 240 250 311 312 313 "
    "321 322 323 331 332 410 430 510 520 530 600 720 730 740 910 920 930 998".split()
)


def _role(org: Element) -> str | None:
    role = (org.get("role") or "").strip()
    return ROLES.get(role) or (role.lower() if role.lower() in ROLES.values() else None)


def _orgs(orgs: list[Element], role: str) -> str | None:
    return _join(_narrative(o) or o.get("ref") for o in orgs if _role(o) == role)


def _kosovo_share(act: Element, file: str, number: int, problems: list[Problem]) -> float | None:
    """The share of the activity's money that goes to Kosovo (1.0 for all of it), or None when unknown."""
    countries = {(c.get("code") or "").upper(): c.get("percentage") for c in _children(act, "recipient-country")}
    regions = [r.get("code") or "" for r in _children(act, "recipient-region")]
    if not countries:
        if regions:
            problems.append(
                Problem(
                    file,
                    number,
                    "recipient-region",
                    ", ".join(regions),
                    "names regions only, so the Kosovo share of its amounts is unknown: add recipient-country "
                    "XK with its percentage",
                )
            )
            return None
        return 1.0
    if "XK" not in countries:
        problems.append(Problem(file, number, "recipient-country", ", ".join(countries), "is not Kosovo (XK)"))
        return None
    pct = countries["XK"]
    if pct in (None, ""):
        if len(countries) + len(regions) > 1:
            problems.append(
                Problem(
                    file,
                    number,
                    "recipient-country",
                    ", ".join(countries),
                    "names several recipients but no percentage for Kosovo (XK): its share is unknown",
                )
            )
            return None
        return 1.0
    value, ok = parse_number(pct)
    if not ok or value is None or not 0 < value <= 100:
        problems.append(Problem(file, number, "recipient-country", pct, "XK percentage is not between 0 and 100"))
        return None
    return value / 100.0


def _sectors(act: Element, file: str, number: int, problems: list[Problem], notes: list[str]) -> str | None:
    """Our ``sectors`` from the DAC sectors (5-digit vocabulary 1 first, else 3-digit vocabulary 2), with
    percentages; other vocabularies count only when there is no DAC sector. A DAC code outside our seven is
    "other", and the note keeps the code."""
    by_vocab: dict[str, list[Element]] = {}
    for s in _children(act, "sector"):
        by_vocab.setdefault(s.get("vocabulary") or "1", []).append(s)
    dac = by_vocab.get("1") or by_vocab.get("2") or by_vocab.get("DAC") or by_vocab.get("DAC-3")
    parts: dict[str, float] = {}
    if dac:
        for s in dac:
            code = (s.get("code") or "").strip()
            if not re.fullmatch(r"\d{3}|\d{5}", code) or code[:3] not in DAC_CATEGORIES:
                problems.append(Problem(file, number, "sector", code, "is not a DAC sector code"))
                continue
            name = dac_sector(code) or OTHER_SECTOR
            pct = parse_number(s.get("percentage"))[0] if s.get("percentage") else None
            share = pct if pct is not None else 100.0 / len(dac)
            parts[name] = parts.get(name, 0.0) + share
            if name == OTHER_SECTOR:
                label = _narrative(s)
                notes.append(f"DAC sector {code}{' ' + label if label else ''} ({share:g}%) counted as other")
    else:
        for vocab, items in by_vocab.items():
            for s in items:
                name = normalise_sector(_narrative(s) or s.get("code"))
                if name in SECTORS:
                    parts[name] = parts.get(name, 0.0) + 100.0 / len(items)
                    notes.append(f"sector as given: {_narrative(s) or s.get('code')} (vocabulary {vocab})")
            if parts:
                break
        if by_vocab and not parts:
            codes = ", ".join(f"{s.get('code')} (vocabulary {v})" for v, items in by_vocab.items() for s in items)
            problems.append(Problem(file, number, "sector", codes, "has no DAC sector (vocabulary 1 or 2)"))
    if not parts:
        return None
    if len(parts) == 1:
        return next(iter(parts))
    return ";".join(f"{k}:{v:g}" for k, v in sorted(parts.items(), key=lambda kv: -kv[1]))


def _money(
    act: Element, file: str, number: int, problems: list[Problem], share: float | None, start: str | None
) -> dict[str, object]:
    """committed/disbursed (activity currency) and their USD values, each amount converted at its own value
    date. The stated rule: committed = outgoing commitments (type 2); when there are none, incoming
    commitments (11); else incoming funds (1); else the budgets (revised ones when given, else original).
    disbursed = disbursements (3) + expenditure (4). Negative values (reversals) net against their type.
    Every amount is multiplied by the Kosovo share."""
    default_currency = act.get("default-currency")
    by_type: dict[str, list[tuple[float, str | None, str | None]]] = {}
    for t in _children(act, "transaction"):
        kind_el = _first(t, "transaction-type")
        kind = (kind_el.get("code") if kind_el is not None else "") or ""
        kind = TRANSACTION_TYPES.get(kind, kind) if not kind.isdigit() else kind
        value = _first(t, "value")
        if value is None:
            continue
        amount, ok = parse_number(value.text)
        if not ok or amount is None:
            problems.append(Problem(file, number, "transaction", value.text, "value is not a number"))
            continue
        date_el = _first(t, "transaction-date")
        when = value.get("value-date") or (date_el.get("iso-date") if date_el is not None else None)
        by_type.setdefault(kind, []).append((amount, value.get("currency") or default_currency, when))
    budgets: dict[str, list[tuple[float, str | None, str | None]]] = {}
    for b in _children(act, "budget"):
        value = _first(b, "value")
        amount, ok = parse_number(value.text if value is not None else None)
        if ok and amount is not None:
            period = _first(b, "period-start")
            when = value.get("value-date") or (period.get("iso-date") if period is not None else None)
            budgets.setdefault(b.get("type") or "1", []).append(
                (amount, value.get("currency") or default_currency, when)
            )
        elif value is not None:
            problems.append(Problem(file, number, "budget", value.text, "value is not a number"))
    committed = by_type.get("2") or by_type.get("11") or by_type.get("1") or budgets.get("2") or budgets.get("1") or []
    disbursed = by_type.get("3", []) + by_type.get("4", [])
    out: dict[str, object] = {}
    currencies = {c for _, c, _ in committed + disbursed if c}
    if not currencies and (committed or disbursed):
        problems.append(Problem(file, number, "currency", None, "amounts have no currency (no default-currency)"))
        return out
    notes: list[str] = []
    rates: dict[str, list] = {}
    for field, items in (("committed", committed), ("disbursed", disbursed)):
        if not items:
            continue
        total, total_usd, failed = 0.0, 0.0, False
        for amount, cur, when in items:
            try:
                rate = usd_rate(cur or "", when or start, "value date" if when else "start date")
            except RateUnavailable as exc:
                problems.append(Problem(file, number, "currency", cur, f"amounts cannot be shown in USD: {exc}"))
                failed = True
                break
            rates.setdefault(rate.currency, []).append(rate)
            total += amount
            total_usd += amount * rate.rate
        if failed:
            return {}
        k = share if share is not None else 1.0
        out[field] = total * k if len(currencies) == 1 else None
        out[f"{field}_usd"] = round(total_usd * k, 2)
    if len(currencies) == 1:
        out["currency"] = next(iter(currencies))
    else:
        out["currency"] = "USD"
        out["committed"], out["disbursed"] = out.get("committed_usd"), out.get("disbursed_usd")
        notes.append(f"the activity mixes {', '.join(sorted(currencies))}: amounts are the sum of their USD values")
    for cur, used in rates.items():
        if cur == "USD":
            continue
        days = sorted({r.rate_date for r in used if r.rate_date})
        if len(used) == 1 or len(days) == 1:
            notes.append(used[0].note())
        else:
            notes.append(
                f"{cur}→USD at the ECB reference rate of each amount's value date ({len(used)} amounts, rates of "
                f"{days[0].isoformat()} to {days[-1].isoformat()}); {money_source()}"
            )
    if share is not None and share < 1.0:
        full = (out.get("committed") or 0) / share
        notes.append(
            f"amounts are the Kosovo share ({share * 100:g}%, the recipient-country percentage) of the "
            f"activity's; its full commitment is {full:,.0f} {out.get('currency') or ''}".rstrip()
        )
    out["fx_note"] = "; ".join(notes) or None
    return out


def _activity(act: Element, file: str, number: int, problems: list[Problem], file_version: str) -> dict:
    row: dict[str, object] = dict.fromkeys(FIELDS)
    notes: list[str] = []
    version = act.get("version") or file_version
    if version and not version.startswith("2.0"):
        problems.append(
            Problem(file, number, "version", version, "is not IATI 2.01-2.03; only 2.0x activities are read")
        )
    ident = _first(act, "iati-identifier")
    row["project_id"] = normalise_id(ident.text) if ident is not None else None
    row["title"] = _narrative(_first(act, "title"))
    descriptions = _children(act, "description")
    general = [d for d in descriptions if d.get("type", "1") == "1"] or descriptions
    row["description"] = _narrative(general[0]) if general else None
    orgs = _children(act, "participating-org")
    row["funder"] = _orgs(orgs, "funding") or _orgs(orgs, "extending")
    if row["funder"] is None:
        reporting = _first(act, "reporting-org")
        row["funder"] = (_narrative(reporting) or reporting.get("ref")) if reporting is not None else None
    row["implementing_org"] = _orgs(orgs, "implementing") or _orgs(orgs, "accountable")
    status = _first(act, "activity-status")
    if status is not None:
        code = (status.get("code") or "").strip()
        if code in IATI_STATUS:
            name, row["status"] = IATI_STATUS[code]
            if code in ("3", "6"):
                notes.append(f"IATI activity status {code} ({name}) counted as {row['status']}")
        else:
            row["status"] = f"IATI status {code}"
    dates = {d.get("type"): d.get("iso-date") for d in _children(act, "activity-date")}
    row["start_date"] = dates.get("2") or dates.get("1")
    row["end_date"] = dates.get("4") or dates.get("3")

    sectors = _sectors(act, file, number, problems, notes)
    if sectors:
        row["sectors"], row["sector"] = normalise_sectors(sectors)

    share = _kosovo_share(act, file, number, problems)

    locations = _children(act, "location")
    with_point = [loc for loc in locations if _first(loc, "point") is not None]
    location = with_point[0] if with_point else (locations[0] if locations else None)
    if location is not None:
        names = [_narrative(_first(location, "name"))] + [
            _narrative(a) or a.get("code") for a in _children(location, "administrative")
        ]
        names += [a.get("code") for a in _children(location, "administrative") if _narrative(a)]
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
            elif parts:
                problems.append(
                    Problem(file, number, "location", pos.text if pos is not None else None, "pos is not 'lat lon'")
                )
            exact = _first(location, "exactness")
            row["location_precision"] = 1 if exact is not None and exact.get("code") == "1" else 2
        row["location_note"] = _join(n for n in names if n)
        if len(locations) > 1:
            row["location_note"] = f"{row['location_note'] or ''} (first of {len(locations)} locations in the file)"

    row.update(_money(act, file, number, problems, share, row["start_date"]))
    row["target_communities"] = _communities(row["title"], row["description"])
    row["sources"] = _join(d.get("url") for d in _children(act, "document-link"))
    row["source_note"] = "; ".join(notes) or None
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
    rows = [_activity(act, file, i, problems, version) for i, act in enumerate(activities, start=1)]
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
