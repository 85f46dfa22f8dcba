"""In-process profile: ms, SQL statements and Jinja share per request, with the Flask test client.

    .venv/bin/python -m bench.profile                 # 300 requests per target
    PROFILE_REQUESTS=1000 .venv/bin/python -m bench.profile
    .venv/bin/python -m bench.profile --cprofile module_page   # top functions of one target

Seeds the same database as `make bench` (bench/seed.py; BENCH_MODULES, BENCH_LEARNERS,
BENCH_DATABASE_URL apply) in a temporary directory and serves the real app in this process, so
the figures exclude gunicorn, HTTP parsing and the network. "Jinja" is the time spent inside
flask.templating._render (the template's render, includes and macros), over the whole request.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask.templating
from sqlalchemy import event

from bench.floor import LEARNER_FLOOR_PATH, SIGNED_FLOOR_PATH, add_signed_floor
from bench.pool import forge_session, session_identifier, top_up_pool
from bench.seed import REMOTE_ADDR, USER_AGENT, SeedInfo, app_config, database_url, seed
from course import create_app
from course.extensions import db

BASE = "http://127.0.0.1"  # production trusts only PUBLIC_BASE_URL's host


@dataclass
class Figures:
    """What one target cost per request."""

    name: str
    requests: int
    ms: float
    statements: float
    jinja_ms: float

    @property
    def jinja_share(self) -> float:
        """Fraction of the request spent rendering templates."""
        return self.jinja_ms / self.ms if self.ms else 0.0


class Meter:
    """Counts statements and template time while active."""

    def __init__(self) -> None:
        self.statements = 0
        self.jinja = 0.0

    def on_execute(self, *args: Any) -> None:
        self.statements += 1


@contextmanager
def metering(app, meter: Meter):
    """Count cursor executions on the app's engine and time flask.templating._render."""
    original = flask.templating._render

    def timed(*args: Any, **kwargs: Any) -> str:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            meter.jinja += time.perf_counter() - started

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", meter.on_execute)
    flask.templating._render = timed
    try:
        yield
    finally:
        flask.templating._render = original
        event.remove(engine, "before_cursor_execute", meter.on_execute)


def _client(app, cookie: str):
    client = app.test_client(use_cookies=False)
    client.environ_base.update(
        {
            "REMOTE_ADDR": REMOTE_ADDR,
            "HTTP_USER_AGENT": USER_AGENT,
            "HTTP_COOKIE": f"session={cookie}" if cookie else "",
        }
    )
    return client


def targets(app, info: SeedInfo) -> dict[str, Callable[[int], Callable[[], Any]]]:
    """name -> prepare(n) returning a callable that sends one request (n calls follow)."""
    with app.app_context():
        cookie, _ = forge_session(app, info.bench_user_id, session_identifier(app))
        db.session.commit()
    learner = _client(app, cookie)
    anonymous = _client(app, "")
    module = f"/courses/{info.course_slug}/modules/{info.module_slugs[1]}"

    def get(client, path: str) -> Callable[[int], Callable[[], Any]]:
        def prepare(n: int) -> Callable[[], Any]:
            def send() -> None:
                response = client.get(path, base_url=BASE)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code}")

            return send

        return prepare

    def submit(n: int) -> Callable[[], Any]:
        entries = iter(top_up_pool(app, info.bench_user_id, random.Random(n))[:n])

        def send() -> None:
            entry = next(entries)
            client = _client(app, entry.cookie)
            response = client.post(
                f"/quiz/attempt/{entry.attempt_id}",
                base_url=BASE,
                data=entry.body,
                content_type="application/x-www-form-urlencoded",
            )
            if response.status_code != 302 or "/review" not in response.headers["Location"]:
                raise RuntimeError(f"submit: {response.status_code}")

        return send

    return {
        "module_page": get(learner, module),
        "dashboard": get(learner, "/dashboard"),
        "verify_page": get(anonymous, f"/verify/{info.certificate_code}"),
        "quiz_submit": submit,
        # The app's own floor: every hook and the request context, no query, no template.
        "healthz": get(anonymous, "/healthz"),
        # The signed-in floor: session cookie, user load, hooks and headers, no page work.
        "signed_floor": get(learner, SIGNED_FLOOR_PATH),
        # The signed-in floor plus the learner-state query every learner page runs.
        "learner_floor": get(
            learner, LEARNER_FLOOR_PATH.replace("<course_slug>", info.course_slug)
        ),
    }


def run(app, prepare: Callable[[int], Callable[[], Any]], name: str, n: int) -> Figures:
    """Warm up, then time n requests."""
    warm = prepare(20)
    for _ in range(20):
        warm()
    send = prepare(n)
    meter = Meter()
    with metering(app, meter):
        started = time.perf_counter()
        for _ in range(n):
            send()
        elapsed = time.perf_counter() - started
    return Figures(name, n, 1000 * elapsed / n, meter.statements / n, 1000 * meter.jinja / n)


def hello_ms(n: int) -> float:
    """The bare Flask baseline under the same test client."""
    from bench.hello import app as hello

    client = hello.test_client()
    for _ in range(20):
        client.get("/")  # warm
    started = time.perf_counter()
    for _ in range(n):
        client.get("/")
    return 1000 * (time.perf_counter() - started) / n


def main(argv: list[str]) -> int:
    """Seed, profile each target, print a table (or a cProfile listing with --cprofile NAME)."""
    n = int(os.environ.get("PROFILE_REQUESTS", "300"))
    workdir = Path(tempfile.mkdtemp(prefix="practicum-profile-"))
    try:
        info = seed(
            database_url(workdir),
            workdir,
            int(os.environ.get("BENCH_LEARNERS", "300")),
            int(os.environ.get("BENCH_MODULES", "7")),
        )
        app = create_app(app_config(info.database_url))
        add_signed_floor(app)
        found = targets(app, info)
        if argv[:1] == ["--cprofile"]:
            send = found[argv[1]](n)
            profiler = cProfile.Profile()
            profiler.runcall(lambda: [send() for _ in range(n)])
            stats = pstats.Stats(profiler)
            stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)
            return 0
        print(f"hello            {hello_ms(n):7.2f} ms")
        print(f"{'target':<14} {'ms/req':>8} {'stmts/req':>10} {'jinja ms':>9} {'jinja %':>8}")
        for name, prepare in found.items():
            f = run(app, prepare, name, n)
            print(
                f"{f.name:<14} {f.ms:8.2f} {f.statements:10.1f} {f.jinja_ms:9.2f} "
                f"{100 * f.jinja_share:7.0f}%"
            )
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
