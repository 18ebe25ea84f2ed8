"""What a link asked for that the filters could not use is said next to the filter sentence (explorer and
coverage pages), not silently dropped."""

from __future__ import annotations

import sys

import pytest
from layout_support import find as _find

from dashboard import components, ids
from dashboard.app import create_app
from geodata.analysis.filters import FilterState


@pytest.fixture(scope="module")
def pages():
    create_app()
    return sys.modules["pages.explorer"], sys.modules["pages.coverage"]


def _text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        return "".join(_text(c) for c in children)
    return _text(children)


@pytest.mark.parametrize("page", [0, 1], ids=["explorer", "coverage"])
def test_an_ambiguous_municipality_in_the_link_is_named_beside_the_sentence(pages, page):
    layout = pages[page].layout(municipality="Mitrovica", sector="health")
    notes = _text(_find(layout, ids.FILTER_NOTES))
    expected = FilterState.from_query("municipality=Mitrovica").notes
    assert expected and all(note in notes for note in expected)
    assert "North Mitrovica or South Mitrovica" in notes
    assert "Mitrovica" not in _text(_find(layout, ids.COVERAGE_SENTENCE if page else ids.SENTENCE))


@pytest.mark.parametrize("page", [0, 1], ids=["explorer", "coverage"])
def test_a_clean_link_shows_no_notes(pages, page):
    layout = pages[page].layout(municipality="Leposavić")
    assert _find(layout, ids.FILTER_NOTES) is not None
    assert _text(_find(layout, ids.FILTER_NOTES)) == ""


def test_every_note_is_listed():
    notes = FilterState.from_query("municipality=Mitrovica&municipality=Atlantis&from=1800").notes
    assert len(notes) == 3
    text = _text(components.filter_notes(notes))
    assert all(note in text for note in notes)
    assert components.filter_notes(()) is None
