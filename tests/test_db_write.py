"""Views declare that they write (issue 10 §2): the engine never reads request.method."""

from __future__ import annotations

import inspect

from sqlalchemy import event, select

from course import dbsetup
from course.auth.services import create_user
from course.content.loader import load_content
from course.content.sync import sync_bundle
from course.extensions import db
from course.models import ModuleProgress
from tests.concurrency import shared_database_app
from tests.conftest import PASSWORD, ROOT, is_postgres


def test_every_view_that_accepts_a_post_is_declared_and_read_only_pages_are_not(app) -> None:
    declared = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "db_writes", False)
    }
    late = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "db_writes_late", False)
    }
    posting = {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    assert posting <= declared | late
    assert late == {"quiz.answer"}  # grades as a reader, writes inside db_write()
    assert not late & declared
    for page in ("learning.module", "learning.dashboard", "certificates.verify"):
        assert page not in declared, page


def test_the_engine_does_not_read_the_request_method() -> None:
    source = inspect.getsource(dbsetup)
    assert "request.method" not in source


def test_a_module_page_view_is_one_write_transaction(tmp_path) -> None:
    """First visit: one transaction takes the write lock and commits; a re-read writes nothing."""
    with shared_database_app(tmp_path, "db-write", CE_ACKNOWLEDGEMENT_GATE=False) as app:
        with app.app_context():
            sync_bundle(load_content(ROOT / "tests" / "content" / "valid"))
            create_user(
                email="l@example.org",
                password=PASSWORD,
                full_name="L",
                role="learner",
                verified=True,
            )
            db.session.commit()
            engine = db.engine
        client = app.test_client()
        client.post("/auth/login", data={"email": "l@example.org", "password": PASSWORD})
        client.post("/courses/fixture-course/enroll")
        page = "/courses/fixture-course/modules/alpha"
        begins: list[str] = []
        commits: list[int] = []

        def on_sql(conn, cursor, statement, *args) -> None:
            if statement.startswith("BEGIN"):
                begins.append(statement)

        event.listen(engine, "before_cursor_execute", on_sql)
        event.listen(engine, "commit", lambda conn: commits.append(1))
        try:
            assert client.get(page).status_code == 200
            first = (list(begins), len(commits))
            begins.clear()
            commits.clear()
            assert client.get(page).status_code == 200  # within the minute: no write
            second = (list(begins), len(commits))
        finally:
            event.remove(engine, "before_cursor_execute", on_sql)
        if is_postgres():
            assert first[1] == 1  # the read and the write share the request's one transaction
        else:
            assert first[0] == ["BEGIN", "BEGIN IMMEDIATE"]  # the read, then the write
        assert "BEGIN IMMEDIATE" not in second[0]
        with app.app_context():
            assert db.session.scalar(select(ModuleProgress.module_id)) is not None
