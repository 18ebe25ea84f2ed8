"""The Coverage view in headless Chromium: it renders, and a click on a heatmap cell filters (URL, sentence,
and the explorer opened from the navbar)."""

from __future__ import annotations

import pytest
from a11y_support import settle
from map_pointer import click
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from waits import steady

from dashboard import ids
from dashboard.app import create_app

pytestmark = pytest.mark.browser

# The cell's centre in viewport pixels from the heatmap's own category axes, found by name: x = the sector's
# column label, y = the municipality's row label (scrolled to mid-viewport first). [-1, ...] when either is absent.
_CELL_PIXEL = """
const gd = document.querySelector('#coverage-heatmap .js-plotly-plot');
const xs = Array.from(gd._fullData[0].x), ys = Array.from(gd._fullData[0].y);
const column = xs.indexOf(arguments[1]);
const row = ys.findIndex(y => y.startsWith(arguments[0]));
if (row < 0 || column < 0) return [row, column, 0, 0];
const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
let box = gd.querySelector('.nsewdrag').getBoundingClientRect();
window.scrollTo({top: window.scrollY + box.top + ya.d2p(ys[row]) - window.innerHeight / 2, behavior: 'instant'});
box = gd.querySelector('.nsewdrag').getBoundingClientRect();
return [row, column, box.left + xa.d2p(xs[column]), box.top + ya.d2p(ys[row])];
"""


def _cell_pixel(dash_duo, municipality: str, sector: str) -> tuple[int, int, float, float]:
    """(row, column, x, y) of the (sector, municipality) cell, found by the axes' category names."""
    import sys

    label = sys.modules["pages.coverage"].SECTOR_LABELS[sector]
    row, column, x, y = dash_duo.driver.execute_script(_CELL_PIXEL, municipality, label)
    assert row >= 0, f"no heatmap row for {municipality}"
    assert column >= 0, f"no heatmap column for {sector}"
    return row, column, x, y


def _click_cell(dash_duo, municipality: str, sector: str) -> None:
    """A real pointer move and click on the heatmap cell (W3C actions at viewport coordinates)."""
    _, _, x, y = _cell_pixel(dash_duo, municipality, sector)
    actions = ActionBuilder(dash_duo.driver)
    actions.pointer_action.move_to_location(round(x), round(y))
    actions.pointer_action.pause(0.4)
    actions.pointer_action.click()
    actions.perform()


def _wait_text(dash_duo, selector: str, text: str, timeout: float = 20) -> None:
    """Wait until the element's textContent contains ``text`` (visible or scrolled away)."""

    def has(driver):
        return driver.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", selector
        )

    try:
        WebDriverWait(dash_duo.driver, timeout).until(lambda d: text in has(d))
    except TimeoutException:
        raise AssertionError(f"{selector}: {text!r} not found in {has(dash_duo.driver)!r}") from None


def test_coverage_view_renders_and_a_cell_click_filters(dash_duo, tmp_path):
    import sys

    from dashboard.data import snapshot
    from geodata.analysis.filters import FilterState

    app = create_app()
    page = sys.modules["pages.coverage"]
    state = FilterState(dataset="all")
    _, unfiltered = page.analyse(snapshot(), state, 5.0, "shares")
    _, clicked = page.analyse(
        snapshot(), state.with_(sectors=("health",), municipalities=("south-mitrovica",)), 5.0, "shares"
    )
    # the sentences are the analysis's, tagged as sample when sample rows went into them
    for result in (unfiltered, clicked):
        assert result.summary.endswith(" (sample data).") == result.has_sample
        assert " other project" not in result.summary  # the unused catch-all sector is never a gap
    assert "health project within 5 km" in clicked.summary

    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/coverage?dataset=all", timeout=20)
    try:
        dash_duo.wait_for_element("#coverage-heatmap .hm", timeout=20)
        dash_duo.wait_for_text_to_equal("#coverage-summary .coverage-headline", unfiltered.summary, timeout=20)
        dash_duo.wait_for_element("#coverage-gap-map .maplibregl-canvas", timeout=20)
        assert "SAMPLE DATA" in dash_duo.find_element("#coverage-sample-banner").text
        assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, "#coverage-gap-table .ag-row")) > 0

        _click_cell(dash_duo, "South Mitrovica", "health")
        _wait_text(dash_duo, "#coverage-sentence", "Health projects in South Mitrovica")
        _wait_text(dash_duo, "#coverage-summary .coverage-headline", clicked.summary)
        url = dash_duo.driver.current_url
        assert "sector=health" in url and "municipality=south-mitrovica" in url

        # the explorer follows: its navbar link carries the query, and its filters open set
        dash_duo.driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")
        link = dash_duo.wait_for_element("a.nav-link[href^='/?']", timeout=10)
        assert "sector=health" in link.get_attribute("href")
        link.click()
        _wait_text(dash_duo, "#filter-sentence", "Health projects in South Mitrovica")
    except Exception:
        dash_duo.driver.save_screenshot(str(tmp_path / "coverage-failure.png"))
        raise


