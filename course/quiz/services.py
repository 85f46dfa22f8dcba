"""Attempt lifecycle: the quiz's pool, the start rules and the frozen draw. Answering and
grading an attempt are in course/quiz/submit.py.

Services take explicit arguments and the current time; they flush but never commit.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from course.dates import human_datetime, human_time, zone
from course.extensions import db
from course.learning.progress import CourseState, load_course_states
from course.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Question,
    QuestionStatus,
    QuestionVersion,
    Quiz,
    QuizKind,
)
from course.quiz.draw import DrawError, draw_questions
from course.quiz.submit import finalize_attempt, past_deadline


class QuizError(Exception):
    """A rule stops the learner (no attempts left, cooldown, locked); the message says why."""

    def wording(self, tz: str | None, now: datetime) -> str:
        """The message for a reader in time zone ``tz`` (only a cooldown names a time)."""
        return str(self)


class CooldownError(QuizError):
    """The cooldown between attempts has not passed; ``ready_at`` is when it does (UTC)."""

    def __init__(self, ready_at: datetime) -> None:
        self.ready_at = ready_at
        super().__init__(self.wording(None, ready_at))

    def wording(self, tz: str | None, now: datetime) -> str:
        """'after 17:46 CET', with the date too when that is not today in the reader's zone."""
        local = zone(tz)
        same_day = self.ready_at.astimezone(local).date() == now.astimezone(local).date()
        when = human_time(self.ready_at, tz) if same_day else human_datetime(self.ready_at, tz)
        return f"You can try again after {when} (cooldown between attempts)."


def question_pool(quiz: Quiz) -> list[QuestionVersion]:
    """Current versions of the published questions a quiz draws from."""
    stmt = (
        select(QuestionVersion)
        .join(Question, Question.id == QuestionVersion.question_id)
        .options(selectinload(QuestionVersion.question))
        .where(
            Question.course_id == quiz.course_id,
            Question.status == QuestionStatus.PUBLISHED,
            QuestionVersion.number == func.coalesce(Question.live_number, Question.latest_number),
        )
    )
    if quiz.kind == QuizKind.MODULE:
        stmt = stmt.where(Question.module_id == quiz.module_id)
    return list(db.session.scalars(stmt))


def check_can_start(state: CourseState, quiz: Quiz, now: datetime) -> None:
    """Raise QuizError when gating, attempt limits or the cooldown forbid a new attempt."""
    if state.enrollment is None:
        raise QuizError("Enrol in the course first.")
    if quiz.kind == QuizKind.MODULE:
        module_state = state.state_for(quiz.module_id)
        if module_state is None or module_state.locked:
            raise QuizError("This module is locked: complete the previous module first.")
        if module_state.progress is None:
            raise QuizError("Read the lesson before taking its quiz.")
    elif not state.final_unlocked:
        raise QuizError("The final exam opens once every module is complete.")
    qstate = _quiz_state(state, quiz)
    if qstate.passed:
        raise QuizError("You have passed this quiz: no further attempt is needed.")
    if qstate.remaining == 0:
        raise QuizError("You have used all your attempts for this quiz.")
    cooldown = timedelta(minutes=quiz.rules.cooldown_minutes)
    if cooldown and qstate.last_submitted_at and now < qstate.last_submitted_at + cooldown:
        raise CooldownError(qstate.last_submitted_at + cooldown)


def _quiz_state(state: CourseState, quiz: Quiz):
    if quiz.kind == QuizKind.FINAL:
        return state.final
    module_state = state.state_for(quiz.module_id)
    return module_state.quiz


def start_attempt(user_id: int, quiz: Quiz, now: datetime) -> Attempt:
    """Resume the open attempt or start a new frozen one; limits hold under concurrency."""
    open_attempt = db.session.scalar(
        select(Attempt).where(
            Attempt.quiz_id == quiz.id,
            Attempt.user_id == user_id,
            Attempt.status == AttemptStatus.IN_PROGRESS,
        )
    )
    if open_attempt is not None:
        if not past_deadline(open_attempt, now):
            return open_attempt
        finalize_attempt(open_attempt, {}, now)
    state = load_course_states(user_id, quiz.course.slug)[0]
    check_can_start(state, quiz, now)
    used = db.session.scalar(
        select(func.count(Attempt.id)).where(Attempt.quiz_id == quiz.id, Attempt.user_id == user_id)
    )
    max_attempts = quiz.rules.max_attempts
    if max_attempts is not None and used >= max_attempts:
        # Checked again against every attempt, open ones included, just before inserting.
        raise QuizError("You have used all your attempts for this quiz.")
    seed = secrets.randbits(62)
    try:
        drawn = draw_questions(question_pool(quiz), quiz.rules, seed)
    except DrawError as exc:
        raise QuizError(f"This quiz cannot start: {exc}. Please tell your instructor.") from exc
    limit = quiz.rules.time_limit_minutes
    attempt = Attempt(
        quiz=quiz,
        user_id=user_id,
        number=used + 1,
        seed=seed,
        settings=dict(quiz.settings),
        started_at=now,
        deadline=now + timedelta(minutes=limit) if limit else None,
    )
    attempt.items = [
        AttemptItem(position=i, question_version_id=d.version.id, option_order=d.option_order)
        for i, d in enumerate(drawn, start=1)
    ]
    db.session.add(attempt)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise QuizError(
            "Another attempt was started at the same moment; open the quiz again."
        ) from exc
    return attempt
