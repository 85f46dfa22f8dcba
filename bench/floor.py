"""The benchmark's empty signed-in page: the floor under every learner page.

`signed_floor` (bench/run.py) measures a signed-in request that does no page work at all: the
session cookie, the user load, every hook and response header, then a two-byte body. Only the
benchmark's app (bench/app.py) has the route; the product never does.

`learner_floor` adds the one piece of work issue 17 requires of every learner page: the
learner's state in the course (one query, with the course's structure version read in it, and
the process's read model). A learner page can be no faster than this; the gap between it and
the module page is what rendering and the page's own logic cost.
"""

from __future__ import annotations

from flask import Flask
from flask_login import current_user, login_required

from course.learning.learner import learner_states

SIGNED_FLOOR_PATH = "/_bench/signed-in"
LEARNER_FLOOR_PATH = "/_bench/learner/<course_slug>"


def add_signed_floor(app: Flask) -> None:
    """Add the empty signed-in page to a benchmark app (before its first request)."""

    @login_required
    def signed_floor() -> tuple[str, int, dict[str, str]]:
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    @login_required
    def learner_floor(course_slug: str) -> tuple[str, int, dict[str, str]]:
        states = learner_states(current_user.id, course_slug)
        body = f"{states[0].percent}" if states else "none"
        return body, 200, {"Content-Type": "text/plain; charset=utf-8"}

    app.add_url_rule(SIGNED_FLOOR_PATH, "bench_signed_floor", signed_floor)
    app.add_url_rule(LEARNER_FLOOR_PATH, "bench_learner_floor", learner_floor)
