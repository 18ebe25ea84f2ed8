"""The web surface: who may run which callback, cross-site checks, body limits and security headers.

Every Dash callback is a POST to ``/_dash-update-component`` naming the callback by its outputs. ``guard`` (a
``before_request`` hook) answers, before Dash reads anything:

* 413 for a body larger than ``MAX_BODY_BYTES`` (the upload limit, base64-encoded, plus room for the JSON),
  from its Content-Length, before the body is read (Flask's ``MAX_CONTENT_LENGTH`` also stops a chunked one);
* 400 for a callback body that is not a Dash callback request (``{}``, ``null``, deep nesting, an unknown
  output, the wrong number of inputs);
* 403 for a callback that writes to one of ``EDITOR_OUTPUTS`` (the Data page: import preview, commit,
  correction, rollback, editor exports) without an editor's session: hiding the page is not relied on;
* 403 for a cross-site state-changing request: a POST whose ``Origin`` (or, without one, ``Referer``) is not
  this site's; sign-in, sign-out and every editor callback must carry one of them.

``install`` also sets the security headers with flask-talisman: a Content-Security-Policy that Dash (its inline
renderer and clientside callbacks by hash), Plotly and MapLibre (workers and images from ``blob:``/``data:``)
work with, ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` with ``frame-ancestors 'none'``, and
``Referrer-Policy``. HTTPS is left to the reverse proxy (``TFA_FORCE_HTTPS=1`` redirects plain HTTP).
"""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import flask
from dash import Dash
from dash._utils import split_callback_id
from flask_talisman import Talisman
from werkzeug.exceptions import BadRequest

from dashboard import auth
from geodata.io.importers import MAX_UPLOAD_BYTES

#: Components only an editor's callbacks write to: every callback with one of these among its outputs refuses a
#: request without an editor's session. The Data page's ids (DATA_* in dashboard/ids.py); a test checks that
#: every callback of that page, and every callback that writes to the store, has one of them.
EDITOR_OUTPUTS = frozenset(
    {
        "data-report",  # the import preview
        "data-preview-grid",
        "data-result",  # commit / cancel / rollback messages
        "data-version",  # set by every write
        "data-history",
        "data-store-info",
        "data-report-download",  # the preview's error report
        "data-export-download",  # editor exports (exact figures)
        "data-export-sentence",
        "data-edit-project",  # the correction form
        "data-edit-result",
        "data-edit-token",
    }
)
#: Requests larger than this are refused (413) before they are read: a base64 upload of the largest allowed file
#: (4/3 of its size) and the callback's JSON around it.
MAX_BODY_BYTES = MAX_UPLOAD_BYTES * 4 // 3 + 1024 * 1024
#: How deep a callback body may nest (Dash's own requests stay below 20; a deeper one is refused with 400).
MAX_JSON_DEPTH = 64
ALLOWED_ORIGINS_ENV = "TFA_ALLOWED_ORIGINS"  # extra origins (space or comma separated), e.g. behind a proxy
FORCE_HTTPS_ENV = "TFA_FORCE_HTTPS"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Paths whose POSTs must come from this site (sign-in and sign-out); editor callbacks are added per request.
ORIGIN_REQUIRED = frozenset({"/login", "/logout"})
#: OpenStreetMap raster tiles, fetched by MapLibre when the online base map is chosen.
TILE_HOSTS = ["https://tile.openstreetmap.org", "https://*.tile.openstreetmap.org"]


def content_security_policy(script_hashes: list[str]) -> dict[str, str | list[str]]:
    """The CSP: scripts only from this site (and Dash's inline scripts by their hash), styles inline (Plotly and
    Dash set style attributes), images and workers also from ``blob:`` and ``data:`` (MapLibre), no framing."""
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *TILE_HOSTS],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", "data:", "blob:", *TILE_HOSTS],
        "worker-src": ["'self'", "blob:"],
        "child-src": ["'self'", "blob:"],
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


# ---------------------------------------------------------------- which callbacks need an editor


def _output_ids(output: str) -> set[str]:
    """The component ids a callback key (``..a.children...b.data..`` or ``a.children``) writes to; a
    pattern-matching id counts by its ``type``. A callback without outputs (keyed by a hash) writes none."""
    if "." not in output:
        return set()
    items = split_callback_id(output)
    out = set()
    for item in items if isinstance(items, list) else [items]:
        cid = item["id"]
        if cid.startswith("{"):
            try:
                cid = str(json.loads(cid).get("type", cid))
            except (ValueError, AttributeError):
                pass
        out.add(cid)
    return out


