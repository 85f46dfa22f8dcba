"""Overlapping requests that read and then write never fail with 'database is locked'."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from course.auth.services import create_user
from course.extensions import db
from course.learning.services import enroll
from course.models import Course, ModuleProgress
from tests.concurrency import run_together, shared_database_app
from tests.conftest import PASSWORD, real_bundle

LEARNERS = 6


def test_simultaneous_first_visits_all_succeed(tmp_path: Path) -> None:
    with shared_database_app(tmp_path, "visits") as app:
        with app.app_context():
            from course.content.sync import sync_bundle

            sync_bundle(real_bundle())
            course = db.session.scalars(select(Course)).one()
            emails = []
            for n in range(LEARNERS):
                user = create_user(email=f"v{n}@example.org", password=PASSWORD, full_name="V")
                enroll(user.id, course)
                emails.append(user.email)
            db.session.commit()
            url = f"/courses/{course.slug}/modules/{course.modules[0].slug}"
        clients = []
        for email in emails:
            client = app.test_client()
            assert (
                client.post("/auth/login", data={"email": email, "password": PASSWORD}).status_code
                == 302
            )
            clients.append(client)

        def visit(client) -> object:
            return [client.get(url).status_code for _ in range(3)]

        results = run_together(app, [lambda c=c: visit(c) for c in clients])
        assert results == [[200, 200, 200]] * LEARNERS, results
        with app.app_context():
            assert db.session.scalar(select(func.count(ModuleProgress.id))) == LEARNERS
