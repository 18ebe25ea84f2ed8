"""The one municipality name table: every municipality, every listed form, the forms people derive from them
(no diacritics, Dj/D for Đ, Cyrillic, administrative prefixes), and ambiguous names settled only by a point."""

from __future__ import annotations

import unicodedata

import cyrtranslit
import geopandas as gpd
import pandas as pd
import pytest
import shapely

import geodata
from geodata import config
from geodata.facts import names
from geodata.facts.municipality_registry import BY_CODE as REGISTRY
from geodata.facts.name_table import AMBIGUOUS, NAME_TABLE
from geodata.facts.names import candidate_codes, match_municipality, resolve_municipality

MITROVICA = ("north-mitrovica", "south-mitrovica")


def _ascii(name: str, dj: str) -> str:
    """``name`` as typed on a keyboard without diacritics: Đ as ``dj`` or ``d``."""
    for a, b in (("Đ", dj.capitalize()), ("đ", dj), ("Ð", dj.capitalize()), ("ð", dj)):
        name = name.replace(a, b)
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


def test_the_table_has_the_38_municipalities_once_each():
    codes = [n.code for n in NAME_TABLE]
    assert len(codes) == 38 == len(set(codes))
    assert set(codes) == set(REGISTRY)


# ------------------------------------------------------------------ every name in the table, one test each

TABLE_NAMES = [(n.code, name) for n in NAME_TABLE for name in dict.fromkeys((n.code, *n.all))]


@pytest.mark.parametrize(("code", "name"), TABLE_NAMES, ids=[f"{c}:{n}" for c, n in TABLE_NAMES])
def test_every_table_name_matches_its_municipality(code, name):
    assert match_municipality(name) == code
    assert match_municipality(_ascii(name, "dj")) == code
    assert match_municipality(_ascii(name, "d")) == code
    assert match_municipality(name.upper()) == code
    found = resolve_municipality(f"  {name} ")
    assert (found.status, found.code, found.candidates) == ("matched", code, (code,))


@pytest.mark.parametrize("entry", NAME_TABLE, ids=[n.code for n in NAME_TABLE])
def test_administrative_prefixes_and_scripts(entry):
    """What official documents and data files put around the name, and the Serbian name in Cyrillic."""
    forms = [
        f"Municipality of {entry.en}",
        f"{entry.en} Municipality",
        f"Komuna e {entry.sq}",
        f"Opština {entry.sr}",
        f"Opstina {_ascii(entry.sr, 'd')}",
        cyrtranslit.to_cyrillic(entry.sr, "sr"),
        "Општина " + cyrtranslit.to_cyrillic(entry.sr, "sr"),
        f"{entry.sq}/{entry.sr}",
        f"{entry.sq} ({entry.sr})",
        f"{entry.en}, Kosovo",
    ]
    assert {f: match_municipality(f) for f in forms} == {f: entry.code for f in forms}


