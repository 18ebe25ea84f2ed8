"""Freed memory goes back to the system when the server falls idle (``dashboard.heap``): the trim runs once the
last request in flight has been sent, never while another is being answered, and an app's server is wrapped."""

from __future__ import annotations

import pytest

from dashboard import heap


def app_answering(body: bytes = b"ok", fail: bool = False):
    def app(environ, start_response):
        if fail:
            raise RuntimeError("the view failed")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body]

    return app


def test_the_heap_is_trimmed_when_the_last_request_in_flight_has_been_sent():
    trims = []
    middleware = heap.ReleaseWhenIdle(app_answering(), release_fn=lambda: trims.append(1))
    first = middleware({}, lambda *a: None)
    second = middleware({}, lambda *a: None)
    assert list(first) == [b"ok"] and trims == []  # sent, but not closed: still in flight
    first.close()
    assert trims == []  # the second is still in flight
    second.close()
    assert trims == [1] and middleware.released == 1
    third = middleware({}, lambda *a: None)
    third.close()
    assert trims == [1, 1]


def test_a_request_that_raises_does_not_stay_in_flight():
    trims = []
    middleware = heap.ReleaseWhenIdle(app_answering(fail=True), release_fn=lambda: trims.append(1))
    with pytest.raises(RuntimeError):
        middleware({}, lambda *a: None)
    assert trims == [1]  # counted out, so later requests still end in a trim


def test_the_app_server_trims_after_a_request():
    from dashboard.app import create_app

    app = create_app()
    wrapped = app.server.wsgi_app
    assert isinstance(wrapped, heap.ReleaseWhenIdle)
    before = wrapped.released
    response = app.server.test_client().get("/_dash-layout")
    assert response.status_code in (200, 302, 401)
    response.close()
    assert wrapped.released == before + 1


def test_a_malloc_arena_max_in_the_environment_is_left_to_decide(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert heap.limit_arenas() is False
