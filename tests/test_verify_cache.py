"""The verify page's cached public view (issue 17): keyed by status, coherent across instances."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from flask import template_rendered
from sqlalchemy import bindparam, event, select

from course import create_app
from course.auth.services import create_user
from course.certificates.codes import new_code
from course.certificates.public_view import public_view
from course.certificates.services import revoke_certificate
from course.extensions import db
from course.models import Certificate, Role, User
from tests.cekit import certificate, course
from tests.concurrency import shared_database_app
from tests.conftest import PASSWORD, CSRFClient, _config, url


@contextmanager
def driver_statements(engine) -> Iterator[list[str]]:
    """Every SQL statement the database driver runs meanwhile, SQLAlchemy's events or not:
    SQLite's own trace callback, or psycopg's cursor on PostgreSQL (less the pool's ping)."""
    sent: list[str] = []
    if engine.dialect.name == "sqlite":
        traced = []

        def trace(dbapi_connection, record, proxy) -> None:
            dbapi_connection.set_trace_callback(sent.append)
            traced.append(dbapi_connection)

        event.listen(engine.pool, "checkout", trace)
        try:
            yield sent
        finally:
            event.remove(engine.pool, "checkout", trace)
            for dbapi_connection in traced:
                dbapi_connection.set_trace_callback(None)
        return
    import psycopg

    original = psycopg.Cursor.execute

    def execute(cursor, query, *args, **kwargs):
        text = query if isinstance(query, str) else query.decode()
        if text.strip(" ;").upper() not in ("", "SELECT 1"):  # the pool's ping is ";"
            sent.append(text)
        return original(cursor, query, *args, **kwargs)

    psycopg.Cursor.execute = execute
    try:
        yield sent
    finally:
        psycopg.Cursor.execute = original


def _seed() -> str:
    holder = create_user(email="h@example.org", password=PASSWORD, full_name="Hana Holder")
    create_user(email="a@example.org", password=PASSWORD, full_name="Ada Admin", role=Role.ADMIN)
    db.session.flush()
    row = certificate(holder, course("verify-course"), date(2026, 5, 1))
    row.code = new_code()
    db.session.commit()
    return row.code


def test_a_revoke_on_another_instance_shows_on_the_very_next_verify(tmp_path) -> None:
    with shared_database_app(tmp_path, "verify-two") as first:
        with first.app_context():
            code = _seed()
        second = create_app(_config(first.config["SQLALCHEMY_DATABASE_URI"]))
        second.test_client_class = CSRFClient
        try:
            client = first.test_client()
            page = client.get(f"/verify/{code}")
            assert page.status_code == 200
            assert "Hana Holder" in page.get_data(as_text=True)
            with first.app_context():
                cached = first.extensions["practicum.public_certificates"]
                assert [k[1].value for k in cached.entries] == ["valid"]
                assert client.get(f"/verify/{code}").status_code == 200
                assert len(cached.entries) == 1  # served from the cache

            with second.app_context():
                row = db.session.scalar(select(Certificate).where(Certificate.code == code))
                admin = db.session.scalar(select(User).where(User.email == "a@example.org"))
                revoke_certificate(row, admin, "Issued in error during testing.")
                db.session.commit()

            html = client.get(f"/verify/{code}").get_data(as_text=True)
            assert "revoked" in html.lower()
            with first.app_context():
                assert [k[1].value for k in cached.entries] == ["revoked"]  # old key dropped
        finally:
            with second.app_context():
                db.session.remove()
                db.engine.dispose()


def test_the_public_view_is_read_only_and_costs_one_narrow_query(app, db, count_queries) -> None:
    code = _seed()
    public_view(code)  # cold: builds the record
    with count_queries() as counter:
        view = public_view(code)
    assert view["name"] == "Hana Holder"
    assert counter.count == 1
    assert "snapshot" not in counter.statements[0]
    with pytest.raises(TypeError):
        view["name"] = "Someone Else"  # type: ignore[index]
    assert public_view("PRAC-NOPE") is None


@contextmanager
def rendered_templates(app) -> Iterator[list[str]]:
    """Names of the templates rendered inside the block."""
    names: list[str] = []

    def record(sender, template, context, **extra) -> None:
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def test_anonymous_visitors_share_one_rendered_page_per_status(app, db, client) -> None:
    code = _seed()
    page = url("certificates.verify", code=code)
    first = client.get(page)
    assert first.status_code == 200
    with rendered_templates(app) as names:
        again = client.get(page)
        other = app.test_client().get(page)  # another anonymous visitor, no cookie at all
    assert names == []  # both served from the cached page
    assert again.data == first.data == other.data
    assert again.headers["X-Robots-Tag"] == first.headers["X-Robots-Tag"]
    assert again.headers["Cache-Control"] == "no-store"

    row = db.session.scalar(select(Certificate).where(Certificate.code == code))
    admin = db.session.scalar(select(User).where(User.email == "a@example.org"))
    revoke_certificate(row, admin, "Issued in error during testing.")
    db.session.commit()
    html = client.get(page).get_data(as_text=True)
    assert "Revoked certificate" in html  # the new status is a new key: rendered afresh
    pages = app.extensions["practicum.public_pages"]
    assert [k[1].value for k in pages.entries] == ["revoked"]  # the valid page is dropped


def test_a_signed_in_visitor_or_a_pending_message_gets_a_page_of_their_own(
    app, db, client, login
) -> None:
    code = _seed()
    page = url("certificates.verify", code=code)
    anonymous = client.get(page).get_data(as_text=True)
    admin = db.session.scalar(select(User).where(User.email == "a@example.org"))
    login(admin)
    with rendered_templates(app) as names:
        mine = client.get(page).get_data(as_text=True)
    assert names[0] == "certificates/verify.html"
    assert "Ada Admin" in mine  # their name in the nav
    assert "Ada Admin" not in anonymous
    assert "Ada Admin" not in app.test_client().get(page).get_data(as_text=True)

    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("info", "A message waiting for this visitor.")]
    shown = visitor.get(page).get_data(as_text=True)
    assert "A message waiting for this visitor." in shown
    assert "A message waiting" not in app.test_client().get(page).get_data(as_text=True)


