"""Answering an attempt: decode the posted options, save a draft, and grade it exactly once.

Everything here takes explicit arguments and the current time; it flushes but never commits.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.orm.attributes import set_committed_value

from course.extensions import db
from course.learning.learner import forget_learner_states, learner_states
from course.learning.services import complete_module, mark_course_complete
from course.models import Attempt, AttemptItem, AttemptStatus, QuizKind
from course.quiz.grading import grade_item, score_attempt
from course.quiz.types import get_type

DEADLINE_GRACE = timedelta(seconds=5)


def option_token(attempt: Attempt, item: AttemptItem, key: str) -> str:
    """An opaque per-attempt id for an option, so the browser never sees stable keys or order."""
    secret = f"{attempt.id}:{attempt.seed}".encode()
    digest = hmac.new(secret, f"{item.position}:{key}".encode(), hashlib.sha256).hexdigest()
    return "o" + digest[:12]


def past_deadline(attempt: Attempt, now: datetime) -> bool:
    """True once an attempt's deadline (plus the grace for a submit in flight) has passed."""
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
    if not attempt.is_open or past_deadline(attempt, now):
        return False
    for item in attempt.items:
        if item.position in answers:
            item.response = list(answers[item.position])
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
