"""Column mapping and value normalisation shared by every importer.

A partner's spreadsheet says "Latitude", "Budget" or "Komuna"; an HXL file says
``#geo+lat``; the projects layer says ``lat`` (for the point), ``committed``
and ``municipality``. This module turns the first two into the third, and turns
the values people write ("Active", "1.234,50", "Mitrovicë e Veriut",
"Roma, Ashkali and Egyptian") into the vocabularies of ``layers.PROJECTS``.

Every parser returns ``(value, ok)``: ``ok`` is False when the text could not be
read, and the caller reports the original text. Nothing here guesses silently.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TypeVar

import cyrtranslit
import numpy as np
import pandas as pd

from geodata.facts.layers import COMMUNITIES, OTHER_SECTOR, SECTORS
from geodata.facts.names import match_municipality, normalise
from geodata.io.formula_escape import escape_formula  # noqa: F401 - one rule for every file the app writes

T = TypeVar("T")

#: Canonical fields an importer can fill: the PROJECTS columns plus coordinates and their CRS.
COORDINATE_FIELDS = ("lat", "lon", "crs")

#: The one synonym table: every header a partner's sheet may use for a field, in English, French, Albanian and
#: Serbian (Latin; Cyrillic and diacritics are folded by ``header_key``), including the common OCHA 3W/4W/5W
#: template headers. Multi-line headers and punctuation fold to the same key ("Implementing\nPartner Name").
ALIASES: dict[str, tuple[str, ...]] = {
    "project_id": (
        "project_id",
        "id",
        "project_code",
        "code",
        "activity_id",
        "iati_identifier",
        "project_no",
        "project_number",
        "project_ref",
        "reference_id",
        "activity_code",
        "activity_identifier",
        "project_identifier",
        "code_projet",
        "id_projet",
        "identifiant",
        "code_activite",
        "kodi_i_projektit",
        "id_e_projektit",
        "kodi",
        "sifra_projekta",
        "sifra",
        "id_projekta",
    ),
    "title": (
        "title",
        "project",
        "project_title",
        "project_name",
        "name",
        "activity",
        "activity_title",
        "activity_name",
        "project_activity",
        "nom_activite",
        "nom_de_l_activite",
        "nom_du_projet",
        "nom_projet",
        "titre",
        "titre_du_projet",
        "intitule",
        "activite",
        "titulli",
        "titulli_i_projektit",
        "emri_i_projektit",
        "projekti",
        "aktiviteti",
        "naziv",
        "naziv_projekta",
        "naslov",
        "projekat",
        "aktivnost",
    ),
    "description": (
        "description",
        "summary",
        "details",
        "project_description",
        "activity_description",
        "description_de_l_activite",
        "description_activite",
        "pershkrimi",
        "opis",
        "opis_projekta",
    ),
    "sector": (
        "sector",
        "main_sector",
        "primary_sector",
        "cluster",
        "sector_cluster",
        "sector_name",
        "cluster_name",
        "secteur",
        "secteur_cluster",
        "sektori",
        "sektor",
    ),
    "sectors": ("sectors", "sector_shares", "sector_split"),
    "target_communities": (
        "target_communities",
        "communities",
        "community",
        "target_community",
        "target_groups",
        "target_group",
        "beneficiary_communities",
        "groupe_cible",
        "communaute",
        "communautes",
        "communaute_ciblee",
        "communautes_ciblees",
        "komuniteti_i_synuar",
        "komuniteti",
        "grupi_i_synuar",
        "zajednica",
        "ciljna_grupa",
    ),
    "municipality": (
        "municipality",
        "municipality_name",
        "municipality_code",
        "komuna",
        "opstina",
        "opstina_name",
        "commune",
        "adm2",
        "adm2_name",
        "admin2",
        "district",
        "district_name",
        "commune_name",
        "municipalite",
        "admin_2",
        "adm2_en",
        "adm2_pcode",
        "admin2_name",
        "komuna_emri",
        "emri_i_komunes",
        "opstina_naziv",
        "naziv_opstine",
        "location_municipality",
    ),
    "site_id": ("site_id", "site", "camp", "camp_id", "site_name"),
    "location_precision": ("location_precision", "precision", "geographic_precision", "location_precision_code"),
    "location_uncertainty_m": ("location_uncertainty_m", "uncertainty_m", "location_uncertainty"),
    "location_note": ("location_note", "location_description"),
    "implementing_org": (
        "implementing_org",
        "implementing_organisation",
        "implementing_organization",
        "implementer",
        "implementing_partner",
        "partner",
        "organisation",
        "organization",
        "org",
        "implementing_partner_name",
        "implementing_partners",
        "implementing_agency",
        "organization_name",
        "organisation_name",
        "org_name",
        "agency",
        "partenaire",
        "partenaire_de_mise_en_oeuvre",
        "partenaire_d_execution",
        "organisation_de_mise_en_oeuvre",
        "partneri_zbatues",
        "organizata",
        "organizata_zbatuese",
        "implementacioni_partner",
        "partner_za_implementaciju",
        "organizacija",
    ),
    "funder": (
        "funder",
        "donor",
        "funding_org",
        "funding_organisation",
        "funding_organization",
        "funded_by",
        "donor_name",
        "donors",
        "funding_source",
        "source_of_funding",
        "bailleur",
        "bailleur_de_fonds",
        "bailleurs",
        "donateur",
        "source_de_financement",
        "donatori",
        "donatorët",
        "financuesi",
        "donator",
        "finansijer",
        "izvor_finansiranja",
    ),
    "currency": ("currency", "ccy", "currency_code", "devise", "monnaie", "valuta", "monedha"),
    "committed": (
        "committed",
        "commitment",
        "budget",
        "amount",
        "value",
        "total_budget",
        "cost",
        "total_cost",
        "budget_amount",
        "total_amount",
        "funding_amount",
        "amount_committed",
        "montant",
        "montant_total",
        "budget_total",
        "buxheti",
        "shuma",
        "vlera",
        "budzet",
        "iznos",
        "vrednost",
    ),
    "disbursed": (
        "disbursed",
        "disbursement",
        "spent",
        "expenditure",
        "expended",
        "paid",
        "disbursed_amount",
        "amount_disbursed",
        "montant_decaisse",
        "decaisse",
        "depenses",
        "shpenzuar",
        "shuma_e_shpenzuar",
        "isplaceno",
        "utroseno",
    ),
    "committed_usd": ("committed_usd", "budget_usd", "amount_usd", "commitment_usd", "value_usd", "cost_usd"),
    "disbursed_usd": ("disbursed_usd", "spent_usd", "disbursement_usd", "expenditure_usd"),
    "fx_note": ("fx_note", "exchange_rate_note"),
    "start_date": (
        "start_date",
        "start",
        "date_start",
        "begin",
        "begin_date",
        "from",
        "planned_start",
        "actual_start",
        "date_debut",
        "date_de_debut",
        "debut",
        "start_date_planned",
        "data_e_fillimit",
        "fillimi",
        "datum_pocetka",
        "pocetak",
    ),
    "end_date": (
        "end_date",
        "end",
        "date_end",
        "finish",
        "finish_date",
        "to",
        "planned_end",
        "actual_end",
        "date_fin",
        "date_de_fin",
        "fin",
        "end_date_planned",
        "data_e_perfundimit",
        "perfundimi",
        "datum_zavrsetka",
        "zavrsetak",
        "kraj",
    ),
    "status": ("status", "activity_status", "state", "phase", "statut", "etat", "statusi", "stanje", "project_status"),
    "beneficiaries_targeted": (
        "beneficiaries_targeted",
        "targeted",
        "target_beneficiaries",
        "people_targeted",
        "beneficiaries_target",
        "beneficiaires_cibles",
        "personnes_ciblees",
        "perfitues_te_synuar",
        "ciljani_korisnici",
    ),
    "beneficiaries_reached": (
        "beneficiaries_reached",
        "reached",
        "beneficiaries",
        "people_reached",
        "total_beneficiaries",
        "beneficiaires",
        "beneficiaires_atteints",
        "personnes_atteintes",
        "perfituesit",
        "perfitues",
        "korisnici",
        "broj_korisnika",
    ),
    "beneficiaries_by_community": ("beneficiaries_by_community", "reached_by_community"),
    "households_reached": ("households_reached", "households"),
    "is_sample": ("is_sample", "sample"),
    "dataset": ("dataset",),
    "sources": ("sources", "source", "source_url", "source_urls", "url", "reference", "references", "link"),
    "source_note": ("source_note", "source_notes"),
    "lat": (
        "lat",
        "latitude",
        "y",
        "lat_dd",
        "gps_latitude",
        "northing",
        "y_coord",
        "geresia",
        "gjeresia",
        "geografska_sirina",
        "sirina",
    ),
    "lon": (
        "lon",
        "lng",
        "long",
        "longitude",
        "x",
        "lon_dd",
        "gps_longitude",
        "easting",
        "x_coord",
        "gjatesia",
        "geografska_duzina",
        "duzina",
    ),
    "crs": ("crs", "epsg", "srs", "coordinate_system", "spatial_reference"),
}

#: A shapefile (DBF) keeps 10 characters of a column name: our own names, cut short, still map.
for _field, _short in (
    ("target_communities", "target_com"),
    ("municipality", "municipali"),
    ("location_precision", "location_p"),
    ("location_uncertainty_m", "location_u"),
    ("location_note", "location_n"),
    ("implementing_org", "implementi"),
    ("households_reached", "households"),
    ("source_note", "source_not"),
):
    ALIASES[_field] = (*ALIASES[_field], _short)

#: Column names that look like personal data: never imported, and the report says so.
PERSONAL_COLUMNS = frozenset(
    {
        "beneficiary_name",
        "beneficiary",
        "first_name",
        "last_name",
        "surname",
        "full_name",
        "person",
        "email",
        "e_mail",
        "phone",
        "telephone",
        "mobile",
        "personal_id",
        "personal_number",
        "id_number",
        "date_of_birth",
        "dob",
        "birth_date",
        "address",
        "home_address",
    }
)


_HEADER_LETTERS = str.maketrans(
    {
        "đ": "dj",
        "Đ": "dj",
        "ð": "dj",
        "Ð": "dj",
        "ë": "e",
        "Ë": "e",
        "ç": "c",
        "Ç": "c",
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "ß": "ss",
    }
)


def header_key(name: object) -> str:
    """A header as a lookup key: lower case, ASCII (Serbian Cyrillic transliterated, diacritics dropped), words
    joined by '_' ("Opština", "OPSTINA" and "Општина" are all ``opstina``; line breaks are spaces)."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    if re.search(r"[\u0400-\u04ff]", text):
        text = cyrtranslit.to_latin(text, "sr")
    text = unicodedata.normalize("NFKD", text.translate(_HEADER_LETTERS)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


_ALIAS_INDEX = {header_key(a): field for field, names in ALIASES.items() for a in names}


def map_header(name: object) -> str | None:
    """The canonical field a column header stands for, or None."""
    return _ALIAS_INDEX.get(header_key(name))


def map_columns(headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """``(mapping raw -> field, ignored headers)``. When two headers map to one field, the first wins and the
    second is ignored (and listed)."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    ignored: list[str] = []
    for h in headers:
        field = map_header(h)
        if field is None or field in taken:
            ignored.append(h)
            continue
        mapping[h] = field
        taken.add(field)
    return mapping, ignored


def looks_personal(header: object) -> bool:
    return header_key(header) in PERSONAL_COLUMNS


# ---------------------------------------------------------------- cells


#: Cells that say "nothing here": read as empty, never as errors.
PLACEHOLDERS = frozenset({"-", "--", "---", "–", "—", "―", "n/a", "n.a.", "n.a", "na", "nan", "null", "..", "...", "…"})
_LONGEST_PLACEHOLDER = max(map(len, PLACEHOLDERS))


def is_blank(value: object) -> bool:
    """Empty, NaN, or a placeholder ("-", "n/a", "N/A", "—")."""
    if type(value) is str:  # most cells: no placeholder is longer than four characters
        s = value.strip()
        return not s or (len(s) <= _LONGEST_PLACEHOLDER and s.lower() in PLACEHOLDERS)
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating) and math.isnan(value):
        return True
    return isinstance(value, str) and (value.strip() == "" or value.strip().lower() in PLACEHOLDERS)


def per_value(values: Iterable[object], fn: Callable[[object], T]) -> list[T]:
    """``[fn(v) for v in values]``, with ``fn`` called once per distinct value: a column of 50,000 cells holds
    a few hundred distinct ones. Values are told apart by type and value (1, 1.0 and True stay apart);
    unhashable values (a list in a GeoJSON property) are computed each time. ``fn`` must be pure."""
    if isinstance(values, pd.Series):
        cells = values.to_numpy(dtype=object)
    else:
        values = values if isinstance(values, list | np.ndarray) else list(values)
        cells = np.fromiter(values, dtype=object, count=len(values))  # tuples and lists stay single cells
    if len(cells) > 64 and pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty"):
        # text and blanks only (a CSV column): the distinct texts are found in C, blanks go the slow way
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        results = np.empty(len(uniques) + 1, dtype=object)
        results[:-1] = [fn(u) for u in uniques]
        out = results[codes].tolist()  # code -1 (a blank) takes the last slot, filled below
        blank = np.flatnonzero(codes < 0)
        for i, r in zip(blank, _per_value(cells[blank], fn), strict=True):
            out[i] = r
        return out
    return _per_value(cells, fn)


def _per_value(values: Iterable[object], fn: Callable[[object], T]) -> list[T]:
    cache: dict[tuple[type, object], T] = {}
    out: list[T] = []
    append = out.append
    for v in values:
        key = (type(v), v)
        try:
            r = cache[key]
        except KeyError:
            r = cache[key] = fn(v)
        except TypeError:
            r = fn(v)
        append(r)
    return out


def text(value: object) -> str | None:
    """A cell as stripped text, or None when blank."""
    if type(value) is str:
        s = value.strip()
        return None if not s or (len(s) <= _LONGEST_PLACEHOLDER and s.lower() in PLACEHOLDERS) else s
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_PLAIN_NUMBER = re.compile(r"^[+-]?\s*\d[\d\s.,']*$")
#: What follows a leading + or - in a cell a spreadsheet evaluates: a function call (SUM(, cmd|), a cell
#: reference (A1, $B$2, Sheet1!A1) or arithmetic on numbers ("2+3"). Prose ("- Renforcer les capacités")
#: and plain numbers ("-1500", "+383 44 123 456") are none of these.
_EXPRESSION = re.compile(
    r"""^[+-]\s*(?:
        [A-Za-z_][\w.]*\s*[(|!]                        # a function call, DDE (cmd|'...') or sheet reference
      | \$?[A-Za-z]{1,3}\$?\d+\b(?!\s+[A-Za-zÀ-ÿ]{2})   # a cell reference not followed by words
      | [\d.,]+\s*[-+*/^&]\s*[\d(A-Za-z$]              # arithmetic
      | \(                                             # a parenthesised expression
    )""",
    re.VERBOSE,
)


def is_formula_like(value: object) -> bool:
    """A cell a spreadsheet would run as a formula: "=" or "@" first, or "+"/"-" followed by a function,
    a cell reference or arithmetic; leading spaces, tabs and line breaks do not hide it, nor do full-width
    forms ("＝"). A text that starts with "-" or "+" and reads as prose or a number is not one."""
    if not isinstance(value, str) or not value:
        return False
    s = unicodedata.normalize("NFKC", value).lstrip(" \t\r\n\u00a0\u3000")
    if not s:
        return False
    if s[0] == "=":
        return True
    if s[0] == "@":
        return bool(re.match(r"@\s*[A-Za-z_][\w.]*\s*\(", s))
    if s[0] in "+-":
        return not _PLAIN_NUMBER.match(s) and bool(_EXPRESSION.match(s))
    return False


#: Link schemes that run code or carry a whole document when a browser opens them; a source must be an address.
UNSAFE_SCHEMES = ("javascript", "vbscript", "data")
_LINK_SEPARATORS = re.compile(r"[\s;,<>\"'()\[\]]+")
_UNSAFE_LINK = re.compile(r"^(javascript|vbscript):|^data:.", re.IGNORECASE)


def unsafe_link(value: object) -> str | None:
    """The scheme ("javascript", "vbscript" or "data") of a link in a text that a browser would run or open as a
    document, or None. Browsers ignore case, leading control characters and tabs or line breaks inside the
    scheme, and so does this check ("JaVa\tScRiPt:", "\x01javascript:"); full-width letters are folded."""
    if not isinstance(value, str) or not value:
        return None
    s = unicodedata.normalize("NFKC", value)
    for token in _LINK_SEPARATORS.split(s):
        token = re.sub(r"[\x00-\x20\x7f]", "", token)
        if m := _UNSAFE_LINK.match(token):
            return (m.group(1) or "data").lower()
    # a scheme split by tabs or line breaks ("java\nscript:") is one scheme to a browser
    joined = re.sub(r"[\t\n\r]", "", s)
    if joined != s:
        for token in _LINK_SEPARATORS.split(joined):
            if m := _UNSAFE_LINK.match(re.sub(r"[\x00-\x20\x7f]", "", token)):
                return (m.group(1) or "data").lower()
    return None


_BAD_CHARS = re.compile("[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_bad_encoding(value: object) -> bool:
    """Undecodable bytes (U+FFFD) or control characters in a text cell."""
    return isinstance(value, str) and bool(_BAD_CHARS.search(value))


_EMAIL = re.compile(r"(?<![/\w.])[\w.+-]+@[\w-]+(\.[\w-]+)+")


def has_email(value: object) -> bool:
    return isinstance(value, str) and bool(_EMAIL.search(value))


# ---------------------------------------------------------------- numbers


def parse_number(value: object) -> tuple[float | None, bool]:
    """A number from a cell: 1234.5, "1,234.50", "1.234,50", "1 234", "$1,200", "EUR 300". Blank -> (None, True)."""
    if is_blank(value):
        return None, True
    if isinstance(value, bool | np.bool_):
        return None, False
    if isinstance(value, int | float | np.integer | np.floating):
        f = float(value)
        return (f, True) if math.isfinite(f) else (None, False)
    s = str(value).strip()
    s = re.sub(r"^([A-Z]{3}|US\$|[$€£])\s*|\s*([A-Z]{3}|[$€£])$", "", s)
    s = re.sub(r"(?i)^(usd|eur|us\$)\s*|\s*(usd|eur)$", "", s)
    s = s.replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not re.fullmatch(r"[+-]?[\d.,]*\d[\d.,]*", s):
        return None, False
    if "," in s and "." in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif "," in s:
        s = s.replace(",", "") if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", s) else s.replace(",", ".")
    elif re.fullmatch(r"[+-]?\d{1,3}(\.\d{3}){2,}", s):
        s = s.replace(".", "")
    try:
        f = float(s)
    except ValueError:
        return None, False
    return (f, True) if math.isfinite(f) else (None, False)


def parse_int(value: object) -> tuple[int | None, bool]:
    f, ok = parse_number(value)
    if not ok or f is None:
        return None, ok
    if not float(f).is_integer() or abs(f) > 2**53:
        return None, False
    return int(f), True


_TRUE = {"true", "yes", "y", "1", "t", "sample", "po", "da"}
_FALSE = {"false", "no", "n", "0", "f", "documented", "jo", "ne"}


def parse_bool(value: object) -> tuple[bool | None, bool]:
    if is_blank(value):
        return None, True
    if isinstance(value, bool | np.bool_):
        return bool(value), True
    s = str(value).strip().lower()
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value), True
    if s in _TRUE:
        return True, True
    if s in _FALSE:
        return False, True
    return None, False


# ---------------------------------------------------------------- dates


def parse_date(value: object) -> tuple[str | None, bool]:
    """An ISO date string (YYYY, YYYY-MM or YYYY-MM-DD) from a cell. Day-first local forms (31.12.2019,
    31/12/2019) are converted; anything else is returned as text with ok=False for the report."""
    if is_blank(value):
        return None, True
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat(), True
    if isinstance(value, date):
        return value.isoformat(), True
    if isinstance(value, int | np.integer) and 1900 <= int(value) <= 2100:
        return str(int(value)), True
    if isinstance(value, float) and value.is_integer() and 1900 <= value <= 2100:
        return str(int(value)), True
    s = str(value).strip()
    m = re.fullmatch(r"(\d{4})(-\d{2})?(-\d{2})?(?:[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?", s)
    if m:
        iso = m.group(1) + (m.group(2) or "") + ((m.group(3) or "") if m.group(2) else "")
        return (iso, True) if _real_date(iso) else (s, False)
    m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", s)
    if m:
        iso = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        return (iso, True) if _real_date(iso) else (s, False)
    m = re.fullmatch(r"(\d{1,2})[./](\d{4})", s)
    if m:
        iso = f"{m.group(2)}-{int(m.group(1)):02d}"
        return (iso, True) if _real_date(iso) else (s, False)
    return s, False


def _real_date(iso: str) -> bool:
    parts = [int(p) for p in iso.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- vocabularies


def _cached_for_text(fn):  # noqa: ANN001, ANN202 - a decorator for the vocabulary normalisers below
    """Remember a normaliser's answers for text cells: a sheet repeats its sectors, statuses and communities
    thousands of times. Other values (numbers, None) are computed each time."""
    cached = functools.lru_cache(maxsize=4096)(fn)

    @functools.wraps(fn)
    def wrapper(value: object):  # noqa: ANN202
        return cached(value) if type(value) is str else fn(value)

    return wrapper


_SECTOR_ALIASES = {
    "health": "health",
    "healthcare": "health",
    "health care": "health",
    "medical": "health",
    "economic development": "economic development",
    "economic": "economic development",
    "economy": "economic development",
    "livelihoods": "economic development",
    "livelihood": "economic development",
    "employment": "economic development",
    "infrastructure": "infrastructure",
    "housing": "housing",
    "shelter": "housing",
    "education": "education",
    "social protection": "social protection",
    "social": "social protection",
    "protection": "social protection",
    "environment remediation": "environment/remediation",
    "environment": "environment/remediation",
    "remediation": "environment/remediation",
    "environmental remediation": "environment/remediation",
    "other": OTHER_SECTOR,
    # Humanitarian cluster names (IASC clusters as OCHA 3W/4W/5W sheets write them), in English and French.
    "wash": "infrastructure",
    "water sanitation and hygiene": "infrastructure",
    "water sanitation hygiene": "infrastructure",
    "eha": "infrastructure",
    "eau hygiene et assainissement": "infrastructure",
    "shelter nfi": "housing",
    "shelter and nfi": "housing",
    "shelter non food items": "housing",
    "emergency shelter and nfi": "housing",
    "abris": "housing",
    "abris ame": "housing",
    "abris et ame": "housing",
    "livelihoods early recovery": "economic development",
    "livelihoods and early recovery": "economic development",
    "early recovery": "economic development",
    "moyens de subsistance": "economic development",
    "relevement precoce": "economic development",
    "nutrition": "health",
    "sante": "health",
    "education in emergencies": "education",
    "child protection": "social protection",
    "gender based violence": "social protection",
    "gbv": "social protection",
    "food security": OTHER_SECTOR,
    "food security and livelihoods": OTHER_SECTOR,
    "securite alimentaire": OTHER_SECTOR,
    "cccm": OTHER_SECTOR,
    "camp coordination and camp management": OTHER_SECTOR,
    "logistics": OTHER_SECTOR,
    "logistique": OTHER_SECTOR,
    "emergency telecommunications": OTHER_SECTOR,
    "coordination": OTHER_SECTOR,
    # Albanian and Serbian sector names.
    "shendetesi": "health",
    "shendetesia": "health",
    "arsim": "education",
    "arsimi": "education",
    "strehim": "housing",
    "strehimi": "housing",
    "banim": "housing",
    "infrastruktura": "infrastructure",
    "zhvillim ekonomik": "economic development",
    "mbrojtje sociale": "social protection",
    "mjedisi": "environment/remediation",
    "zdravstvo": "health",
    "zdravlje": "health",
    "obrazovanje": "education",
    "stanovanje": "housing",
    "ekonomski razvoj": "economic development",
    "socijalna zastita": "social protection",
    "zivotna sredina": "environment/remediation",
}


@_cached_for_text
def normalise_sector(value: object) -> str | None:
    """One sector in the PROJECTS vocabulary: our names, cluster names (WASH, Shelter/NFI, CCCM ...), sector
    names in Albanian and Serbian, or a DAC purpose code (a DAC code outside our seven is "other"). Unknown
    text is returned unchanged, so validation reports it."""
    s = text(value)
    if s is None:
        return None
    key = normalise(s.replace("/", " ").replace("&", " and "))
    return _SECTOR_ALIASES.get(key) or _SECTOR_ALIASES.get(key.replace(" and ", " ")) or dac_sector(s) or s


def sector_as_given(value: object, sector: str | None) -> str | None:
    """The sector text as the file gave it, when it is not our own name for ``sector`` (a cluster, a DAC code,
    another language): kept in the row's source note so the original is never lost."""
    s = text(value)
    if s is None or sector is None or s == sector:
        return None
    return s


@_cached_for_text
def normalise_sectors(value: object) -> tuple[str | None, str | None]:
    """``(sectors, main sector)`` from "Health:60; Education:40" or "health, education"."""
    s = text(value)
    if s is None:
        return None, None
    parts = [p.strip() for p in re.split(r"[;,|]", s) if p.strip()]
    out, best, best_share = [], None, -1.0
    for p in parts:
        name, _, share = p.partition(":")
        sector = normalise_sector(name) or name
        f, ok = parse_number(share) if share else (None, True)
        out.append(
            f"{sector}:{f:g}" if share and ok and f is not None else sector if not share else f"{sector}:{share}"
        )
        weight = f if f is not None and ok else 0.0
        if best is None or weight > best_share:
            best, best_share = sector, weight
    return ";".join(out), best


def sector_problems(sectors: str | None) -> list[str]:
    """Why a normalised ``sectors`` value is wrong (unknown sector, bad share), or []."""
    if not sectors:
        return []
    why = []
    for part in sectors.split(";"):
        name, _, share = part.partition(":")
        if name not in SECTORS:
            why.append(f"unknown sector '{name}' (known: {', '.join(SECTORS)}, or a cluster or DAC code)")
        if share:
            f, ok = parse_number(share)
            if not ok or f is None or f < 0 or f > 100:
                why.append(f"sector share '{share}' is not a percentage")
    return why


_STATUS_ALIASES = {
    "pipeline": "pipeline",
    "planned": "pipeline",
    "planning": "pipeline",
    "identification": "pipeline",
    "proposed": "pipeline",
    "ongoing": "ongoing",
    "active": "ongoing",
    "implementation": "ongoing",
    "in progress": "ongoing",
    "on going": "ongoing",
    "running": "ongoing",
    "finalisation": "completed",
    "finalization": "completed",
    "suspended": "ongoing",
    "completed": "completed",
    "complete": "completed",
    "closed": "completed",
    "finished": "completed",
    "done": "completed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "terminated": "cancelled",
    "en cours": "ongoing",
    "termine": "completed",
    "annule": "cancelled",
    "prevu": "pipeline",
    "ne vazhdim": "ongoing",
    "perfunduar": "completed",
    "anuluar": "cancelled",
    "u toku": "ongoing",
    "zavrsen": "completed",
    "otkazan": "cancelled",
}

#: The IATI ActivityStatus codelist (https://iatistandard.org/en/iati-standard/203/codelists/activitystatus/)
#: and the stated rule that maps it to our four statuses: finalisation means the physical activity is complete
#: (only the accounts are open), so "completed"; a suspended activity has started and is not closed, so
#: "ongoing" (the IATI status is kept in the row's source note).
IATI_STATUS: dict[str, tuple[str, str]] = {
    "1": ("Pipeline/identification", "pipeline"),
    "2": ("Implementation", "ongoing"),
    "3": ("Finalisation", "completed"),
    "4": ("Closed", "completed"),
    "5": ("Cancelled", "cancelled"),
    "6": ("Suspended", "ongoing"),
}


@_cached_for_text
def normalise_status(value: object) -> str | None:
    """Our status for a word (English, French, Albanian, Serbian) or an IATI ActivityStatus code (see
    ``IATI_STATUS`` for the rule); unknown text is returned unchanged."""
    s = text(value)
    if s is None:
        return None
    if s in IATI_STATUS:
        return IATI_STATUS[s][1]
    return _STATUS_ALIASES.get(normalise(s), s)


_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")


def normalise_id(value: object) -> str | None:
    """An identifier as stored: Unicode NFC, zero-width and soft-hyphen characters removed, outer spaces
    stripped (case is kept; duplicates are found ignoring case)."""
    s = text(value)
    if s is None:
        return None
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", s)).strip() or None


#: Community names as 3W sheets write them in English, French, Albanian and Serbian (keys normalised).
_COMMUNITY_ALIASES = {
    **dict.fromkeys(("roma", "rom", "roms", "rome", "romet", "romi"), "Roma"),
    **dict.fromkeys(("ashkali", "ashkalis", "ashkalinj", "ashkalite", "askali", "askalije"), "Ashkali"),
    **dict.fromkeys(
        ("egyptian", "egyptians", "egyptien", "egyptiens", "egjiptian", "egjiptiane", "egipcani", "egipcanin"),
        "Egyptian",
    ),
}
_ALL_RAE = {"rae", "rae communities", "roma ashkali and egyptian", "roma ashkali egyptian", "all"}


@_cached_for_text
def normalise_communities(value: object) -> str | None:
    """ "Roma, Ashkali and Egyptian" / "RAE" / "roma;ashkali" -> 'Roma;Ashkali;Egyptian' (PROJECTS order).
    Unknown words are kept, so validation reports them."""
    s = text(value)
    if s is None:
        return None
    if normalise(s) in _ALL_RAE:
        return ";".join(COMMUNITIES)
    parts = [p for p in re.split(r"\s*(?:[;,/|+&]|\band\b|\bdhe\b|\bi\b)\s*", s) if p and p.strip()]
    found: list[str] = []
    for p in parts:
        key = normalise(p)
        if key in _ALL_RAE:
            found += list(COMMUNITIES)
        else:
            found.append(_COMMUNITY_ALIASES.get(key, p.strip()))
    known = [c for c in COMMUNITIES if c in found]
    unknown = [c for c in dict.fromkeys(found) if c not in COMMUNITIES]
    return ";".join(known + unknown)


def normalise_municipality(value: object) -> tuple[str | None, bool]:
    """``(code, ok)``: a code for a name in Albanian, Serbian or English, with or without diacritics."""
    s = text(value)
    if s is None:
        return None, True
    code = match_municipality(s)
    return (code, True) if code else (s, False)


_CURRENCY_WORDS = {
    "$": "USD", "us$": "USD", "us dollar": "USD", "us dollars": "USD", "dollar": "USD", "dollars": "USD",
    "€": "EUR", "euro": "EUR", "euros": "EUR", "eur€": "EUR",
    "£": "GBP", "pound": "GBP", "pounds": "GBP", "pound sterling": "GBP", "sterling": "GBP",
    "fr.": "CHF", "sfr": "CHF", "swiss franc": "CHF", "swiss francs": "CHF",
    "kr": "SEK", "din": "RSD", "din.": "RSD", "dinar": "RSD", "dinara": "RSD",
}  # fmt: skip


@_cached_for_text
def normalise_currency(value: object) -> str | None:
    """An ISO 4217 code from "EUR", "eur", "€", "Euro", "US$", "£" ...; other text upper-cased (validation
    then names it)."""
    s = text(value)
    if s is None:
        return None
    return _CURRENCY_WORDS.get(s.lower(), s.upper())


def text_column(values: pd.Series) -> pd.Series:
    return values.map(text).astype("string")


# ---------------------------------------------------------------- DAC sector codes (IATI, some HXL files)

#: DAC 3-digit purpose groups -> our sectors (5-digit codes are refined below).
_DAC3 = {
    "111": "education",
    "112": "education",
    "113": "education",
    "114": "education",
    "121": "health",
    "122": "health",
    "123": "health",
    "130": "health",
    "140": "infrastructure",
    "210": "infrastructure",
    "220": "infrastructure",
    "230": "infrastructure",
    "150": "social protection",
    "160": "social protection",
    "720": "social protection",
    "730": "housing",
    "740": "social protection",
    "240": "economic development",
    "250": "economic development",
    "311": "economic development",
    "312": "economic development",
    "313": "economic development",
    "321": "economic development",
    "322": "economic development",
    "323": "economic development",
    "331": "economic development",
    "332": "economic development",
    "410": "environment/remediation",
}
_DAC5 = {
    "16010": "social protection",
    "16020": "economic development",
    "16030": "housing",
    "16040": "housing",
    "43060": "environment/remediation",
    "14050": "environment/remediation",
}


def dac_sector(code: object) -> str | None:
    """Our sector for a DAC purpose code (3 or 5 digits): one of our seven, or "other" for a DAC code outside
    them (the caller keeps the code); None when it is not a DAC code."""
    s = str(code or "").strip()
    if not re.fullmatch(r"\d{3}|\d{5}", s):
        return None
    return _DAC5.get(s) or _DAC3.get(s[:3]) or OTHER_SECTOR


def match_site(value: object) -> str | None:
    """The site_id of a camp or return site named in any language (or by its id), or None."""
    key = normalise(value)
    if not key:
        return None
    return _site_index().get(key) or _site_index().get(key.replace(" camp", "").strip())


def _site_index() -> dict[str, str]:
    from geodata.io.load import load_layer

    camps = load_layer("camps")
    index: dict[str, str] = {}
    for _, c in camps.iterrows():
        for name in (c["site_id"], c["name_en"], c["name_sq"], c["name_sr"]):
            if isinstance(name, str) and name:
                index.setdefault(normalise(name), c["site_id"])
                index.setdefault(normalise(name.replace("-", " ")), c["site_id"])
    return index
