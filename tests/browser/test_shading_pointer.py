"""The explorer's municipal shading under a real pointer (DevTools mouse events at pixels): a municipality's
hover label, which gives way to a project's tooltip, and the colours after a click on the polygon, read back
from MapLibre's feature state. The shading is a MapLibre layer of the page's own (``figures.shading``,
assets/map_shading.js), so nothing of Plotly's hover or click covers it."""

from __future__ import annotations

import numpy as np
import pytest
from map_pointer import PROJECT_MARKERS, at_rest, click, inside_unit, markers, move, tooltip
from selenium.webdriver.common.action_chains import ActionChains
from waits import callbacks_done, until

from dashboard import data, figures, geo_assets, ids
from dashboard.app import create_app
from geodata.analysis.filters import FilterState

pytestmark = pytest.mark.skipif(not figures.SHADING_LAYER, reason="TFA_FAST=0 shades with the choropleth trace")

_MAP = f"#{ids.MAP}"
_GD = "const gd = document.querySelector('#explorer-map .js-plotly-plot');"
_TIP = _GD + "const t = gd.querySelector('.map-shading-tip'); return t && !t.hidden ? t.innerText : null;"
_PAINTED = (
    _GD
    + """const map = window.tfaPageMaps.mapOf(gd), source = window.tfaShading.SOURCE;
    return arguments[0].map(u => (map.getFeatureState({source: source, id: u}) || {}).fill);"""
)


def _start(dash_duo):
    dash_duo.start_server(create_app())
    until(
        dash_duo.driver,
        lambda: dash_duo.driver.execute_script(
            _GD + "const m = window.tfaPageMaps.mapOf(gd);"
            "return !!(m && m.__tfaShadingPainted && (() => {" + PROJECT_MARKERS + "})() > 0);"
        ),
        timeout=60,
        what="the shaded map with its project points",
    )
    dash_duo.driver.execute_script(f"document.querySelector('{_MAP}').scrollIntoView({{block: 'center'}})")
    at_rest(dash_duo.driver, _MAP, "the page to stop scrolling to the map")


# The shading's colour key as drawn (assets/map_shading.js): its title, tick labels, and whether it lies inside
# the map's box.
_KEY = (
    _GD
    + """
const k = gd.querySelector('.map-colour-key');
if (!k) return null;
const r = k.getBoundingClientRect(), m = window.tfaPageMaps.mapOf(gd).getContainer().getBoundingClientRect();
return {title: k.querySelector('.map-colour-key-title').innerText,
        ticks: Array.from(k.querySelectorAll('.map-colour-key-ticks span')).map(s => s.textContent),
        inside: r.width > 0 && r.left >= m.left && r.right <= m.right && r.top >= m.top && r.bottom <= m.bottom};
"""
)


def test_a_municipality_s_hover_gives_way_to_a_project_s_and_a_click_recolours_the_map(dash_duo):
    _start(dash_duo)
    snap = data.snapshot()
    driver = dash_duo.driver
    x, y = inside_unit(dash_duo.driver, _MAP, "leposavic")
    move(driver, x - 4, y - 4)
    move(driver, x, y)
    text = until(driver, lambda: driver.execute_script(_TIP), "the municipality's hover label")
    everything = figures.choropleth_z(snap, np.ones(snap.n, dtype=bool), figures.DEFAULT_METRIC)
    unit = snap.static.municipalities.set_index("code").loc["leposavic", "boundary_unit"]
    value = everything[list(snap.static.units).index(unit)]
    assert "Leposavić" in text and f"Committed: {value:,.0f} USD" in text

    # onto a project: Plotly's hover and the project's tooltip; the municipality's label goes
    found, _box = markers(driver, _MAP)
    project = next(m for m in found if m["project"] and abs(m["x"] - x) + abs(m["y"] - y) > 60)
    move(driver, project["x"], project["y"])
    until(driver, lambda: (t := tooltip(driver, ids.MAP_TOOLTIP)) and t["visible"], "the project's tooltip")
    assert driver.execute_script(_TIP) is None
    # one label: Plotly shows none of its own (a camp near the project) beside the project's tooltip
    assert driver.execute_script(_GD + "return gd.querySelectorAll('.hoverlayer .hovertext').length") == 0
    move(driver, x, y)  # back on the polygon: its label again, the project's tooltip gone
    until(driver, lambda: driver.execute_script(_TIP), "the municipality's label again")
    until(driver, lambda: not ((t := tooltip(driver, ids.MAP_TOOLTIP)) and t["visible"]), "the project's to hide")

    # a click on the polygon filters to it, and every polygon takes the colour of the filtered shading
    click(driver, x, y)
    until(driver, lambda: "municipality=leposavic" in driver.current_url, "the municipality filter")
    until(driver, lambda: callbacks_done(driver), "the click's callbacks")
    mask = snap.mask(FilterState(municipalities=("leposavic",)))
    expected = figures.shading_data(
        snap, figures.choropleth_z(snap, mask, figures.DEFAULT_METRIC), figures.DEFAULT_METRIC, "-"
    )
    until(
        driver,
        lambda: driver.execute_script(_PAINTED, expected["units"]) == expected["fill"],
        "the polygons to take the filtered colours",
    )
    assert expected["fill"] != figures.shading_data(snap, everything, figures.DEFAULT_METRIC, "-")["fill"]
    # the colour key beside the map follows: the metric's title, the filtered shading's ticks, inside the map
    ticks = [label for _, label in expected["key"]["ticks"]]
    key = until(driver, lambda: (k := driver.execute_script(_KEY)) and k["ticks"] == ticks and k, "the filtered key")
    assert key["title"] == "Committed\n(USD)" and key["inside"]
    assert geo_assets.polygons_url(snap.static) in driver.execute_script(
        _GD + "return window.tfaPageMaps.mapOf(gd).__tfaShadingUrl;"
    )
    assert dash_duo.get_logs() == []


def test_no_municipality_label_follows_a_box_being_drawn(dash_duo):
    """With the button held (a box or lasso selection), the pointer draws: no label follows it, as Plotly shows
    no hover while a selection is drawn."""
    _start(dash_duo)
    driver = dash_duo.driver
    x, y = inside_unit(dash_duo.driver, _MAP, "leposavic")
    graph = dash_duo.find_element(_MAP)
    ActionChains(driver).move_to_element(graph).perform()
    button = dash_duo.find_element(f"{_MAP} .modebar-btn[data-title='Box Select']")
    until(
        driver,
        lambda: driver.execute_script(
            "return getComputedStyle(arguments[0].closest('.modebar-group')).opacity === '1'", button
        ),
        "the modebar to show",
    )
    ActionChains(driver).move_to_element(button).click().perform()
    move(driver, x - 4, y - 4)
    move(driver, x, y)
    until(driver, lambda: driver.execute_script(_TIP), "the municipality's hover label")
    event = {"x": x, "y": y, "button": "left", "clickCount": 1}
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mousePressed", **event})
    for step in range(1, 6):
        at = {"x": x + 8 * step, "y": y + 5 * step}
        driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mouseMoved", "buttons": 1, "button": "left", **at})
        until(driver, lambda: driver.execute_script(_TIP) is None, f"no label while the box is drawn (step {step})")
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mouseReleased", **event, "x": x + 40, "y": y + 25})
    assert dash_duo.get_logs() == []
