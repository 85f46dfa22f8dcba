"""Engine tuning per database: SQLite gets proper transactions, foreign keys and WAL."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import Engine, event

from course.extensions import db


def configure_engines(app: Flask) -> None:
    """Attach connection hooks; opens no connection itself."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, in_memory=engine.url.database in (None, "", ":memory:"))


def _configure_sqlite(engine: Engine, in_memory: bool) -> None:
    """Serialize SQLite write transactions instead of failing them.

    pysqlite opens transactions lazily, so two requests that read and then write fail with
    "database is locked" when they overlap. Taking the write lock at BEGIN (IMMEDIATE) makes
    them queue behind the busy timeout: the same one-writer-at-a-time model SQLite has anyway,
    without spurious errors. PostgreSQL needs none of this.
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, connection_record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:  # noqa: ANN001
        connection.exec_driver_sql("BEGIN IMMEDIATE")
