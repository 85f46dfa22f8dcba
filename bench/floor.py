"""The benchmark's empty signed-in page: the floor under every learner page.

`signed_floor` (bench/run.py) measures a signed-in request that does no page work at all: the
session cookie, the user load, every hook and response header, then a two-byte body. Only the
benchmark's app (bench/app.py) has the route; the product never does.
"""

from __future__ import annotations

from flask import Flask
from flask_login import login_required

SIGNED_FLOOR_PATH = "/_bench/signed-in"


def add_signed_floor(app: Flask) -> None:
    """Add the empty signed-in page to a benchmark app (before its first request)."""

    @login_required
    def signed_floor() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    app.add_url_rule(SIGNED_FLOOR_PATH, "bench_signed_floor", signed_floor)
