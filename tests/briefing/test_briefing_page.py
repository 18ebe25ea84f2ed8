"""The /briefing page in headless Chromium: it renders the URL's filters without console errors, the keyboard
steps the panels, it prints one panel per landscape page, and an export runs in the background with progress."""

from __future__ import annotations

import base64
import io

import pytest
from pypdf import PdfReader
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.app import create_app
from dashboard.exports import pdf

pytestmark = pytest.mark.browser

CURRENT = (
    "return Array.from(document.querySelectorAll('.briefing-panel')).findIndex(p => p.classList.contains('is-current'))"
)
TOP_OF_CURRENT = "return Math.round(document.querySelector('.briefing-panel.is-current').getBoundingClientRect().top)"


def severe_logs(dash_duo) -> list[dict]:
    return [e for e in dash_duo.get_logs() or [] if e.get("level") == "SEVERE"]


@pytest.fixture
def briefing(dash_duo, tmp_path, monkeypatch):
    """The app started, and the briefing opened for health projects in North Mitrovica (documented + sample)."""
    monkeypatch.setenv("TFA_JOBS_DIR", str(tmp_path / "jobs"))
    dash_duo.start_server(create_app())
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/briefing?sector=health&municipality=north-mitrovica", timeout=30)
    dash_duo.wait_for_element("#briefing-panel-map .maplibregl-canvas", timeout=30)
    dash_duo.wait_for_element("#briefing-graph-by_sector .main-svg", timeout=30)
    return dash_duo


def test_page_renders_the_url_state_without_console_errors(briefing, tmp_path):
    dash_duo = briefing
    try:
        assert dash_duo.find_element(".briefing-filters").text == (
            "Health projects in North Mitrovica, documented data and sample portfolio"
        )
        assert dash_duo.find_element(".briefing-date").text.startswith("Data as of ")
        assert "SAMPLE DATA" in dash_duo.find_element(".briefing-sample").text
        panels = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".briefing-panel")
        assert [p.get_attribute("data-panel") for p in panels] == [
            "cover",
            "trust-fund",  # early: the fund's status is the briefing's first fact after the key figures
            "map",
            "by_sector",
            "by_municipality",  # as in the deck
            "over_time",
            "by_community",
            "sources",
        ]
        assert len(dash_duo.driver.find_elements(By.CSS_SELECTOR, ".briefing-kpi")) == 5
        assert "nothing received as reported" in dash_duo.find_element("#briefing-panel-trust-fund").text
        assert "nothing received as reported" in dash_duo.find_element(".briefing-tf-cover").text  # on the cover too
        dash_duo.wait_for_element("#briefing-graph-by_municipality .main-svg", timeout=30)
        for p in panels:  # the designation footnote on every panel
            assert "UNSCR 1244/1999" in p.find_element(By.CSS_SELECTOR, ".briefing-designation").text
        assert (
            not dash_duo.driver.find_elements(By.CSS_SELECTOR, ".app-navbar")
            or not dash_duo.find_element(".app-navbar").is_displayed()
        )
        assert severe_logs(dash_duo) == []
    except Exception:
        dash_duo.driver.save_screenshot(str(tmp_path / "briefing-failure.png"))
        raise


def test_keyboard_steps_the_panels(briefing, tmp_path):
    dash_duo = briefing
    driver = dash_duo.driver
    body = driver.find_element(By.TAG_NAME, "body")
    try:
        assert driver.execute_script(CURRENT) == 0
        for key, expected in [
            (Keys.ARROW_RIGHT, 1),
            (Keys.PAGE_DOWN, 2),
            (Keys.ARROW_DOWN, 3),
            (Keys.PAGE_UP, 2),
            (Keys.ARROW_LEFT, 1),
            (Keys.END, 7),
            (Keys.ARROW_RIGHT, 7),  # stays on the last panel
            (Keys.HOME, 0),
        ]:
            body.send_keys(key)
            dash_duo.wait_for_text_to_equal("#briefing-counter", f"{expected + 1} / 8", timeout=5)
            assert driver.execute_script(CURRENT) == expected
            if expected not in (0, 7):  # the current panel is brought to the top, under the toolbar
                WebDriverWait(driver, 5, poll_frequency=0.1).until(
                    lambda d: 0 <= d.execute_script(TOP_OF_CURRENT) <= 60,
                    "the current panel at the top, under the toolbar",
                )
        dash_duo.find_element("#briefing-next").click()
        dash_duo.wait_for_text_to_equal("#briefing-counter", "2 / 8", timeout=5)
        assert severe_logs(dash_duo) == []
    except Exception:
        driver.save_screenshot(str(tmp_path / "briefing-keys-failure.png"))
        raise


@pytest.mark.parametrize(("paper", "width_in", "height_in"), [("A4", 11.69, 8.27), ("Letter", 11.0, 8.5)])
def test_prints_one_panel_per_landscape_page(briefing, paper, width_in, height_in):
    result = briefing.driver.execute_cdp_cmd(
        "Page.printToPDF",
        {
            "landscape": True,
            "paperWidth": width_in,
            "paperHeight": height_in,
            "printBackground": True,
            "preferCSSPageSize": False,
        },
    )
    reader = PdfReader(io.BytesIO(base64.b64decode(result["data"])))
    assert len(reader.pages) == 8
    first = reader.pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height)
    assert "Health projects in North Mitrovica" in first.extract_text()
    assert "Sources and methods" in reader.pages[7].extract_text()


