"""Concurrency: simultaneous starts cannot exceed the attempt limit; simultaneous submits grade
once. Runs with real separate connections: a file SQLite database, or PostgreSQL in CI."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from course.extensions import db
from course.learning.services import enroll, record_view
from course.models import Attempt, AttemptStatus, Course, Quiz
from course.quiz.services import QuizError, start_attempt
from course.quiz.submit import finalize_attempt
from tests.concurrency import run_together, shared_database_app

THREADS = 6


@pytest.fixture
def shared_app(tmp_path) -> Iterator[Flask]:
    with shared_database_app(tmp_path, "concurrency") as app:
        with app.app_context():
            from course.content.sync import sync_bundle
            from tests.conftest import real_bundle

            sync_bundle(real_bundle())
            db.session.commit()
        yield app


def run_job(app: Flask, job: Callable[[], object]) -> list[object]:
    """Run `job` in THREADS threads released at the same instant."""
    return run_together(app, [job] * THREADS)


def prepare(app: Flask, max_attempts: int | None) -> tuple[int, int]:
    from course.auth.services import create_user

    with app.app_context():
        course = db.session.scalar(select(Course))
        user = create_user(email="c@example.org", password="x" * 16, full_name="Con Current")
        enroll(user.id, course)
        module = course.modules[0]
        record_view(user.id, module)
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
        quiz.settings = {**quiz.settings, "max_attempts": max_attempts}
        db.session.commit()
        return user.id, quiz.id


def test_simultaneous_starts_cannot_exceed_the_limit(shared_app: Flask) -> None:
    from course import clock

    user_id, quiz_id = prepare(shared_app, max_attempts=1)

    def job() -> object:
        quiz = db.session.get(Quiz, quiz_id)
        attempt = start_attempt(user_id, quiz, clock.now())
        return attempt.id

    results = run_job(shared_app, job)
    ids = {r for r in results if isinstance(r, int)}
    errors = [r for r in results if not isinstance(r, int)]
    assert all(isinstance(e, QuizError) for e in errors), errors
    with shared_app.app_context():
        count = db.session.scalar(select(func.count(Attempt.id)))
    assert count == 1
    assert len(ids) == 1  # every winner got the same (single) attempt


def test_simultaneous_submits_grade_once(shared_app: Flask) -> None:
    from course import clock

    user_id, quiz_id = prepare(shared_app, max_attempts=None)
    with shared_app.app_context():
        attempt = start_attempt(user_id, db.session.get(Quiz, quiz_id), clock.now())
        db.session.commit()
        attempt_id = attempt.id
        key = {i.position: sorted(i.version.correct_keys) for i in attempt.items}

    def job() -> object:
        attempt = db.session.get(Attempt, attempt_id)
        finalize_attempt(attempt, key, clock.now())
        return (attempt.score, attempt.submitted_at)

    results = run_job(shared_app, job)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1  # every caller saw the same graded result
    with shared_app.app_context():
        row = db.session.get(Attempt, attempt_id)
        assert row.status == AttemptStatus.SUBMITTED
        assert row.score == 1.0
