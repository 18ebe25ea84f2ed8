"""The floor under the browser targets: how long a minimal Dash page takes in this machine's headless Chromium.

``python -m bench.floor_bench [--loads 4] [--port 8093]``

Three pages, each a Dash app served from this process (werkzeug, threaded) with the bench's Chromium flags:
``empty`` (one paragraph filled by a callback), ``bar`` (one ``dcc.Graph`` whose seven-bar figure comes from a
callback, as our pages' figures do) and ``map`` (the same with a two-point ``scattermap`` on the offline
``white-bg`` style, MapLibre as in our maps). For each, one fresh browser loads the page ``--loads`` times:
the first load is cold (nothing cached, as the explorer's first load in ``bench.browser_bench``), the others
warm (scripts from the HTTP cache and V8's code cache, as the coverage and briefing loads there). The time is
navigation start -> the callback answered, the graph drawn (a map: MapLibre loaded with its tiles) and two
animation frames later.

None of our code runs here: whatever these pages take, no change to the dashboard can take away.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import threading
from collections.abc import Iterator

import plotly.graph_objects as go
from dash import Dash, Input, Output, dcc, html

from bench.browser_bench import chromium, machine

KINDS = ("empty", "bar", "map")

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


def app_for(kind: str) -> Dash:
    """A minimal Dash app for ``kind`` (one of ``KINDS``); its one callback fills the page as ours do."""
    outputs = page_outputs(kind)
    app = Dash(__name__, serve_locally=True)
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


def measure(kind: str, port: int, loads: int) -> dict:
    """One fresh browser, ``loads`` navigations to the ``kind`` page: the cold one and the warm ones (ms)."""
    with serving(app_for(kind), port) as url:
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.floor_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=4, help="navigations per page (the first is cold)")
    parser.add_argument("--port", type=int, default=8093)
    args = parser.parse_args(argv)
    rows = [measure(kind, args.port, max(args.loads, 1)) for kind in KINDS]
    m = rows[0]["machine"]
    print(f"machine: {m['cores']} cores, {m['cpu']}, Chromium {m.get('chromium', '?')}, Python {m['python']}")
    print(f"{'page':6s} {'cold ms':>8s} {'warm median ms':>15s}  warm loads (ms)            load")
    for r in rows:
        warm = ", ".join(str(t) for t in r["warm_ms"])
        print(f"{r['kind']:6s} {r['cold_ms']:8d} {r['warm_median_ms'] or 0:15d}  {warm:26s} {r['load']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
