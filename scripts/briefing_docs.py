"""Save the briefing page and the deck's slides as images into docs/, for the README.

    .venv/bin/python scripts/briefing_docs.py [--out docs] [--query 'dataset=all']

Needs Debian's Chromium and chromedriver (the page, through selenium), LibreOffice (deck -> PDF) and
poppler-utils' ``pdftoppm`` (PDF -> PNG). Writes:

    docs/briefing-cover.png, docs/briefing-map.png, docs/briefing-trust-fund.png   the page at 1600 x 900
    docs/briefing-slide-1.png ... docs/briefing-slide-N.png                        every slide, 1280 px wide
    docs/briefing-deck.pdf                                                          the deck as PDF
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.app import create_app  # noqa: E402
from dashboard.exports import images, service  # noqa: E402
from dashboard.exports.pdf import pptx_to_pdf  # noqa: E402
from geodata.analysis.filters import FilterState  # noqa: E402
from geodata.io.atomic import write_bytes_atomic  # noqa: E402

PAGE_SHOTS = {"cover": "briefing-cover.png", "map": "briefing-map.png", "trust-fund": "briefing-trust-fund.png"}


def browser(width: int, height: int) -> webdriver.Chrome:
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--window-size={width},{height}", "--enable-unsafe-swiftshader", "--hide-scrollbars",
    ):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(options=options)


def page_shots(out: Path, query: str) -> list[Path]:
    app = create_app()
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    driver = browser(1600, 900)
    written = []
    try:
        driver.get(f"http://127.0.0.1:{server.server_port}/briefing?{query}")
        wait = WebDriverWait(driver, 40)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#briefing-panel-map .maplibregl-canvas")))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#briefing-graph-by_sector .main-svg")))
        time.sleep(2.5)  # let the map finish drawing its layers
        for key, name in PAGE_SHOTS.items():
            driver.execute_script(
                "document.getElementById(arguments[0]).scrollIntoView({block: 'start', behavior: 'instant'});",
                f"briefing-panel-{key}",
            )
            time.sleep(0.6)
            driver.save_screenshot(str(out / name))
            written.append(out / name)
    finally:
        driver.quit()
        server.shutdown()
    return written


def slide_shots(out: Path, query: str) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm not found: apt-get install -y poppler-utils")
    deck = service.briefing("pptx", FilterState.from_query(query)).data
    images.stop()
    pdf = pptx_to_pdf(deck)
    write_bytes_atomic(out / "briefing-deck.pdf", pdf, mode=0o666)
    for old in out.glob("briefing-slide-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "deck.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-scale-to-x", "1280", "-scale-to-y", "-1", str(src), str(Path(tmp) / "s")],
                       check=True)  # fmt: skip
        written = []
        for i, page in enumerate(sorted(Path(tmp).glob("s-*.png"), key=lambda p: int(p.stem.split("-")[-1])), 1):
            target = out / f"briefing-slide-{i}.png"
            shutil.copyfile(page, target)
            written.append(target)
    return [out / "briefing-deck.pdf", *written]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs")
    p.add_argument("--query", default="", help="the explorer's query string (default: every project)")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in page_shots(args.out, args.query) + slide_shots(args.out, args.query):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