# ------------------------------------------------------------------ the forms the issue lists, by hand


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Mitrovica e Veriut", "north-mitrovica"),
        ("Mitrovicë e Veriut", "north-mitrovica"),
        ("Mitrovica Veriore", "north-mitrovica"),
        ("Severna Mitrovica", "north-mitrovica"),
        ("Severna Kosovska Mitrovica", "north-mitrovica"),
        ("Severna (Kosovska) Mitrovica", "north-mitrovica"),
        ("North Mitrovica", "north-mitrovica"),
        ("Municipality of North Mitrovica", "north-mitrovica"),
        ("Komuna e Mitrovicës së Veriut", "north-mitrovica"),
        ("Северна Косовска Митровица", "north-mitrovica"),
        ("Mitrovica (North)", "north-mitrovica"),
        ("Mitrovica e Jugut", "south-mitrovica"),
        ("Mitrovicë e Jugut", "south-mitrovica"),
        ("Južna Mitrovica", "south-mitrovica"),
        ("Juzna Mitrovica", "south-mitrovica"),
        ("South Mitrovica", "south-mitrovica"),
        ("Drenas", "drenas"),
        ("Gllogoc", "drenas"),
        ("Glogovac", "drenas"),
        ("Han i Elezit", "hani-i-elezit"),
        ("Hani i Elezit", "hani-i-elezit"),
        ("Elez Han", "hani-i-elezit"),
        ("Đeneral Janković", "hani-i-elezit"),
        ("Ðeneral Janković", "hani-i-elezit"),
        ("Djeneral Jankovic", "hani-i-elezit"),
        ("Deneral Jankovic", "hani-i-elezit"),
        ("Novobërdë", "novo-brdo"),
        ("Artanë", "novo-brdo"),
        ("Novo Brdo", "novo-brdo"),
        ("Ferizaj", "ferizaj"),
        ("Uroševac", "ferizaj"),
        ("Urosevac", "ferizaj"),
        ("Prishtinë", "pristina"),
        ("Prishtina", "pristina"),
        ("Priština", "pristina"),
        ("Pristina", "pristina"),
        ("Приштина", "pristina"),
        ("Komuna e Prishtinës", "pristina"),
        ("Pejë", "peja"),
        ("Peja", "peja"),
        ("Peć", "peja"),
        ("Pec", "peja"),
        ("Gjakovë", "gjakova"),
        ("Gjakova", "gjakova"),
        ("Đakovica", "gjakova"),
        ("Djakovica", "gjakova"),
        ("Dakovica", "gjakova"),
        ("Ђаковица", "gjakova"),
        ("Zveçan", "zvecan"),
        ("Zvečan", "zvecan"),
        ("Opština Zvečan", "zvecan"),
        ("Звечан", "zvecan"),
        ("Zubin Potok", "zubin-potok"),
        ("Leposaviq", "leposavic"),
        ("Leposavić", "leposavic"),
        ("Komuna e Leposaviqit", "leposavic"),
        ("Лепосавић", "leposavic"),
        ("Graçanicë", "gracanica"),
        ("Gračanica", "gracanica"),
        ("Kllokot", "klokot"),
        ("Klokot", "klokot"),
        ("Ranillug", "ranilug"),
        ("Ranilug", "ranilug"),
        ("Partesh", "partesh"),
        ("Parteš", "partesh"),
        ("Shtërpcë", "shtrpce"),
        ("Štrpce", "shtrpce"),
        ("Skenderaj", "skenderaj"),
        ("Srbica", "skenderaj"),
        ("Vushtrri", "vushtrri"),
        ("Vučitrn", "vushtrri"),
        ("Podujevë", "podujevo"),
        ("Podujevo", "podujevo"),
        ("Obiliq", "obiliq"),
        ("Obilić", "obiliq"),
        ("Lipjan", "lipjan"),
        ("Lipljan", "lipjan"),
        ("Shtime", "shtime"),
        ("Štimlje", "shtime"),
        ("Suharekë", "suhareka"),
        ("Suva Reka", "suhareka"),
        ("Rahovec", "rahovec"),
        ("Orahovac", "rahovec"),
        ("Malishevë", "malisheva"),
        ("Mališevo", "malisheva"),
        ("Dragash", "dragash"),
        ("Dragaš", "dragash"),
        ("Prizren", "prizren"),
        ("Mamushë", "mamusha"),
        ("Mamuša", "mamusha"),
        ("Mamuşa", "mamusha"),
        ("Kaçanik", "kacanik"),
        ("Kačanik", "kacanik"),
        ("Viti", "vitina"),
        ("Vitina", "vitina"),
        ("Gjilan", "gjilan"),
        ("Gnjilane", "gjilan"),
        ("Kamenicë", "kamenica"),
        ("Kosovska Kamenica", "kamenica"),
        ("Istog", "istog"),
        ("Istok", "istog"),
        ("Klinë", "klina"),
        ("Klina", "klina"),
        ("Deçan", "decan"),
        ("Dečani", "decan"),
        ("Junik", "junik"),
        ("Fushë Kosovë", "fushe-kosove"),
        ("Fushë-Kosova", "fushe-kosove"),
        ("Kosovo Polje", "fushe-kosove"),
        ("Fushë Kosovë (Kosovo Polje)", "fushe-kosove"),
        ("Zveçan/Zvečan", "zvecan"),
        ("Mitrovica / Severna Mitrovica", "north-mitrovica"),
    ],
)
def test_listed_forms(name, code):
    assert match_municipality(name) == code


