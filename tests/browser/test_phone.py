"""The phone layout (390 x 844 CSS pixels) in real headless Chromium: the explorer shows its map first with
the filters in an off-canvas panel, no page is wider than the screen, and slider labels never overlap.
Screenshots of every page at phone and desktop size go to build/screenshots/."""

from __future__ import annotations

import pytest
from a11y_support import DESKTOP, PHONE, cut_text, emulate, overflow, overlapping_marks, rect, screenshot, settle
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from signin_support import sign_in
from waits import steady, until

from dashboard import ids
from dashboard.app import create_app

pytestmark = pytest.mark.browser

PAGES = ("/", "/coverage", "/data", "/briefing")


def _load(dash_duo, path: str, size) -> object:
    driver = dash_duo.driver
    emulate(driver, size)
    driver.get(dash_duo.server_url + path)
    settle(driver)
    return driver


def test_explorer_on_a_phone_shows_the_map_first_and_filters_off_canvas(dash_duo):
    dash_duo.start_server(create_app())
    driver = _load(dash_duo, "/", PHONE)
    width, height = PHONE
    shot = screenshot(driver, "phone-explorer")

    graph = rect(driver, f"#{ids.MAP}")
    assert graph["visible"] and 0 <= graph["top"] < height, f"the map starts below the first screen: {graph}"
    assert min(graph["bottom"], height) - graph["top"] >= 300, f"less than 300 px of map in the first screen ({shot})"
    assert graph["left"] >= 0 and graph["right"] <= width

    # the filters are not in the page's flow above the map: they wait off-canvas, closed
    panel = rect(driver, f"#{ids.FILTERS_PANEL}")
    assert not panel["visible"] or panel["right"] <= 0, f"the filter panel is showing: {panel}"
    sector = rect(driver, f"#{ids.SECTOR}")
    assert not (sector["visible"] and sector["right"] > 0 and sector["top"] < graph["top"]), (
        "a filter sits above the map"
    )
    toggle = rect(driver, f"#{ids.FILTERS_TOGGLE}")
    assert toggle["visible"] and toggle["bottom"] <= graph["top"] and toggle["height"] >= 44

    # a real tap on "Filters" slides the panel in as a dialog, with focus inside it
    driver.find_element("id", ids.FILTERS_TOGGLE).click()
    until(driver, lambda: rect(driver, f"#{ids.FILTERS_PANEL}")["left"] >= -1, "the filters to slide in")
    panel = rect(driver, f"#{ids.FILTERS_PANEL}")
    assert panel["visible"] and panel["right"] <= width
    assert rect(driver, f"#{ids.SECTOR}")["visible"]
    state = driver.execute_script(
        "const p = document.getElementById(arguments[0]); return [p.getAttribute('role'), "
        "p.getAttribute('aria-modal'), p.contains(document.activeElement), "
        "document.getElementById(arguments[1]).getAttribute('aria-expanded')]",
        ids.FILTERS_PANEL,
        ids.FILTERS_TOGGLE,
    )
    assert state == ["dialog", "true", True, "true"]
    screenshot(driver, "phone-explorer-filters")
    assert overlapping_marks(driver) == [], "year-slider labels overlap in the phone panel"
    assert overflow(driver)["scrollWidth"] <= width

    # Escape closes it and gives focus back to the toggle
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    until(
        driver,
        lambda: (
            rect(driver, f"#{ids.FILTERS_PANEL}")["right"] <= 0 or not rect(driver, f"#{ids.FILTERS_PANEL}")["visible"]
        ),
        "the panel to close",
    )
    assert driver.execute_script("return document.activeElement.id") == ids.FILTERS_TOGGLE


def test_the_filters_are_a_sidebar_on_the_desktop(dash_duo):
    dash_duo.start_server(create_app())
    driver = _load(dash_duo, "/", DESKTOP)
    assert not rect(driver, f"#{ids.FILTERS_TOGGLE}")["visible"]
    panel, graph = rect(driver, f"#{ids.FILTERS_PANEL}"), rect(driver, f"#{ids.MAP}")
    assert panel["visible"] and panel["right"] <= graph["left"], "the filters sit left of the map"
    assert (
        driver.execute_script("return document.getElementById(arguments[0]).getAttribute('role')", ids.FILTERS_PANEL)
        is None
    )


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_page_is_wider_than_the_screen_and_slider_labels_never_overlap(dash_duo, size):
    dash_duo.start_server(create_app())
    sign_in(dash_duo)  # as an editor, so /data is the editor's page (and the navbar holds the account)
    problems = []
    for path in PAGES:
        driver = _load(dash_duo, path, size)
        name = path.strip("/") or "explorer"
        screenshot(driver, f"{'phone' if size == PHONE else 'desktop'}-{name}")
        found = overflow(driver)
        if found["scrollWidth"] > size[0]:
            problems.append(f"{path}: {found['scrollWidth']} px wide at {size[0]}: {found['outside']}")
        clashes = overlapping_marks(driver)
        if clashes:
            problems.append(f"{path}: slider labels overlap: {clashes}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_chart_or_map_cuts_its_text_at_its_edge(dash_duo, size):
    """Every graph of the explorer, the coverage page and the briefing, each brought into view (a chart out of
    view draws as it comes near): no footnote, watermark, bar label, tick label, legend entry or title reaches
    past the graph's edge, and no two tick labels of an axis overlap. On a phone the figures laid out for wider
    screens are fitted by assets/fit_text.js (the map's designation and credit lines, a bar's label outside a
    short bar, the watermark); the coverage heatmap turns its sector names."""
    dash_duo.start_server(create_app())
    problems = []
    for path in ("/", "/coverage", "/briefing"):
        driver = _load(dash_duo, path, size)
        graphs = driver.execute_script("return [...document.querySelectorAll('.js-plotly-plot')].length")
        for i in range(graphs):
            driver.execute_script(
                "document.querySelectorAll('.js-plotly-plot')[arguments[0]].scrollIntoView({block: 'center'})", i
            )
            settle(driver, polls=2)
        name = path.strip("/") or "explorer"
        screenshot(driver, f"text-fit-{'phone' if size == PHONE else 'desktop'}-{name}")
        # a fitting is a relayout after the graph's drawing: the reading that holds for three polls
        cut = steady(driver, lambda d=driver: cut_text(d), f"the texts of {path}'s graphs to rest", times=3)
        problems += [f"{path}: {c}" for c in cut]
    assert problems == [], "\n".join(problems)
