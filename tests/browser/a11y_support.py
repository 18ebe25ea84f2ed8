"""Helpers for the accessibility and phone-layout browser tests: axe-core, waiting for a page to settle,
phone-size emulation, and reading layout from the page."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from waits import callbacks_done, steady

ROOT = Path(__file__).resolve().parents[2]
#: axe-core from npm, pinned; ``make test`` installs it here (``.cache/`` is ignored by git).
AXE_VERSION = "4.10.3"
AXE_DIR = ROOT / ".cache" / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
#: Every page, by path. /login comes with the sign-in feature; its test runs once the app has it.
PAGES = ("/", "/coverage", "/data", "/briefing", "/login")
PHONE = (390, 844)
DESKTOP = (1280, 900)
SCREENSHOTS = ROOT / "build" / "screenshots"


def axe_source() -> str:
    """The axe-core script, installed with npm into .cache/axe when missing (the Makefile's command)."""
    installed = AXE_DIR / "node_modules" / "axe-core" / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != AXE_VERSION:
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(f"axe-core {AXE_VERSION} is not in {AXE_DIR} and npm is missing: run `make test`")
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(AXE_DIR),
                "--no-save",
                "--no-audit",
                "--no-fund",
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
            capture_output=True,
        )
    return AXE_JS.read_text()