def test_registry_names_are_in_the_table():
    """The names the UI shows (municipality_registry) are names the matcher knows."""
    for m in REGISTRY.values():
        assert {match_municipality(n) for n in (m.code, m.name_en, m.name_sq, m.name_sr)} == {m.code}, m.code


def test_geonames_and_geoboundaries_names_match_except_the_old_mitrovica():
    """The names in the upstream files: all known; the pre-2013 Mitrovica names are ambiguous."""
    gn = pd.read_csv(config.PACKAGE_DIR / "upstream" / "rg_cities1000_XK.csv", dtype=str, keep_default_na=False)
    gb = gpd.read_file(config.PACKAGE_DIR / "upstream" / "geoBoundaries-XKX-ADM2_simplified.geojson")
    found = {n: candidate_codes(n) for n in {*gn["admin2"], *gb["shapeName"]}}
    ambiguous = sorted(n for n, codes in found.items() if len(codes) != 1)
    assert ambiguous == ["Komuna e Mitrovices", "Municipality of Mitrovica"]
    assert all(found[n] == MITROVICA for n in ambiguous)
    assert {codes[0] for n, codes in found.items() if n.startswith("Municipality of")} == set(REGISTRY) - {
        "south-mitrovica"
    }


# ------------------------------------------------------------------ ambiguous names


AMBIGUOUS_FORMS = [
    *AMBIGUOUS,
    "Mitrovice",
    "MITROVICA",
    "Municipality of Mitrovica",
    "Komuna e Mitrovicës",
    "Opština Kosovska Mitrovica",
    "Митровица",
    "Косовска Митровица",
    "Mitrovicë/Mitrovica",
]


@pytest.mark.parametrize("name", AMBIGUOUS_FORMS)
def test_ambiguous_names_are_reported_without_a_point(name):
    assert match_municipality(name) is None
    found = resolve_municipality(name)
    assert (found.status, found.code, found.candidates) == ("ambiguous", None, MITROVICA)
    assert found.message == "ambiguous: North Mitrovica or South Mitrovica; give the point or the full name"


def test_two_different_municipalities_in_one_cell_are_ambiguous():
    found = resolve_municipality("Zveçan/Leposaviq")
    assert (found.status, found.candidates) == ("ambiguous", ("zvecan", "leposavic"))
    assert "Zvečan or Leposavić" in found.message


