"""Accessibility in real headless Chromium: axe-core on every page (no serious or critical violation), the
page structure axe does not judge (language, one h1, labels that point at real fields, a text alternative
for every chart), and a keyboard-only walk from the skip link to a camp history and back."""

from __future__ import annotations

import pytest
from a11y_support import DESKTOP, PAGES, PHONE, emulate, has_page, rect, run_axe, screenshot, serious, settle
from map_pointer import click
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from signin_support import sign_in
from waits import until

from dashboard import ids
from dashboard.app import create_app

pytestmark = pytest.mark.browser


def _open(dash_duo, path: str, size=DESKTOP):
    app = create_app()
    if not has_page(app, path):
        pytest.skip(f"the app has no {path} page yet; this test runs axe on it as soon as it has one")
    dash_duo.start_server(app)
    if path == "/data":
        sign_in(dash_duo)  # the editor's page (upload, preview grid, correction form, history), not the prompt
    emulate(dash_duo.driver, size)
    dash_duo.driver.get(dash_duo.server_url + path)
    settle(dash_duo.driver)
    return dash_duo.driver


def _name(path: str) -> str:
    return path.strip("/") or "explorer"


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_or_critical_violation(dash_duo, path):
    driver = _open(dash_duo, path)
    found = serious(run_axe(driver))
    if found:
        screenshot(driver, f"axe-{_name(path)}")
    assert found == [], "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n  " + "\n  ".join(v["nodes"]) for v in found)


def test_axe_on_the_phone_explorer_with_its_filters_open(dash_duo):
    driver = _open(dash_duo, "/", PHONE)
    assert serious(run_axe(driver)) == []
    driver.find_element(By.ID, ids.FILTERS_TOGGLE).click()
    until(driver, lambda: rect(driver, f"#{ids.FILTERS_PANEL}")["left"] >= -1, "the filters to slide in")
    found = serious(run_axe(driver))
    assert found == [], found


_STRUCTURE = """
const labelable = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON', 'METER', 'OUTPUT', 'PROGRESS']);
const labels = [...document.querySelectorAll('label[for]')].map(l => {
    const t = document.getElementById(l.htmlFor);
    return {label: l.textContent.trim(), target: l.htmlFor, tag: t ? t.tagName : null};
});
const charts = [...document.querySelectorAll('.js-plotly-plot')].map(gd => {
    const alt = gd.querySelector(':scope > .chart-text-alternative');
    return {id: (gd.closest('[id]') || {}).id, role: gd.getAttribute('role'), name: gd.getAttribute('aria-label'),
            text: alt ? alt.textContent : null, cells: alt ? alt.querySelectorAll('td').length : 0};
});
const links = [...document.querySelectorAll('a[href]')].filter(a => a.getClientRects().length).map(a => {
    const s = getComputedStyle(a);
    let bg = 'rgba(0, 0, 0, 0)';
    for (let e = a; e && /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg); e = e.parentElement) {
        bg = getComputedStyle(e).backgroundColor;
    }
    return {text: a.textContent.trim().slice(0, 40), color: s.color, bg: bg};
});
return {lang: document.documentElement.lang, h1: document.querySelectorAll('h1').length, labels, charts, links};
"""


def _luminance(css: str) -> float:
    parts = [float(x) for x in css[css.index("(") + 1 : css.index(")")].split(",")[:3]]
    channels = [c / 255 for c in parts]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours (alpha ignored: our links sit on opaque cards)."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_contrast_formula():
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21.0)
    assert contrast("rgb(13, 110, 253)", "rgb(255, 255, 255)") == pytest.approx(4.5, abs=0.1)
    assert contrast("rgb(119, 119, 119)", "rgb(255, 255, 255)") < 4.5


@pytest.mark.parametrize("path", PAGES)
def test_page_structure_language_heading_labels_chart_alternatives_link_contrast(dash_duo, path):
    driver = _open(dash_duo, path)
    page = driver.execute_script(_STRUCTURE)
    assert page["lang"] == "en"
    assert page["h1"] == 1, f"{path} has {page['h1']} h1 elements"
    wrong = [label for label in page["labels"] if label["tag"] not in ("INPUT", "SELECT", "TEXTAREA", "BUTTON")]
    assert wrong == [], f"labels that point at no form field: {wrong}"
    for chart in page["charts"]:
        assert chart["role"] == "figure" and chart["name"], chart
        assert chart["text"], f"a chart without a text alternative: {chart}"
    low = [(link["text"], round(contrast(link["color"], link["bg"]), 2)) for link in page["links"]]
    low = [item for item in low if item[1] < 4.5]
    assert low == [], f"links below 4.5:1: {low}"


_TEXT_ROWS = """
const table = document.querySelector('#' + arguments[0] + ' .js-plotly-plot .chart-text-alternative table');
return table ? [...table.querySelectorAll('tr')].slice(1).map(r => [...r.children].map(c => c.textContent)) : null;
"""


