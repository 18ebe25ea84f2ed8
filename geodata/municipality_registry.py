"""The 38 current municipalities: names, origin, population facts, and the
Natural Earth polygon (one of the 30 of 2000) that draws each of them.

Every figure carries its source key (see ``sources.py``); a figure the
reference fact base does not give is left empty, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.sources import urls


@dataclass(frozen=True)
class Municipality:
    code: str
    name_en: str
    name_sq: str
    name_sr: str
    ne_name: str  # the Natural Earth admin-1 polygon that draws it
    aliases: tuple[str, ...] = ()  # other spellings seen in data (GeoNames admin2, genitives)
    established: str = "2000 (UNMIK Reg. 2000/43)"
    established_source: str = urls("REG2000")
    # how the parent polygon was chosen for municipalities created after 2000
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
        seat_note="formed in 2008 from parts of Lipljan, Kosovo Polje and Priština (GH); "
        "drawn with the 2000-law polygon that contains the GeoNames place Glanica, "
        "which GeoNames assigns to Gračanica",
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
        seat_note="drawn with the 2000-law polygon that contains the GeoNames place Hani i Elezit",
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
        seat_note="drawn with the 2000-law polygon that contains the GeoNames place Junik",
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
        seat_note="drawn with the 2000-law polygon that contains the GeoNames place Klokot",
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
        seat_note="drawn with the 2000-law polygon that contains the GeoNames place Mamusa",
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
        seat_note="the north of the city plus Gornji/Donji Suvi Do (MZP-NM): drawn with the "
        "pre-2013 Mitrovica polygon, shared with South Mitrovica",
    ),
    Municipality(
        "south-mitrovica",
        "South Mitrovica",
        "Mitrovicë e Jugut",
        "Južna Mitrovica",
        "Kosovska Mitrovica",
        ("mitrovica", "mitrovice", "mitrovices", "kosovska mitrovica", "mitrovica south", "mitrovice e jugut"),
        seat_note="drawn with the pre-2013 Mitrovica polygon, shared with North Mitrovica",
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
        seat_note="drawn with the 2000-law polygon that contains the GeoNames place Partesh",
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
        seat_note="drawn with the 2000-law polygon that contains the GeoNames place Ranilug",
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

#: New municipalities placed by a GeoNames place in them (name in cities1000).
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
