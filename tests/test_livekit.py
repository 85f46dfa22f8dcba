"""The browser tests' live server must not leak a file when a client resets mid-download."""

from __future__ import annotations

import gc
import socket
import struct
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, send_file
from werkzeug.serving import make_server
from werkzeug.test import Client

from tests.livekit import closing_before_send

RESETS = 40


def _file_app(folder: Path) -> Flask:
    body = folder / "big.js"
    body.write_bytes(b"x" * 512_000)  # more than a socket buffer, so sending it can fail
    app = Flask(__name__)
    app.add_url_rule("/big.js", "big", lambda: send_file(body))
    return app


def _reset_mid_response(port: int) -> None:
    """Ask for the file, take one byte of the answer, then reset the connection (RST)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(b"GET /big.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        client.recv(1)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


@pytest.fixture
def leaks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every unclosed-file warning raised while the test runs, from any thread."""
    seen: list[str] = []

    def record(unraisable: Any) -> None:
        seen.append(repr(unraisable.exc_value))

    monkeypatch.setattr(sys, "unraisablehook", record)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        yield seen
        gc.collect()


def _serve_and_reset(app: Callable[..., Any]) -> None:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        for _ in range(RESETS):
            _reset_mid_response(server.server_port)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    gc.collect()


class _Body:
    """A response body that records when it is read and when it is closed."""

    def __init__(self, events: list[str], fail: bool = False) -> None:
        self.events, self.fail = events, fail

    def __iter__(self) -> Iterator[bytes]:
        self.events.append("read")
        yield b"ab"
        if self.fail:
            raise OSError("the file went away")
        yield b"cd"

    def close(self) -> None:
        self.events.append("closed")


def _app_returning(body: _Body) -> Callable[..., Any]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> _Body:
        start_response("200 OK", [("Content-Length", "4")])
        return body

    return app


def test_the_body_is_read_and_closed_before_the_server_gets_it() -> None:
    """Deterministic: nothing the server does (or fails to do) can leave the body open."""
    events: list[str] = []
    sent = closing_before_send(_app_returning(_Body(events)))({}, lambda *a: None)
    events.append("server sends")
    assert sent == [b"abcd"]
    assert events == ["read", "closed", "server sends"]
    # The bare app leaves reading and closing to the server, after it starts sending: the
    # gap where Werkzeug's dev server loses the close when a client resets.
    events.clear()
    _app_returning(_Body(events))({}, lambda *a: None)
    events.append("server sends")
    assert events == ["server sends"]


def test_a_body_that_fails_midway_is_closed_too() -> None:
    events: list[str] = []
    with pytest.raises(OSError, match="went away"):
        closing_before_send(_app_returning(_Body(events, fail=True)))({}, lambda *a: None)
    assert events == ["read", "closed"]


def test_the_wrapped_app_closes_every_file_whatever_the_client_does(
    tmp_path: Path, leaks: list[str]
) -> None:
    wrapped = closing_before_send(_file_app(tmp_path))
    _serve_and_reset(wrapped)
    assert leaks == []
    # and it still serves the whole body, with the app's own status and headers
    response = Client(wrapped).get("/big.js")
    assert response.status_code == 200
    assert response.headers["Content-Length"] == "512000"
    assert response.get_data() == b"x" * 512_000
