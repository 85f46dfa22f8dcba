"""Helpers for quiz tests: enrol a learner, read an attempt's key server-side, build answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from course.extensions import db
from course.models import Attempt, Course, Quiz, QuizKind
from course.quiz.submit import option_token


class Clock:
    """A controllable clock for monkeypatching course.clock.now."""

    def __init__(self) -> None:
        self.current = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        """Move time forward."""
        self.current += timedelta(**delta)


def module_quiz(course: Course, position: int = 1) -> Quiz:
    """The quiz of the module at this position."""
    module = next(m for m in course.modules if m.position == position)
    return db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))


def final_quiz(course: Course) -> Quiz:
    """The course's final exam."""
    return db.session.scalar(
        select(Quiz).where(Quiz.course_id == course.id, Quiz.kind == QuizKind.FINAL)
    )


def open_module(client, course: Course, position: int = 1) -> None:
    """Enrol (idempotent) and open the lesson at this position."""
    client.post(f"/courses/{course.slug}/enroll")
    module = next(m for m in course.modules if m.position == position)
    response = client.get(f"/courses/{course.slug}/modules/{module.slug}")
    assert response.status_code == 200, response.status_code


def start(client, quiz: Quiz) -> Attempt:
    """Start (or resume) an attempt through the web and return it."""
    response = client.post(f"/quiz/{quiz.id}/start")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    location = response.headers["Location"]
    assert "/quiz/attempt/" in location, location
    attempt_id = int(location.rstrip("/").split("/")[-1])
    return db.session.get(Attempt, attempt_id)


def answers(attempt: Attempt, correct: bool | list[bool] = True) -> dict[str, list[str]]:
    """Form data answering each item right (True) or wrong (False), using opaque tokens."""
    plan = correct if isinstance(correct, list) else [correct] * len(attempt.items)
    data: dict[str, list[str]] = {}
    for item, right in zip(attempt.items, plan, strict=True):
        version = item.version
        keys = (
            sorted(version.correct_keys)
            if right
            else [next(o["key"] for o in version.options if not o.get("correct"))]
        )
        data[f"q{item.position}"] = [option_token(attempt, item, k) for k in keys]
    return data


def submit(client, attempt: Attempt, correct: bool | list[bool] = True):
    """Submit an attempt through the web."""
    data = {**answers(attempt, correct), "action": "submit"}
    return client.post(f"/quiz/attempt/{attempt.id}", data=data)


def pass_module(client, course: Course, position: int) -> None:
    """Open a module and pass its quiz."""
    open_module(client, course, position)
    attempt = start(client, module_quiz(course, position))
    submit(client, attempt, True)
    db.session.refresh(attempt)
    assert attempt.passed, attempt.score
