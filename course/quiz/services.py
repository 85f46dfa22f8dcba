"""Attempt lifecycle: start (frozen draw), save, submit (graded once), review policy.

Services take explicit arguments and the current time; they flush but never commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from course.dates import human_datetime, human_time, zone
from course.extensions import db
from course.learning.learner import forget_learner_states, learner_states
from course.learning.progress import CourseState, load_course_states
from course.learning.services import complete_module, mark_course_complete
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
from course.quiz.grading import grade_item, score_attempt
from course.quiz.types import get_type

DEADLINE_GRACE = timedelta(seconds=5)


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


def option_token(attempt: Attempt, item: AttemptItem, key: str) -> str:
    """An opaque per-attempt id for an option, so the browser never sees stable keys or order."""
    secret = f"{attempt.id}:{attempt.seed}".encode()
    digest = hmac.new(secret, f"{item.position}:{key}".encode(), hashlib.sha256).hexdigest()
    return "o" + digest[:12]


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
        if not _expired(open_attempt, now):
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


def _expired(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


def decode_answers(attempt: Attempt, form: Mapping[str, Sequence[str]]) -> dict[int, list[str]]:
    """Map posted option tokens back to option keys, per item position, keeping every token.

    The question type decodes: a token that names no option of the item becomes '?' and a
    repeated token stays repeated, so the type can reject what it cannot hold. Nothing is
    dropped, deduplicated or truncated here.
    """
    answers: dict[int, list[str]] = {}
    for item in attempt.items:
        tokens = form.get(f"q{item.position}") or []
        lookup = {option_token(attempt, item, key): key for key in item.option_order}
        answers[item.position] = get_type(item.version.qtype).decode_response(tokens, lookup)
    return answers


def save_answers(attempt: Attempt, answers: Mapping[int, list[str]], now: datetime) -> bool:
    """Store answers on an open attempt before its deadline; return False when too late."""
    if not attempt.is_open or _expired(attempt, now):
        return False
    for item in attempt.items:
        if item.position in answers:
            item.response = list(answers[item.position])
    return True


_ITEMS = AttemptItem.__table__
# Built once: a Core statement skips the ORM's bulk machinery (the items are set in memory).
_ITEM_RESULTS = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("item_id"))
    .values(response=bindparam("response"), score=bindparam("score"))
)


def finalize_attempt(attempt: Attempt, answers: Mapping[int, list[str]], now: datetime) -> Attempt:
    """Grade an attempt exactly once (double submits return the stored result).

    Graded in memory first; then one conditional UPDATE claims the attempt and stores its
    result (the race guard: only the submit that flips it from in progress wins), and one
    executemany stores every item's response and score.
    """
    late = _expired(attempt, now)
    responses = {
        item.position: list(answers[item.position])
        if not late and item.position in answers
        else list(item.response or [])
        for item in attempt.items
    }
    rules = attempt.rules
    partial = rules.partial_credit
    scores = {
        item.position: grade_item(
            item.version.qtype, item.version.options, responses[item.position], partial
        )
        for item in attempt.items
    }
    result = score_attempt(
        rules,
        [(item.version.tags, scores[item.position]) for item in attempt.items],
        late,
    )
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.IN_PROGRESS)
        .values(
            status=AttemptStatus.SUBMITTED,
            submitted_at=now,
            score=result.score,
            passed=result.passed,
            late=late,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.refresh(attempt)
        return attempt
    for name, value in (
        ("status", AttemptStatus.SUBMITTED),
        ("submitted_at", now),
        ("score", result.score),
        ("passed", result.passed),
        ("late", late),
    ):
        set_committed_value(attempt, name, value)
    db.session.execute(
        _ITEM_RESULTS,
        [  # one executemany UPDATE of every item (Core)
            {
                "item_id": item.id,
                "response": responses[item.position],
                "score": scores[item.position],
            }
            for item in attempt.items
        ],
    )
    for item in attempt.items:  # the loaded items now match their rows
        set_committed_value(item, "response", responses[item.position])
        set_committed_value(item, "score", scores[item.position])
    if result.passed:
        _record_pass(attempt)
    return attempt


def _record_pass(attempt: Attempt) -> None:
    """Passing a module quiz completes the module; passing the final completes the course."""
    quiz = attempt.quiz
    if quiz.kind == QuizKind.MODULE and quiz.module_id is not None:
        complete_module(attempt.user_id, quiz.module_id, report=False)
    forget_learner_states()
    state = next(
        (s for s in learner_states(attempt.user_id) if s.course.id == quiz.course_id), None
    )
    if state is not None and state.course_complete:
        mark_course_complete(attempt.user_id, quiz.course_id)
