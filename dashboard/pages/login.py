"""Sign in (path "/login"): a plain HTML form that posts ``username`` and ``password`` to ``POST /login``
(``dashboard.auth``), which signs the account in and goes back to the page it came from. Editors and admins sign in
to use the Data page; everyone else needs no account."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import auth

dash.register_page(__name__, path="/login", name="Sign in", order=9, title="Sign in · Trust Fund Atlas", hidden=True)

USERNAME = "login-username"
PASSWORD = "login-password"
FORM = "login-form"
SUBMIT = "login-submit"
MESSAGE = "login-message"

ERRORS = {
    "failed": "Wrong username or password. Nothing was changed.",
    "required": "Sign in as an editor to use that page.",
}


def layout(error: str | None = None, next: str | None = None, **_other) -> html.Div:  # noqa: A002 (URL name)
    account = auth.current_account()
    target = auth.safe_next(next)
    body: list = [html.H1("Sign in", className="h3")]
    if account is not None:
        body += [
            dbc.Alert(f"Signed in as {account.name} ({account.role}).", color="success", id=MESSAGE),
            html.Form(
                dbc.Button("Sign out", type="submit", color="secondary"),
                action="/logout",
                method="POST",
            ),
        ]
        return html.Div(body, className="login-page")
    body.append(
        html.P(
            "Program managers sign in to load and correct the portfolio. The map, coverage and briefing pages need "
            "no account.",
            className="text-muted",
        )
    )
    if error in ERRORS:
        body.append(dbc.Alert(ERRORS[error], color="danger" if error == "failed" else "info", id=MESSAGE))
    body.append(
        html.Form(
            [
                html.Div(
                    [
                        html.Label("Username", htmlFor=USERNAME, className="form-label"),
                        dcc.Input(
                            id=USERNAME,
                            name="username",
                            type="text",
                            autoComplete="username",
                            required=True,
                            className="form-control",
                        ),
                    ],
                    className="mb-3",
                ),
                html.Div(
                    [
                        html.Label("Password", htmlFor=PASSWORD, className="form-label"),
                        dcc.Input(
                            id=PASSWORD,
                            name="password",
                            type="password",
                            autoComplete="current-password",
                            required=True,
                            className="form-control",
                        ),
                    ],
                    className="mb-3",
                ),
                dcc.Input(type="hidden", name="next", value=target, id="login-next"),
                dbc.Button("Sign in", id=SUBMIT, type="submit", color="primary"),
            ],
            id=FORM,
            action="/login",
            method="POST",
            style={"maxWidth": "24rem"},
        )
    )
    return html.Div(body, className="login-page")
