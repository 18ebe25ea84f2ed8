"""The floor under the browser targets: how long a minimal Dash page takes in this machine's headless Chromium.

``python -m bench.floor_bench [--loads 4] [--port 8093] [--bundle]``

Three pages, each a Dash app served from this process (werkzeug, threaded) with the bench's Chromium flags:
``empty`` (one paragraph filled by a callback), ``bar`` (one ``dcc.Graph`` whose seven-bar figure comes from a
callback, as our pages' figures do) and ``map`` (the same with a two-point ``scattermap`` on the offline
``white-bg`` style, MapLibre as in our maps). ``--bundle``: the pages load the app's own plotly.js
(``assets/vendor/plotly.min.js``, ``make plotly-bundle``) as the app does, instead of Dash's full one. For each
page, one fresh browser loads it ``--loads`` times: the first load is cold (nothing cached, as the explorer's
first load in ``bench.browser_bench``), the others warm (scripts from the HTTP cache and V8's code cache, as the
coverage and briefing loads there). The time is
navigation start -> the callback answered, the graph drawn (a map: MapLibre loaded with its tiles) and two
animation frames later.

``--clicks N`` adds the floor under the filter click: a minimal Dash page with one ``scattermap`` of
``CLICK_POINTS`` points (the explorer's markers at 10,000 projects; ``--click-points 3400,33000`` for 100,000 as
well; ``click-map``), and the same with four
seven-bar charts beside it (``click-page``, the explorer's make-up without its grid, key figures and polygons).
A real mouse click on a checkbox (DevTools input at its pixel) sends one callback, which answers with
``Patch``es: the map's points become one in four (as the bench's click on "Health" leaves about a quarter of the
explorer's markers), or all again, as base64 typed arrays as our map's are, and each chart's bars change. Measured as
``bench.browser_bench`` measures our filter click: the click event -> no callback pending, no Plotly call in
flight and no DOM change over two animation frames; median and p95 of ``N`` clicks in one warm page.

None of our code runs here: whatever these pages take, no change to the dashboard can take away.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from dash import Dash, Input, Output, Patch, dcc, html

from bench.browser_bench import _centre, _wait_idle, chromium, click_at, machine
from bench.measure import _percentile
from dashboard.config import PLOTLY_BUNDLE
from dashboard.figures.encoding import typed

KINDS = ("empty", "bar", "map")
CLICK_KINDS = ("click-map", "click-page")
#: Points on the click floor's map: the markers the explorer draws for the bench's 10,000 synthetic projects
#: (3,306 site markers and 84 at municipal seats: projects of one sector at one place are one marker). For
#: 100,000 projects it draws about 33,000 (``--click-points 3400,33000``).
CLICK_POINTS = 3_400
_BARS = list("abcdefg")

_DRAWN_JS = """
const done = arguments[0];
function drawn() {
  if (!document.getElementById("floor-done")) return false;
  const gd = document.querySelector(".js-plotly-plot");
  if (document.getElementById("floor-graph") && !(gd && gd._fullLayout)) return false;
  const fl = gd && gd._fullLayout;
  if (fl && fl.map) {
    const m = fl.map._subplot && fl.map._subplot.map;
    if (!(m && m.loaded() && m.areTilesLoaded())) return false;
  }
  return true;
}
function poll() {
  if (drawn()) requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now())));
  else setTimeout(poll, 5);
}
poll();
"""


def figure(kind: str) -> go.Figure:
    """The page's one figure (``bar`` or ``map``)."""
    if kind == "bar":
        return go.Figure(go.Bar(x=list("abcdefg"), y=[1, 3, 2, 5, 4, 6, 2]))
    fig = go.Figure(go.Scattermap(lat=[42.88, 42.90], lon=[20.86, 20.90], mode="markers"))
    fig.update_layout(map={"style": "white-bg", "center": {"lat": 42.89, "lon": 20.88}, "zoom": 9})
    return fig


def page_outputs(kind: str) -> tuple:
    """What the page's one callback returns: the marker the timer waits for, after the figure (``bar``, ``map``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown page {kind!r}; choose one of {', '.join(KINDS)}")
    if kind == "empty":
        return (html.P("loaded", id="floor-done"),)
    return figure(kind), html.Span(id="floor-done")


def bundle_assets() -> Path:
    """A folder of assets holding only the pages' plotly.js (``make plotly-bundle``), for ``--bundle``: Dash serves
    it as our app serves it, and its Graph then uses it instead of loading Dash's full plotly.js."""
    if not PLOTLY_BUNDLE.exists():
        raise FileNotFoundError(f"{PLOTLY_BUNDLE} is missing: run make plotly-bundle first")
    folder = Path(tempfile.mkdtemp(prefix="tfa-floor-assets-"))
    (folder / "vendor").mkdir()
    shutil.copy2(PLOTLY_BUNDLE, folder / "vendor" / PLOTLY_BUNDLE.name)
    return folder


