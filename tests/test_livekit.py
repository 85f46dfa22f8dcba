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


def test_the_bare_dev_server_leaks_the_file_a_reset_client_was_sent(
    tmp_path: Path, leaks: list[str]
) -> None:
    """The control: without the wrapper the leak happens, so the next test can fail."""
    _serve_and_reset(_file_app(tmp_path))
    assert any("unclosed file" in leak and "big.js" in leak for leak in leaks), leaks


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
