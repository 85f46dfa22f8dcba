"""Background tasks: the queue's one home (huey).

SqliteHuey in instance/ by default; RedisHuey when HUEY_REDIS_URL is set (several hosts);
immediate mode (tasks run at once, in-process) when HUEY_IMMEDIATE is on, as in tests. Run
the worker beside the web server with ``huey_consumer course.worker.huey``.

Tasks need an application context: inside a request (immediate mode) they use the current
one; in the worker they use the app that course.worker created (bind_app).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from flask import Flask, has_app_context
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.storage import SqliteStorage

ROOT = Path(__file__).resolve().parent.parent
EMAIL_RETRIES = 5


class LazySqliteStorage(SqliteStorage):
    """The SQLite queue, opened (and its file created) on first use, never at import."""

    def _create_connection(self) -> Any:
        Path(self.filename).parent.mkdir(parents=True, exist_ok=True)
        conn = super()._create_connection()
        for statement in self.ddl:  # every statement is CREATE ... IF NOT EXISTS
            conn.execute(statement)
        return conn


def _make_huey() -> Huey:
    """The queue the environment asks for (read once, at import, like any WSGI setting)."""
    redis_url = os.environ.get("HUEY_REDIS_URL")
    if redis_url:
        return RedisHuey("practicum", url=redis_url)
    path = os.environ.get("HUEY_SQLITE_PATH") or str(ROOT / "instance" / "huey.db")
    return SqliteHuey(
        "practicum", filename=path, storage_class=LazySqliteStorage, create_tables=False
    )


huey = _make_huey()
_worker_app: dict[str, Flask] = {}


def init_tasks(app: Flask) -> None:
    """Apply the app's queue settings (immediate mode, retry delay)."""
    huey.immediate = bool(app.config.get("HUEY_IMMEDIATE"))


def bind_app(app: Flask) -> None:
    """Give worker-side tasks the application they run in."""
    _worker_app["app"] = app


@contextmanager
def task_context() -> Iterator[None]:
    """An application context for a task: the current one, else the worker's app."""
    if has_app_context():
        with nullcontext():
            yield
        return
    if "app" not in _worker_app:
        from course import create_app

        bind_app(create_app())
    with _worker_app["app"].app_context():
        yield


def _retry_delay() -> int:
    return int(os.environ.get("EMAIL_RETRY_DELAY_SECONDS", "60"))


@huey.task(retries=EMAIL_RETRIES, retry_delay=_retry_delay(), context=True)
def deliver_email(message: dict[str, Any], task: Any = None) -> str:
    """Send one composed message over the configured backend; raising retries it later."""
    from course.mail import send_now

    with task_context():
        return send_now(message)


@huey.periodic_task(crontab(hour="7", minute="0"))
def daily_approval_digest() -> int:
    """Email admins the certificates awaiting approval, once a day (nothing when none)."""
    from course.mail import approval_digest_messages

    with task_context():
        messages = approval_digest_messages()
        for message in messages:
            deliver_email(message)
        return len(messages)