def needs_editor(output: str) -> bool:
    return bool(_output_ids(output) & EDITOR_OUTPUTS)


def editor_callbacks(app: Dash) -> set[str]:
    """The keys of the app's callbacks that need an editor."""
    return {key for key in app.callback_map if needs_editor(key)}


# ---------------------------------------------------------------- request checks


def allowed_origins() -> set[str]:
    extra = os.environ.get(ALLOWED_ORIGINS_ENV, "").replace(",", " ").split()
    return {flask.request.host_url.rstrip("/"), *(o.rstrip("/") for o in extra)}


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def same_site() -> bool | None:
    """True when the request's Origin (else Referer) is this site, False when it is another, None when it
    names none (a script, not a browser)."""
    origin = flask.request.headers.get("Origin")
    if origin is None:
        referer = flask.request.headers.get("Referer")
        if not referer:
            return None
        origin = _origin_of(referer)
    return origin is not None and origin.rstrip("/") in allowed_origins()


def _depth(value: object, limit: int) -> int:
    """How deep a parsed JSON value nests (stops counting past ``limit``)."""
    depth, level = 0, [value]
    while level and depth <= limit:
        depth += 1
        nxt = []
        for v in level:
            if isinstance(v, dict):
                nxt.extend(v.values())
            elif isinstance(v, list):
                nxt.extend(v)
        level = nxt
    return depth


def _deps_ok(items: object, expected: int) -> bool:
    if not isinstance(items, list) or len(items) != expected:
        return False
    for item in items:
        group = item if isinstance(item, list) else [item]
        if not all(isinstance(d, dict) and "id" in d and isinstance(d.get("property"), str) for d in group):
            return False
    return True


def _refuse(code: int, why: str):
    flask.abort(flask.make_response(why + "\n", code, {"Content-Type": "text/plain; charset=utf-8"}))


def callback_body(app: Dash) -> dict:
    """The parsed body of a callback request, or a 400 when it is not one this app can answer."""
    try:
        body = flask.request.get_json(force=True)
    except (BadRequest, RecursionError, ValueError):
        _refuse(400, "the request body is not JSON")
    if not isinstance(body, dict) or _depth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        _refuse(400, "the request body is not a callback request")
    output = body.get("output")
    entry = app.callback_map.get(output) if isinstance(output, str) else None
    if entry is None:
        _refuse(400, "the request names no callback of this app")
    changed = body.get("changedPropIds", [])
    if not _deps_ok(body.get("inputs"), len(entry.get("inputs", []))) or not _deps_ok(
        body.get("state", []), len(entry.get("state", []))
    ):
        _refuse(400, "the request's inputs do not match the callback")
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        _refuse(400, "the request's changedPropIds is not a list of names")
    if "outputs" in body and not isinstance(body["outputs"], dict | list):
        _refuse(400, "the request's outputs are malformed")
    return body


def guard(app: Dash):
    """The ``before_request`` hook (see the module's docstring)."""
    request = flask.request
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        _refuse(413, f"the request is larger than {MAX_BODY_BYTES // 1024 // 1024} MB")
    if request.method not in STATE_CHANGING:
        return None
    site = same_site()
    if site is False:
        _refuse(403, "cross-site request refused")
    if request.path in ORIGIN_REQUIRED and site is None:
        _refuse(403, "cross-site request refused: the request names no origin")
    if request.path == app.config.routes_pathname_prefix + "_dash-update-component":
        body = callback_body(app)
        if needs_editor(body["output"]):
            if not auth.can_edit():
                _refuse(403, "this action needs an editor's sign-in")
            if site is None:
                _refuse(403, "cross-site request refused: the request names no origin")
    return None


# ---------------------------------------------------------------- installing it all


def install(app: Dash) -> Talisman:
    """Sign-in, the request guard and the security headers, on the app's Flask server."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    auth.install(server)
    talisman = Talisman(
        server,
        force_https=os.environ.get(FORCE_HTTPS_ENV, "0") == "1",
        strict_transport_security=True,  # sent only over HTTPS
        session_cookie_secure=auth.cookie_secure(),
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        frame_options="DENY",
        content_security_policy=content_security_policy(app.csp_hashes()),
        referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
    )
    hashed = {"count": -1}

    @server.before_request
    def _guard():
        # Dash adds the pages' clientside callbacks (inline scripts) on its first request: hash them all
        if len(app._inline_scripts) != hashed["count"]:
            talisman.content_security_policy = content_security_policy(app.csp_hashes())
            hashed["count"] = len(app._inline_scripts)
        return guard(app)

    return talisman
