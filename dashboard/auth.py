"""Sign-in: Flask-Login sessions over the accounts of ``dashboard.accounts``.

``install(server)`` sets up the session cookie (HttpOnly, SameSite=Lax, Secure unless ``TFA_COOKIE_SECURE=0``),
the key that signs it (``TFA_SECRET_KEY`` or a key generated once into the data directory), Flask-Login, and two
routes: ``POST /login`` (the form of the ``/login`` page: fields ``username`` and ``password``) and ``POST /logout``
(the navbar's "Sign out" button; a GET changes nothing, so a link or image on another site cannot sign anyone out,
and the request guard refuses a cross-site POST). Failed sign-ins are rate-limited per client address with
Flask-Limiter (``LOGIN_LIMIT``); a client over the limit gets 429 and no password check at all. The counts live in
Redis when ``TFA_REDIS_URL`` is set, so the limit holds across every gunicorn worker; without it they live in each
worker's memory, and the limit is per worker (with 4 workers a client may try up to 4 times as often).

Pages and callbacks ask ``current_account()`` / ``can_edit()`` / ``account_name()``; outside a request (a page
function called from a test) there is no account. A background callback (``dashboard.jobs``) runs outside the
request: the account that started it reaches the job through Dash's ``custom_data`` (``account_for_jobs``), and
``can_edit()`` / ``account_name()`` answer from it there.
"""

from __future__ import annotations

import os
from datetime import timedelta
from urllib.parse import urlencode

import dash
import flask
from dash._callback_context import context_value
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from dashboard import accounts

#: Failed sign-ins allowed per client address (successful ones are not counted).
LOGIN_LIMIT = "5 per minute;30 per hour"
COOKIE_SECURE_ENV = "TFA_COOKIE_SECURE"
#: A Redis URL (``redis://host:6379/0``): the shared store of the sign-in limit (and of a future job queue).
REDIS_URL_ENV = "TFA_REDIS_URL"
#: The ``custom_data`` namespace that carries the signed-in account into background callbacks.
JOB_ACCOUNT = "tfa_account"
SESSION_HOURS = 12
#: Where a signed-in editor goes when the form names no page.
DEFAULT_NEXT = "/data"


class User(UserMixin):
    """The signed-in account, as Flask-Login wants it."""

    def __init__(self, account: accounts.Account):
        self.account = account

    def get_id(self) -> str:
        return self.account.session_id


def cookie_secure() -> bool:
    return os.environ.get(COOKIE_SECURE_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in (never another site: no scheme, no '//', no backslash)."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target):
        return DEFAULT_NEXT
    return target


def current_account() -> accounts.Account | None:
    """The signed-in account of this request, or None (anonymous, or no request at all)."""
    if not flask.has_request_context():
        return None
    user = current_user
    return user.account if getattr(user, "is_authenticated", False) else None


def _job_account() -> dict:
    """In a background callback: the account that started it (``{"name", "can_edit"}``), else ``{}``."""
    try:
        context = context_value.get()
    except LookupError:
        return {}
    return dict((context.get("custom_data") or {}).get(JOB_ACCOUNT) or {})


def can_edit() -> bool:
    if not flask.has_request_context():
        return bool(_job_account().get("can_edit"))
    account = current_account()
    return account is not None and account.can_edit


def account_name() -> str | None:
    """The signed-in account's name (what the import log records), or None."""
    if not flask.has_request_context():
        return _job_account().get("name")
    account = current_account()
    return account.name if account else None


@dash.hooks.custom_data(JOB_ACCOUNT)
def account_for_jobs(callback_context) -> dict | None:
    """Runs in the request of every callback: for a background one, the account that starts the job."""
    if not callback_context.get("background_callback_manager"):
        return None  # an ordinary callback reads the session itself
    account = current_account()
    return {"name": account.name, "can_edit": account.can_edit} if account else None


def limiter_storage_uri() -> str:
    """Redis (``TFA_REDIS_URL``: shared by every worker) or each worker's memory."""
    return os.environ.get(REDIS_URL_ENV, "").strip() or "memory://"


def _failed() -> bool:
    return bool(flask.g.get("login_failed"))


def install(server: flask.Flask) -> Limiter:
    """Sessions, Flask-Login, the login and logout routes and their rate limit, on the app's Flask server."""
    server.secret_key = accounts.secret_key()
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cookie_secure(),
        SESSION_COOKIE_NAME="tfa_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=cookie_secure(),
    )
    manager = LoginManager()
    manager.init_app(server)
    manager.session_protection = "basic"

    @manager.user_loader
    def load_user(session_id: str) -> User | None:
        account = accounts.from_session_id(session_id)
        return User(account) if account else None

    limiter = Limiter(get_remote_address, app=server, storage_uri=limiter_storage_uri(), default_limits=[])

    @limiter.limit(LOGIN_LIMIT, deduct_when=lambda response: _failed(), methods=["POST"])
    def login():
        form = flask.request.form
        next_page = safe_next(form.get("next"))
        account = accounts.verify(form.get("username", ""), form.get("password", ""))
        if account is None:
            flask.g.login_failed = True
            query = urlencode({"error": "failed", "next": next_page})
            return flask.redirect(f"/login?{query}", code=303)
        flask.session.clear()
        flask.session.permanent = True
        login_user(User(account))
        return flask.redirect(next_page, code=303)

    def logout():
        if flask.request.method != "POST":  # a GET (a link, an image, a prefetch) signs nobody out
            return flask.redirect("/", code=303)
        logout_user()
        flask.session.clear()
        return flask.redirect("/", code=303)

    server.add_url_rule("/login", "tfa_login", login, methods=["POST"])
    server.add_url_rule("/logout", "tfa_logout", logout, methods=["GET", "POST"])

    @server.errorhandler(429)
    def too_many(_exc):
        body = (
            "<!DOCTYPE html><html lang='en'><head><title>Too many sign-in attempts</title></head><body><main>"
            "<h1>Too many failed sign-in attempts</h1><p>Wait a minute and <a href='/login'>try again</a>.</p>"
            "</main></body></html>"
        )
        return body, 429, {"Content-Type": "text/html; charset=utf-8", "Retry-After": "60"}

    return limiter
