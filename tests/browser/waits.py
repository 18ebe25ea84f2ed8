"""Waiting in the browser tests: always for a condition, never for a fixed time.

``until`` polls a condition (WebDriverWait) and returns its first truthy value; ``steady`` waits until a reading
stops changing (a page that has stopped scrolling, a map that has finished easing); ``callbacks_done`` is true
when Dash has no callback requested or running; ``next_frame`` returns once the browser has drawn a frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import WebDriverWait

T = TypeVar("T")

POLL = 0.1


def until(driver, condition: Callable[[], T], what: str, timeout: float = 25.0) -> T:
    """The first truthy value of ``condition()``, polled until ``timeout`` seconds have passed."""
    try:
        return WebDriverWait(driver, timeout, poll_frequency=POLL).until(lambda _driver: condition())
    except TimeoutException:
        raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}") from None


def steady(driver, read: Callable[[], object], what: str, times: int = 3, timeout: float = 25.0):
    """Wait until ``read()`` gives the same value ``times`` polls in a row; return that value. A reading of None
    means "not ready yet" and never counts."""
    seen: list[object] = []

    def unchanged():
        seen.append(read())
        recent = seen[-times:]
        return len(recent) == times and recent[0] is not None and all(r == recent[0] for r in recent) and (recent[0],)

    return until(driver, unchanged, what, timeout)[0]


_CALLBACKS_DONE = """
if (!window.store) return !document.getElementById('react-entry-point');  // not (yet) a Dash page
const s = window.store.getState();
if (!s || !s.callbacks) return false;
const c = Object.assign({}, s.callbacks);
delete c.stored; delete c.completed;
return Object.values(c).every(list => !list || !list.length);
"""


def callbacks_done(driver) -> bool:
    """Dash has no callback requested, waiting or running (the renderer's own store, as dash.testing reads it)."""
    return bool(driver.execute_script(_CALLBACKS_DONE))


def next_frame(driver, frames: int = 2) -> None:
    """Return once the browser has run ``frames`` animation frames (input handled, the result drawn)."""
    driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        let left = arguments[0];
        const tick = () => (--left <= 0 ? done(true) : requestAnimationFrame(tick));
        requestAnimationFrame(tick);
        """,
        frames,
    )
