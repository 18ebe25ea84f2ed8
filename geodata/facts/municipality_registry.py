"""The 38 current municipalities: names, origin, population facts, the
2000-law municipality each was part of, and the geoBoundaries feature that
draws each of them.

Every figure carries its source key (see ``sources.py``); a figure the
reference fact base does not give is left empty, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.facts.sources import urls


@dataclass(frozen=True)
class Municipality:
    code: str
    name_en: str
    name_sq: str
    name_sr: str
    parent_2000: str  # the municipality of UNMIK Reg. 2000/43 whose territory it was (all or part)
    aliases: tuple[str, ...] = ()  # other spellings seen in data (GeoNames admin2, genitives)
    established: str = "2000 (UNMIK Reg. 2000/43)"
    established_source: str = urls("REG2000")
    # how a municipality created after 2000 was formed
    seat_note: str = ""


_NEW = "2008 or later (Law 03/L-041 of 2 Jun 2008)"

MUNICIPALITIES: tuple[Municipality, ...] = (
    Municipality("decan", "Deçan", "Deçan", "Dečani", "Dečani", ("decanit", "decani")),
    Municipality("dragash", "Dragash", "Dragash", "Dragaš", "Dragaš", ("dragashit",)),
    Municipality("drenas", "Drenas", "Drenas", "Glogovac", "Glogovac", ("drenasit",)),
    Municipality("ferizaj", "Ferizaj", "Ferizaj", "Uroševac", "Uroševac", ("ferizajt",)),
    Municipality(
        "fushe-kosove",
        "Fushë Kosova",
        "Fushë Kosovë",
        "Kosovo Polje",
        "Kosovo Polje",
        ("fushe kosova", "fushe kosoves"),
    ),
    Municipality("gjakova", "Gjakova", "Gjakovë", "Đakovica", "Đakovica", ("gjakoves", "djakovica", "dakovica")),
    Municipality("gjilan", "Gjilan", "Gjilan", "Gnjilane", "Gnjilane", ("gjilanit",)),
    Municipality(
        "gracanica",
        "Gračanica",
        "Graçanicë",
        "Gračanica",
        "Lipljan",
        ("gracanices",),
        established=_NEW,
        established_source=urls("LAW", "GH"),
        seat_note="formed in 2008 from parts of Lipljan, Kosovo Polje and Priština (GH)",
    ),
    Municipality(
        "hani-i-elezit",
        "Hani i Elezit",
        "Hani i Elezit",
        "Elez Han",
        "Kačanik",
        ("djeneral jankovic", "general jankovic", "elez han"),
        established=_NEW + "; pilot municipal unit before 2008",
        established_source=urls("LAW", "ACAD"),
    ),
    Municipality("istog", "Istog", "Istog", "Istok", "Istok", ("istogut",)),
    Municipality(
        "junik",
        "Junik",
        "Junik",
        "Junik",
        "Dečani",
        ("junikut",),
        established=_NEW + "; municipality from May 2008",
        established_source=urls("LAW", "AJ09", "JUN"),
    ),
    Municipality("kacanik", "Kaçanik", "Kaçanik", "Kačanik", "Kačanik", ("kacanikut",)),
    Municipality("kamenica", "Kamenica", "Kamenicë", "Kosovska Kamenica", "Kosovska Kamenica", ("kamenices",)),
    Municipality("klina", "Klina", "Klinë", "Klina", "Klina", ("klines",)),
    Municipality(
        "klokot",
        "Klokot",
        "Kllokot",
        "Klokot-Vrbovac",
        "Vitina",
        ("kllokotit", "klokot vrbovac"),
        established=_NEW,
        established_source=urls("LAW", "LIQ"),
    ),
    Municipality("leposavic", "Leposavić", "Leposaviq", "Leposavić", "Leposavić", ("leposaviqit",)),
    Municipality("lipjan", "Lipjan", "Lipjan", "Lipljan", "Lipljan", ("lipjanit",)),
    Municipality("malisheva", "Malisheva", "Malishevë", "Mališevo", "Mališevo", ("malisheves",)),
    Municipality(
        "mamusha",
        "Mamusha",
        "Mamushë",
        "Mamuša",
        "Suva Reka",
        ("mamushes", "mamusa"),
        established=_NEW + "; pilot municipal unit before 2008",
        established_source=urls("LAW", "ACAD"),
    ),
    Municipality(
        "north-mitrovica",
        "North Mitrovica",
        "Mitrovicë e Veriut",
        "Severna Mitrovica",
        "Kosovska Mitrovica",
        ("mitrovica north", "mitrovica e veriut", "kosovska mitrovica sever"),
        established="2013; confirmed by the ministry 16 May 2014",
        established_source=urls("NMW", "NN", "MZP-NM"),
        seat_note="the north of the city plus Gornji/Donji Suvi Do (MZP-NM), split from Mitrovica in 2013",
    ),
    Municipality(
        "south-mitrovica",
        "South Mitrovica",
        "Mitrovicë e Jugut",
        "Južna Mitrovica",
        "Kosovska Mitrovica",
        ("mitrovica", "mitrovice", "mitrovices", "kosovska mitrovica", "mitrovica south", "mitrovice e jugut"),
    ),
    Municipality("novo-brdo", "Novo Brdo", "Novobërdë", "Novo Brdo", "Novo Brdo", ("novoberdes", "novo berde")),
    Municipality("obiliq", "Obiliq", "Obiliq", "Obilić", "Obilić", ("obiliqit",)),
    Municipality(
        "partesh",
        "Parteš",
        "Partesh",
        "Parteš",
        "Gnjilane",
        ("parteshit",),
        established=_NEW,
        established_source=urls("LAW", "LIQ"),
    ),
    Municipality("peja", "Peja", "Pejë", "Peć", "Peć", ("pejes", "pec")),
    Municipality("podujevo", "Podujevo", "Podujevë", "Podujevo", "Podujevo", ("podujeves", "podujeva")),
    Municipality("pristina", "Pristina", "Prishtinë", "Priština", "Priština", ("prishtines", "prishtina")),
    Municipality("prizren", "Prizren", "Prizren", "Prizren", "Prizren", ("prizrenit",)),
    Municipality("rahovec", "Rahovec", "Rahovec", "Orahovac", "Orahovac", ("rahovecit",)),
    Municipality(
        "ranilug",
        "Ranilug",
        "Ranillug",
        "Ranilug",
        "Kosovska Kamenica",
        ("ranillugut",),
        established=_NEW,
        established_source=urls("LAW", "LIQ"),
    ),
    Municipality("skenderaj", "Skenderaj", "Skënderaj", "Srbica", "Srbica", ("skenderajt",)),
    Municipality("shtrpce", "Štrpce", "Shtërpcë", "Štrpce", "Štrpce", ("shterpces", "shterpce")),
    Municipality("shtime", "Shtime", "Shtime", "Štimlje", "Štimlje", ("shtimes",)),
    Municipality("suhareka", "Suva Reka", "Suharekë", "Suva Reka", "Suva Reka", ("therandes", "suharekes")),
    Municipality("vitina", "Vitina", "Viti", "Vitina", "Vitina", ("vitise", "viti")),
    Municipality("vushtrri", "Vushtrri", "Vushtrri", "Vučitrn", "Vučitrn", ("vushtrrise",)),
    Municipality("zubin-potok", "Zubin Potok", "Zubin Potok", "Zubin Potok", "Zubin Potok", ("zubin potokut",)),
    Municipality("zvecan", "Zvečan", "Zveçan", "Zvečan", "Zvečan", ("zvecanit",)),
)

#: The geoBoundaries (XKX ADM2) feature that draws each municipality, by its ``shapeName``. Explicit,
#: because geoBoundaries calls South Mitrovica "Municipality of Mitrovica", a name that alone is ambiguous.
GEOBOUNDARIES_NAMES: dict[str, str] = {
    "decan": "Municipality of Deçan",
    "dragash": "Municipality of Dragash",
    "drenas": "Municipality of Drenas",
    "ferizaj": "Municipality of Ferizaj",
    "fushe-kosove": "Municipality of Fushë Kosovë",
    "gjakova": "Municipality of Gjakova",
    "gjilan": "Municipality of Gjilan",
    "gracanica": "Municipality of Gracanica",
    "hani-i-elezit": "Municipality of Han i Elezit",
    "istog": "Municipality of Istog",
    "junik": "Municipality of Junik",
    "kacanik": "Municipality of Kaçanik",
    "kamenica": "Municipality of Kamenica",
    "klina": "Municipality of Klina",
    "klokot": "Municipality of Kllokot",
    "leposavic": "Municipality of Leposaviq",
    "lipjan": "Municipality of Lipjan",
    "malisheva": "Municipality of Malisheva",
    "mamusha": "Municipality of Mamusha",
    "north-mitrovica": "Municipality of North Mitrovica",
    "south-mitrovica": "Municipality of Mitrovica",
    "novo-brdo": "Municipality of Novobërdë",
    "obiliq": "Municipality of Obiliq",
    "partesh": "Municipality of Partesh",
    "peja": "Municipality of Peja",
    "podujevo": "Municipality of Podujeva",
    "pristina": "Municipality of Pristina",
    "prizren": "Municipality of Prizren",
    "rahovec": "Municipality of Rahovec",
    "ranilug": "Municipality of Ranillug",
    "skenderaj": "Municipality of Skenderaj",
    "shtrpce": "Municipality of Shtërpcë",
    "shtime": "Municipality of Shtime",
    "suhareka": "Municipality of Suhareka",
    "vitina": "Municipality of Viti",
    "vushtrri": "Municipality of Vushtrri",
    "zubin-potok": "Municipality of Zubin Potok",
    "zvecan": "Municipality of Zveçan",
}

#: New municipalities' seats: a GeoNames place in each (name in cities1000), checked to lie in its polygon.
SEAT_PLACES: dict[str, str] = {
    "gracanica": "Glanica",
    "hani-i-elezit": "Hani i Elezit",
    "junik": "Junik",
    "klokot": "Klokot",
    "mamusha": "Mamusa",
    "partesh": "Partesh",
    "ranilug": "Ranilug",
}

_NORTH_EST = "estimate: the 2011 census was not carried out in the four northern municipalities (GH)"
_BOYCOTT = "enumerated in the 2024 census, which was largely boycotted in the north: an undercount"

#: Population facts, keyed by municipality code. Absent keys: not compiled (left empty).
POPULATION: dict[str, dict[str, object]] = {
    "south-mitrovica": {
        "pop_2011": 71909,
        "pop_2011_note": "2011 census",
        "pop_2011_source": urls("GH", "NN"),
        "pop_2024": 64680,
        "pop_2024_note": "2024 census, preliminary",
        "pop_2024_source": urls("NN"),
        "rae_population": 1181,
        "rae_population_year": 2011,
        "rae_population_note": "2011 census: Ashkali 647, Roma 528, Egyptians 6 (secondary source quoting "
        "the Kosovo Agency of Statistics)",
        "rae_population_source": urls("SMC"),
    },
    "north-mitrovica": {
        "pop_2011": 12326,
        "pop_2011_note": _NORTH_EST + "; 12,173 estimated for 2014 (GH); an OSCE estimate gives about 29,460 (NM18)",
        "pop_2011_source": urls("NN", "GH", "NM18"),
        "pop_2024": 2346,
        "pop_2024_note": _BOYCOTT,
        "pop_2024_source": urls("NN"),
        "rae_population": 240,
        "rae_population_year": 2010,
        "rae_population_note": "Roma 200, Ashkali 40: UNMIK figures of February 2010, quoted by NM18",
        "rae_population_source": urls("NM18"),
    },
    "zvecan": {
        "pop_2011": 7481,
        "pop_2011_note": _NORTH_EST + "; a 2015 estimate gives 16,650 (ZVW)",
        "pop_2011_source": urls("NN", "ZVW"),
        "pop_2024": 435,
        "pop_2024_note": _BOYCOTT,
        "pop_2024_source": urls("NN"),
        "rae_population_note": "current figure not sourced; about 300 Roma lived at Žitkovac in 2006 (OSCE-Zv06)",
        "rae_population_source": urls("OSCE-Zv06"),
    },
    "leposavic": {
        "pop_2011": 13773,
        "pop_2011_note": _NORTH_EST,
        "pop_2011_source": urls("NN"),
        "pop_2024": 3207,
        "pop_2024_note": _BOYCOTT,
        "pop_2024_source": urls("NN"),
        "rae_population": 250,
        "rae_population_year": 2007,
        "rae_population_note": "about 250 Roma, OSCE/UNHCR estimate of October 2007 (LEPW; the same page's "
        "text gives 240 for Bosniaks and RAE together); 163 Roma in 1991 (MZP-L); current figure not sourced",
        "rae_population_source": urls("LEPW", "MZP-L"),
    },
}

#: Kosovo-wide figures, for context lines and tests.
KOSOVO_POPULATION = {
    "pop_2011": 1739825,
    "pop_2011_source": urls("GH"),
    "pop_2024": 1586659,
    "pop_2024_note": "enumerated; 1,602,515 including the estimate for the north",
    "pop_2024_source": urls("SE24"),
}
KOSOVO_AREA_KM2 = 10887

BY_CODE: dict[str, Municipality] = {m.code: m for m in MUNICIPALITIES}
