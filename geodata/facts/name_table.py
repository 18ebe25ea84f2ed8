"""Every name people write for the 38 municipalities: the one table that name matching uses.

For each municipality code: the official Albanian name (indefinite form, as in Law 03/L-041), the official
Serbian name (Latin script), the English name, and the other forms seen in documents, data and
conversation: the Albanian definite form (Prishtina), the genitive that follows "Komuna e"
(Prishtinës), older or alternative names (Gllogoc, Đeneral Janković, Artanë, Besianë, Therandë,
Dardanë), and the North/South Mitrovica forms (with the French Mitrovica-Nord/-Sud of French partners'
sheets). Forms that differ only by diacritics, by Đ/Ð/Dj/D, by case, by hyphens, by script (Serbian
Cyrillic) or by an administrative prefix ("Municipality of",
"Komuna e", "Opština") need no row: ``geodata.facts.names.normalise`` folds them.

A name that stands for more than one municipality is listed in ``AMBIGUOUS`` with every municipality it
may mean; matching never picks one of them by itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MunicipalityNames:
    code: str
    sq: str  # official Albanian name
    sr: str  # official Serbian name, Latin script
    en: str  # English name
    variants: tuple[str, ...] = ()  # other forms people write

    @property
    def all(self) -> tuple[str, ...]:
        return (self.sq, self.sr, self.en, *self.variants)

    @property
    def label(self) -> str:
        """The Albanian and Serbian forms, once each: "Leposaviq/Leposavić", "Prizren"."""
        return "/".join(dict.fromkeys((self.sq, self.sr)))


N = MunicipalityNames

NAME_TABLE: tuple[MunicipalityNames, ...] = (
    N("decan", "Deçan", "Dečani", "Deçan", ("Deçani", "Deçanit")),
    N("dragash", "Dragash", "Dragaš", "Dragash", ("Dragashi", "Dragashit")),
    N("drenas", "Drenas", "Glogovac", "Drenas", ("Drenasi", "Drenasit", "Gllogoc", "Gllogovc", "Gllogoci")),
    N("ferizaj", "Ferizaj", "Uroševac", "Ferizaj", ("Ferizaji", "Ferizajt")),
    N(
        "fushe-kosove",
        "Fushë Kosovë",
        "Kosovo Polje",
        "Fushë Kosova",
        ("Fushë-Kosovë", "Fushë-Kosova", "Fushë Kosovës", "Fushë-Kosovës"),
    ),
    N("gjakova", "Gjakovë", "Đakovica", "Gjakova", ("Gjakovës", "Djakovica", "Ðakovica")),
    N("gjilan", "Gjilan", "Gnjilane", "Gjilan", ("Gjilani", "Gjilanit")),
    N("gracanica", "Graçanicë", "Gračanica", "Gračanica", ("Graçanica", "Graçanicës")),
    N(
        "hani-i-elezit",
        "Hani i Elezit",
        "Elez Han",
        "Hani i Elezit",
        ("Han i Elezit", "Hanit të Elezit", "Đeneral Janković", "Djeneral Janković", "General Janković"),
    ),
    N("istog", "Istog", "Istok", "Istog", ("Istogu", "Istogut")),
    N("junik", "Junik", "Junik", "Junik", ("Juniku", "Junikut")),
    N("kacanik", "Kaçanik", "Kačanik", "Kaçanik", ("Kaçaniku", "Kaçanikut")),
    N("kamenica", "Kamenicë", "Kosovska Kamenica", "Kamenica", ("Kamenica", "Kamenicës", "Dardanë", "Dardana")),
    N("klina", "Klinë", "Klina", "Klina", ("Klinës",)),
    N(
        "klokot",
        "Kllokot",
        "Klokot",
        "Klokot",
        ("Kllokoti", "Kllokotit", "Klokot-Vrbovac", "Kllokot-Vërboc"),
    ),
    N("leposavic", "Leposaviq", "Leposavić", "Leposavić", ("Leposaviqi", "Leposaviqit", "Albanik", "Albaniku")),
    N("lipjan", "Lipjan", "Lipljan", "Lipjan", ("Lipjani", "Lipjanit")),
    N("malisheva", "Malishevë", "Mališevo", "Malisheva", ("Malishevës",)),
    N("mamusha", "Mamushë", "Mamuša", "Mamusha", ("Mamushës", "Mamuşa")),
    N(
        "north-mitrovica",
        "Mitrovicë e Veriut",
        "Severna Mitrovica",
        "North Mitrovica",
        (
            "Mitrovica e Veriut",
            "Mitrovicë Veriore",
            "Mitrovica Veriore",
            "Mitrovicës së Veriut",
            "Severna Kosovska Mitrovica",
            "Kosovska Mitrovica Sever",
            "Mitrovica Sever",
            "North Kosovska Mitrovica",
            "Mitrovica North",
            "Northern Mitrovica",
            "Mitrovica-Nord",  # French
        ),
    ),
    N(
        "south-mitrovica",
        "Mitrovicë e Jugut",
        "Južna Mitrovica",
        "South Mitrovica",
        (
            "Mitrovica e Jugut",
            "Mitrovicë Jugore",
            "Mitrovica Jugore",
            "Mitrovicës së Jugut",
            "Južna Kosovska Mitrovica",
            "Kosovska Mitrovica Jug",
            "Mitrovica Jug",
            "South Kosovska Mitrovica",
            "Mitrovica South",
            "Southern Mitrovica",
            "Mitrovica-Sud",  # French
        ),
    ),
    N(
        "novo-brdo",
        "Novobërdë",
        "Novo Brdo",
        "Novo Brdo",
        ("Novobërda", "Novobërdës", "Novo Bërdë", "Artanë", "Artana"),
    ),
    N("obiliq", "Obiliq", "Obilić", "Obiliq", ("Obiliqi", "Obiliqit")),
    N("partesh", "Partesh", "Parteš", "Partesh", ("Parteshi", "Parteshit")),
    N("peja", "Pejë", "Peć", "Peja", ("Pejës",)),
    N("podujevo", "Podujevë", "Podujevo", "Podujeva", ("Podujevës", "Besianë", "Besiana")),
    N("pristina", "Prishtinë", "Priština", "Pristina", ("Prishtina", "Prishtinës")),
    N("prizren", "Prizren", "Prizren", "Prizren", ("Prizreni", "Prizrenit")),
    N("rahovec", "Rahovec", "Orahovac", "Rahovec", ("Rahoveci", "Rahovecit")),
    N("ranilug", "Ranillug", "Ranilug", "Ranilug", ("Ranillugu", "Ranillugut")),
    N("skenderaj", "Skënderaj", "Srbica", "Skenderaj", ("Skënderaji", "Skënderajt")),
    N("shtrpce", "Shtërpcë", "Štrpce", "Štrpce", ("Shtërpca", "Shtërpcës")),
    N("shtime", "Shtime", "Štimlje", "Shtime", ("Shtimja", "Shtimes")),
    N("suhareka", "Suharekë", "Suva Reka", "Suhareka", ("Suharekës", "Therandë", "Theranda", "Therandës")),
    N("vitina", "Viti", "Vitina", "Viti", ("Vitia", "Vitisë")),
    N("vushtrri", "Vushtrri", "Vučitrn", "Vushtrri", ("Vushtrria", "Vushtrrisë")),
    N("zubin-potok", "Zubin Potok", "Zubin Potok", "Zubin Potok", ("Zubin Potoku", "Zubin Potokut")),
    N("zvecan", "Zveçan", "Zvečan", "Zvečan", ("Zveçani", "Zveçanit")),
)

_MITROVICA = ("north-mitrovica", "south-mitrovica")

#: Names that stand for more than one municipality, with every municipality they may mean. "Mitrovica" was
#: one municipality until 2013; geoBoundaries' "Municipality of Mitrovica" and GeoNames' "Komuna e
#: Mitrovicës" use it for the pre-2013 unit or for South Mitrovica, so the name alone never decides.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "Mitrovicë": _MITROVICA,
    "Mitrovica": _MITROVICA,
    "Mitrovicës": _MITROVICA,
    "Kosovska Mitrovica": _MITROVICA,
    "Titova Mitrovica": _MITROVICA,
}

BY_CODE: dict[str, MunicipalityNames] = {n.code: n for n in NAME_TABLE}
