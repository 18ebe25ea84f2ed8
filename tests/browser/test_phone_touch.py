"""The explorer's map on a phone, with a finger: real touch events (DevTools ``Input.dispatchTouchEvent``) on a
mobile viewport with touch emulated, at the pixels where the map draws a project marker and a municipality.
A phone has no pointer to hover with before it taps: Plotly and MapLibre must take the tap alone."""

from __future__ import annotations

import time

import pytest
from a11y_support import PHONE
from map_pointer import at_rest, inside_unit, loneliest_project, markers
from waits import callbacks_done, steady, until

from dashboard import components, data, ids
from dashboard.app import create_app
from geodata.analysis.filters import FilterState

pytestmark = pytest.mark.browser

_MAP = f"#{ids.MAP}"


def _phone(driver) -> None:
    width, height = PHONE
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True}
    )
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})


def tap(driver, x: float, y: float, hold: float = 0.08) -> None:
    """A finger's tap at viewport pixel (x, y): touch start, a short rest, touch end."""
    point = {"x": float(x), "y": float(y), "radiusX": 4, "radiusY": 4, "force": 1, "id": 1}
    driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    time.sleep(hold)
    driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def _detail(driver) -> str | None:
    """The open detail panel's text, or None when it is closed (the panel leaves the page then)."""
    return driver.execute_script(
        "const e = document.getElementById(arguments[0]);"
        "return e && e.classList.contains('show') ? e.textContent : null;",
        ids.DETAIL,
    )


def _centre(driver, selector: str) -> tuple[float, float]:
    return tuple(
        driver.execute_script(
            # in view first: a control below the fold (or moved by the page's late content) is not tapped blind
            "const e = document.querySelector(arguments[0]); e.scrollIntoView({block: 'center', behavior: 'instant'});"
            "const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2];",
            selector,
        )
    )


def test_a_tap_opens_a_project_and_a_tap_on_a_municipality_filters(dash_duo):
    driver = dash_duo.driver
    _phone(driver)
    dash_duo.start_server(create_app())
    drawn = "const gd = document.querySelector(arguments[0] + ' .js-plotly-plot'); return !!(gd && gd._fullLayout.map);"
    until(driver, lambda: driver.execute_script(drawn, _MAP), "the map", 60)
    until(driver, lambda: any(m["project"] for m in markers(driver, _MAP)[0]), "project markers", 60)
    at_rest(driver, _MAP, "the map at rest")
    snap = data.snapshot()

    # a tap on a project marker opens that project's details
    found, box = markers(driver, _MAP)
    marker = loneliest_project(found, box)
    title = str(snap.projects.iloc[int(marker["row"])]["title"])
    tap(driver, marker["x"], marker["y"])
    until(driver, lambda: (text := _detail(driver)) and title in text, f"the details of {title!r}")

    # the panel's close button closes it with a tap, once the panel has slid in: a finger taps the button where it
    # is, not where it was a frame before (under load the slide takes long enough for a tap to miss)
    close = steady(driver, lambda: _centre(driver, f"#{ids.DETAIL} .btn-close"), "the panel at rest")
    tap(driver, *close)
    until(driver, lambda: _detail(driver) is None, "the details to close")

    # a tap inside Leposaviq/Leposavić (away from every marker) filters to it
    at_rest(driver, _MAP, "the map at rest again")
    tap(driver, *inside_unit(driver, _MAP, "leposavic"))
    expected = int(snap.mask(FilterState(municipalities=("leposavic",))).sum())
    until(driver, lambda: "municipality=leposavic" in driver.current_url, "the municipality filter in the URL")
    until(driver, lambda: callbacks_done(driver), "the filter's callbacks")
    until(
        driver,
        lambda: driver.find_element("id", components.kpi_id("projects", "value")).text == str(expected),
        f"{expected} projects in the key figures",
    )
    assert _detail(driver) is None  # a tap on a polygon opens nothing
    assert [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"] == []
