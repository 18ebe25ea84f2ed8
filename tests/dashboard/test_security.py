"""Roles enforced on the server, per callback: anonymous and viewer requests to every state-changing callback of the
Data page are refused (403) and the store stays byte-identical; the same requests from an editor work and are logged
with the editor's name. Cross-site requests, oversize and malformed bodies, and the security headers."""

from __future__ import annotations

import ast
import base64
import inspect
import json
import sys
from pathlib import Path

import pytest
from auth_support import (
    ORIGIN,
    anonymous_client,
    callback_body,
    callback_key,
    post_callback,
    run_callback,
    signed_in_client,
)

from dashboard import ids, security
from geodata.io import edit, store

CSV = (
    "project_id,title,sector,target_communities,municipality,status,start_date,committed,disbursed,currency,lat,lon\n"
    "s-1,Hygiene kits for returnees,health,Roma;Ashkali,Zvečan,ongoing,2024-03,22000,5000,USD,42.91,20.84\n"
)
UPLOAD = "data:text/csv;base64," + base64.b64encode(CSV.encode()).decode()


@pytest.fixture(scope="module")
def app():
    from dashboard.app import create_app

    app = create_app()
    app.server.test_client().get("/")  # Dash registers the pages' callbacks on its first request
    return app


def _store_bytes() -> bytes:
    return store.store_path().read_bytes()


def _requests(app) -> dict[str, tuple[str, dict, list[str]]]:
    """A real request for each state-changing callback (what the browser sends when an editor clicks)."""
    store.ensure_store()
    first = store.history()[0].import_id if store.history() else 1
    row = (
        edit.find("s-1")
        if "s-1" in set(store.portfolio()["project_id"])
        else edit.find(store.portfolio().iloc[0]["project_id"])
    )
    form = edit.form_values(row)
    form["title"] = "A corrected title"
    edit_values = {f"{cid}.value": form[name] for name, cid in ids.DATA_EDIT_FIELDS.items()}
    pid = str(row["project_id"])
    return {
        "preview": (
            callback_key(app, "data-report.children"),
            {"data-upload.contents": UPLOAD, "data-format.value": "auto", "data-upload.filename": "p.csv"},
            ["data-upload.contents"],
        ),
        "commit": (
            callback_key(app, "data-result.children", "data-upload.contents"),
            {
                "data-commit-valid.n_clicks": 1,
                "data-upload.contents": UPLOAD,
                "data-upload.filename": "p.csv",
                "data-format.value": "auto",
            },
            ["data-commit-valid.n_clicks"],
        ),  # fmt: skip
        "rollback": (
            [k for k in app.callback_map if "data-result.children@" in k and "data-version" in k][0],
            {"data-rollback.submit_n_clicks": [({"index": first, "type": "data-rollback"}, 1)]},
            [json.dumps({"index": first, "type": "data-rollback"}, separators=(",", ":")) + ".submit_n_clicks"],
        ),
        "correction": (
            callback_key(app, "data-edit-result.children@", "data-edit-token.data@"),
            {
                "data-edit-save.n_clicks": 1,
                "data-edit-project.value": pid,
                "data-edit-token.data": edit.row_token(row),
                **edit_values,
            },
            ["data-edit-save.n_clicks"],
        ),  # fmt: skip
        "export": (
            callback_key(app, "data-export-download.data"),
            {"data-export-button.n_clicks": 1, "data-export-format.value": "csv", "data-filter-query.data": ""},
            ["data-export-button.n_clicks"],
        ),
        "error report": (
            callback_key(app, "data-report-download.data"),
            {
                "data-report-button.n_clicks": 1,
                "data-upload.contents": UPLOAD,
                "data-upload.filename": "p.csv",
                "data-format.value": "auto",
            },
            ["data-report-button.n_clicks"],
        ),  # fmt: skip
    }


def _seed_one_import():
    """A store with one import of s-1 (so a rollback and a correction have something to act on)."""
    from geodata.io.importers import preview_bytes

    preview_bytes(CSV.encode(), "seed.csv").commit(user="seeder")


