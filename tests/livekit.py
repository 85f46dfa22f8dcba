"""The WSGI wrapper the browser tests' live server runs the app behind.

Werkzeug's development server (3.1) closes a response's iterable only at the end of its
`finally` block, after draining the socket. When the browser resets a connection mid-response
(it does, for a script it no longer needs after a navigation), that drain raises
ConnectionResetError, the iterable is never closed, and a static file's handle leaks. Under
`filterwarnings = error` the leak's ResourceWarning fails whichever browser test is running.

`closing_before_send` reads the whole body and closes the iterable before the server writes
a byte, so nothing the server can fail on holds a file open. Production serves through
gunicorn, which closes iterables itself; this wrapper is for the test server only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def closing_before_send(app: WSGIApp) -> WSGIApp:
    """Wrap `app` so each response is read in full and closed before it is sent."""

    def buffered(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()

    return buffered
