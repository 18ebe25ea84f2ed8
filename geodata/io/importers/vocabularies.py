"""Values into the vocabularies of ``layers.PROJECTS``: sectors (our names, cluster names, Albanian and Serbian
names, DAC purpose codes), statuses (words in four languages, the IATI ActivityStatus codelist), communities,
currencies, identifiers, municipality names and camp or return sites. Unknown text is returned unchanged so
validation names it; nothing is mapped by guesswork.
"""

import functools
import re
import unicodedata

import pandas as pd

from geodata.facts.layers import COMMUNITIES, OTHER_SECTOR, SECTORS
from geodata.facts.names import match_municipality, normalise
from geodata.io.importers.cells import parse_number, text


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
    # French sector names (the cluster names above are OCHA's French ones).
    "developpement economique": "economic development",
    "logement": "housing",
    "protection sociale": "social protection",
    "environnement": "environment/remediation",
    "autre": OTHER_SECTOR,
    # Albanian and Serbian sector names.
    "shendetesi": "health",
    "shendetesia": "health",
    "arsim": "education",
    "arsimi": "education",
    "strehim": "housing",
    "strehimi": "housing",
    "banim": "housing",
    "infrastruktura": "infrastructure",
    "infrastrukture": "infrastructure",  # "infrastrukturë", without the article
    "zhvillim ekonomik": "economic development",
    "zhvillimi ekonomik": "economic development",
    "mbrojtje sociale": "social protection",
    "mbrojtja sociale": "social protection",
    "mjedis": "environment/remediation",
    "mjedisi": "environment/remediation",
    "banimi": "housing",
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


_STATUS_ALIASES = {  # English, French, Albanian (with the article: "i/e përfunduar") and Serbian, keys normalised
    **dict.fromkeys(
        ("pipeline", "planned", "planning", "identification", "proposed", "prevu", "planifie", "en preparation")
        + ("planifikuar", "i planifikuar", "e planifikuar", "ne planifikim", "planiran", "planirano"),
        "pipeline",
    ),
    **dict.fromkeys(
        ("ongoing", "active", "implementation", "in progress", "on going", "running", "suspended", "en cours")
        + ("ne vazhdim", "ne zbatim", "aktiv", "u toku", "u realizaciji", "u implementaciji"),
        "ongoing",
    ),
    **dict.fromkeys(
        ("finalisation", "finalization", "completed", "complete", "closed", "finished", "done", "termine", "acheve")
        + ("perfunduar", "i perfunduar", "e perfunduar", "zavrsen"),
        "completed",
    ),
    **dict.fromkeys(
        ("cancelled", "canceled", "terminated", "annule", "anuluar", "i anuluar", "e anuluar", "otkazan"), "cancelled"
    ),
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
