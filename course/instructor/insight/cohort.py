"""Cohort report for staff: learners x modules, filters, pagination, streamed CSV, charts data.

Plain functions over explicit arguments (never `request`); a fixed number of queries whatever
the number of learners.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Row, Select, case, exists, func, null, or_, select
from sqlalchemy.orm import aliased

from course.extensions import db
from course.models import (
    Attempt,
    AttemptStatus,
    Course,
    Enrollment,
    Module,
    ModuleProgress,
    PublishStatus,
    Quiz,
    QuizKind,
    Role,
    User,
)
from course.pagination import PER_PAGE, Page, clamp

CSV_BATCH = 500
STATES = {"complete": "Complete", "in_progress": "In progress", "not_started": "Not started"}
MODULE_STATUS = {None: "not started", 1: "in progress", 2: "complete"}


@dataclass(frozen=True)
class CohortFilters:
    """Which enrolments the cohort report shows (None: no restriction)."""

    profession: str | None = None
    state: str | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    search: str | None = None


@dataclass(frozen=True)
class Cohort:
    """The report's columns for one course: published modules, their quizzes, the final."""

    course: Course
    modules: list[Module]
    quizzes: dict[int, Quiz]
    final: Quiz | None


@dataclass(frozen=True)
class LearnerRow:
    """One learner's line: module statuses and best scores, final best, completion date."""

    name: str
    email: str
    profession: str
    enrolled_at: datetime
    completed_at: datetime | None
    statuses: tuple[str, ...]
    scores: tuple[float | None, ...]
    final: float | None


def cohort_for(course: Course) -> Cohort:
    """Load the course's report columns (its quizzes in one query)."""
    quizzes = db.session.scalars(select(Quiz).where(Quiz.course_id == course.id)).all()
    return Cohort(
        course,
        [m for m in course.modules if m.status == PublishStatus.PUBLISHED],
        {q.module_id: q for q in quizzes if q.kind == QuizKind.MODULE and q.module_id},
        next((q for q in quizzes if q.kind == QuizKind.FINAL), None),
    )


