"""Engine tuning per database: SQLite gets proper transactions, foreign keys and WAL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError

from course.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

# Methods whose URL rules declare a view as one that writes (the route's own `methods=`).
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def configure_engines(app: Flask) -> None:
    """Attach connection hooks; opens no connection itself."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, in_memory=engine.url.database in (None, "", ":memory:"))
    app.before_request(_declared_mode)


def writes(view: F) -> F:
    """Declare that a view writes: its request takes the write lock when it begins."""
    view.db_writes = True  # type: ignore[attr-defined]
    return view


def writes_late(view: F) -> F:
    """Declare a form view that reads, works in memory, then writes only inside db_write().

    Its request begins as a reader, so on SQLite the write lock is held for the writes alone,
    not for the whole request (the quiz submit grades in memory first). The view must make
    every change inside db_write(); one made outside it raises there.
    """
    view.db_writes = False  # type: ignore[attr-defined]
    view.db_writes_late = True  # type: ignore[attr-defined]
    return view


def declare_writes(app: Flask) -> None:
    """Declare, once at start-up, every view whose URL rule accepts POST, PUT, PATCH or DELETE.

    The declaration is read per request from the view function, not from the HTTP method:
    a form view's GET queues for the SQLite write lock like its POST. A GET-only view that
    writes now and then does so inside db_write().
    """
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if (
            rule.methods
            and rule.methods & WRITE_METHODS
            and not getattr(view, "db_writes_late", False)
        ):
            writes(view)


def single_read(statement: Any, params: dict[str, str | int]) -> tuple[Any, ...] | None:
    """The first row of one read-only statement, on a pooled DBAPI connection of its own.

    For a request whose only read this is (an anonymous verify, the busiest public page).
    SQLAlchemy compiles the statement (once per dialect); it then runs on the pool's raw DBAPI
    connection, skipping SQLAlchemy's Connection, execution context and Result, which cost more
    than the query itself here. So: no ORM session, and on SQLite no BEGIN (the connection is in
    autocommit mode and one SELECT is its own snapshot); on PostgreSQL the pool's reset on
    return ends the driver's implicit transaction.

    A driver error is raised as SQLAlchemy's (an OperationalError stays one, so an outage is the
    503 page), and a connection the error shows to be lost is invalidated, not pooled again.

    Limits, by design: the parameters must be strings or integers (no type processing is
    applied to them), the row holds the driver's own values (no result processing), and engine
    events such as before_cursor_execute do not see this statement. Never use it inside a
    request that has a session: it would read outside that session's transaction."""
    for name, value in params.items():
        if not isinstance(value, str | int):
            raise TypeError(f"single_read parameter {name!r} must be a string or an integer")
    engine = db.engine
    compiled = _compiled(statement, engine.dialect)
    values = compiled.construct_params(params)
    args = tuple(values[k] for k in compiled.positiontup) if compiled.positional else values
    driver_error = engine.dialect.loaded_dbapi.Error
    try:
        connection = engine.raw_connection()
    except driver_error as exc:  # as SQLAlchemy's own Connection would raise it
        raise DBAPIError.instance(None, None, exc, driver_error, dialect=engine.dialect) from exc
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(compiled.string, args)
            row = cursor.fetchone()
        finally:
            cursor.close()
    except driver_error as exc:
        lost = engine.dialect.is_disconnect(exc, connection.dbapi_connection, None)
        if lost:
            connection.invalidate(exc)  # the pool drops it instead of handing it out again
        raise DBAPIError.instance(
            compiled.string,
            args,
            exc,
            driver_error,
            connection_invalidated=lost,
            dialect=engine.dialect,
        ) from exc
    finally:
        connection.close()  # back to the pool, which rolls back whatever the driver began
    return None if row is None else tuple(row)


@lru_cache(maxsize=32)  # (statement, dialect) pairs: a handful per process, more in tests
def _compiled(statement: Any, dialect: Any) -> Any:
    return statement.compile(dialect=dialect)


DECLARED = "practicum.db_write"  # kept in the request's WSGI environ, which dies with it


def _declared_mode() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    request.environ[DECLARED] = bool(getattr(view, "db_writes", False))


def request_writes() -> bool:
    """True when the current request's view is declared as writing (or runs in db_write())."""
    return has_request_context() and bool(request.environ.get(DECLARED))


@contextmanager
def db_write() -> Iterator[None]:
    """A read-only view's occasional write: one transaction, committed here, once.

    On SQLite the read snapshot so far is released first (it holds nothing to commit), so the
    write transaction begins IMMEDIATE and SQLite never has to upgrade a read snapshot (which
    fails instead of waiting when another writer got in between). On PostgreSQL the write
    joins the request's transaction. Either way the request commits exactly once.
    """
    session = db.session()
    if session.get_bind().dialect.name == "sqlite" and session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("db_write() entered with unflushed changes")
        session.commit()  # releases the read snapshot: nothing is pending, nothing is written
    environ = request.environ if has_request_context() else {}
    previous = environ.get(DECLARED, False)
    environ[DECLARED] = True
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        environ[DECLARED] = previous


def _needs_write_lock() -> bool:
    """Declared writers queue for the lock at BEGIN; so does anything undeclared (CLI, tasks,
    a request context that no view dispatched)."""
    if not has_request_context():
        return True
    return bool(request.environ.get(DECLARED, True))


def _configure_sqlite(engine: Engine, in_memory: bool) -> None:
    """Serialize SQLite write transactions instead of failing them.

    pysqlite opens transactions lazily, so two requests that read and then write fail with
    "database is locked" when they overlap. A transaction that may write therefore takes the
    write lock at BEGIN (IMMEDIATE) and queues behind the busy timeout: SQLite's own
    one-writer model, without spurious errors. GETs begin DEFERRED and, with WAL, never wait
    for writers; a GET that must write does so inside db_write(). PostgreSQL needs
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
