"""Helpers for tests that act as a signed-in account: create one in the test's data directory and sign in through
the real ``POST /login`` form, and build Dash callback requests the way the browser sends them."""

from __future__ import annotations

import json

from dashboard import accounts

PASSWORD = "a long test password"
ORIGIN = "http://localhost"  # the Flask test client's site


def make_account(name: str = "pm", role: str = "editor") -> accounts.Account:
    return accounts.add(name, role, PASSWORD)


def signed_in_client(app, name: str = "pm", role: str = "editor"):
    """A Flask test client signed in as a new account with ``role``."""
    make_account(name, role)
    client = app.server.test_client()
    response = client.post(
        "/login", data={"username": name, "password": PASSWORD, "next": "/data"}, headers={"Origin": ORIGIN}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/data", response.data
    return client


def anonymous_client(app):
    return app.server.test_client()


def callback_key(app, *outputs: str) -> str:
    """The key of the app's callback that writes all of ``outputs`` ("id.property")."""
    matches = [k for k in app.callback_map if all(o in k for o in outputs)]
    assert len(matches) == 1, (outputs, matches)
    return matches[0]


def callback_body(app, key: str, values: dict, changed: list[str]) -> dict:
    """The JSON the browser posts for callback ``key``: every input and state with its value from ``values``
    (keyed "id.property"; pattern-matching inputs take a list of ``(id_dict, value)``)."""
    entry = app.callback_map[key]

    def dep(d):
        name = f"{d['id']}.{d['property']}"
        if d["id"].startswith("{"):
            pattern = json.loads(d["id"])["type"]
            return [
                {"id": cid, "property": d["property"], "value": v}
                for cid, v in values.get(f"{pattern}.{d['property']}", [])
            ]
        return {"id": d["id"], "property": d["property"], "value": values.get(name)}

    outputs = []
    for part in key.strip(".").split("..."):
        cid, prop = part.rsplit(".", 1)
        outputs.append({"id": cid, "property": prop.split("@")[0]})
    return {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": [dep(d) for d in entry["inputs"]],
        "state": [dep(d) for d in entry["state"]],
        "changedPropIds": changed,
    }


def post_callback(client, app, key: str, values: dict, changed: list[str], origin: str | None = ORIGIN):
    headers = {"Origin": origin} if origin else {}
    return client.post("/_dash-update-component", json=callback_body(app, key, values, changed), headers=headers)


def run_callback(client, app, key: str, values: dict, changed: list[str], timeout: float = 60.0):
    """Post a callback as the browser does and, for a background callback, poll its job as the browser does
    (the same request with the signed ``cacheKey`` and ``job`` handles) until the answer comes; return that
    response (the first one when the callback was refused or is not a background one)."""
    import time

    first = post_callback(client, app, key, values, changed)
    handles = first.get_json(silent=True) if first.status_code == 200 else None
    if not isinstance(handles, dict) or "cacheKey" not in handles:
        return first
    body = callback_body(app, key, values, changed)
    query = {"cacheKey": handles["cacheKey"], "job": handles["job"]}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.post("/_dash-update-component", query_string=query, json=body, headers={"Origin": ORIGIN})
        if response.status_code != 200 or "response" in (response.get_json(silent=True) or {}):
            return response
        time.sleep(0.1)
    raise AssertionError(f"the background callback {key} did not finish in {timeout} s")
