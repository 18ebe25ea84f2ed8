"""What the explorer's first load asks the server for: its content, which holds the page's first view (the map's
points, shading and notes for the URL's filters: ``config.EXPLORER_FIRST_VIEW``), and nothing more until a control
changes; without the first view in the layout, the main callback at once. No callback that answers a click runs
(a Store whose first data reported a change as it mounted had fired both click callbacks at every load, and the
main callback waited for them)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from waits import callbacks_done, until

from dashboard import config, ids
from dashboard.app import create_app

# every callback request of the page, in order: the outputs it asks for
_HOOK = """
window.__tfaPosts = [];
const send = window.fetch;
window.fetch = function (input, init) {
  const url = typeof input === 'string' ? input : (input && input.url) || '';
  if (url.indexOf('_dash-update-component') >= 0) {
    try { window.__tfaPosts.push(JSON.parse(init.body).output); } catch (e) { window.__tfaPosts.push('?'); }
  }
  return send.apply(this, arguments);
};
"""
# what the map shows: the filter its project markers were drawn for and how many, and its shading's colour key
_MAP = """
const gd = document.querySelector('#explorer-map .js-plotly-plot');
const map = gd && window.tfaPageMaps.mapOf(gd);
const own = map && window.tfaPoints.markers(gd);
const key = map && map.getContainer().querySelector('.map-colour-key');
return {points: own ? own.key : null, markers: own ? own.markers.length : 0, key: key ? key.textContent : null,
        painted: Boolean(map && map.__tfaShadingPainted), loaded: Boolean(map && map.loaded())};
"""


def _main(posts: list[str]) -> list[int]:
    return [i for i, out in enumerate(posts) if f"{ids.MAP}.figure" in out and f"{ids.CHART_SECTOR}.figure" in out]


@pytest.mark.skipif(
    not config.POINTS_LAYER, reason="the page's own point and shading layers (TFA_FAST=0 draws them as traces)"
)
def test_a_filtered_link_opens_with_its_points_and_shading_and_no_callback_but_the_page_s(dash_duo):
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    driver.set_window_size(1366, 1200)  # the whole sidebar in view (not behind the phone layout's button)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _HOOK})
    driver.get(dash_duo.server_url + "/?sector=health&metric=projects")

    def drawn():
        shown = driver.execute_script(_MAP)
        return shown if shown["markers"] and shown["painted"] and shown["loaded"] and callbacks_done(driver) else None

    shown = until(driver, drawn, "the map drawn with its points and shading", timeout=60)
    assert shown["points"] == "sector=health"  # the markers of the link's filter, not every project's
    assert shown["key"] and shown["key"].startswith("Projects"), shown  # the link's metric's colour key
    posts = driver.execute_script("return window.__tfaPosts")
    clicks = [out for out in posts if f"{ids.SECTOR}.value" in out or f"{ids.DETAIL}.is_open" in out]
    assert clicks == [], posts
    if config.EXPLORER_FIRST_VIEW:  # the layout brought it all: the main callback waits for a change
        assert _main(posts) == [], posts
    else:  # only the page's content and the table's first (empty) request can come before it
        assert len(_main(posts)) == 1 and _main(posts)[0] <= 2, posts
    links = driver.execute_script("return Array.from(document.querySelectorAll('a.nav-link')).map(a => a.href)")
    assert any("/coverage?" in h and "sector=health" in h for h in links), links
    health = shown["markers"]

    # a real click on "Clear filters": the main callback runs once, and the map shows every project
    button = driver.find_element(By.ID, ids.CLEAR)
    ActionChains(driver).move_to_element(button).pause(0.2).click().perform()

    def cleared():
        shown = driver.execute_script(_MAP)
        return shown if shown["points"] == "all" and callbacks_done(driver) else None

    shown = until(driver, cleared, "every project's markers")
    assert shown["markers"] > health
    posts = driver.execute_script("return window.__tfaPosts")
    assert len(_main(posts)) == (1 if config.EXPLORER_FIRST_VIEW else 2), posts
    assert "sector=" not in driver.current_url and "metric=projects" in driver.current_url
    assert dash_duo.get_logs() == []
