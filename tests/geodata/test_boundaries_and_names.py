"""Matching municipality names (installing boundary files: test_municipal_boundaries.py)."""

from __future__ import annotations

import pytest

from geodata.facts.names import match_municipality


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Mitrovicë e Veriut", "north-mitrovica"),
        ("Severna Mitrovica", "north-mitrovica"),
        ("Mitrovica e Veriut", "north-mitrovica"),
        ("Južna Mitrovica", "south-mitrovica"),
        ("Leposaviq", "leposavic"),
        ("Leposavic", "leposavic"),
        ("Komuna e Leposaviqit", "leposavic"),
        ("Zveçan", "zvecan"),
        ("Opština Zvečan", "zvecan"),
        ("Đakovica", "gjakova"),
        ("Djakovica", "gjakova"),
        ("Gjakovë", "gjakova"),
        ("Uroševac", "ferizaj"),
        ("Graçanicë", "gracanica"),
        ("Kllokot", "klokot"),
        ("Shtërpcë", "shtrpce"),
        ("Elez Han", "hani-i-elezit"),
    ],
)
def test_match_municipality_any_language_with_or_without_diacritics(name, code):
    assert match_municipality(name) == code


@pytest.mark.parametrize("name", ["", None, "Belgrade", "Mitrovica North Pole"])
def test_unknown_names_do_not_match(name):
    assert match_municipality(name) is None