@pytest.mark.skipif(pdf.find_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_export_runs_in_the_background_with_progress(briefing, tmp_path):
    dash_duo = briefing
    try:
        dash_duo.find_element("#briefing-export-pptx").click()
        # while the job runs the buttons are disabled and the progress bar shows
        dash_duo.wait_for_element("#briefing-export-pptx[disabled]", timeout=10)
        assert dash_duo.find_element("#briefing-export-progress-wrap").is_displayed()
        dash_duo.wait_for_contains_text("#briefing-export-status", "Ready: trust-fund-atlas-", timeout=120)
        assert dash_duo.find_element("#briefing-export-status").text.endswith(".pptx")
        assert dash_duo.find_element("#briefing-export-pptx").is_enabled()
        assert severe_logs(dash_duo) == []
    except Exception:
        dash_duo.driver.save_screenshot(str(tmp_path / "briefing-export-failure.png"))
        raise


def test_present_in_the_explorer_opens_the_briefing_with_its_filters(dash_duo, tmp_path, monkeypatch):
    monkeypatch.setenv("TFA_JOBS_DIR", str(tmp_path / "jobs"))
    dash_duo.start_server(create_app())
    dash_duo.wait_for_page(url=f"{dash_duo.server_url}/?sector=health&dataset=documented", timeout=30)
    try:
        link = dash_duo.wait_for_element("a.present-link", timeout=30)
        dash_duo.wait_for_contains_text("#filter-sentence", "Health projects", timeout=30)
        dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", link)
        seen = []  # the link at rest: the same position three polls in a row
        WebDriverWait(dash_duo.driver, 10, poll_frequency=0.1).until(
            lambda d: seen.append(link.rect["y"]) or (len(seen) >= 3 and len(set(seen[-3:])) == 1),
            "the present link at rest after scrolling",
        )
        link.click()
        dash_duo.wait_for_text_to_equal(".briefing-filters", "Health projects, documented data", timeout=30)
        assert "/briefing?" in dash_duo.driver.current_url and "sector=health" in dash_duo.driver.current_url
        assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, ".briefing-sample")  # documented only
    except Exception:
        dash_duo.driver.save_screenshot(str(tmp_path / "present-failure.png"))
        raise


MAP_GEOMETRY = """
const gd = document.querySelector('#briefing-graph-map .js-plotly-plot');
const panel = document.getElementById('briefing-panel-map');
const rect = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
const map = window.tfaPageMaps.mapOf(gd);
const e = panel.dataset.extent.split(',').map(Number);
const sw = map.project([e[0], e[1]]), ne = map.project([e[2], e[3]]);
return {
  fitted: gd.dataset.fittedSize || '', size: gd.clientWidth + 'x' + gd.clientHeight,
  panel: rect(panel), body: rect(panel.querySelector('.briefing-body')),
  canvas: rect(panel.querySelector('.maplibregl-canvas')),
  heading: rect(panel.querySelector('.briefing-heading')), caption: rect(panel.querySelector('.briefing-caption')),
  extent: [sw.x, ne.y, ne.x, sw.y], zoom: [map.getZoom(), gd._fullLayout.map.zoom],
};
"""


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_map_fills_its_panel_and_shows_the_whole_extent(dash_duo, tmp_path, monkeypatch, width, height):
    """The map canvas takes the whole panel between heading and caption (no blank band) at projector sizes,
    and its view holds the matching projects' municipalities and the camps whole."""
    monkeypatch.setenv("TFA_JOBS_DIR", str(tmp_path / "jobs"))
    driver = dash_duo.driver
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    dash_duo.start_server(create_app())
    try:
        dash_duo.wait_for_page(url=f"{dash_duo.server_url}/briefing", timeout=30)
        dash_duo.wait_for_element("#briefing-panel-map .maplibregl-canvas", timeout=30)
        driver.execute_script("document.getElementById('briefing-panel-map').scrollIntoView({block: 'start'})")
        try:  # the view is fitted once the panel has its final size
            WebDriverWait(driver, 40, poll_frequency=0.25).until(
                lambda d: (g := d.execute_script(MAP_GEOMETRY))["fitted"] == g["size"]
            )
        except TimeoutException:
            pass  # the assertion below shows the geometry
        geometry = driver.execute_script(MAP_GEOMETRY)
        assert geometry["fitted"] == geometry["size"], geometry  # the view was fitted at the final size
        left, top, right, bottom = geometry["canvas"]
        panel, body = geometry["panel"], geometry["body"]
        # one screen high under the toolbar, and the canvas is the whole body: no band above, below or beside
        assert panel[3] - panel[1] == pytest.approx(height - 41.6, abs=2)
        assert (left, top, right, bottom) == pytest.approx(tuple(body), abs=1)
        assert top - geometry["heading"][3] < 24 and geometry["caption"][1] - bottom < 24
        assert right - left > 0.9 * (panel[2] - panel[0]) and bottom - top > 0.7 * (panel[3] - panel[1])
        # the extent is inside the canvas and fills it along one axis (not a small map in a large frame)
        x0, y0, x1, y1 = geometry["extent"]
        assert x0 >= -1 and y0 >= -1 and x1 <= right - left + 1 and y1 <= bottom - top + 1, str(geometry)
        assert (x1 - x0) > 0.5 * (right - left) or (y1 - y0) > 0.85 * (bottom - top), geometry
        assert severe_logs(dash_duo) == []
    except Exception:
        driver.save_screenshot(str(tmp_path / f"briefing-map-{width}.png"))
        raise