def app_for(kind: str, assets: Path | None = None) -> Dash:
    """A minimal Dash app for ``kind`` (one of ``KINDS``); its one callback fills the page as ours do. ``assets``:
    a folder of assets to serve (``bundle_assets()``), else none (Dash's own plotly.js)."""
    outputs = page_outputs(kind)
    app = Dash(__name__, serve_locally=True, **({"assets_folder": str(assets)} if assets else {}))
    store = dcc.Store(id="floor-store", data=1)
    if kind == "empty":
        app.layout = html.Div([store, html.Div(id="floor-out")])
        app.callback(Output("floor-out", "children"), Input("floor-store", "data"))(lambda _: outputs[0])
    else:
        app.layout = html.Div([store, dcc.Graph(id="floor-graph"), html.Div(id="floor-out")])
        app.callback(Output("floor-graph", "figure"), Output("floor-out", "children"), Input("floor-store", "data"))(
            lambda _: outputs
        )
    return app


@contextlib.contextmanager
def serving(app: Dash, port: int) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def measure(kind: str, port: int, loads: int, assets: Path | None = None) -> dict:
    """One fresh browser, ``loads`` navigations to the ``kind`` page: the cold one and the warm ones (ms)."""
    with serving(app_for(kind, assets), port) as url:
        driver = chromium()
        try:
            times = []
            for _ in range(loads):
                driver.get(url)
                times.append(driver.execute_async_script(_DRAWN_JS))
            info = machine(driver)
        finally:
            driver.quit()
    warm = times[1:]
    return {
        "kind": kind,
        "cold_ms": round(times[0]),
        "warm_median_ms": round(statistics.median(warm)) if warm else None,
        "warm_ms": [round(t) for t in warm],
        "load": os.getloadavg()[0],
        "machine": info,
    }


