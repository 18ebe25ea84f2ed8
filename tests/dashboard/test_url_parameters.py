"""Out-of-range and malformed URL parameters open the page with defaults (never a 500 or a blank page), and the
filter state keeps a note of what it ignored."""

from __future__ import annotations

import json

import pytest
from auth_support import anonymous_client, callback_body, callback_key

from dashboard.app import ERROR_MESSAGE
from geodata.analysis.filters import FilterState

BAD = [
    ("/", "?from=99999999999999999999"),
    ("/", "?metric=zzz&to=-5"),
    ("/", "?from=abc&dataset=zzz&sector=zzz"),
    ("/coverage", "?radius=nan"),
    ("/coverage", "?radius=1e400&from=abc&allocation=zzz"),
    ("/briefing", "?from=99999999999999999999&metric=zzz"),
    ("/data", "?from=99999999999999999999"),
]


@pytest.fixture(scope="module")
def app():
    from dashboard.app import create_app

    app = create_app()
    app.server.test_client().get("/")
    return app


@pytest.mark.parametrize("path, query", BAD)
def test_bad_parameters_open_the_page_with_defaults(app, path, query):
    key = callback_key(app, "_pages_content.children")
    values = {"_pages_location.pathname": path, "_pages_location.search": query}
    response = anonymous_client(app).post(
        "/_dash-update-component", json=callback_body(app, key, values, ["_pages_location.pathname"])
    )
    assert response.status_code == 200
    text = json.dumps(response.get_json())
    assert ERROR_MESSAGE not in text and '"H1"' in text


def test_ignored_years_are_noted():
    state = FilterState.from_query("from=99999999999999999999&to=abc")
    assert state.year_from is None and state.year_to is None
    assert state.notes == (
        "from=99999999999999999999 ignored: not a year from 1900 to 2100",
        "to='abc' ignored: not a year",
    )
    assert FilterState.from_query("from=2018&to=2024").notes == ()
