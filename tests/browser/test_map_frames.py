"""A Plotly map draws a new data state once its sources have loaded (assets/map_frames.js), and never freezes: a
real filter click redraws the explorer's map with the new points (compared in screenshots), a map dragged while
new data loads is drawn as it moves, data that does not load within the hold is drawn as it is, and new labels are
placed and drawn in one frame (the coverage gap map's names: what a second frame draws is the same)."""

from __future__ import annotations

import base64
import io
import threading
import time

import numpy as np
import pytest
from map_pointer import PROJECT_MARKERS, at_rest, click, inside_unit_pixels
from PIL import Image
from waits import callbacks_done, next_frame, until

from dashboard import config, data, figures, geo_assets, ids
from dashboard.app import create_app

pytestmark = pytest.mark.skipif(not config.FAST, reason="TFA_FAST=0 leaves MapLibre's frames as they were")

_MAP = f"#{ids.MAP}"
_M = "const gd = document.querySelector('#explorer-map .js-plotly-plot'); const m = window.tfaPageMaps.mapOf(gd);"
_FRAMES = _M + "return Object.assign({}, m.__tfaFrames, {held_until: m.__tfaHeldUntil || 0});"
_SETTLED = _M + "return !m.isMoving() && m.isStyleLoaded() && !m.__tfaHeldUntil;"
_SLOW_S = 6.0


def _start(dash_duo, app=None):
    dash_duo.start_server(app or create_app())
    until(
        dash_duo.driver,
        lambda: dash_duo.driver.execute_script(
            "const gd = document.querySelector('#explorer-map .js-plotly-plot');"
            "const m = window.tfaPageMaps.mapOf(gd);"
            "return !!(m && m.__tfaFrames && m.isStyleLoaded()"
            " && (() => {" + PROJECT_MARKERS + "})() > 0);"
        ),
        timeout=60,
        what="the map with its project points, its frames counted",
    )
    dash_duo.driver.execute_script(f"document.querySelector('{_MAP}').scrollIntoView({{block: 'center'}})")
    at_rest(dash_duo.driver, _MAP, "the page to stop scrolling to the map")


def _frames(driver) -> dict:
    return driver.execute_script(_FRAMES)


def _picture(driver, which: str = _M) -> np.ndarray:
    """The map as the page shows it (a screenshot of its box), as RGB pixels: the explorer's, or the map ``which``
    (a script that sets ``m``) finds."""
    box = driver.execute_script(
        which + "const b = m.getContainer().getBoundingClientRect(); return [b.left, b.top, b.width, b.height];"
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "clip": {"x": box[0], "y": box[1], "width": box[2], "height": box[3], "scale": 1}},
    )
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(shot["data"]))).convert("RGB"), dtype=np.int16)


def _map_box(driver) -> list[float]:
    return driver.execute_script(_M + "const b = m.getContainer().getBoundingClientRect(); return [b.left, b.top];")


def _changed_share(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(np.abs(a - b).max(axis=2) > 24))


_OPTION = (
    "const i = document.querySelector('.dash-dropdown-option input[value=\"health\"]');"
    "const l = i && i.closest('label'); if (!l) return null; l.scrollIntoView({block: 'nearest'});"
    "const r = l.getBoundingClientRect(); return r.width > 0 ? [r.x + r.width / 2, r.y + r.height / 2] : null;"
)


def _toggle_health(dash_duo) -> None:
    """Open the sector dropdown and click its Health option with a real pointer (on, or off again)."""
    driver = dash_duo.driver
    if not driver.execute_script(_OPTION):
        dash_duo.wait_for_element(f"#{ids.SECTOR}", timeout=30).click()
    click(driver, *until(driver, lambda: driver.execute_script(_OPTION), "the Health option"))


def _settle(driver, what: str) -> None:
    until(driver, lambda: callbacks_done(driver) and driver.execute_script(_SETTLED), what, timeout=30)
    next_frame(driver, 3)


def test_a_filter_click_holds_the_map_s_frames_and_then_draws_the_new_points(dash_duo):
    _start(dash_duo)
    driver = dash_duo.driver
    _settle(driver, "the map settled")
    before, counted = _picture(driver), _frames(driver)
    _toggle_health(dash_duo)
    until(driver, lambda: "Health projects" in dash_duo.find_element(f"#{ids.SENTENCE}").text, "the filter applied")
    _settle(driver, "the map to draw the filtered points")
    after_click = _frames(driver)
    filtered = _picture(driver)
    if config.POINTS_LAYER:  # the page's own points change their feature states: nothing loads, nothing is held
        assert after_click["held"] == counted["held"]
    else:  # frames came while the new points loaded and were not drawn; the new state was drawn after them
        assert after_click["held"] > counted["held"]
    assert after_click["drawn"] > counted["drawn"]
    # the picture is the filtered map: markers of other sectors are gone (a frozen map would not change)
    assert _changed_share(before, filtered) > 0.001
    _toggle_health(dash_duo)
    until(driver, lambda: "Health" not in dash_duo.find_element(f"#{ids.SENTENCE}").text, "the filter cleared")
    _settle(driver, "the map to draw every point again")
    # and back: the same picture as before the filter, drawn once its data had loaded
    assert _changed_share(before, _picture(driver)) < 0.002
    assert dash_duo.get_logs() == []