def busiest_course(courses: list[Course]) -> Course | None:
    """The course with the most enrolled learners; ties go to a published one, then list order.

    The report opens on it, so an instructor lands on real figures, not an empty draft.
    """
    counts = dict(
        db.session.execute(
            select(Enrollment.course_id, func.count())
            .join(User, User.id == Enrollment.user_id)
            .where(User.role == Role.LEARNER)
            .group_by(Enrollment.course_id)
        ).all()
    )
    ranked = sorted(
        enumerate(courses),
        key=lambda ic: (-counts.get(ic[1].id, 0), ic[1].status != PublishStatus.PUBLISHED, ic[0]),
    )
    return ranked[0][1] if ranked else None


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _conditions(cohort: Cohort, f: CohortFilters) -> list[ColumnElement[bool]]:
    """WHERE clauses over Enrollment joined to User."""
    conds = [Enrollment.course_id == cohort.course.id, User.role == Role.LEARNER]
    if f.profession:
        conds.append(User.profession == f.profession)
    if f.search:
        pattern = _like(f.search)
        conds.append(
            or_(User.full_name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\"))
        )
    if f.enrolled_from:
        conds.append(Enrollment.enrolled_at >= _midnight(f.enrolled_from))
    if f.enrolled_to:
        conds.append(Enrollment.enrolled_at < _midnight(f.enrolled_to + timedelta(days=1)))
    if f.state == "complete":
        conds.append(Enrollment.completed_at.is_not(None))
    elif f.state in ("in_progress", "not_started"):
        progress = aliased(ModuleProgress)
        started = (
            exists()
            .where(
                progress.user_id == Enrollment.user_id,
                progress.module_id.in_([m.id for m in cohort.modules]),
            )
            .correlate(Enrollment)
        )
        conds += [
            Enrollment.completed_at.is_(None),
            started if f.state == "in_progress" else ~started,
        ]
    return conds


def _learners(cohort: Cohort, f: CohortFilters) -> Select:
    """The filtered learners' ids, for use as a subquery."""
    return (
        select(Enrollment.user_id)
        .join(User, User.id == Enrollment.user_id)
        .where(*_conditions(cohort, f))
    )


def _best(quiz: Quiz | None) -> ColumnElement:
    """Correlated: the learner's best submitted score on this quiz (NULL when none)."""
    if quiz is None:
        return null()
    return (
        select(func.max(Attempt.score))
        .where(
            Attempt.user_id == Enrollment.user_id,
            Attempt.quiz_id == quiz.id,
            Attempt.status == AttemptStatus.SUBMITTED,
        )
        .scalar_subquery()
    )


def _status(module: Module) -> ColumnElement:
    """Correlated: 2 complete, 1 opened, NULL never opened."""
    done = case((ModuleProgress.completed_at.is_not(None), 2), else_=1)
    return (
        select(done)
        .where(ModuleProgress.user_id == Enrollment.user_id, ModuleProgress.module_id == module.id)
        .scalar_subquery()
    )


def _rows_stmt(cohort: Cohort, f: CohortFilters, page: int | None = None) -> Select:
    """One row per learner with every column the report shows, sorted by name.

    For a page, the 50 enrolments are picked first in a subquery, so the per-learner
    subqueries run for those rows only, not for every learner before the sort.
    """
    order = (func.lower(User.full_name), User.id)
    where = _conditions(cohort, f)
    if page is not None:
        keys = (
            select(Enrollment.id)
            .join(User, User.id == Enrollment.user_id)
            .where(*where)
            .order_by(*order)
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        )
        where = [Enrollment.id.in_(keys)]
    return (
        select(
            User.full_name,
            User.email,
            User.profession,
            Enrollment.enrolled_at,
            Enrollment.completed_at,
            *[_status(m) for m in cohort.modules],
            *[_best(cohort.quizzes.get(m.id)) for m in cohort.modules],
            _best(cohort.final),
        )
        .join(User, User.id == Enrollment.user_id)
        .where(*where)
        .order_by(*order)
    )


def _learner(row: Row, modules: int) -> LearnerRow:
    statuses = tuple(MODULE_STATUS.get(s, "not started") for s in row[5 : 5 + modules])
    scores = tuple(row[5 + modules : 5 + 2 * modules])
    return LearnerRow(*row[:5], statuses, scores, row[-1])


def cohort_page(cohort: Cohort, f: CohortFilters, page: int) -> Page[LearnerRow]:
    """Return one page of learners (two queries: the count, then the page)."""
    total = db.session.scalar(select(func.count()).select_from(_learners(cohort, f).subquery()))
    page, _ = clamp(page, total or 0, PER_PAGE)
    stmt = _rows_stmt(cohort, f, page)
    rows = [_learner(r, len(cohort.modules)) for r in db.session.execute(stmt)]
    return Page(rows, page, PER_PAGE, total or 0)


def iter_cohort(
    cohort: Cohort, f: CohortFilters, batch: int = CSV_BATCH
) -> Iterator[list[LearnerRow]]:
    """Yield every filtered learner in batches from ONE streamed query (yield_per)."""
    stmt = _rows_stmt(cohort, f).execution_options(yield_per=batch)
    for part in db.session.execute(stmt).partitions():
        yield [_learner(r, len(cohort.modules)) for r in part]


def funnel(cohort: Cohort, f: CohortFilters, enrolled: int) -> list[tuple[str, int]]:
    """Learners who completed each module, then passed the final (two queries)."""
    learners = _learners(cohort, f)
    done = dict(
        db.session.execute(
            select(ModuleProgress.module_id, func.count())
            .where(
                ModuleProgress.module_id.in_([m.id for m in cohort.modules]),
                ModuleProgress.completed_at.is_not(None),
                ModuleProgress.user_id.in_(learners),
            )
            .group_by(ModuleProgress.module_id)
        ).all()
    )
    stages = [("Enrolled", enrolled)]
    stages += [(f"Module {m.position}: {m.title}", done.get(m.id, 0)) for m in cohort.modules]
    if cohort.final is not None:
        passed = db.session.scalar(
            select(func.count(func.distinct(Attempt.user_id))).where(
                Attempt.quiz_id == cohort.final.id,
                Attempt.status == AttemptStatus.SUBMITTED,
                Attempt.passed.is_(True),
                Attempt.user_id.in_(learners),
            )
        )
        stages.append(("Final exam passed", passed or 0))
    return stages


def final_histogram(cohort: Cohort, f: CohortFilters) -> list[int]:
    """Learners per 10% bin of their best final score; 100% falls in the top bin (one query)."""
    bins = [0] * 10
    if cohort.final is None:
        return bins
    best = (
        select(func.max(Attempt.score).label("best"))
        .where(
            Attempt.quiz_id == cohort.final.id,
            Attempt.status == AttemptStatus.SUBMITTED,
            Attempt.user_id.in_(_learners(cohort, f)),
        )
        .group_by(Attempt.user_id)
        .subquery()
    )
    bucket = case(*[(best.c.best >= i / 10, i) for i in range(9, 0, -1)], else_=0)
    binned = select(bucket.label("bin")).select_from(best).subquery()
    for index, count in db.session.execute(
        select(binned.c.bin, func.count()).group_by(binned.c.bin)
    ):
        bins[int(index)] = count
    return bins