@pytest.mark.parametrize("role", [None, "viewer"])
def test_anonymous_and_viewer_requests_to_every_state_changing_callback_are_refused(app, role):
    _seed_one_import()
    client = anonymous_client(app) if role is None else signed_in_client(app, "donor", role)
    before = _store_bytes()
    for what, (key, values, changed) in _requests(app).items():
        response = post_callback(client, app, key, values, changed)
        assert response.status_code == 403, (what, response.status_code, response.data[:200])
        assert b"editor" in response.data
    assert _store_bytes() == before
    assert [r.import_id for r in store.history()] == [1]


def test_the_same_requests_from_an_editor_work_and_are_logged_with_the_name(app):
    _seed_one_import()
    client = signed_in_client(app, "amira", "editor")
    requests = _requests(app)
    for what in ("preview", "export", "error report"):
        assert run_callback(client, app, *requests[what]).status_code == 200, what
    assert "Nothing is written yet" in run_callback(client, app, *requests["preview"]).get_data(as_text=True)
    response = post_callback(client, app, *requests["correction"])
    assert response.status_code == 200, response.data[:300]
    assert "Saved as import 2" in response.get_data(as_text=True)
    latest = store.history()[0]
    assert (latest.import_id, latest.user, latest.file_name) == (2, "amira", "edit of s-1")

    key, values, changed = requests["rollback"]
    values = {"data-rollback.submit_n_clicks": [({"index": 2, "type": "data-rollback"}, 1)]}
    changed = ['{"index":2,"type":"data-rollback"}.submit_n_clicks']
    assert post_callback(client, app, key, values, changed).status_code == 200
    rolled = store.history()[0]
    assert (rolled.status, rolled.rolled_back_by) == (store.ROLLED_BACK, "amira")


def test_an_editor_commit_is_logged_with_the_account_name(app):
    client = signed_in_client(app, "pm.north", "admin")
    response = run_callback(client, app, *_requests(app)["commit"])  # a background job: polled until it answers
    assert response.status_code == 200, response.data[:300]
    assert "Imported." in response.get_data(as_text=True)
    assert [(r.file_name, r.user) for r in store.history()] == [("p.csv", "pm.north")]


@pytest.mark.parametrize("what", ["preview", "commit"])
def test_the_background_preview_and_commit_refuse_anonymous_requests_and_their_polls(app, what):
    """Both run as background jobs: the start is refused before a job exists, and so is every poll for a job
    (an anonymous client that learnt an editor's job handles gets nothing)."""
    _seed_one_import()
    key, values, changed = _requests(app)[what]
    assert app.callback_map[key].get("background"), f"the {what} callback is not a background callback"
    before = _store_bytes()
    refused = post_callback(anonymous_client(app), app, key, values, changed)
    assert refused.status_code == 403 and b"editor" in refused.data
    editor = signed_in_client(app, "amira", "editor")
    handles = post_callback(editor, app, key, values, changed).get_json()
    assert set(handles) >= {"cacheKey", "job"}
    poll = anonymous_client(app).post(
        "/_dash-update-component",
        query_string={"cacheKey": handles["cacheKey"], "job": handles["job"]},
        json=callback_body(app, key, values, changed),
        headers={"Origin": ORIGIN},
    )
    assert poll.status_code == 403
    answer = run_callback(editor, app, key, values, changed)
    assert answer.status_code == 200
    if what == "preview":
        assert _store_bytes() == before


def test_every_data_page_callback_and_every_store_writer_needs_an_editor(app):
    page = sys.modules["pages.data"]
    server_side = {k: inspect.unwrap(v["callback"]) for k, v in app.callback_map.items() if v.get("callback")}
    keys = {k for k, func in server_side.items() if func.__module__ == page.__name__}
    assert len(keys) >= 9
    assert keys <= security.editor_callbacks(app), sorted(keys - security.editor_callbacks(app))
    # any callback anywhere in dashboard/ that calls a store-writing function must be an editor callback
    writers = {"commit", "rollback", "save_correction", "apply_changes", "edit_project", "ensure_store"}
    for key, func in server_side.items():
        try:
            tree = ast.parse(inspect.getsource(func).lstrip())
        except (OSError, TypeError, IndentationError, SyntaxError):
            continue
        called = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
        if called & writers:
            assert key in security.editor_callbacks(app), key
    # and the viewer-facing callbacks are not (the explorer filter stays open to everyone)
    assert not security.needs_editor(callback_key(app, "..explorer-map.figure...chart-by-sector.figure"))