def _rgb(text: str) -> np.ndarray:
    return np.array([int(v) for v in text[text.index("(") + 1 : text.index(")")].split(",")[:3]])


def test_the_shading_is_drawn_when_its_polygons_load_while_frames_are_held(dash_duo):
    """The polygons' tiles load while the page's first data holds the map's frames; each must still take its
    colour (feature state): the darkest-shaded municipality shows its colour on screen, as MapLibre blends it."""
    _start(dash_duo)
    driver = dash_duo.driver
    _settle(driver, "the map settled")
    assert _frames(driver)["held"] > 0  # the first load did hold frames
    snap = data.snapshot()
    shading = figures.shell_shading(snap, figures.DEFAULT_METRIC, geo_assets.polygons_url(snap.static))
    filled = [(u, _rgb(f)) for u, f in zip(shading["units"], shading["fill"], strict=True) if f]
    unit, fill = min(filled, key=lambda uf: int(uf[1].sum()))
    units = snap.static.municipalities
    code = str(units.loc[units["boundary_unit"] == unit, "code"].iloc[0])
    left, top = _map_box(driver)
    picture = _picture(driver)
    seen = [picture[int(y - top), int(x - left)] for x, y in inside_unit_pixels(driver, _MAP, code)]
    expected = shading["opacity"] * fill + (1 - shading["opacity"]) * 255  # over the white background
    # much of the unit shows its colour (labels, the camps' halos and the SAMPLE DATA watermark cover some of it;
    # unshaded, none would: white is 66 levels lighter)
    matching = [bool(np.abs(c - expected).max() < 20) for c in seen]
    assert len(seen) >= 5 and sum(matching) >= len(seen) / 3, (code, expected, seen)


@pytest.fixture
def slow_app():
    """The app with a GeoJSON file that takes ``_SLOW_S`` seconds to come (or until the test ends), for a source
    that stays loading. Asked for after ``dash_duo``, it lets the request go before the server stops."""
    app = create_app()
    released = threading.Event()

    def slow():
        released.wait(_SLOW_S)
        return {"type": "FeatureCollection", "features": []}

    app.server.add_url_rule("/_test/slow.geojson", "test_slow_geojson", slow)
    yield app
    released.set()


def _add_slow_source(driver) -> None:
    driver.execute_script(
        _M + "m.addSource('test-slow', {type: 'geojson', data: '/_test/slow.geojson'});"
        "m.addLayer({id: 'test-slow', type: 'circle', source: 'test-slow'});"
    )


def test_a_map_dragged_while_its_data_loads_is_drawn_as_it_moves(dash_duo, slow_app):
    _start(dash_duo, slow_app)
    driver = dash_duo.driver
    _settle(driver, "the map settled")
    x, y = driver.execute_script(
        _M + "const b = m.getContainer().getBoundingClientRect(); return [b.left + b.width / 2, b.top + b.height / 2];"
    )
    centre = driver.execute_script(_M + "return m.getCenter().toArray();")
    _add_slow_source(driver)  # a data load that will not finish during the drag: frames are held from now
    assert _frames(driver)["held_until"] > 0
    start = _frames(driver)
    driver.execute_cdp_cmd(
        "Input.dispatchMouseEvent", {"type": "mousePressed", "x": x, "y": y, "button": "left", "clickCount": 1}
    )
    for step in range(1, 11):
        driver.execute_cdp_cmd(
            "Input.dispatchMouseEvent",
            {"type": "mouseMoved", "x": x + 12 * step, "y": y + 6 * step, "button": "left", "buttons": 1},
        )
        time.sleep(0.03)
    moved = _frames(driver)
    driver.execute_cdp_cmd(
        "Input.dispatchMouseEvent",
        {"type": "mouseReleased", "x": x + 120, "y": y + 60, "button": "left", "clickCount": 1},
    )
    assert driver.execute_script(_M + "return !m.isStyleLoaded();"), "the slow source had loaded during the drag"
    assert driver.execute_script(_M + "return m.getCenter().toArray();") != centre
    assert moved["drawn"] >= start["drawn"] + 3  # drawn while it moved, though its data was still loading


