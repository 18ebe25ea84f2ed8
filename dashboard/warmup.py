"""Work done once at start-up, most of it in the background, so the first visitor does not wait for it.

``warm_in_background(app)`` compresses the page's scripts and styles (``compress_ahead``, at once), then makes the
sign-in's stand-in password hash, builds the explorer's first map and its charts' styling, and draws the coverage
page's default view (building its per-data-version index on the way) in a daemon thread. The server answers requests
meanwhile; a request for that view that arrives before the thread finishes simply draws it itself. Called by
the entry points (``python -m dashboard`` and the WSGI module), not by ``create_app``, so tests and tools that
build the app do no background work.
"""

from __future__ import annotations

import logging
import sys
import threading

log = logging.getLogger(__name__)

#: The page modules (as Dash pages registers them) and the function each offers for warming up.
WARM = {"pages.explorer": "warm_default_view", "pages.coverage": "warm_default_view"}


def warm_pages() -> None:
    from dashboard import accounts, heap

    accounts.warm()  # the hash an unknown name is checked against, so the first such sign-in is not quicker
    for module_name, function in WARM.items():
        module = sys.modules.get(module_name)
        if module is None or not hasattr(module, function):
            continue
        try:
            getattr(module, function)()
        except Exception:  # a warm-up is an optimisation: the request path reports real errors
            log.exception("warming %s failed; the first request will do the work", module_name)
    heap.release()  # what the warm-up's analyses freed


def compress_ahead(app) -> None:
    """The page's scripts and styles compressed before the first visitor asks for them (``transfer.compress_ahead``),
    in the calling thread, before the server answers anyone: its requests are the app's first, on which Dash sets
    itself up (its callbacks, the codecs Werkzeug uses). Made by a thread beside the server's first requests, they
    broke them: a gunicorn worker then listed only some of its callbacks, or failed a request with "unknown
    encoding: idna". About 0.1 s of start-up."""
    from dashboard import transfer

    try:
        transfer.compress_ahead(app.server)
    except Exception:  # an optimisation: the first visit compresses what is missing
        log.exception("compressing the page's scripts ahead failed; the first visit will do it")


def warm_in_background(app) -> threading.Thread:
    """Compress the page's files for ``app`` (a created Dash app; None: not), then start the warm-up thread and
    return it."""
    if app is not None:
        compress_ahead(app)
    thread = threading.Thread(target=warm_pages, name="warm-pages", daemon=True)
    thread.start()
    return thread