def run_axe(driver) -> list[dict]:
    """axe-core's violations on the current page: ``{id, impact, help, nodes: [target + summary]}``."""
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(axe_source())
    return driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document).then(r => done(r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' '))
        }))));
        """
    )


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


_SETTLED = """
if (!document.querySelector('h1')) return false;
if (document.querySelector('[data-dash-is-loading="true"]')) return false;
for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    if (!gd._fullLayout) return false;
    const map = window.tfaPageMaps.mapOf(gd);
    if (map && !map.loaded()) return false;
}
// a table created late (assets/table_in_view.js) that is not there yet
if (arguments[0] && document.querySelector('.table-slot[aria-busy="true"]')) return false;
for (const grid of document.querySelectorAll('.ag-root-wrapper')) {
    if (!grid.querySelector('.ag-row, .ag-overlay-no-rows-center, .ag-overlay-no-rows-wrapper')) return false;
    // ag-grid draws a header row before its cells: an empty header row is a grid still being drawn
    for (const row of grid.querySelectorAll('.ag-header-row')) {
        if (!row.querySelector('.ag-header-cell, .ag-header-group-cell')) return false;
    }
}
return true;
"""


def settle(driver, timeout: float = 60.0, polls: int = 4, tables: bool = True) -> None:
    """Wait until the page has its heading, no callback is pending, every chart and map has drawn, every table
    created late has been (unless ``tables`` is false: a page whose table waits to be scrolled to) and has rows
    (or says it has none), and it stays so for ``polls`` checks in a row."""
    steady(
        driver,
        lambda: (driver.execute_script(_SETTLED, tables) and callbacks_done(driver)) or None,
        f"{driver.current_url} to settle",
        times=polls,
        timeout=timeout,
    )


def emulate(driver, size: tuple[int, int]) -> None:
    """Lay the page out at ``size`` CSS pixels (not a mobile viewport: so anything too wide shows as overflow)."""
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def rect(driver, selector: str) -> dict | None:
    """The bounding rectangle of the first element matching ``selector`` (viewport coordinates), with
    ``visible``: it has a size and is not hidden by CSS."""
    return driver.execute_script(
        """
        const e = document.querySelector(arguments[0]);
        if (!e) return null;
        const r = e.getBoundingClientRect(), s = getComputedStyle(e);
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height,
                visible: r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'};
        """,
        selector,
    )


def overflow(driver) -> dict:
    """The page's scroll width against the window's, and the elements that stick out past its right edge."""
    return driver.execute_script(
        """
        const w = window.innerWidth, out = [];
        for (const e of document.body.querySelectorAll('*')) {
            const r = e.getBoundingClientRect();
            if (r.width && r.right > w + 0.5 && getComputedStyle(e).visibility !== 'hidden') {
                let clipped = false;
                for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
                    const s = getComputedStyle(p);
                    if (/(hidden|auto|scroll|clip)/.test(s.overflowX) && p.getBoundingClientRect().right <= w + 0.5) {
                        clipped = true; break;
                    }
                }
                if (!clipped) out.push((e.id ? '#' + e.id : e.tagName.toLowerCase()) + '.' + e.className + ' ' +
                                       Math.round(r.right));
            }
        }
        return {scrollWidth: document.documentElement.scrollWidth, innerWidth: w, outside: out.slice(0, 10)};
        """
    )


def overlapping_marks(driver) -> list[str]:
    """Pairs of slider marks (visible ones) whose boxes overlap, on every slider of the page."""
    return driver.execute_script(
        """
        const clashes = [];
        for (const root of document.querySelectorAll('.dash-slider-root')) {
            const marks = [...root.querySelectorAll('.dash-slider-mark')]
                .filter(m => getComputedStyle(m).visibility !== 'hidden' && m.getBoundingClientRect().width > 0);
            const boxes = marks.map(m => m.getBoundingClientRect());
            for (let i = 1; i < boxes.length; i++) {
                if (boxes[i].left < boxes[i - 1].right) {
                    clashes.push(marks[i - 1].textContent + '/' + marks[i].textContent);
                }
            }
        }
        return clashes;
        """
    )


def cut_text(driver) -> list[str]:
    """The texts of the page's Plotly graphs (annotations, tick labels, bar labels, legend entries, titles) that
    reach past their graph's left or right edge, or for a bar label clipped to the plot, past the plot's; and
    the tick labels of one axis that overlap. Each as "graph id: text (where)"."""
    return driver.execute_script(
        r"""
        const found = [];
        const name = e => (e.textContent || '').trim().slice(0, 40);
        for (const gd of document.querySelectorAll('.js-plotly-plot')) {
            const box = gd.getBoundingClientRect(), layout = gd._fullLayout;
            if (!box.width || !layout || !layout._size) continue;
            const id = (gd.closest('[id]') || gd).id;
            const inside = (r, left, right) => r.left >= left - 1 && r.right <= right + 1;
            const texts = gd.querySelectorAll('.annotation, .xtick > text, .ytick > text, .legendtext, .gtitle');
            for (const e of texts) {
                const r = e.getBoundingClientRect();
                if (r.width && !inside(r, box.left, box.right)) {
                    found.push(`${id}: ${name(e)} (${Math.round(r.left - box.left)}..${Math.round(r.right - box.left)}`
                               + ` of ${Math.round(box.width)})`);
                }
            }
            const plotLeft = box.left + layout._size.l, plotRight = plotLeft + layout._size.w;
            for (const g of gd.querySelectorAll('.barlayer .trace')) {
                const trace = g.__data__ && g.__data__[0] && g.__data__[0].trace;
                const right = trace && trace.cliponaxis === false ? box.right : plotRight;
                for (const e of g.querySelectorAll('.bartext')) {
                    const r = e.getBoundingClientRect();
                    if (r.width && !inside(r, box.left, right)) {
                        const to = Math.round(r.right - box.left), of = Math.round(right - box.left);
                        found.push(`${id}: bar label ${name(e)} (to ${to} of ${of})`);
                    }
                }
            }
            for (const axis of ['xtick', 'ytick']) {
                // turned labels: plotly.js turns them so that they do not overlap, and their boxes do
                const boxes = [...gd.querySelectorAll(`.${axis} > text`)]
                    .filter(e => !/rotate\((?!0[,)])/.test(e.getAttribute('transform') || ''))
                    .map(e => [e, e.getBoundingClientRect()]).filter(([, r]) => r.width)
                    .sort((a, b) => axis === 'xtick' ? a[1].left - b[1].left : a[1].top - b[1].top);
                for (let i = 1; i < boxes.length; i++) {
                    const [a, ra] = boxes[i - 1], [b, rb] = boxes[i];
                    const overlap = axis === 'xtick' ? rb.left < ra.right - 1 : rb.top < ra.bottom - 1;
                    if (overlap) found.push(`${id}: tick labels ${name(a)} / ${name(b)} overlap`);
                }
            }
        }
        return found;
        """
    )


def screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def has_page(app, path: str) -> bool:
    """Whether the app serves ``path`` as a page of its own (a Dash page or a Flask route), not the pages
    router's "404" for unknown paths."""
    import dash

    if any(page.get("path") == path for page in dash.page_registry.values()):
        return True
    return any(rule.rule == path for rule in app.server.url_map.iter_rules())
