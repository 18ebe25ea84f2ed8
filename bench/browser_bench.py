"""Where people feel the time: the dashboard measured in Debian's headless Chromium.

For each portfolio size the app is started as people start it (``bench.serve``: ``python -m dashboard`` in
a subprocess over a project store of that many synthetic projects) and one fresh Chromium (the flags of
``tests/conftest.py``) measures, with ``bench/browser_probe.js`` injected before the page's own scripts:

- ``explorer_load``: navigation start -> every view drawn and idle (no Dash callback pending, every Plotly
  graph drawn, no Plotly call in flight, no DOM change over two animation frames); a fresh browser, so the
  HTTP cache is cold. The four charts below the fold are drawn empty and their figures wait until they come
  into view or the page has been quiet for a while (``assets/charts_in_view.js``): the run reports them as
  waiting, and ``charts_into_view`` times such redraws when the page is scrolled to them;
- ``filter_click``: a real mouse click (CDP ``Input.dispatchMouseEvent`` at the pixel of the "Health"
  option of the open sector dropdown, toggling it on and off) -> idle as above; median and p95 of
  ``clicks`` interactions;
- ``charts_into_view``: the explorer's charts and table sit below the fold, and a chart's redraw and the table's
  rows wait out of view until they come into view (``assets/charts_in_view.js``, ``assets/table_in_view.js``), so
  ``filter_click`` times what is on screen; this case is the rest of it: after a click from the top of the page,
  real Page Down presses until neither a chart nor the table waits -> idle;
- ``coverage_load`` and ``briefing_load``: a navigation to /coverage and /briefing -> idle (same browser,
  so the scripts come from the HTTP cache);

each with a breakdown taken from the browser: network (union of the resource-timing intervals of
/_dash-update-component, and of every request for a page load), each figure's Plotly redraw (from the
``Plotly.react``/``newPlot`` call until its promise resolves), the table (the ag-grid's DOM changes after
the response that carries its rows), and the rest ("dash+react": the renderer, React and everything that is
neither network nor Plotly nor the grid), and the frames the page's maps drew and held (assets/map_frames.js;
``--hold-ab`` measures the filter click with the hold switched off and on in one page, ``--charts-ab`` with the
charts out of view drawn at once and waiting). The start-up time of the
server and its memory after the loads come with each size. Timings depend on the load of the machine, which
is reported with every run.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

from bench.measure import _percentile
from bench.serve import rss_mb, served
from dashboard import ids

PROBE = (Path(__file__).parent / "browser_probe.js").read_text()
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
    "--enable-unsafe-swiftshader",
)
IDLE_TIMEOUT_MS = 300_000
CLICK_OPTION = "health"
#: The grid's row-carrying properties: the whole list (``rowData``), or a block of the infinite row model.
TABLE_PROPS = ("rowData", "getRowsResponse")
GRAPH_IDS = (ids.MAP, ids.CHART_SECTOR, ids.CHART_MUNICIPALITY, ids.CHART_TIME, ids.CHART_COMMUNITY)


def chromium(first: str | None = None):
    """Debian's headless Chromium through chromedriver, with the probe injected into every document, and ``first``
    (a script, such as a page switch's defaults) run in every document before the page's own scripts."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)
    driver.set_script_timeout(IDLE_TIMEOUT_MS / 1000 + 30)
    driver.set_page_load_timeout(IDLE_TIMEOUT_MS / 1000)
    for script in (PROBE, first) if first else (PROBE,):
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})
    return driver


def in_turn(modes, i: int) -> list:
    """The modes of an A/B run in the order of its ``i``-th round: as given, then reversed, alternately."""
    return list(modes) if i % 2 == 0 else list(modes)[::-1]


