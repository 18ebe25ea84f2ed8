"""components.user_error: the one look of an expected error, and the pages' messages that go through it."""

from __future__ import annotations

import sys

import dash_bootstrap_components as dbc
import pytest

from dashboard import components


def _spec(component) -> dict:
    return components.plain(component)


def test_user_error_is_a_dismissable_alert_with_its_message():
    alert = components.user_error("The file could not be read.")
    assert isinstance(alert, dbc.Alert)
    spec = _spec(alert)["props"]
    assert spec["children"] == "The file could not be read."
    assert spec["dismissable"] is True and spec["color"] == "warning"
    assert spec["className"] == "user-error"


def test_user_error_title_colour_and_classes():
    spec = _spec(components.user_error("two", title="One: ", color="info", className="x y"))["props"]
    strong, text = spec["children"]
    assert strong["type"] == "Strong" and strong["props"]["children"] == "One: " and text == "two"
    assert spec["color"] == "info" and spec["className"] == "user-error x y"


def test_filter_notes_go_through_user_error():
    assert components.filter_notes(()) is None
    got = _spec(components.filter_notes(("municipality 'Atlantis' is unknown", "year 1800 is out of range")))
    want = _spec(
        components.user_error(
            "municipality 'Atlantis' is unknown; year 1800 is out of range.",
            title="Not applied from the link: ",
            className=components.FILTER_NOTES_CLASS,
        )
    )
    assert got == want
    assert "filter-notes" in got["props"]["className"] and got["props"]["color"] == "warning"


@pytest.fixture(scope="module")
def explorer():
    from dashboard.app import create_app

    create_app()
    return sys.modules["pages.explorer"]


@pytest.mark.parametrize("status", [None, {"reachable": True}, {"reachable": None}])
def test_no_base_map_notice_unless_openstreetmap_was_out_of_reach(explorer, status):
    assert explorer.base_map_notice(status) is None


def test_base_map_notice_goes_through_user_error(explorer):
    got = _spec(explorer.base_map_notice({"style": "white-bg", "reachable": False}))
    want = _spec(components.user_error(explorer.OSM_UNREACHABLE, color="info", className="base-map-notice py-2 mb-2"))
    assert got == want and got["props"]["color"] == "info"