def test_data_that_does_not_load_within_the_hold_is_drawn_as_it_is(dash_duo, slow_app):
    _start(dash_duo, slow_app)
    driver = dash_duo.driver
    _settle(driver, "the map settled")
    hold_s = driver.execute_script("return window.tfaFrames.HOLD_MS") / 1000
    assert hold_s < _SLOW_S - 2
    start = _frames(driver)
    _add_slow_source(driver)
    armed = time.monotonic()
    until(driver, lambda: _frames(driver)["held"] > start["held"], "a held frame", timeout=5)
    held = _frames(driver)
    assert held["drawn"] == start["drawn"]  # nothing drawn while the data loads
    # the hold ends on its own: a frame is drawn though the source is still loading and nothing else asked
    until(
        driver,
        lambda: _frames(driver)["drawn"] > held["drawn"],
        "a frame drawn once the hold ended",
        timeout=hold_s + 3,
    )
    assert time.monotonic() - armed < _SLOW_S
    assert driver.execute_script(_M + "return !m.isStyleLoaded();")
    assert _frames(driver)["held_until"] == 0


_GAP = "const gd = document.querySelector('#coverage-gap-map .js-plotly-plot'); const m = window.tfaPageMaps.mapOf(gd);"
_GAP_IDLE = _GAP + (
    "return !!(m && m.__tfaFrames && m.loaded() && m.areTilesLoaded() && !m.isMoving() && !m._placementDirty"
    " && gd._fullLayout.map.layers.some(l => l.type === 'symbol'));"
)
# the texts of the labels MapLibre has placed (a label hidden by a collision is not returned), and the frame counts
_PLACED = _GAP + (
    "const texts = m.queryRenderedFeatures().filter(f => f.layer.type === 'symbol')"
    ".map(f => String(f.properties.name || f.properties.text || '')).filter(t => t);"
    "return {texts: [...new Set(texts)].sort(), frames: Object.assign({}, m.__tfaFrames)};"
)


def _placed_when_idle(driver) -> list[str]:
    """The placed labels' texts once the gap map is idle ([] before)."""
    return driver.execute_script(_PLACED)["texts"] if driver.execute_script(_GAP_IDLE) else []


def test_new_labels_are_placed_and_drawn_in_one_frame(dash_duo):
    """New labels on a map (the coverage gap map's site names, renamed in the loaded page with every frame drawn, so
    that the labels' tiles arrive in a drawn frame): MapLibre marks that frame's placement stale and would draw the
    same picture again; the mark is undone, and what the one frame drew is what a second frame draws (the same
    labels placed, the same pixels)."""
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    driver.get(dash_duo.server_url + "/coverage")
    until(driver, lambda: driver.execute_script(_GAP + "return !!m;"), "the gap map", timeout=60)
    driver.execute_script(_GAP + "m.getContainer().scrollIntoView({block: 'center', behavior: 'instant'});")
    until(driver, lambda: callbacks_done(driver) and driver.execute_script(_GAP_IDLE), "the gap map idle", timeout=60)
    before = driver.execute_script(_PLACED)
    renamed = driver.execute_script(
        _GAP + "window.tfaFrames.enabled = false;"  # frames are not held: the new labels come in a frame that is drawn
        "const update = {}, text = [];"  # every label layer's names (the sites' and the hazards'), renamed
        "gd.layout.map.layers.forEach((layer, i) => { if (layer.type !== 'symbol') return;"
        "  const source = JSON.parse(JSON.stringify(layer.source));"
        "  source.features.forEach(f => { f.properties.name += ' (site)'; text.push(f.properties.name); });"
        "  update['map.layers[' + i + '].source'] = source; });"
        "Plotly.relayout(gd, update); return text;"
    )
    until(driver, lambda: set(renamed) & set(_placed_when_idle(driver)), "the renamed labels placed", timeout=30)
    next_frame(driver, 3)
    first = driver.execute_script(_PLACED)
    assert first["frames"]["settled"] > before["frames"]["settled"], first["frames"]
    picture = _picture(driver, _GAP)

    # one more frame, as MapLibre would have drawn: nothing to place differently, nothing drawn differently
    driver.execute_script(_GAP + "m.triggerRepaint();")
    next_frame(driver, 3)
    until(driver, lambda: driver.execute_script(_GAP_IDLE), "the gap map idle again", timeout=30)
    again = driver.execute_script(_PLACED)
    assert again["frames"]["drawn"] > first["frames"]["drawn"], "no frame was drawn again"
    assert again["texts"] == first["texts"]
    assert _changed_share(picture, _picture(driver, _GAP)) < 0.001
    assert dash_duo.get_logs() == []
