"""What the explorer's first load asks the server for: its content, then at once the main callback, which draws
the map, charts and figures; no callback that answers a click runs (a Store whose first data reported a change
as it mounted had fired both click callbacks at every load, and the main callback waited for them)."""

from __future__ import annotations

from map_pointer import PROJECT_MARKERS
from waits import callbacks_done, until

from dashboard import ids
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
_DRAWN = "return (() => {" + PROJECT_MARKERS + "})() > 0"


def test_the_first_load_asks_for_the_page_then_the_main_callback_and_no_click_callback(dash_duo):
    dash_duo.start_server(create_app())
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _HOOK})
    driver.get(dash_duo.server_url + "/")
    until(driver, lambda: driver.execute_script(_DRAWN) and callbacks_done(driver), "the map drawn", timeout=60)
    posts = driver.execute_script("return window.__tfaPosts")
    main = [i for i, out in enumerate(posts) if f"{ids.MAP}.figure" in out and f"{ids.CHART_SECTOR}.figure" in out]
    assert len(main) == 1, posts
    clicks = [out for out in posts if f"{ids.SECTOR}.value" in out or f"{ids.DETAIL}.is_open" in out]
    assert clicks == [], posts
    # only the page's content and the table's first (empty) request can come before it
    assert main[0] <= 2, posts
    assert dash_duo.get_logs() == []
