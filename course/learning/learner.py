"""A learner's state in one or every enrolled course, in ONE statement, over the cached structure.

The statement (a UNION ALL of three row kinds) returns, per course: its structure version, the
learner's enrolment and CE gate rows; per module: the learner's progress; per quiz: their
attempt aggregate. The structure itself comes from the per-process read model
(course/learning/readmodel.py), keyed by the version just read, so it is never stale. With the
Flask-Login user load, a learner page costs two round trips. The result is kept with the request
(its WSGI environ, which dies with it), so the CE gate and the view share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from flask import has_request_context, request
from sqlalchemy import (
    Float,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal_column,
    null,
    select,
)
from sqlalchemy.sql import Select

from course.extensions import db
from course.learning.progress import CourseState, QuizState, build_state
from course.learning.readmodel import course_view
from course.models import (
    ActivityAcknowledgement,
    Attempt,
    AttemptStatus,
    Course,
    Enrollment,
    Module,
    ModuleProgress,
    PreTest,
    PublishStatus,
)
from course.models.types import UTCDateTime

MEMO = "practicum.learner_states"


@dataclass(frozen=True, slots=True)
class EnrollmentRow:
    """The learner's enrolment in a course."""

    id: int
    enrolled_at: datetime | None
    completed_at: datetime | None


@dataclass(slots=True)
class ProgressRow:
    """The learner's progress in one module (mutable: the module page records a first view)."""

    module_id: int
    first_viewed_at: datetime
    last_viewed_at: datetime
    completed_at: datetime | None = None


USER, SLUG = bindparam("learner_id", type_=Integer()), bindparam("course_slug")
# Core tables, not ORM entities: a statement of plain columns runs on the Core path, which skips
# the ORM's execution machinery (about a fifth of this query's cost in-process).
COURSE, ENROLLMENT, MODULE = Course.__table__.c, Enrollment.__table__.c, Module.__table__.c
PROGRESS, ATTEMPT = ModuleProgress.__table__.c, Attempt.__table__.c
ACK, PRETEST = ActivityAcknowledgement.__table__.c, PreTest.__table__.c


def _courses(user_id: Any, by_slug: bool) -> Select:
    """Published courses by slug (one) or every course the learner is enrolled in."""
    course = Course.__table__.alias("published").c
    stmt = select(course.id).where(course.status == PublishStatus.PUBLISHED)
    if by_slug:
        return stmt.where(course.slug == SLUG)
    enrolled = select(ENROLLMENT.course_id).where(ENROLLMENT.user_id == user_id)
    return stmt.where(course.id.in_(enrolled))


@cache
def _statement(by_slug: bool) -> Any:
    """Built once per process (two shapes); the learner and slug are bound per execution."""
    user_id = USER
    courses = _courses(user_id, by_slug)
    ack = exists().where(ACK.user_id == user_id, ACK.course_id == COURSE.id)
    pretest = exists().where(
        PRETEST.user_id == user_id,
        PRETEST.course_id == COURSE.id,
        PRETEST.submitted_at.is_not(None),
    )
    # Typed NULLs: PostgreSQL resolves a UNION column from its branches' types.
    no_time, no_int = cast(null(), UTCDateTime()), cast(null(), Integer())
    no_float = cast(null(), Float())
    course_rows = (
        select(
            literal_column("'c'").label("kind"),
            COURSE.id,
            COURSE.structure_version,
            ENROLLMENT.id,
            case((ack, 1), else_=0),
            case((pretest, 1), else_=0),
            ENROLLMENT.enrolled_at,
            ENROLLMENT.completed_at,
            no_time,
            no_float,
        )
        .select_from(Course.__table__)
        .outerjoin(
            Enrollment.__table__,
            and_(ENROLLMENT.course_id == COURSE.id, ENROLLMENT.user_id == user_id),
        )
        .where(COURSE.id.in_(courses))
    )
    progress_rows = (
        select(
            literal_column("'p'"),
            MODULE.course_id,
            PROGRESS.module_id,
            no_int,
            no_int,
            no_int,
            PROGRESS.first_viewed_at,
            PROGRESS.last_viewed_at,
            PROGRESS.completed_at,
            no_float,
        )
        .select_from(ModuleProgress.__table__)
        .join(Module.__table__, MODULE.id == PROGRESS.module_id)
        .where(PROGRESS.user_id == user_id, MODULE.course_id.in_(courses))
    )
    submitted = ATTEMPT.status == AttemptStatus.SUBMITTED
    attempt_rows = (
        select(
            literal_column("'q'"),
            ATTEMPT.quiz_id,  # course id is not needed: quiz ids are unique
            ATTEMPT.quiz_id,
            func.count(case((submitted, ATTEMPT.id))),
            func.max(case((and_(submitted, ATTEMPT.passed), 1), else_=0)),
            func.max(case((ATTEMPT.status == AttemptStatus.IN_PROGRESS, ATTEMPT.id))),
            func.max(ATTEMPT.submitted_at),
            no_time,
            no_time,
            func.max(case((submitted, ATTEMPT.score))),
        )
        .where(ATTEMPT.user_id == user_id)
        .group_by(ATTEMPT.quiz_id)
    )
    return course_rows.union_all(progress_rows, attempt_rows)


def learner_states(user_id: int, course_slug: str | None = None) -> list[CourseState]:
    """The learner's state in a published course (by slug) or in every enrolled course."""
    memo = request.environ.setdefault(MEMO, {}) if has_request_context() else {}
    key = (user_id, course_slug)
    if key not in memo:
        memo[key] = _load(user_id, course_slug)
    return memo[key]


def forget_learner_states() -> None:
    """Drop the request's memo after a write that changes the learner's state."""
    if has_request_context():
        request.environ.pop(MEMO, None)


def _load(user_id: int, course_slug: str | None) -> list[CourseState]:
    courses: list[tuple[Any, ...]] = []
    progress: dict[int, ProgressRow] = {}
    attempts: dict[int, tuple[Any, ...]] = {}
    params = {"learner_id": user_id, "course_slug": course_slug}
    for row in db.session.execute(_statement(course_slug is not None), params):
        kind = row[0]
        if kind == "c":
            courses.append(row)
        elif kind == "p":
            progress[row[2]] = ProgressRow(row[2], row[6], row[7], row[8])
        else:
            attempts[row[2]] = row
    states = []
    for row in courses:
        view = course_view(row[1], row[2])
        enrollment = EnrollmentRow(row[3], row[6], row[7]) if row[3] is not None else None
        quizzes = {}
        for quiz in view.quizzes:
            found = attempts.get(quiz.id)
            if found is None:
                quizzes[quiz.id] = QuizState(quiz)
            else:
                used, passed, open_id, last, best = found[3], found[4], found[5], found[6], found[9]
                quizzes[quiz.id] = QuizState(quiz, used, best, bool(passed), open_id, last)
        state = build_state(view, enrollment, progress, quizzes)
        state.acknowledged, state.pretest_submitted = bool(row[4]), bool(row[5])
        states.append(state)
    states.sort(key=lambda s: s.course.title)
    return states
