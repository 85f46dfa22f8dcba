"""The attempt as the answer view reads it: one Core statement, plain objects, no ORM instance.

A submit reads the attempt, its quiz and its items with the version columns it grades with,
then writes through Core UPDATEs (course/quiz/submit.py). Hydrating ORM instances for that
(one attempt, a quiz, an item and a version per question) cost more than the SQL, and
nothing in the request needs an identity map: the versions are immutable, and the attempt is
changed only by the conditional UPDATEs that keep a submit graded exactly once. The take and
review pages, the API and start_attempt keep loading ORM instances (permissions.own_attempt);
decode_answers and finalize_attempt accept either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from flask import abort
from sqlalchemy import Select, bindparam, select

from course.extensions import db
from course.models import Attempt, AttemptItem, AttemptStatus, QuestionVersion, Quiz, QuizKind
from course.permissions import ensure_self
from course.quiz.settings import QuizRules


@dataclass(frozen=True, slots=True)
class GradingVersion:
    """What decoding and grading read of a question version (immutable, like the version)."""

    qtype: str
    options: list[dict[str, Any]]
    tags: list[str]


@dataclass(slots=True)
class SheetItem:
    """One question of the attempt: its row's columns and the version it shows."""

    id: int
    position: int
    option_order: list[str]
    response: list[str] | None
    score: float | None
    version: GradingVersion


@dataclass(frozen=True, slots=True)
class SheetQuiz:
    """The attempt's quiz, as far as recording a pass needs it."""

    kind: QuizKind
    module_id: int | None
    course_id: int


@dataclass(slots=True)
class AnswerSheet:
    """An attempt read for answering: the columns of its row, its quiz and its items."""

    id: int
    user_id: int
    seed: int
    status: AttemptStatus
    settings: dict[str, Any]
    deadline: datetime | None
    submitted_at: datetime | None
    score: float | None
    passed: bool | None
    late: bool
    quiz: SheetQuiz
    items: list[SheetItem]

    @property
    def rules(self) -> QuizRules:
        """The settings frozen when the attempt started (as Attempt.rules)."""
        return QuizRules.from_raw(self.settings)

    @property
    def is_open(self) -> bool:
        """True while the learner may still answer (as Attempt.is_open)."""
        return self.status == AttemptStatus.IN_PROGRESS


_ATTEMPT_COLUMNS = ("id", "user_id", "seed", "status", "settings", "deadline")
_RESULT_COLUMNS = ("submitted_at", "score", "passed", "late")
_ITEM_COLUMNS = ("id", "position", "option_order", "response", "score")


@cache
def _statement() -> Select:
    """Built once per process: the attempt's row, its quiz's and one row per item, in order.

    The items are outer-joined, so an attempt without items still reads as one row."""
    attempts, quizzes = Attempt.__table__, Quiz.__table__
    items, versions = AttemptItem.__table__, QuestionVersion.__table__
    return (
        select(
            *(attempts.c[name] for name in _ATTEMPT_COLUMNS + _RESULT_COLUMNS),
            quizzes.c.kind,
            quizzes.c.module_id,
            quizzes.c.course_id,
            *(items.c[name].label(f"item_{name}") for name in _ITEM_COLUMNS),
            versions.c.qtype,
            versions.c.options,
            versions.c.tags,
        )
        .select_from(attempts)
        .join(quizzes, quizzes.c.id == attempts.c.quiz_id)
        .outerjoin(items, items.c.attempt_id == attempts.c.id)
        .outerjoin(versions, versions.c.id == items.c.question_version_id)
        .where(attempts.c.id == bindparam("attempt_id"))
        .order_by(items.c.position)
    )


def load_sheet(attempt_id: int) -> AnswerSheet | None:
    """The attempt with its quiz and items as plain objects, or None when there is none."""
    rows = db.session.execute(_statement(), {"attempt_id": attempt_id}).all()
    if not rows:
        return None
    first = rows[0]._mapping
    items = [
        SheetItem(
            row.item_id,
            row.item_position,
            row.item_option_order,
            row.item_response,
            row.item_score,
            GradingVersion(row.qtype, row.options, row.tags or []),
        )
        for row in rows
        if row.item_id is not None
    ]
    return AnswerSheet(
        **{name: first[name] for name in _ATTEMPT_COLUMNS + _RESULT_COLUMNS},
        quiz=SheetQuiz(first["kind"], first["module_id"], first["course_id"]),
        items=items,
    )


def refresh_sheet(sheet: AnswerSheet) -> None:
    """Read the sheet's attempt again, in place (after another submit graded it first)."""
    fresh = load_sheet(sheet.id)
    if fresh is None:  # deleted meanwhile (an admin removed the learner's data)
        abort(404)
    for name in AnswerSheet.__slots__:
        setattr(sheet, name, getattr(fresh, name))


def own_sheet(attempt_id: int) -> AnswerSheet:
    """The current user's attempt, read for answering; 404 when it is not theirs (or absent)."""
    sheet = load_sheet(attempt_id)
    if sheet is None:
        abort(404)
    ensure_self(sheet.user_id)
    return sheet