def test_a_cell_click_selects_its_sites_outlines_the_cell_and_filters_the_table(dash_duo, tmp_path):
    """North Mitrovica x health: its camps are measured against every project within 5 km (South Mitrovica's
    across the river too), exactly as the analysis says; the cell is outlined; the gap table keeps health rows."""
    import sys

    from dashboard.data import snapshot
    from geodata.analysis.filters import FilterState

    app = create_app()
    page = sys.modules["pages.coverage"]
    state = FilterState(dataset="all", sectors=("health",), municipalities=("north-mitrovica",))
    _, expected = page.analyse(snapshot(), state, 5.0, "shares")
    expected_sites = sorted(set(expected.sites["site_id"]))
    assert expected_sites, "North Mitrovica has no site in the layers"
    # what the page must show is what the sites have without the municipality filter (projects across the border)
    _, everywhere = page.analyse(snapshot(), state.with_(municipalities=()), 5.0, "shares")
    covered = everywhere.sites.set_index("site_id")["covered"]
    assert list(expected.sites.set_index("site_id")["covered"]) == [covered[s] for s in expected.sites["site_id"]]

    def table_sectors(driver):
        return driver.execute_script(
            "return Array.from(document.querySelectorAll('#coverage-gap-table .ag-center-cols-container "
            ".ag-row [col-id=sector]')).map(e => e.textContent)"
        )

    dash_duo.start_server(app)
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/coverage?dataset=all", timeout=20)
    try:
        dash_duo.wait_for_element("#coverage-heatmap .hm", timeout=20)
        dash_duo.wait_for_element("#coverage-gap-map .maplibregl-canvas", timeout=20)
        WebDriverWait(dash_duo.driver, 20).until(lambda d: len(set(table_sectors(d))) > 1)  # every sector's gaps
        row, column, x, y = _cell_pixel(dash_duo, "North Mitrovica", "health")
        click(dash_duo.driver, x, y)

        _wait_text(dash_duo, "#coverage-sentence", "Health projects in North Mitrovica")
        _wait_text(dash_duo, "#coverage-summary .coverage-headline", expected.summary)
        assert "sector=health" in dash_duo.driver.current_url
        assert "municipality=north-mitrovica" in dash_duo.driver.current_url

        # the clicked cell is outlined: one rectangle around (health, North Mitrovica)
        shapes = dash_duo.driver.execute_script(
            "return document.querySelector('#coverage-heatmap .js-plotly-plot').layout.shapes"
        )
        assert len(shapes) == 1
        assert (shapes[0]["x0"], shapes[0]["x1"]) == (column - 0.5, column + 0.5)
        assert (shapes[0]["y0"], shapes[0]["y1"]) == (row - 0.5, row + 0.5)

        # the gap map shows the cell's sites: their markers, one per expected site
        n_markers = dash_duo.driver.execute_script(
            "const gd = document.querySelector('#coverage-gap-map .js-plotly-plot');"
            "return gd._fullData.filter(t => t.name && t.name.startsWith('Site'))"
            ".reduce((n, t) => n + t.lat.length, 0)"
        )
        assert n_markers == len(expected_sites)

        # the table: only health rows, as many as the analysis has gaps
        WebDriverWait(dash_duo.driver, 20).until(lambda d: len(table_sectors(d)) == len(expected.gaps))
        assert set(table_sectors(dash_duo.driver)) <= {"health"}
    except Exception:
        dash_duo.driver.save_screenshot(str(tmp_path / "coverage-cell-failure.png"))
        raise