def machine(driver=None) -> dict:
    """Cores, CPU model, Chromium version and the load average now."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"cores": os.cpu_count(), "cpu": model, "python": sys.version.split()[0], "loadavg": os.getloadavg()}
    if driver is not None:
        info["chromium"] = driver.capabilities.get("browserVersion", "")
    return info


# ------------------------------------------------------------------------------------------------ analysis


def union_ms(intervals: list[tuple[float, float]]) -> float:
    """Total length of the union of [start, end] intervals."""
    total, cur_start, cur_end = 0.0, None, None
    for start, end in sorted(intervals):
        if cur_end is None or start > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None:
        total += cur_end - cur_start
    return total


def breakdown(rec: dict, t0: float, t1: float, page_load: bool = False) -> dict:
    """Split the window [t0, t1] (ms since navigation start) recorded by the probe into its parts."""
    inside = [e for e in rec["resources"] if e["startTime"] >= t0 - 1 and e["responseEnd"] <= t1 + 1]
    callbacks = [e for e in inside if "_dash-update-component" in e["name"]]
    net = [(e["startTime"], e["responseEnd"]) for e in (inside if page_load else callbacks)]
    if page_load and rec.get("navigation"):
        nav = rec["navigation"]
        net.append((0.0, nav["responseEnd"]))
    plots = [p for p in rec["plots"] if p["start"] >= t0 - 1 and p["end"] is not None and p["end"] <= t1 + 1]
    per_figure: dict[str, float] = {}
    for p in plots:
        per_figure[p["id"]] = per_figure.get(p["id"], 0.0) + (p["end"] - p["start"])
    table_fetches = [
        f
        for f in rec["fetches"]
        if f["start"] >= t0 - 1 and f["headers"] and any(f"{ids.TABLE}.{p}" in (f["output"] or "") for p in TABLE_PROPS)
    ]
    grid = [t for t in rec["grid_mutations"] if t0 <= t <= t1]
    table = []
    if grid:
        start = table_fetches[-1]["headers"] if table_fetches else min(grid)
        table = [(start, max(grid))] if max(grid) >= start else []
    busy = union_ms(net + [(p["start"], p["end"]) for p in plots] + table)
    fetches = [f for f in rec["fetches"] if f["start"] >= t0 - 1]
    return {
        "total_ms": t1 - t0,
        "network_ms": union_ms(net),
        "callback_network_ms": union_ms([(e["startTime"], e["responseEnd"]) for e in callbacks]),
        "server_wait_ms": max((e["responseStart"] - e["requestStart"] for e in callbacks), default=0.0),
        "plotly_ms": union_ms([(p["start"], p["end"]) for p in plots]),
        "plotly_per_figure_ms": {k: round(v, 1) for k, v in sorted(per_figure.items())},
        "table_ms": union_ms(table),
        "dash_react_ms": max(t1 - t0 - busy, 0.0),
        "to_first_request_ms": (min(f["start"] for f in fetches) - t0) if fetches and not page_load else None,
        "requests": len(callbacks),
        "response_kb": sum(e.get("encodedBodySize", 0) for e in callbacks) / 1000,
    }


# Frames each Plotly map on the page has drawn and held (assets/map_frames.js), by graph id; {} where the page
# does not count them (TFA_FAST=0)
_FRAMES = """
const out = {};
document.querySelectorAll('.js-plotly-plot').forEach(gd => {
  const map = window.tfaPageMaps && window.tfaPageMaps.mapOf(gd);  // a page without the assets has none
  const f = map && map.__tfaFrames;
  const el = gd.closest('[id]');
  if (f && el) out[el.id] = [f.drawn, f.held];
});
return out;
"""


def map_frames(driver) -> dict:
    """{graph id: [frames drawn, frames held]} of the page's maps so far."""
    return driver.execute_script(_FRAMES)


def frames_between(before: dict, after: dict) -> tuple[int, int] | None:
    """Map frames (drawn, held) between two ``map_frames`` readings, summed over maps; None if not counted."""
    if not after:
        return None
    drawn = sum(a[0] - before.get(k, [0, 0])[0] for k, a in after.items())
    held = sum(a[1] - before.get(k, [0, 0])[1] for k, a in after.items())
    return drawn, held


_RECORD = """
const B = window.__bench;
const res = performance.getEntriesByType('resource').map(e => ({name: e.name, startTime: e.startTime,
  requestStart: e.requestStart, responseStart: e.responseStart, responseEnd: e.responseEnd,
  encodedBodySize: e.encodedBodySize}));
const nav = performance.getEntriesByType('navigation')[0];
return {resources: res, navigation: nav ? {responseEnd: nav.responseEnd} : null, plots: B.plots,
  fetches: B.fetches, grid_mutations: B.gridMutations, clicks: B.clicks};
"""


def _wait_idle(driver, since_js: str, need_fetch: bool) -> dict:
    result = driver.execute_async_script(
        f"const done = arguments[0]; const since = {since_js};"
        f"window.__bench.waitIdle(since, {str(need_fetch).lower()}, {IDLE_TIMEOUT_MS})"
        ".then(r => done(Object.assign({since: since}, r)));"
    )
    if result["timeout"]:
        raise TimeoutError(f"the page was not idle within {IDLE_TIMEOUT_MS / 1000:.0f} s")
    return result


def page_load(driver, url: str) -> dict:
    """Navigation start -> idle for ``url``, with its breakdown."""
    driver.get(url)
    idle = _wait_idle(driver, "0", need_fetch=True)
    out = breakdown(driver.execute_script(_RECORD), 0.0, idle["end"], page_load=True)
    out["map_frames"] = frames_between({}, map_frames(driver))
    out["charts_waited"] = driver.execute_script(_WAITED_ON_LOAD)  # the page's charts whose first figure waits
    out["table_created_ms"] = table_created(driver)
    return out