def _boxes(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    """North and South Mitrovica either side of a straight 'Ibar' at 42.89 N, Zvečan to the west."""
    frame = gpd.GeoDataFrame(
        {"code": ["north-mitrovica", "south-mitrovica", "zvecan"]},
        geometry=[
            shapely.box(20.84, 42.89, 20.95, 42.95),
            shapely.box(20.84, 42.83, 20.95, 42.89),
            shapely.box(20.70, 42.83, 20.84, 42.95),
        ],
        crs="EPSG:4326",
    )
    return frame.to_crs(crs)


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:32634"])
@pytest.mark.parametrize("name", ["Mitrovica", "Kosovska Mitrovica", "Municipality of Mitrovica"])
def test_ambiguous_names_are_resolved_by_the_point(name, crs):
    polygons = _boxes(crs)
    north = resolve_municipality(name, point=shapely.Point(20.87, 42.90), polygons=polygons)
    south = resolve_municipality(name, point=(20.87, 42.87), polygons=polygons)
    assert (north.status, north.code) == ("matched", "north-mitrovica")
    assert (south.status, south.code) == ("matched", "south-mitrovica")
    assert "the point lies in North Mitrovica" in north.message


def test_a_point_in_neither_candidate_stays_ambiguous():
    polygons = _boxes()
    west = resolve_municipality("Mitrovica", point=(20.75, 42.90), polygons=polygons)
    away = resolve_municipality("Mitrovica", point=(21.16, 42.66), polygons=polygons)
    assert (west.status, west.code) == ("ambiguous", None)
    assert "the point lies in Zvečan, which is neither" in west.message
    assert (away.status, away.code) == ("ambiguous", None)
    assert "none of them" in away.message


def test_a_shared_polygon_cannot_resolve():
    shared = _boxes().iloc[:2].copy()
    shared["geometry"] = shapely.box(20.84, 42.83, 20.95, 42.95)
    found = resolve_municipality("Mitrovica", point=(20.87, 42.90), polygons=shared)
    assert found.status == "ambiguous" and "share one drawn polygon" in found.message


def test_an_unambiguous_name_ignores_the_point():
    """A point only settles between a name's candidates; it never changes a certain name."""
    found = resolve_municipality("Zvečan", point=(20.87, 42.90), polygons=_boxes())
    assert (found.status, found.code) == ("matched", "zvecan")


def test_camp_points_resolve_mitrovica_to_their_own_side_of_the_ibar():
    """With the embedded layer: each former camp or site in North or South Mitrovica settles "Mitrovica"."""
    camps = geodata.load("camps")
    mitrovica = camps[camps["municipality"].isin(MITROVICA)]
    assert set(mitrovica["municipality"]) == set(MITROVICA)
    for _, site in mitrovica.iterrows():
        assert resolve_municipality("Mitrovica", point=site.geometry).code == site["municipality"], site["site_id"]


# ------------------------------------------------------------------ unknown names


def test_unknown_names_get_a_did_you_mean():
    found = resolve_municipality("Leposavik")
    assert (found.status, found.code, found.candidates) == ("unknown", None, ())
    assert found.suggestions[0] == "leposavic"
    assert found.message.endswith("did you mean Leposaviq/Leposavić?")
    assert resolve_municipality("Prizern").suggestions[0] == "prizren"


@pytest.mark.parametrize("name", ["", None, "   ", "Belgrade", "Mitrovica North Pole", "Kosovo", "Zveçan/Belgrade"])
def test_unknown_names_do_not_match(name):
    assert match_municipality(name) is None
    assert resolve_municipality(name).status == "unknown"


def test_a_name_two_municipalities_share_must_be_declared(monkeypatch):
    """The table cannot make a name ambiguous by accident: an undeclared shared name stops the index."""
    broken = (*NAME_TABLE[:1], type(NAME_TABLE[1])("dragash", "Dragash", "Dragaš", "Deçan"))
    monkeypatch.setattr(names, "NAME_TABLE", broken)
    with pytest.raises(ValueError, match="means both"):
        names._index.__wrapped__()


@pytest.mark.parametrize(
    "name, municipality, label",
    [
        ("Zvecan", "zvecan", "Zveçan/Zvečan"),  # GeoNames' ASCII name of the seat
        ("Srbica", "skenderaj", "Skënderaj/Srbica"),  # the Serbian name alone
        ("Leposaviq", "leposavic", "Leposaviq/Leposavić"),
        ("Prizren", "prizren", "Prizren"),  # one form in both languages
        ("Mitrovice", "south-mitrovica", "Mitrovicë e Jugut/Južna Mitrovica"),  # ambiguous, settled by the point
        ("Budakovo", "suhareka", "Budakovo"),  # a village keeps its own name
        ("Leposaviq", "zvecan", "Leposaviq"),  # another municipality's name is not this one's seat
    ],
)
def test_a_municipal_seat_is_labelled_with_its_municipality_in_albanian_and_serbian(name, municipality, label):
    assert names.place_label(name, municipality) == label
