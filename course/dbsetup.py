"""Engine tuning per database: SQLite gets proper transactions, foreign keys and WAL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g, has_request_context, request
from sqlalchemy import Engine, event

from course.extensions import db

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure_engines(app: Flask) -> None:
    """Attach connection hooks; opens no connection itself."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, in_memory=engine.url.database in (None, "", ":memory:"))


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run a GET's occasional write in its own transaction that takes the write lock at BEGIN.

    The read-only transaction so far is ended first, so SQLite never has to upgrade a read
    snapshot to a write (which fails instead of waiting when another writer got in between).
    """
    db.session.commit()
    g.sqlite_write = True
    try:
        yield
    finally:
        g.sqlite_write = False


def _needs_write_lock() -> bool:
    """Read-only requests may share SQLite; anything that may write queues for the lock."""
    if not has_request_context() or request.method not in READ_METHODS:
        return True
    return bool(g.get("sqlite_write"))


def _configure_sqlite(engine: Engine, in_memory: bool) -> None:
    """Serialize SQLite write transactions instead of failing them.

    pysqlite opens transactions lazily, so two requests that read and then write fail with
    "database is locked" when they overlap. A transaction that may write therefore takes the
    write lock at BEGIN (IMMEDIATE) and queues behind the busy timeout: SQLite's own
    one-writer model, without spurious errors. GETs begin DEFERRED and, with WAL, never wait
    for writers; a GET that must write does so inside write_transaction(). PostgreSQL needs
    none of this.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _needs_write_lock() else "BEGIN")