def table_created(driver, timeout_s: float = 30.0) -> float | None:
    """When the page's grid was created in its slot (ms since navigation start; config.TABLE_LATE: as it nears
    the view or in idle time after the load), waited for; None on a page without a slot."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = driver.execute_script(_TABLE_CREATED)
        if found is None or found.get("at") is not None:
            return None if found is None else found["at"]
        time.sleep(0.1)
    return None


def click_at(driver, x: float, y: float) -> None:
    """A real left click at viewport pixel (x, y): pointer move, press, release through DevTools input."""
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        event = {"type": kind, "x": x, "y": y, "button": "left" if kind != "mouseMoved" else "none"}
        if kind != "mouseMoved":
            event["clickCount"] = 1
        driver.execute_cdp_cmd("Input.dispatchMouseEvent", event)


def _centre(driver, selector_js: str) -> tuple[float, float] | None:
    rect = driver.execute_script(
        f"const el = {selector_js}; if (!el) return null; el.scrollIntoView({{block: 'nearest'}});"
        "const r = el.getBoundingClientRect(); return r.width > 0 ? [r.x + r.width / 2, r.y + r.height / 2] : null;"
    )
    return tuple(rect) if rect else None


_OPTION_JS = (
    "(() => { const i = document.querySelector("
    f"'.dash-dropdown-option input[value=\"{CLICK_OPTION}\"]'); return i ? i.closest('label') : null; }})()"
)


def _open_sector_dropdown(driver) -> tuple[float, float]:
    for _ in range(50):
        where = _centre(driver, _OPTION_JS)
        if where:
            return where
        button = _centre(driver, f"document.getElementById('{ids.SECTOR}')")
        if button:
            click_at(driver, *button)
            _wait_idle(driver, "performance.now()", need_fetch=False)
        time.sleep(0.1)
    raise RuntimeError("the sector dropdown's options did not appear")


def filter_clicks(driver, clicks: int) -> list[dict]:
    """``clicks`` real clicks on the Health option (on, off, on, ...), each measured click -> idle."""
    out = []
    for _ in range(clicks):
        x, y = _open_sector_dropdown(driver)
        before = driver.execute_script("return window.__bench.clicks.length")
        frames = map_frames(driver)
        waited = driver.execute_script(_WAITED)
        click_at(driver, x, y)
        idle = _wait_idle(
            driver,
            f"(window.__bench.clicks.length > {before} ? window.__bench.clicks[{before}].t : performance.now())",
            need_fetch=True,
        )
        rec = driver.execute_script(_RECORD)
        if len(rec["clicks"]) <= before or not rec["clicks"][before]["trusted"]:
            raise RuntimeError("the click did not reach the page as a trusted input event")
        after = driver.execute_script(_WAITED)
        out.append(
            {
                **breakdown(rec, idle["since"], idle["end"]),
                "map_frames": frames_between(frames, map_frames(driver)),
                "charts_waited": None if waited is None else after - waited,
            }
        )
    return out


# Chart redraws that waited out of view so far (assets/charts_in_view.js); None where the page has no such charts
_WAITED = "return window.tfaChartsInView ? window.tfaChartsInView.waited : null"
# the same at a page's load, None on a page with no chart that waits out of view (the coverage and briefing pages)
# the time the grid's slot asked for the grid (null while it waits), or null for a page without a slot
_TABLE_CREATED = """
if (!document.querySelector('.table-slot')) return null;
const by = window.tfaTableInView && window.tfaTableInView.mountedBy;
return {at: by ? by[1] : null};
"""
_WAITED_ON_LOAD = (
    "return window.tfaChartsInView && document.querySelector('.draw-in-view .js-plotly-plot')"
    " ? window.tfaChartsInView.waited : null"
)
# Charts and table requests that wait out of view now (assets/charts_in_view.js, assets/table_in_view.js)
_WAITING = (
    "return (window.tfaChartsInView ? window.tfaChartsInView.waiting().length : 0)"
    " + (window.tfaTableInView ? window.tfaTableInView.pending() : 0)"
)


def press(driver, key: str, code: int) -> None:
    """A real key press (DevTools input): down, then up."""
    for kind in ("rawKeyDown", "keyUp"):
        driver.execute_cdp_cmd(
            "Input.dispatchKeyEvent", {"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code}
        )


def charts_into_view(driver, rounds: int = 3) -> list[dict]:
    """What the redraws that waited out of view cost when the page is scrolled to them: from the top of the page,
    a filter click (the charts and the table's rows wait), Escape (the dropdown closes), a click on the page's
    introduction (the page, not a control, has the keyboard), then real Page Down presses until no chart and no
    table request waits -> idle. The breakdown's plotly part is the late redraws, its table part the rows. Empty
    where nothing waited (TFA_FAST=0)."""
    out = []
    for _ in range(rounds):
        # set-up, not the measured input; at once, not smoothly (Bootstrap scrolls smoothly), so the click sees the top
        driver.execute_script("window.scrollTo({top: 0, behavior: 'instant'})")
        filter_clicks(driver, 1)
        if not driver.execute_script(_WAITING):
            return out
        press(driver, "Escape", 27)
        click_at(driver, *_centre(driver, f"document.getElementById('{ids.INTRO}')"))
        since = driver.execute_script("return performance.now()")
        for _page in range(8):
            press(driver, "PageDown", 34)
            time.sleep(0.05)
            if not driver.execute_script(_WAITING):
                break
        else:
            raise RuntimeError("Page Down did not bring the charts and the table into view")
        idle = _wait_idle(driver, str(since), need_fetch=False)
        out.append(breakdown(driver.execute_script(_RECORD), since, idle["end"]))
    return out


def summarise(samples: list[dict]) -> dict:
    """Median and p95 of the total; medians of the parts."""
    totals = [s["total_ms"] for s in samples]
    keys = ("network_ms", "callback_network_ms", "server_wait_ms", "plotly_ms", "table_ms", "dash_react_ms")
    out = {
        "median_ms": statistics.median(totals),
        "p95_ms": _percentile(totals, 0.95),
        "samples": len(samples),
        **{k: statistics.median(s[k] for s in samples) for k in keys},
        "requests": statistics.median(s["requests"] for s in samples),
        "response_kb": statistics.median(s["response_kb"] for s in samples),
    }
    figures = {f for s in samples for f in s["plotly_per_figure_ms"]}
    out["plotly_per_figure_ms"] = {
        f: round(statistics.median(s["plotly_per_figure_ms"].get(f, 0.0) for s in samples), 1) for f in sorted(figures)
    }
    frames = [s["map_frames"] for s in samples if s.get("map_frames")]
    if frames:  # medians of the map frames drawn and held per sample
        out["map_frames"] = [statistics.median(f[0] for f in frames), statistics.median(f[1] for f in frames)]
    waited = [s["charts_waited"] for s in samples if s.get("charts_waited") is not None]
    if waited:  # chart redraws that waited out of view, per sample
        out["charts_waited"] = statistics.median(waited)
    created = [s["table_created_ms"] for s in samples if s.get("table_created_ms") is not None]
    if created:  # the page's grid created (after the load it times, when it waited for idle time)
        out["table_created_ms"] = statistics.median(created)
    firsts = [s["to_first_request_ms"] for s in samples if s.get("to_first_request_ms") is not None]
    if firsts:
        out["to_first_request_ms"] = statistics.median(firsts)
    return out


def _row(n, case: str, stats: dict) -> dict:
    return {"n": n, "case": case, **stats, "load": os.getloadavg()[0]}


def run(n: int | None, port: int, clicks: int = 10, pages: bool = True, store_cache: Path | None = None) -> list[dict]:
    """Every browser case at one size (``n=None``: the shipped data). One row per case. The start-up row is a
    restart on the same data directory, and also gives the first start (which validates every layer)."""
    rows = []
    with served(n, port, store_cache=store_cache, restart=True) as server:
        driver = chromium()
        try:
            label = n if n is not None else "shipped"
            load = page_load(driver, server.url + "/")
            rows.append(_row(label, "explorer_load", {**summarise([load]), "p95_ms": None}))
            if clicks:
                rows.append(_row(label, "filter_click", summarise(filter_clicks(driver, clicks))))
                late = charts_into_view(driver)
                if late:
                    rows.append(_row(label, "charts_into_view", summarise(late)))
            if pages:
                for path in ("coverage", "briefing"):
                    stats = summarise([page_load(driver, f"{server.url}/{path}")])
                    rows.append(_row(label, f"{path}_load", {**stats, "p95_ms": None}))
            rows.append(
                {
                    "n": label,
                    "case": "startup",
                    "startup_s": server.startup_s,
                    "first_startup_s": server.first_startup_s,
                    "rss_mb": rss_mb(server.pid),
                    "load": os.getloadavg()[0],
                }
            )
            for r in rows:
                r["machine"] = machine(driver)
        finally:
            driver.quit()
    return rows


#: An A/B run's two servers: the environment flag's value for each, and the mode's name in the rows.
_AB_MODES = {"0": "old", "1": "new"}
#: An A/B run's cases: the row's case name, and the key its samples are kept under.
_AB_CASES = (("explorer_load", "load"), ("filter_click", "click"), ("coverage_load", "coverage"))


def _ab_servers(stack: contextlib.ExitStack, n: int | None, port: int, flag: str, store_cache: Path | None) -> dict:
    """Two servers of ``n`` projects (``port``, ``port + 1``) that differ only in the environment ``flag``: "0"
    for the "old" mode, "1" for the "new"; stopped when ``stack`` closes."""
    return {
        mode: stack.enter_context(served(n, port + i, store_cache=store_cache, extra_env={flag: value}))
        for i, (value, mode) in enumerate(_AB_MODES.items())
    }


def _ab_rows(label, samples: dict[str, dict[str, list[dict]]], info: dict) -> list[dict]:
    """One row per (mode, case) that has samples; no p95 from fewer than five."""
    rows = []
    for mode in _AB_MODES.values():
        for case, key in _AB_CASES:
            found = samples[mode][key]
            if found:
                stats = summarise(found)
                rows.append(_row(label, f"{case} {mode}", stats if len(found) >= 5 else {**stats, "p95_ms": None}))
    for r in rows:
        r["machine"] = info
    return rows


def run_ab(
    n: int | None, port: int, clicks: int = 10, store_cache: Path | None = None, flag: str = "TFA_FAST"
) -> list[dict]:
    """The explorer's previous paths (``flag`` "0": ``TFA_FAST=0``, or ``TFA_POINTS_LAYER=0`` for the project
    points as Plotly traces) against the current ones, interleaved so both meet the same load: two servers
    (``port``, ``port + 1``) and two browsers; the explorer is loaded in each, then one filter click is measured
    in each in turn; last, each server's first coverage page. One row per (path, case); ``ratios`` gives
    old / new."""
    samples: dict[str, dict[str, list[dict]]] = {m: {k: [] for _, k in _AB_CASES} for m in _AB_MODES.values()}
    with contextlib.ExitStack() as stack:
        servers = _ab_servers(stack, n, port, flag, store_cache)
        drivers = {}
        for mode in servers:
            drivers[mode] = chromium()
            stack.callback(drivers[mode].quit)
        for mode, server in servers.items():
            samples[mode]["load"].append(page_load(drivers[mode], server.url + "/"))
        for _ in range(clicks):
            for mode in servers:
                samples[mode]["click"] += filter_clicks(drivers[mode], 1)
        for mode, server in servers.items():  # each server's first coverage page
            samples[mode]["coverage"].append(page_load(drivers[mode], server.url + "/coverage"))
        info = machine(drivers["new"])
    return _ab_rows(n if n is not None else "shipped", samples, info)


#: Network links a page can be loaded over (DevTools ``Network.emulateNetworkConditions``): round-trip latency in
#: ms, download and upload in Mbit/s. The bench's own runs are on localhost, where compression cannot show.
NETWORKS = {
    "localhost": None,  # no emulation: the bench's other runs
    "broadband": (20, 50.0, 10.0),
    "dsl": (40, 10.0, 2.0),  # an ordinary office or hotel link
    "mobile": (150, 1.6, 0.75),  # a slow mobile link (Chrome's "Slow 3G"-like latency, a little more bandwidth)
}


def emulate_network(driver, network: str) -> None:
    if NETWORKS[network] is None:
        return
    latency, down, up = NETWORKS[network]
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": latency,
            "downloadThroughput": down * 1e6 / 8,
            "uploadThroughput": up * 1e6 / 8,
        },
    )


def run_network_ab(
    n: int | None,
    port: int,
    network: str,
    rounds: int = 4,
    clicks: int = 4,
    store_cache: Path | None = None,
    flag: str = "TFA_COMPRESS",
) -> list[dict]:
    """Two servers that differ only in the environment ``flag`` ("0": the "old" mode; by default compressed
    responses, ``dashboard/transfer.py``, against uncompressed) over an emulated ``network`` (``NETWORKS``):
    servers on ``port`` and ``port + 1``; each round opens a fresh browser for each, alternating which goes first,
    and times the explorer's first load (nothing cached), ``clicks`` filter clicks, and the coverage page (its
    scripts cached). One row per (mode, case); ``ratios`` gives old / new."""
    samples: dict[str, dict[str, list[dict]]] = {m: {k: [] for _, k in _AB_CASES} for m in _AB_MODES.values()}
    info = None
    with contextlib.ExitStack() as stack:
        servers = _ab_servers(stack, n, port, flag, store_cache)  # old: flag "0" (e.g. uncompressed), new: "1"
        for r in range(rounds):
            for mode in list(servers) if r % 2 == 0 else list(servers)[::-1]:
                driver = chromium()
                try:
                    emulate_network(driver, network)
                    samples[mode]["load"].append(page_load(driver, servers[mode].url + "/"))
                    if clicks:
                        samples[mode]["click"] += filter_clicks(driver, clicks)
                    samples[mode]["coverage"].append(page_load(driver, servers[mode].url + "/coverage"))
                    info = machine(driver)
                finally:
                    driver.quit()
    return _ab_rows(n if n is not None else "shipped", samples, {**(info or {}), "network": network})


#: What ``run_switch_ab`` switches in a loaded page: the asset's settings object, and the names of its two modes
#: (off, on).
SWITCHES = {
    "hold": ("window.tfaFrames", ("unheld", "held")),  # the map's frames held until its data has loaded
    "charts": ("window.tfaChartsInView", ("charts at once", "charts in view")),  # charts out of view wait
    "table": ("window.tfaTableInView", ("table at once", "table in view")),  # the table's rows out of view wait
}


def run_switch_ab(
    n: int | None, port: int, switch: str, clicks: int = 10, store_cache: Path | None = None
) -> list[dict]:
    """The explorer's filter click with one of the page's fast paths (``SWITCHES``) off and on, in one page, so
    both meet the same load: the path is switched in the page (its ``enabled``; a chart left waiting is drawn
    first) before each pair of clicks (Health on, then off), alternating which comes first. One row per mode."""
    label = n if n is not None else "shipped"
    settings, (off, on) = SWITCHES[switch]
    samples: dict[str, list[dict]] = {off: [], on: []}
    with served(n, port, store_cache=store_cache) as server:
        driver = chromium()
        try:
            page_load(driver, server.url + "/")
            if not driver.execute_script(f"return !!{settings}"):
                raise RuntimeError(f"the page has no {settings} (TFA_FAST=0?)")
            for i in range(clicks):
                for mode in in_turn((off, on), i):
                    driver.execute_script(
                        f"{settings}.enabled = {'true' if mode == on else 'false'};"
                        f"if ({settings}.flush) {settings}.flush();"
                    )
                    samples[mode] += filter_clicks(driver, 2)
            info = machine(driver)
        finally:
            driver.quit()
    rows = [_row(label, f"filter_click {mode}", summarise(found)) for mode, found in samples.items()]
    for r in rows:
        r["machine"] = info
    return rows


#: The pages ``run_settle_ab`` loads (in a browser that has loaded the explorer, so their scripts are cached).
SETTLE_PAGES = ("coverage", "briefing")


def run_settle_ab(n: int | None, port: int, loads: int = 8, store_cache: Path | None = None) -> list[dict]:
    """The coverage and briefing pages' loads with the maps' stale label placements settled (``assets/map_frames.js``,
    as shipped) and left to MapLibre (one more frame after new labels): two browsers on one server, the second
    starting every page with ``window.tfaFramesDefaults = {settle: false}``; each loads the explorer once, then the
    pages in turn, alternating which browser goes first. One row per (page, mode), with the map frames drawn."""
    label = n if n is not None else "shipped"
    modes = {"unsettled": "window.tfaFramesDefaults = {settle: false};", "settled": None}
    samples: dict[tuple[str, str], list[dict]] = {(p, m): [] for p in SETTLE_PAGES for m in modes}
    with served(n, port, store_cache=store_cache) as server, contextlib.ExitStack() as stack:
        drivers = {}
        for mode, script in modes.items():
            drivers[mode] = driver = chromium(script)
            stack.callback(driver.quit)
            page_load(driver, server.url + "/")
        for i in range(loads):
            for mode in in_turn(modes, i):
                for path in SETTLE_PAGES:
                    samples[(path, mode)].append(page_load(drivers[mode], f"{server.url}/{path}"))
        info = machine(drivers["settled"])
    rows = [
        {**_row(label, f"{path}_load {mode}", summarise(found)), "machine": info}
        for (path, mode), found in samples.items()
    ]
    return rows


def run_first_ab(n: int | None, port: int, loads: int = 8, store_cache: Path | None = None) -> list[dict]:
    """The explorer's first load with the charts' first figures drawn at once (``window.tfaChartsInViewDefaults =
    {firstWaits: false}`` before the page's scripts) and waiting out of view (as shipped): a fresh browser for each
    load, as ``explorer_load``, alternating which mode goes first. One row per mode, with the charts that waited."""
    label = n if n is not None else "shipped"
    modes = {"first at once": "window.tfaChartsInViewDefaults = {firstWaits: false};", "first in view": None}
    samples: dict[str, list[dict]] = {m: [] for m in modes}
    info = {}
    with served(n, port, store_cache=store_cache) as server:
        for i in range(loads):
            for mode in in_turn(modes, i):
                driver = chromium(modes[mode])
                try:
                    samples[mode].append(page_load(driver, server.url + "/"))
                    info = machine(driver)
                finally:
                    driver.quit()
    return [
        {**_row(label, f"explorer_load {mode}", {**summarise(found), "p95_ms": None}), "machine": info}
        for mode, found in samples.items()
    ]


def run_loads_ab(n: int | None, port: int, flag: str, loads: int = 8, store_cache: Path | None = None) -> list[dict]:
    """Explorer first loads, then a coverage page in the same browser, from two servers that differ only in the
    environment ``flag`` ("0": the "old" mode, "1": the "new"), a fresh browser for each, alternating which server
    goes first; one row per (case, mode)."""
    label = n if n is not None else "shipped"
    samples = {(case, m): [] for case in ("explorer_load", "coverage_load") for m in _AB_MODES.values()}
    info = {}
    with contextlib.ExitStack() as stack:
        servers = _ab_servers(stack, n, port, flag, store_cache)
        for i in range(loads):
            for mode in in_turn(servers, i):
                driver = chromium()
                try:
                    samples["explorer_load", mode].append(page_load(driver, servers[mode].url + "/"))
                    samples["coverage_load", mode].append(page_load(driver, servers[mode].url + "/coverage"))
                    info = machine(driver)
                finally:
                    driver.quit()
    return [
        {**_row(label, f"{case} {mode}", {**summarise(found), "p95_ms": None}), "machine": info}
        for (case, mode), found in samples.items()
    ]


def ratios(rows: list[dict]) -> list[str]:
    """old / new for every case measured both ways (median, and the parts that changed most)."""
    by_case = {r["case"]: r for r in rows}
    out = []
    for case in ("explorer_load", "filter_click", "coverage_load"):
        old, new = by_case.get(f"{case} old"), by_case.get(f"{case} new")
        if not old or not new or not new["median_ms"]:
            continue
        parts = ", ".join(
            f"{k[:-3]} {old[k]:.0f} -> {new[k]:.0f} ms"
            for k in ("plotly_ms", "table_ms", "network_ms", "server_wait_ms", "dash_react_ms")
            if old.get(k) is not None and new.get(k) is not None
        )
        out.append(
            f"{case}: median {old['median_ms']:.0f} -> {new['median_ms']:.0f} ms "
            f"(old/new {old['median_ms'] / new['median_ms']:.2f}x); {parts}"
        )
    return out


def _frames_cell(frames) -> str:
    """Map frames drawn/held (medians), or a dash where the page does not count them."""
    return "—" if not frames else f"{frames[0]:g}/{frames[1]:g}"


def table(rows: list[dict]) -> str:
    head = (
        f"{'n':>7} {'case':<26} {'median ms':>9} {'p95 ms':>8} {'network':>8} {'cb net':>7} {'server':>7} "
        f"{'plotly':>7} {'table':>7} {'dash+react':>10} {'reqs':>5} {'resp kB':>8} {'frames':>7} {'load':>5}"
    )
    lines = [head, "-" * len(head)]

    def f(v, w, d=0):
        return f"{'—':>{w}}" if v is None else f"{v:>{w}.{d}f}"

    for r in rows:
        if r["case"] == "startup":
            continue
        lines.append(
            f"{r['n']!s:>7} {r['case']:<26} {f(r['median_ms'], 9)} {f(r['p95_ms'], 8)} {f(r['network_ms'], 8)} "
            f"{f(r['callback_network_ms'], 7)} {f(r['server_wait_ms'], 7)} {f(r['plotly_ms'], 7)} "
            f"{f(r['table_ms'], 7)} {f(r['dash_react_ms'], 10)} {f(r['requests'], 5)} {f(r['response_kb'], 8, 1)} "
            f"{_frames_cell(r.get('map_frames')):>7} {r['load']:>5.1f}"
        )
    figs = [r for r in rows if r.get("plotly_per_figure_ms")]
    if figs:
        lines.append("\nPlotly redraw per figure, median ms:")
        for r in figs:
            parts = ", ".join(f"{k} {v:.0f}" for k, v in r["plotly_per_figure_ms"].items())
            lines.append(f"  {r['n']!s:>7} {r['case']:<26} {parts}")
    grids = [r for r in rows if r.get("table_created_ms") is not None]
    if grids:
        lines.append("\nThe page's grid created in its slot, median ms after navigation start:")
        for r in grids:
            lines.append(f"  {r['n']!s:>7} {r['case']:<26} {r['table_created_ms']:.0f}")
    waits = [r for r in rows if r.get("charts_waited") is not None]
    if waits:
        lines.append("\nChart redraws that waited out of view, median per sample:")
        for r in waits:
            lines.append(f"  {r['n']!s:>7} {r['case']:<26} {r['charts_waited']:g}")
    ups = [r for r in rows if r["case"] == "startup"]
    if ups:
        lines.append(
            "\nstart-up (python -m dashboard -> first GET / served; a restart, and the first start on a new data"
            " directory) and worker memory after the loads:"
        )
        for r in ups:
            first = r.get("first_startup_s", r["startup_s"])
            lines.append(
                f"  {r['n']!s:>7}  restart {r['startup_s']:6.2f} s  first {first:6.2f} s"
                f"  RSS {r['rss_mb']:6.0f} MB  (load {r['load']:.1f})"
            )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    import argparse
    import json

    p = argparse.ArgumentParser(prog="python -m bench.browser_bench")
    p.add_argument("n", help="projects, or 'shipped'")
    p.add_argument("--port", type=int, default=8070)
    p.add_argument("--clicks", type=int, default=10)
    p.add_argument("--no-pages", action="store_true")
    p.add_argument("--ab", action="store_true", help="previous paths (TFA_FAST=0) against current, interleaved")
    p.add_argument(
        "--points-ab", action="store_true", help="the map's project points as Plotly traces against the page's own"
    )
    p.add_argument("--hold-ab", action="store_true", help="the map's frames held against each drawn, in one page")
    p.add_argument(
        "--charts-ab", action="store_true", help="charts out of view drawn at once against in view, in one page"
    )
    p.add_argument(
        "--table-ab", action="store_true", help="the table's rows out of view fetched at once against in view, one page"
    )
    p.add_argument(
        "--network-ab",
        choices=sorted(NETWORKS),
        help="compressed responses against uncompressed (TFA_COMPRESS=0; or --network-flag) over an emulated network",
    )
    p.add_argument("--rounds", type=int, default=4, help="--network-ab: fresh browsers per mode")
    p.add_argument(
        "--network-flag",
        default="TFA_COMPRESS",
        help="--network-ab: the environment flag the two servers differ in (e.g. TFA_EXPLORER_FIRST_VIEW)",
    )
    p.add_argument(
        "--settle-ab",
        action="store_true",
        help="the coverage and briefing loads with the maps' stale label placements settled and not, two browsers",
    )
    p.add_argument(
        "--first-ab",
        action="store_true",
        help="the explorer's first load with the charts' first figures drawn at once and waiting, fresh browsers",
    )
    p.add_argument(
        "--late-ab",
        action="store_true",
        help="explorer and coverage loads with the grids in the layout (TFA_TABLE_LATE=0) and created late",
    )
    p.add_argument(
        "--first-view-ab",
        nargs="?",
        const="coverage",
        choices=("coverage", "explorer"),
        help="explorer and coverage loads with one page's first view (the coverage page's by default) from its "
        "callback (TFA_COVERAGE_FIRST_VIEW=0 or TFA_EXPLORER_FIRST_VIEW=0) and in its layout",
    )
    p.add_argument(
        "--loads", type=int, default=8, help="--settle-ab, --first-ab, --late-ab, --first-view-ab: loads per mode"
    )
    args = p.parse_args(argv)
    n = None if args.n == "shipped" else int(args.n)
    if args.network_ab:
        rows = run_network_ab(
            n, args.port, args.network_ab, rounds=args.rounds, clicks=args.clicks, flag=args.network_flag
        )
    elif args.ab or args.points_ab:
        rows = run_ab(n, args.port, clicks=args.clicks, flag="TFA_POINTS_LAYER" if args.points_ab else "TFA_FAST")
    elif args.settle_ab:
        rows = run_settle_ab(n, args.port, loads=args.loads)
    elif args.first_ab:
        rows = run_first_ab(n, args.port, loads=args.loads)
    elif args.late_ab or args.first_view_ab:
        flag = "TFA_TABLE_LATE" if args.late_ab else f"TFA_{args.first_view_ab.upper()}_FIRST_VIEW"
        rows = run_loads_ab(n, args.port, flag, loads=args.loads)
    elif args.hold_ab or args.charts_ab or args.table_ab:
        switch = "hold" if args.hold_ab else "charts" if args.charts_ab else "table"
        rows = run_switch_ab(n, args.port, switch, clicks=args.clicks)
    else:
        rows = run(n, args.port, clicks=args.clicks, pages=not args.no_pages)
    for r in rows:
        print(json.dumps(r))
    print(table(rows), file=sys.stderr)
    for line in ratios(rows):
        print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
