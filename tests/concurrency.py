"""Helpers for concurrency tests: an app on a database with real separate connections, and a
barrier that releases jobs in threads at the same instant."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from course import create_app
from course.extensions import db
from tests.conftest import CSRFClient, _config, database_url, is_postgres


@contextmanager
def shared_database_app(tmp_path: Path, name: str, **config: object) -> Iterator[Flask]:
    """An app on a file SQLite database (or PostgreSQL in CI), created empty and dropped after."""
    url = database_url() if is_postgres() else f"sqlite:///{tmp_path / f'{name}.db'}"
    app = create_app(_config(url, **config))
    app.test_client_class = CSRFClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def run_together(
    app: Flask, jobs: list[Callable[[], object]], *, request_method: str | None = None
) -> list[object]:
    """Run each job in its own thread, all released at once; return results or exceptions.

    Each job runs in its own app context (so its own session and connection) and commits; a
    failure is rolled back and returned as the exception. With request_method, jobs also run
    inside a test request context (for services that build URLs).
    """
    barrier = threading.Barrier(len(jobs))
    results: list[object] = []
    lock = threading.Lock()

    def worker(job: Callable[[], object]) -> None:
        with app.app_context():
            if request_method:
                context = app.test_request_context(method=request_method)
                context.push()
            barrier.wait()
            try:
                outcome = job()
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                outcome = exc
            finally:
                db.session.remove()
                if request_method:
                    context.pop()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
