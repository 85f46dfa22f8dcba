"""Answering an attempt: decode the posted options, save a draft, and grade it exactly once.

Everything here takes explicit arguments and the current time; it flushes but never commits.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from course.extensions import db
from course.learning.learner import forget_learner_states, learner_states
from course.learning.services import complete_module, mark_course_complete
from course.models import Attempt, AttemptItem, AttemptStatus, Quiz, QuizKind
from course.quiz.grading import grade_item, score_attempt
from course.quiz.sheet import AnswerSheet, SheetItem, refresh_sheet
from course.quiz.types import get_type

DEADLINE_GRACE = timedelta(seconds=5)
# The answer view works on a plain answer sheet (course/quiz/sheet.py); start_attempt and
# the tests hand over ORM attempts. Both have the same attributes here.
Answerable = Attempt | AnswerSheet


def option_token(attempt: Answerable, item: AttemptItem | SheetItem, key: str) -> str:
    """An opaque per-attempt id for an option, so the browser never sees stable keys or order."""
    secret = f"{attempt.id}:{attempt.seed}".encode()
    digest = hmac.new(secret, f"{item.position}:{key}".encode(), hashlib.sha256).hexdigest()
    return "o" + digest[:12]


def past_deadline(attempt: Answerable, now: datetime) -> bool:
    """True once an attempt's deadline (plus the grace for a submit in flight) has passed."""
    return attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE


def decode_answers(attempt: Answerable, form: Mapping[str, Sequence[str]]) -> dict[int, list[str]]:
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


def save_answers(attempt: AnswerSheet, answers: Mapping[int, list[str]], now: datetime) -> bool:
    """Store answers on an open attempt before its deadline; return False when too late.

    Two Core statements: a SELECT ... FOR UPDATE that finds the attempt still in progress
    (and, on PostgreSQL, locks its row, so a submit racing this save waits for it), then one
    executemany for the answered items. An attempt graded since it was read keeps its stored
    answers: they are the ones its score was computed from."""
    if not attempt.is_open or past_deadline(attempt, now):
        return False
    if db.session.execute(_STILL_OPEN, {"attempt_id": attempt.id}).first() is None:
        attempt.status = AttemptStatus.SUBMITTED  # graded since it was read
        return False
    saved = {
        item.id: list(answers[item.position]) for item in attempt.items if item.position in answers
    }
    if saved:
        db.session.execute(
            _ITEM_RESPONSES, [{"item_id": key, "response": value} for key, value in saved.items()]
        )
    for item in attempt.items:
        if item.id in saved:
            item.response = saved[item.id]
    return True


_ATTEMPTS = Attempt.__table__
# Built once (Core): the conditional UPDATE that claims an open attempt and stores its result.
# Only the submit that finds it still in progress changes a row; the attempt in memory is set
# by the caller.
_CLAIM = (
    update(_ATTEMPTS)
    .where(
        _ATTEMPTS.c.id == bindparam("attempt_id"),
        _ATTEMPTS.c.status == AttemptStatus.IN_PROGRESS,
    )
    .values(
        status=AttemptStatus.SUBMITTED,
        submitted_at=bindparam("submitted_at"),
        score=bindparam("score"),
        passed=bindparam("passed"),
        late=bindparam("late"),
    )
)
# Built once: the save's check that the attempt is still open. FOR UPDATE locks the row on
# PostgreSQL (a racing submit's claim waits for the save); SQLite has no row locks and needs
# none, since the save already holds the write lock (db_write) and SQLAlchemy omits the clause.
_STILL_OPEN = (
    select(_ATTEMPTS.c.id)
    .where(
        _ATTEMPTS.c.id == bindparam("attempt_id"),
        _ATTEMPTS.c.status == AttemptStatus.IN_PROGRESS,
    )
    .with_for_update()
)
_ITEMS = AttemptItem.__table__
_ITEM_RESPONSES = (
    update(_ITEMS).where(_ITEMS.c.id == bindparam("item_id")).values(response=bindparam("response"))
)
# Built once: a Core statement skips the ORM's bulk machinery (the items are set in memory).
_ITEM_RESULTS = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("item_id"))
    .values(response=bindparam("response"), score=bindparam("score"))
)


def finalize_attempt(
    attempt: Answerable, answers: Mapping[int, list[str]], now: datetime
) -> Answerable:
    """Grade an attempt exactly once (double submits return the stored result).

    Graded in memory first; then one conditional UPDATE claims the attempt and stores its
    result (the race guard: only the submit that flips it from in progress wins), and one
    executemany stores every item's response and score.
    """
    late = past_deadline(attempt, now)
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
        _CLAIM,
        {
            "attempt_id": attempt.id,
            "submitted_at": now,
            "score": result.score,
            "passed": result.passed,
            "late": late,
        },
    ).rowcount
    if not claimed:  # another submit graded it first: show what it stored
        if isinstance(attempt, Attempt):
            db.session.refresh(attempt)
        else:
            refresh_sheet(attempt)
        return attempt
    for name, value in (
        ("status", AttemptStatus.SUBMITTED),
        ("submitted_at", now),
        ("score", result.score),
        ("passed", result.passed),
        ("late", late),
    ):
        _stored(attempt, name, value)
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
        _stored(item, "response", responses[item.position])
        _stored(item, "score", scores[item.position])
    if result.passed:
        _record_pass(attempt)
    return attempt


def _stored(target: object, name: str, value: object) -> None:
    """Set what a Core UPDATE just wrote: as loaded state on an ORM instance (so the session
    does not write it again), as a plain attribute on an answer sheet."""
    if isinstance(target, Attempt | AttemptItem):
        set_committed_value(target, name, value)
    else:
        setattr(target, name, value)


def _record_pass(attempt: Answerable) -> None:
    """Passing a module quiz completes the module; passing the final completes the course."""
    quiz = attempt.quiz
    if quiz.kind == QuizKind.MODULE and quiz.module_id is not None:
        complete_module(attempt.user_id, quiz.module_id, report=False)
    forget_learner_states()
    if quiz.kind == QuizKind.MODULE and _final_ahead(attempt.user_id, quiz.course_id):
        return  # the course cannot be complete yet: skip reloading its state in the write lock
    state = next(
        (s for s in learner_states(attempt.user_id) if s.course.id == quiz.course_id), None
    )
    if state is not None and state.course_complete:
        mark_course_complete(attempt.user_id, quiz.course_id)


_QUIZZES = Quiz.__table__
# Built once: the course's final exam as the learner state picks it (its FINAL quiz with the
# lowest id), when this learner has not passed it. The course is complete only once its final
# is passed, so a row here means a module pass cannot complete it.
_FINAL = (
    select(func.min(_QUIZZES.c.id))
    .where(_QUIZZES.c.course_id == bindparam("course_id"), _QUIZZES.c.kind == QuizKind.FINAL)
    .scalar_subquery()
)
_FINAL_AHEAD = select(_QUIZZES.c.id).where(
    _QUIZZES.c.id == _FINAL,
    ~exists().where(
        _ATTEMPTS.c.quiz_id == _QUIZZES.c.id,
        _ATTEMPTS.c.user_id == bindparam("user_id"),
        _ATTEMPTS.c.status == AttemptStatus.SUBMITTED,
        _ATTEMPTS.c.passed.is_(True),
    ),
)


def _final_ahead(user_id: int, course_id: int) -> bool:
    """True when the course has a final exam this learner has not passed (one SELECT)."""
    params = {"course_id": course_id, "user_id": user_id}
    return db.session.execute(_FINAL_AHEAD, params).first() is not None