def test_chart_text_alternative_lists_what_the_chart_draws(dash_duo):
    """The sector chart's table holds one row per bar, with the value the chart draws for it: already while the
    chart, below the fold, waits to be drawn (assets/charts_in_view.js), and the same once the page is wheeled
    down to it and it is drawn."""
    driver = _open(dash_duo, "/")
    waiting = driver.execute_script(_TEXT_ROWS, ids.CHART_SECTOR)
    assert waiting, "no text alternative while the chart waits"
    chart = driver.find_element(By.ID, ids.CHART_SECTOR)
    ActionChains(driver).scroll_to_element(chart).perform()  # the mouse wheel, as a reader scrolls
    until(
        driver,
        lambda: driver.execute_script(
            "const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');"
            "return gd.getAttribute('aria-busy') !== 'true' && (gd._fullData || []).length > 0",
            ids.CHART_SECTOR,
        ),
        "the sector chart drawn once in view",
    )
    drawn = driver.execute_script(
        """
        const gd = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
        const t = gd._fullData[0];
        const cats = t.orientation === 'h' ? t.y : t.x, vals = t.orientation === 'h' ? t.x : t.y;
        const table = gd.querySelector('.chart-text-alternative table');
        const rows = [...table.querySelectorAll('tr')].slice(1).map(r => [...r.children].map(c => c.textContent));
        return {cats: Array.from(cats).map(String), vals: Array.from(vals), text: t.text ? Array.from(t.text) : null,
                caption: table.querySelector('caption').textContent, rows: rows};
        """,
        ids.CHART_SECTOR,
    )
    assert drawn["cats"] and [r[0] for r in drawn["rows"]] == drawn["cats"]
    assert drawn["rows"] == waiting  # what the text said while the chart waited is what it drew
    for i, row in enumerate(drawn["rows"]):
        shown = drawn["text"][i] if drawn["text"] and drawn["text"][i] else None
        if shown:  # the chart prints a text on the bar: the table shows that text
            assert row[1] == str(shown)
        else:
            assert float(row[1].replace(",", "")) == pytest.approx(drawn["vals"][i], abs=1e-3), (row, drawn["vals"][i])


# ---------------------------------------------------------------- keyboard only


def _active(driver) -> dict:
    return driver.execute_script(
        "const e = document.activeElement; return {id: e.id, tag: e.tagName, cls: String(e.className), "
        "text: (e.textContent || '').trim().slice(0, 80), inKey: !!e.closest('#' + arguments[0])};",
        ids.CAMP_KEY,
    )


def test_a_key_pressed_after_a_click_on_the_page_does_not_frame_the_whole_page(dash_duo):
    """A click on the page's text gives the keyboard to the main region (the skip link's target); a key pressed
    then (Page Down, to scroll) made the focus ring rule draw a ring round the whole page."""
    driver = _open(dash_duo, "/")
    intro = rect(driver, f"#{ids.INTRO}")
    click(driver, intro["left"] + 20, intro["top"] + 8)  # a real click on the introduction's text
    ActionChains(driver).send_keys(Keys.PAGE_DOWN).perform()
    until(driver, lambda: driver.execute_script("return window.scrollY") > 0, "the page to scroll")
    main = driver.execute_script(
        "const m = document.getElementById('main'); const s = getComputedStyle(m);"
        "return {focused: document.activeElement === m, visible: m.matches(':focus-visible'), outline: s.outlineStyle};"
    )
    assert main["focused"], "the click did not give the keyboard to the main region"
    assert main["outline"] == "none", main


def test_keyboard_only_from_the_skip_link_to_a_camp_history_and_back(dash_duo):
    driver = _open(dash_duo, "/")
    keys = ActionChains(driver)
    driver.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    keys.send_keys(Keys.TAB).perform()
    first = _active(driver)
    assert "skip-link" in first["cls"], f"the first Tab stop is {first}, not the skip link"
    assert rect(driver, ".skip-link")["visible"], "the focused skip link is visible"

    keys.send_keys(Keys.ENTER).perform()
    until(driver, lambda: _active(driver)["id"] == "main", "the skip link to move focus to the main content")

    stops = []
    for _ in range(120):  # Tab through the page until a camp of the key has focus
        ActionChains(driver).send_keys(Keys.TAB).perform()
        active = _active(driver)
        stops.append(active["id"] or active["text"][:20] or active["tag"])
        if active["inKey"] and active["tag"] == "BUTTON" and "camp-key-button" in active["cls"]:
            break
    else:
        pytest.fail(f"Tab never reached a camp in the camp key; stops: {stops}")
    camp = active["text"]

    ActionChains(driver).send_keys(Keys.ENTER).perform()
    until(
        driver, lambda: rect(driver, f"#{ids.DETAIL}") and rect(driver, f"#{ids.DETAIL}")["visible"], "the camp history"
    )
    title = until(driver, lambda: driver.find_element(By.ID, ids.DETAIL_TITLE).text, "the panel title")
    assert title and title.split(" ")[0] in camp, (title, camp)
    body = driver.find_element(By.ID, ids.DETAIL_BODY).text
    assert "Lead findings" in body and "Sources" in body
    until(
        driver,
        lambda: driver.execute_script("return !!document.activeElement.closest('#' + arguments[0])", ids.DETAIL),
        "focus in the panel",
    )

    ActionChains(driver).send_keys(Keys.ESCAPE).perform()
    until(driver, lambda: not driver.find_elements(By.CSS_SELECTOR, f"#{ids.DETAIL}.show"), "the panel to close")
    back = until(driver, lambda: _active(driver)["inKey"] and _active(driver), "focus to return to the camp key")
    assert back["text"] == camp, f"focus returned to {back}, not to {camp!r}"


def test_the_makefile_installs_the_pinned_axe_core():
    """`make test` fetches the same axe-core version the tests expect (one pin, checked here)."""
    from a11y_support import AXE_VERSION, ROOT

    makefile = (ROOT / "Makefile").read_text()
    assert f"AXE_VERSION := {AXE_VERSION}\n" in makefile
    assert "test: venv system-deps axe" in makefile
    assert "command -v npm >/dev/null || (apt-get update -qq && apt-get install -y -qq npm)" in makefile