def test_clear_sector_and_municipality_keeps_the_radius(dash_duo):
    """A real click on the controls' clear button drops the cell's sector and municipality, not the radius."""
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    driver.get(f"{dash_duo.server_url}/coverage?sector=health&municipality=north-mitrovica&radius=10")
    _wait_text(dash_duo, "#coverage-sentence", "Health projects in North Mitrovica")
    # aimed once the page has settled and the button rests: the heatmap and the map above it take their heights as
    # they are drawn
    settle(driver)
    box = steady(
        driver,
        lambda: driver.execute_script(
            "const e = document.getElementById(arguments[0]); e.scrollIntoView({block: 'center', behavior: 'instant'});"
            "return e.getBoundingClientRect().toJSON()",
            ids.COVERAGE_CLEAR,
        ),
        "the clear button to rest",
    )
    click(driver, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    _wait_text(dash_duo, "#coverage-sentence", "All projects")
    assert "radius 10 km" in driver.execute_script(
        "return document.getElementById(arguments[0]).textContent", ids.COVERAGE_SENTENCE
    )
    WebDriverWait(driver, 20).until(lambda d: "sector=" not in d.current_url)
    assert "radius=10" in driver.current_url and "municipality=" not in driver.current_url
    assert dash_duo.get_logs() == []


def test_a_coverage_link_opens_drawn_at_once_and_the_other_pages_links_carry_its_query(dash_duo):
    """Opened from a link with filters and a radius, the page draws its figures as it appears, each once and never
    empty first (its first view comes in its layout, not from a callback after it; the heatmap with margins that
    fit its labels, so plotly.js does not draw it again for them), and the navbar's links carry the page's query."""
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "window.__draws = [];"
            "document.addEventListener('DOMContentLoaded', () => {"
            "  const P = window.Plotly, react = P.react;"
            "  P.react = function (gd, figure) {"
            "    const data = figure && (Array.isArray(figure) ? figure : figure.data) || [];"
            "    window.__draws.push([gd.closest('[id]').id, data.length]);"
            "    return react.apply(this, arguments);"
            "  };"
            "});"
        },
    )
    driver.get(f"{dash_duo.server_url}/coverage?sector=health&dataset=all&radius=3")
    settle(driver)
    draws = driver.execute_script("return window.__draws")
    for graph in (ids.COVERAGE_HEATMAP, ids.COVERAGE_GAP_MAP):
        mine = [n for g, n in draws if g == graph]
        assert mine and all(n > 0 for n in mine), f"{graph} was drawn empty first: {draws}"
        assert len(mine) == 1, f"{graph} was drawn {len(mine)} times at load: {draws}"
    # the heatmap's margins came from its labels before it was drawn (assets/label_margins.js): plotly.js's
    # automargin pushed none of them, which would have drawn it a second time
    size, margin = driver.execute_script(
        "const fl = document.querySelector('#coverage-heatmap .js-plotly-plot')._fullLayout;"
        "return [fl._size, fl.margin]"
    )
    assert (size["l"], size["t"]) == (margin["l"], margin["t"]) and margin["l"] > 100, (size, margin)
    href = steady(
        driver,
        lambda: driver.execute_script("return document.querySelector(\"a.nav-link[href^='/?']\")?.href"),
        "the explorer's link",
        times=3,
    )
    assert "sector=health" in href and "radius=3" in href
