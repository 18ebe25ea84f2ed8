"""The explorer says in one line who the camps were for and why they matter, and spells out "RAE" before the page
(navbar included) first uses the abbreviation."""

from __future__ import annotations

import re
import sys

import pytest
from layout_support import find as _find

from dashboard import ids

SPELLED_OUT = "Roma, Ashkali and Egyptian (RAE)"


@pytest.fixture(scope="module")
def app():
    from dashboard.app import create_app

    return create_app()


def _texts(component) -> list[str]:
    """Every text in a component tree, in document order (the text a screen reader meets, hidden headings too)."""
    if component is None:
        return []
    if isinstance(component, str | int | float):
        return [str(component)]
    if isinstance(component, list | tuple):
        return [t for c in component for t in _texts(c)]
    out = []
    for prop in ("label", "placeholder"):  # labels of options and inputs that are read out
        value = getattr(component, prop, None)
        if isinstance(value, str):
            out.append(value)
    return out + _texts(getattr(component, "children", None))


def test_the_intro_line_says_why_the_camps_matter(app):
    explorer = sys.modules["pages.explorer"]
    intro = _find(explorer.layout(), ids.INTRO)
    assert intro is not None
    text = intro.children
    assert SPELLED_OUT in text
    for fact in ("lead smelter", "lead-poisoned", "2016", "Human Rights Advisory Panel", "UNMIK"):
        assert fact in text, fact


def test_rae_is_spelled_out_before_its_first_abbreviated_use(app):
    from dashboard.app import navbar

    explorer = sys.modules["pages.explorer"]
    page = " ".join(_texts(navbar()) + _texts(explorer.layout()))
    first = re.search(r"\bRAE\b", page)
    assert first is not None
    assert page[: first.end() + 1].endswith(SPELLED_OUT), page[max(0, first.start() - 120) : first.end() + 40]
    assert page.count(SPELLED_OUT) == 1  # once