def test_cross_site_posts_are_refused_and_change_nothing(app):
    _seed_one_import()
    client = signed_in_client(app, "amira", "editor")
    before = _store_bytes()
    key, values, changed = _requests(app)["commit"]
    for headers in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"}, {"Origin": "null"}):
        response = client.post(
            "/_dash-update-component", json=callback_body(app, key, values, changed), headers=headers
        )
        assert response.status_code == 403, headers
    # no Origin and no Referer: an editor callback is refused (a browser always sends one of them)
    assert post_callback(client, app, key, values, changed, origin=None).status_code == 403
    # a cross-site sign-in is refused too
    assert (
        client.post("/login", data={"username": "amira"}, headers={"Origin": "https://evil.example"}).status_code == 403
    )
    assert client.post("/login", data={"username": "amira"}).status_code == 403
    assert _store_bytes() == before


def test_oversize_bodies_get_413_before_they_are_read(app):
    client = anonymous_client(app)
    too_big = security.MAX_BODY_BYTES + 1

    class Unreadable:
        """A body stream that fails the test if the server reads it."""

        def read(self, *_):
            raise AssertionError("the body was read")

        readline = read

    response = client.post(
        "/_dash-update-component",
        content_type="application/json",
        headers={"Origin": ORIGIN},
        environ_overrides={"wsgi.input": Unreadable(), "CONTENT_LENGTH": str(too_big)},
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        "{}",
        "null",
        "[]",
        "not json",
        "[" * 50_000 + "]" * 50_000,
        '{"output": 1}',
        '{"output": "nope.children"}',
        json.dumps({"output": "explorer-map.figure", "inputs": "x"}),
        '{"output": ' + "[" * 100 + "]" * 100 + "}",
    ],  # fmt: skip
    ids=["empty", "null", "list", "text", "deep", "bad-output", "unknown-output", "bad-inputs", "nested"],
)
def test_malformed_callback_bodies_get_400(app, body):
    response = anonymous_client(app).post(
        "/_dash-update-component", data=body, content_type="application/json", headers={"Origin": ORIGIN}
    )
    assert response.status_code == 400, response.data[:200]


def test_security_headers_on_every_response(app):
    client = anonymous_client(app)
    for path in ("/", "/coverage", "/briefing", "/data", "/login", "/_dash-layout", "/assets/app.css"):
        with client.get(path) as response:
            assert response.status_code == 200, path
            headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";") if part.strip())
        assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
        assert "blob:" in csp["worker-src"] and {"data:", "blob:"} <= set(csp["img-src"].split())
        assert "'unsafe-eval'" not in csp["script-src"] and "'unsafe-inline'" not in csp["script-src"]


def test_the_index_sends_no_other_pages_content(app):
    """Dash's validation layout would carry every page (the Data page's history and project list) to everyone."""
    _seed_one_import()
    text = anonymous_client(app).get("/data").get_data(as_text=True)
    assert "validation_layout" not in text and "seed.csv" not in text


def test_the_data_page_shows_viewers_a_sign_in_prompt_and_editors_the_page(app):
    _seed_one_import()
    layout_key = callback_key(app, "_pages_content.children")
    entry = app.callback_map[layout_key]
    values = {"_pages_location.pathname": "/data", "_pages_location.search": ""}
    body = callback_body(app, layout_key, values, ["_pages_location.pathname"])
    assert len(entry["inputs"]) == 2
    anonymous = anonymous_client(app).post("/_dash-update-component", json=body, headers={"Origin": ORIGIN})
    text = json.dumps(anonymous.get_json())  # Dash escapes "/" in its JSON
    assert anonymous.status_code == 200 and "data-sign-in-prompt" in text and "/login?next=/data" in text
    assert "seed.csv" not in text and "data-upload" not in text
    editor = signed_in_client(app, "amira", "editor").post(
        "/_dash-update-component", json=body, headers={"Origin": ORIGIN}
    )
    text = json.dumps(editor.get_json())
    assert "data-upload" in text and "seed.csv" in text


def test_no_server_path_in_refusals(app):
    response = post_callback(anonymous_client(app), app, *_requests(app)["commit"])
    assert str(Path(store.store_path()).parent) not in response.get_data(as_text=True)