def test_an_anonymous_verify_reads_its_status_without_an_orm_session(tmp_path) -> None:
    """Each request in its own app context, as in production: the anonymous visitor's status
    read goes to a pooled connection (no ORM session made); a signed-in one reads in its own."""
    with shared_database_app(tmp_path, "verify-no-session") as app:
        with app.app_context():
            code = _seed()
            login_path = url("auth.login")
        sessions_made: list[bool] = []

        @app.teardown_request
        def note_session(_exc: BaseException | None) -> None:
            sessions_made.append(db.session.registry.has())

        client = app.test_client()
        assert client.get(f"/verify/{code}").status_code == 200  # cold: builds the record
        sessions_made.clear()
        with app.app_context():
            engine = db.engine
        connections: list[object] = []  # SQLAlchemy Connections made (none: the raw DBAPI one)

        def connected(connection) -> None:
            connections.append(connection)

        event.listen(engine, "engine_connect", connected)
        try:
            with driver_statements(engine) as sent:
                warm = client.get(f"/verify/{code}")
        finally:
            event.remove(engine, "engine_connect", connected)
        assert connections == []
        # What reached the database driver: the status SELECT and nothing else (no BEGIN on
        # SQLite either; on PostgreSQL the pool's liveness ping is left out).
        assert len(sent) == 1, sent
        assert sent[0].startswith("SELECT certificate.status"), sent
        assert warm.status_code == 200
        assert "Hana Holder" in warm.get_data(as_text=True)
        assert client.get("/verify/PRAC-AAAA-BBBB-CCCC").status_code == 404
        assert sessions_made == [False, False]

        signed_in = app.test_client()
        response = signed_in.post(login_path, data={"email": "a@example.org", "password": PASSWORD})
        assert response.status_code == 302
        sessions_made.clear()
        assert signed_in.get(f"/verify/{code}").status_code == 200
        assert sessions_made == [True]


def test_single_read_raises_driver_errors_as_sqlalchemy_errors(app, db) -> None:
    """A failing statement on the raw connection surfaces as SQLAlchemy's DBAPIError (with the
    driver's error inside), as a Connection would raise it, and the pool keeps working."""
    from sqlalchemy import column, table
    from sqlalchemy.exc import DBAPIError

    from course.dbsetup import single_read

    missing = select(column("x")).select_from(table("no_such_table_here"))
    with pytest.raises(DBAPIError) as raised:
        single_read(missing, {})
    assert isinstance(raised.value.orig, db.engine.dialect.loaded_dbapi.Error)
    assert "no_such_table_here" in str(raised.value)
    with pytest.raises(TypeError, match="'when' must be a string or an integer"):
        single_read(missing, {"when": 1.5})
    code = _seed()
    db.session.remove()  # single_read is for requests without a session
    assert single_read(_status_row_statement(), {"code": code})[0] == "valid"


def _status_row_statement():
    return select(Certificate.__table__.c.status).where(
        Certificate.__table__.c.code == bindparam("code")
    )
