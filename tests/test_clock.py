"""clock.now() is the only clock: enrolment, views, completions and row defaults follow it."""

from __future__ import annotations

from sqlalchemy import select

from course import clock
from course.models import Enrollment, ModuleProgress, User
from tests.quizkit import Clock, module_quiz, open_module, start, submit


def test_learning_records_follow_the_test_clock(
    client,
    db,
    make_user,
    login,
    course_content,
    monkeypatch,
) -> None:
    fake = Clock()
    monkeypatch.setattr(clock, "now", fake)
    learner = login(make_user())
    assert db.session.get(User, learner.id).created_at == fake.current  # a column default
    open_module(client, course_content)
    enrolment = db.session.scalars(select(Enrollment)).one()
    assert enrolment.enrolled_at == fake.current
    fake.advance(minutes=30)
    attempt = start(client, module_quiz(course_content))
    submit(client, attempt, True)
    progress = db.session.scalars(select(ModuleProgress)).one()
    assert progress.first_viewed_at == fake.current.replace(minute=0)
    assert progress.completed_at == fake.current
