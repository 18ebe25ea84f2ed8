"""Save screenshots of the explorer's main views to docs/ (real headless Chromium, offline map).

    .venv/bin/python scripts/screenshots.py [--out docs] [--width 1280] [--height 800]

Views: the default explorer, a filtered view (health projects in the Mitrovica polygon), the sample
portfolio, and a camp's history panel. Needs Debian's chromium and chromedriver.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VIEWS = {
    "explorer-default.png": "/",
    "explorer-filtered.png": "/?sector=health&municipality=north-mitrovica&municipality=south-mitrovica",
    "explorer-sample.png": "/?dataset=sample&metric=projects",
    "explorer-documented.png": "/?dataset=documented",
}


def serve(app, port: int):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


def browser(width: int, height: int):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-unsafe-swiftshader",
        "--hide-scrollbars",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)
    set_viewport(driver, width, height)
    return driver


def set_viewport(driver, width: int, height: int) -> None:
    """Make the page's viewport exactly width x height (the window size includes browser chrome)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def wait_for_map(driver, timeout: float = 90.0) -> None:
    """Wait until the map's project traces hold points (the first filter response has arrived)."""
    script = """
    const gd = document.querySelector('#explorer-map .js-plotly-plot');
    if (!gd || !gd._fullData) return -1;
    let n = 0;
    for (const t of gd._fullData) { if (t.meta && t.meta.level && t.lat) n += t.lat.length; }
    return n;
    """
    end = time.time() + timeout
    while time.time() < end:
        if (driver.execute_script(script) or -1) > 0 and not driver.find_elements(
            "css selector",
            "[data-dash-is-loading]:not(.hover)",  # the map's tooltip waits for a hover
        ):
            wait_for_labels(driver, end)
            time.sleep(1.5)  # let MapLibre finish painting
            return
        time.sleep(0.25)
    raise TimeoutError("the map did not draw its points")


_LABELS_DRAWN = """
const gd = document.querySelector('#explorer-map .js-plotly-plot');
const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot.map;
if (!map || !map.isStyleLoaded()) return false;
const symbols = map.queryRenderedFeatures().filter(f => f.layer.type === 'symbol');
return symbols.length > 0 && !map.isMoving();
"""


def wait_for_labels(driver, end: float) -> None:
    """Wait until MapLibre has placed the map's text (camp numbers and names, settlement names): the labels are
    drawn after the points, and a screenshot taken before shows unnumbered camps."""
    while time.time() < end:
        if driver.execute_script(_LABELS_DRAWN):
            return
        time.sleep(0.25)
    raise TimeoutError("the map did not draw its labels")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    from selenium.webdriver.common.action_chains import ActionChains

    from dashboard.app import create_app

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = serve(create_app(), args.port)
    driver = browser(args.width, args.height)
    try:
        for name, path in VIEWS.items():
            driver.get(f"http://127.0.0.1:{args.port}{path}")
            wait_for_map(driver)
            driver.save_screenshot(str(out / name))
            print(out / name)
        # A camp's history: a real click on Osterode's entry in the camp key (as a person opens it).
        driver.get(f"http://127.0.0.1:{args.port}/")
        wait_for_map(driver)
        button = driver.find_element("css selector", '[id*=\'"site":"osterode"\']')
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        ActionChains(driver).move_to_element(button).pause(0.2).click().perform()
        end = time.time() + 60
        while time.time() < end and "Osterode" not in driver.execute_script(
            "const e = document.getElementById('detail-panel-title'); return e ? e.textContent : ''"
        ):
            time.sleep(0.25)
        time.sleep(1.5)  # the panel slides in
        driver.save_screenshot(str(out / "explorer-camp-history.png"))
        print(out / "explorer-camp-history.png")
        # Full page of the default view (charts and table below the map).
        set_viewport(driver, args.width, 2300)
        driver.get(f"http://127.0.0.1:{args.port}/")
        wait_for_map(driver)
        driver.save_screenshot(str(out / "explorer-full-page.png"))
        print(out / "explorer-full-page.png")
        logs = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        for entry in logs:
            print("console:", entry["message"], file=sys.stderr)
    finally:
        driver.quit()
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