def click_points(n: int = CLICK_POINTS, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` float32 points spread over the explorer's default view (northern Kosovo)."""
    rng = np.random.default_rng(seed)
    return (42.75 + rng.random(n) * 0.45).astype(np.float32), (20.55 + rng.random(n) * 0.55).astype(np.float32)


#: The checked box keeps one point in this many: the bench's click on "Health" leaves 827 of the 3,306 site
#: markers at 10,000 projects (8,553 of 33,074 at 100,000).
CLICK_KEEP_ONE_IN = 4


def click_outputs(kind: str, checked: bool, n: int = CLICK_POINTS) -> tuple:
    """What the click floor's one callback returns: a ``Patch`` of the map's points (one in
    ``CLICK_KEEP_ONE_IN`` when ``checked``), and for ``click-page`` one of each chart's bars."""
    if kind not in CLICK_KINDS:
        raise ValueError(f"unknown click page {kind!r}; choose one of {', '.join(CLICK_KINDS)}")
    lat, lon = click_points(n)
    step = CLICK_KEEP_ONE_IN if checked else 1
    points = Patch()
    points["data"][0]["lat"] = typed(lat[::step])
    points["data"][0]["lon"] = typed(lon[::step])
    if kind == "click-map":
        return (points,)
    bars = []
    for i in range(4):
        patch = Patch()
        patch["data"][0]["y"] = [(j * 7 + i * 3) % 11 + (3 if checked else 6) for j in range(len(_BARS))]
        bars.append(patch)
    return (points, *bars)


def click_app(kind: str, n: int = CLICK_POINTS) -> Dash:
    """The click floor's page (``CLICK_KINDS``): a checkbox, the map with all ``n`` points, and for
    ``click-page`` four bar charts; one callback from the checkbox to every figure."""
    charts = 4 if kind == "click-page" else 0
    click_outputs(kind, False, n)  # an unknown kind fails here, before a server starts
    lat, lon = click_points(n)
    fig = go.Figure(go.Scattermap(lat=lat, lon=lon, mode="markers", marker={"size": 6}))
    fig.update_layout(
        map={"style": "white-bg", "center": {"lat": 42.97, "lon": 20.83}, "zoom": 8.6},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=460,
    )
    bar = go.Figure(go.Bar(x=_BARS, y=[1, 3, 2, 5, 4, 6, 2]))
    bar.update_layout(height=220, margin={"l": 40, "r": 10, "t": 10, "b": 30})
    app = Dash(__name__, serve_locally=True)
    app.layout = html.Div(
        [
            dcc.Checklist(id="floor-filter", options=[{"label": "One sector", "value": "one"}], value=[]),
            dcc.Graph(id="floor-map", figure=fig, style={"width": "600px"}),
            *(dcc.Graph(id=f"floor-bar-{i}", figure=bar, style={"width": "300px"}) for i in range(charts)),
        ]
    )
    outputs = [Output("floor-map", "figure"), *(Output(f"floor-bar-{i}", "figure") for i in range(charts))]
    # the outputs as a list: the callback returns a tuple even with the map alone (a one-output callback would
    # store the tuple itself); no call at load: the page starts with every point and the clicks are the calls
    app.callback(outputs, Input("floor-filter", "value"), prevent_initial_call=True)(
        lambda value: click_outputs(kind, bool(value), n)
    )
    return app


_CHECKBOX_JS = "document.querySelector('#floor-filter input')"
_DRAWN_POINTS_JS = "return document.querySelector('#floor-map .js-plotly-plot')._fullData[0].lat.length"
#: The click page is ready when every graph is drawn and the map has loaded its tiles.
_CLICK_READY_JS = """
const done = arguments[0];
function ready() {
  const gds = document.querySelectorAll(".js-plotly-plot");
  if (!gds.length || gds.length !== document.querySelectorAll(".dash-graph").length) return false;
  for (const gd of gds) if (!gd._fullLayout) return false;
  const sub = document.querySelector("#floor-map .js-plotly-plot")._fullLayout.map._subplot;
  return !!(sub && sub.map && sub.map.loaded() && sub.map.areTilesLoaded());
}
function poll() {
  if (ready()) requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now())));
  else setTimeout(poll, 5);
}
poll();
"""


def measure_clicks(kind: str, port: int, clicks: int, points: int = CLICK_POINTS) -> dict:
    """One fresh browser on the ``kind`` click page with ``points`` on its map, ``clicks`` real clicks on its
    checkbox, each click -> idle."""
    with serving(click_app(kind, points), port) as url:
        driver = chromium()
        try:
            driver.get(url)
            driver.execute_async_script(_CLICK_READY_JS)
            driver.execute_script("window.__bench.needsPages = false")
            _wait_idle(driver, "0", need_fetch=False)  # no callback at load: it waits for the first click
            times = []
            for _ in range(clicks):
                where = _centre(driver, _CHECKBOX_JS)
                before = driver.execute_script("return window.__bench.clicks.length")
                click_at(driver, *where)
                idle = _wait_idle(
                    driver,
                    f"(window.__bench.clicks.length > {before} ? window.__bench.clicks[{before}].t : -1)",
                    need_fetch=True,
                )
                if idle["since"] < 0:
                    raise RuntimeError("the click did not reach the page")
                times.append(idle["end"] - idle["since"])
                drawn = driver.execute_script(_DRAWN_POINTS_JS)
                expected = len(range(0, points, CLICK_KEEP_ONE_IN if len(times) % 2 else 1))
                if drawn != expected:  # a click that redrew nothing would time nothing
                    raise RuntimeError(f"click {len(times)}: the map shows {drawn} points, not {expected}")
            info = machine(driver)
        finally:
            driver.quit()
    return {
        "kind": kind,
        "median_ms": round(statistics.median(times)),
        "p95_ms": round(_percentile(times, 0.95)),
        "clicks": [round(t) for t in times],
        "load": os.getloadavg()[0],
        "machine": info,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=4, help="navigations per page (the first is cold)")
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--clicks", type=int, default=0, help="real clicks on each click page (0: none)")
    parser.add_argument(
        "--click-points", default=str(CLICK_POINTS), help="points on the click pages' map, e.g. 3400,33000"
    )
    parser.add_argument(
        "--bundle", action="store_true", help="the pages load the app's own plotly.js (assets/vendor), not Dash's"
    )
    args = parser.parse_args(argv)
    assets = bundle_assets() if args.bundle else None
    try:
        rows = [measure(kind, args.port, max(args.loads, 1), assets) for kind in KINDS]
    finally:
        if assets:
            shutil.rmtree(assets, ignore_errors=True)
    m = rows[0]["machine"]
    print(f"machine: {m['cores']} cores, {m['cpu']}, Chromium {m.get('chromium', '?')}, Python {m['python']}")
    print(f"plotly.js: {'the pages own (assets/vendor)' if assets else 'Dash full'}")
    print(f"{'page':6s} {'cold ms':>8s} {'warm median ms':>15s}  warm loads (ms)            load")
    for r in rows:
        warm = ", ".join(str(t) for t in r["warm_ms"])
        print(f"{r['kind']:6s} {r['cold_ms']:8d} {r['warm_median_ms'] or 0:15d}  {warm:26s} {r['load']:.1f}")
    for points in (int(p) for p in args.click_points.split(",") if args.clicks > 0):
        print(f"\nclick -> idle, {points:,} points on the map")
        print(f"{'page':10s} {'median ms':>9s} {'p95 ms':>7s}  clicks (ms)                          load")
        for kind in CLICK_KINDS:
            r = measure_clicks(kind, args.port, args.clicks, points)
            each = ", ".join(str(t) for t in r["clicks"])
            print(f"{kind:10s} {r['median_ms']:9d} {r['p95_ms']:7d}  {each:36s} {r['load']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
