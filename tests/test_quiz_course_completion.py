"""Which quiz pass completes the course (issue 17).

A module pass skips reloading the learner's whole state when the course's final exam is still
ahead of them (course/quiz/submit.py, _final_ahead): the course cannot be complete yet. These
tests pin that shortcut to what the learner state itself decides, in every shape a course's
final can take: none, unpassed, failed, already passed, and two finals.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from course import clock
from course.extensions import db as _db
from course.learning.learner import learner_states
from course.models import Attempt, AttemptStatus, Enrollment, ModuleProgress, Quiz, QuizKind
from course.quiz.submit import _final_ahead
from tests.conftest import url
from tests.quizkit import (
    answers,
    final_quiz,
    module_quiz,
    open_module,
    pass_module,
    start,
    submit,
)

MODULES = 7


def record_final(user_id: int, quiz: Quiz, passed: bool) -> None:
    """A graded attempt at a final exam, stored directly (committed)."""
    now = clock.now()
    _db.session.add(
        Attempt(
            quiz_id=quiz.id,
            user_id=user_id,
            number=1,
            seed=1,
            status=AttemptStatus.SUBMITTED,
            settings=dict(quiz.settings),
            started_at=now - timedelta(minutes=20),
            submitted_at=now,
            score=0.9 if passed else 0.2,
            passed=passed,
        )
    )
    _db.session.commit()


def completed_at(user_id: int):
    return _db.session.scalar(select(Enrollment.completed_at).where(Enrollment.user_id == user_id))


def pass_last_module(client, course, count_queries) -> list[str]:
    """Pass the last module's quiz through the web; return the statements its submit sent."""
    open_module(client, course, MODULES)
    attempt = start(client, module_quiz(course, MODULES))
    data = {**answers(attempt, True), "action": "submit"}
    with count_queries() as counter:
        response = client.post(url("quiz.answer", attempt_id=attempt.id), data=data)
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Attempt, attempt.id).passed
    return counter.statements


def learner_reloaded(statements: list[str]) -> bool:
    """Whether the submit ran the learner-state query (the one UNION ALL statement)."""
    return any("UNION ALL" in s for s in statements)


def assert_shortcut_agrees(user_id: int, course_id: int) -> None:
    """_final_ahead says 'ahead' exactly when the learner state has an unpassed final."""
    [state] = [s for s in learner_states(user_id) if s.course.id == course_id]
    expected = state.final is not None and not state.final.passed
    assert _final_ahead(user_id, course_id) is expected
    if expected:
        assert not state.course_complete


def test_a_module_pass_with_the_final_still_ahead_does_not_reload_the_learner_state(
    client, db, course_content, signed_in_learner, count_queries
) -> None:
    uid = signed_in_learner.id
    for position in range(1, MODULES):
        pass_module(client, course_content, position)
    statements = pass_last_module(client, course_content, count_queries)
    assert not learner_reloaded(statements), statements
    assert len(statements) <= 7  # the pass budget in test_quiz_submit_budget.py
    assert completed_at(uid) is None  # every module done, the final not yet
    done = db.session.scalars(
        select(ModuleProgress.completed_at).where(ModuleProgress.user_id == uid)
    ).all()
    assert len(done) == MODULES
    assert all(done)
    assert_shortcut_agrees(uid, course_content.id)
    final = start(client, final_quiz(course_content))
    submit(client, final, True)
    db.session.expire_all()
    assert completed_at(uid) is not None  # the final's pass completes it, as before
    assert_shortcut_agrees(uid, course_content.id)


def test_a_failed_final_is_still_ahead(
    client, db, course_content, signed_in_learner, count_queries
) -> None:
    uid = signed_in_learner.id
    for position in range(1, MODULES):
        pass_module(client, course_content, position)
    record_final(uid, final_quiz(course_content), passed=False)
    assert_shortcut_agrees(uid, course_content.id)
    assert not learner_reloaded(pass_last_module(client, course_content, count_queries))
    assert completed_at(uid) is None


def test_passing_the_last_module_after_the_final_was_passed_completes_the_course(
    client, db, course_content, signed_in_learner, count_queries
) -> None:
    """As for a learner whose final was regraded to a pass, or who passed it before a module
    was added: the module pass itself must complete the course."""
    uid = signed_in_learner.id
    for position in range(1, MODULES):
        pass_module(client, course_content, position)
    record_final(uid, final_quiz(course_content), passed=True)
    assert_shortcut_agrees(uid, course_content.id)
    assert learner_reloaded(pass_last_module(client, course_content, count_queries))
    assert completed_at(uid) is not None


def test_in_a_course_without_a_final_the_last_module_pass_completes_it(
    client, db, course_content, signed_in_learner, count_queries
) -> None:
    uid = signed_in_learner.id
    db.session.delete(final_quiz(course_content))  # bumps the course's structure version
    db.session.commit()
    for position in range(1, MODULES):
        pass_module(client, course_content, position)
    assert completed_at(uid) is None
    assert_shortcut_agrees(uid, course_content.id)
    assert learner_reloaded(pass_last_module(client, course_content, count_queries))
    assert completed_at(uid) is not None


@pytest.mark.parametrize(("passed_first", "completes"), [(True, True), (False, False)])
def test_with_two_finals_the_one_the_learner_state_picks_decides(
    client, db, course_content, signed_in_learner, count_queries, passed_first, completes
) -> None:
    """The learner state takes the course's final with the lowest id; so must the shortcut."""
    uid = signed_in_learner.id
    first = final_quiz(course_content)
    second = Quiz(
        course_id=course_content.id,
        slug="second-final",
        title="Second final",
        kind=QuizKind.FINAL,
        settings=dict(first.settings),
    )
    db.session.add(second)
    db.session.commit()
    assert second.id > first.id
    for position in range(1, MODULES):
        pass_module(client, course_content, position)
    record_final(uid, first if passed_first else second, passed=True)
    assert_shortcut_agrees(uid, course_content.id)
    pass_last_module(client, course_content, count_queries)
    assert (completed_at(uid) is not None) is completes
