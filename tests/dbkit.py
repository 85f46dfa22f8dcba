"""Per-process database snapshots that keep each test's fresh database cheap (no tests).

Every test gets a database of its own. On in-memory SQLite (the default) building one from
scratch costs a `create_all` (~20 ms) and, for most tests, a content sync (~130 ms). Instead
the first test in a process builds them for real and keeps a copy (sqlite3's backup API);
later tests get that copy restored into their own new in-memory database in about a
millisecond. The copy is only used when it is equivalent to doing the work again:

- the schema copy is restored into the brand-new database of a new app;
- a synced-course copy replaces the database only while nothing has been written to it since
  the schema was restored, and only while the clock is the real one (content rows carry
  timestamps from `clock.now`, which a test may have replaced).

Anything else (PostgreSQL, a file database, a patched clock, a database already written to)
takes the slow path and really runs the sync; PostgreSQL empties its tables and restarts its
sequences instead of dropping and creating them (see _empty_postgres).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache
from pathlib import Path

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import text

from course import clock
from course.content.bundle import ContentBundle
from course.content.loader import load_content
from course.extensions import db

ROOT = Path(__file__).resolve().parent.parent
_REAL_NOW = clock.now
_TEMPLATES: dict[str, sqlite3.Connection] = {}
STATE = "test-dbkit"


class MemoryBytecodeCache(BytecodeCache):
    """Jinja's compiled templates, shared by every app of the test process.

    Each test's new app has a new Jinja environment, which would otherwise parse and compile
    every template it renders again. Jinja keys the cache on the template's name and checks
    the source's checksum, so an edited template is always recompiled.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


def _raw(app: Flask) -> sqlite3.Connection | None:
    """The single sqlite3 connection behind an in-memory test database, else None."""
    if app.config["SQLALCHEMY_DATABASE_URI"] != "sqlite://":
        return None
    proxy = db.engine.raw_connection()  # StaticPool: always the same connection
    try:
        return proxy.driver_connection  # type: ignore[return-value]
    finally:
        proxy.close()


def _keep(key: str, conn: sqlite3.Connection) -> None:
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    conn.backup(copy)
    _TEMPLATES[key] = copy


def fresh_schema(app: Flask) -> bool:
    """Give the app an empty schema; True when the tables must be dropped after the test."""
    conn = _raw(app)
    if conn is None:
        if db.engine.dialect.name == "postgresql":
            _empty_postgres()
            return False
        db.drop_all()
        db.create_all()
        return True
    if "schema" in _TEMPLATES:
        _TEMPLATES["schema"].backup(conn)
    else:
        db.create_all()
        db.session.remove()
        _keep("schema", conn)
    app.extensions[STATE] = conn.total_changes
    return False


_POSTGRES_READY: set[str] = set()


def _empty_postgres() -> None:
    """PostgreSQL: create the schema once per process, then empty it before each test.

    DELETE on these small tables plus restarting the sequences (ids start at 1, as in a fresh
    schema) took 21 s where drop_all + create_all took 62 s and TRUNCATE 75 s, on the same four
    test files. Some tests (migrations, concurrency) drop the tables themselves, so the schema
    is rebuilt whenever a table is missing.
    """
    tables = db.metadata.sorted_tables
    url = str(db.engine.url)
    present = db.session.scalar(
        text(
            "SELECT count(*) FROM pg_tables"
            " WHERE schemaname = current_schema() AND tablename = ANY(:n)"
        ),
        {"n": [t.name for t in tables]},
    )
    db.session.commit()
    if url in _POSTGRES_READY and present == len(tables):
        quote = db.engine.dialect.identifier_preparer.quote
        for table in reversed(tables):
            db.session.execute(table.delete())
        for (sequence,) in db.session.execute(
            text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
        ):
            db.session.execute(text(f"ALTER SEQUENCE {quote(sequence)} RESTART"))
        db.session.commit()
    else:
        db.session.remove()
        db.drop_all()
        db.create_all()
        _POSTGRES_READY.add(url)


def synced(key: str, sync: Callable[[], None]) -> None:
    """Run `sync` (which commits), or restore the copy of a previous run of it named `key`."""
    from flask import current_app

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    conn = _raw(app)
    pristine = (
        conn is not None
        and clock.now is _REAL_NOW
        and app.extensions.get(STATE) == conn.total_changes
    )
    if pristine and key in _TEMPLATES:
        db.session.remove()
        _TEMPLATES[key].backup(conn)
    else:
        sync()
        if pristine:
            _keep(key, conn)
    app.extensions.pop(STATE, None)  # restored once: any later sync is a real one


@cache
def real_bundle() -> ContentBundle:
    """The real course files (modules/ and quizzes/), parsed once per test process (~0.35 s)."""
    bundle = load_content(ROOT / "modules", ROOT / "quizzes")
    assert bundle.ok, [str(p) for p in bundle.problems]
    return bundle
