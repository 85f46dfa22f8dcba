"""Progress services: enrol, record a lesson view, complete a module. Callers commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from course import clock
from course.extensions import db
from course.models import Course, Enrollment, Module, ModuleProgress


def _insert(model: type[db.Model]):
    """Return a dialect insert that supports ON CONFLICT (SQLite and PostgreSQL)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def enroll(user_id: int, course: Course) -> Enrollment:
    """Enrol a learner in a course; enrolling twice is harmless."""
    stmt = (
        _insert(Enrollment)
        .values(user_id=user_id, course_id=course.id, enrolled_at=clock.now())
        .on_conflict_do_nothing(index_elements=["user_id", "course_id"])
    )
    db.session.execute(stmt)
    return db.session.scalars(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.course_id == course.id)
    ).one()


# Like Moodle's lastaccess throttle: "last viewed" is kept to the minute, so re-reading a page
# within a minute costs no write (and takes no SQLite write lock).
VIEW_UPDATE_INTERVAL = timedelta(seconds=60)


def needs_view_update(progress: ModuleProgress | None, now: datetime) -> bool:
    """True on a first visit or when the stored last-viewed time is over a minute old."""
    return progress is None or now - progress.last_viewed_at >= VIEW_UPDATE_INTERVAL


def record_view(user_id: int, module: Module, now: datetime | None = None) -> datetime:
    """Record that a learner opened a lesson (first and last viewed) in one statement."""
    now = now or clock.now()
    stmt = _insert(ModuleProgress).values(
        user_id=user_id, module_id=module.id, first_viewed_at=now, last_viewed_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id", "module_id"], set_={"last_viewed_at": now}
    )
    db.session.execute(stmt)
    return now


# Built once (Core). Every quiz pass runs these; built per call as ORM-enabled UPDATEs they cost
# more than the SQL itself (construction, cache key, the ORM's session synchronisation). The one
# synchronisation they need is _expire_loaded's. Bound names differ from the columns' names,
# which SQLAlchemy reserves.
_PROGRESS = ModuleProgress.__table__
_COMPLETE_MODULE = (
    update(_PROGRESS)
    .where(
        _PROGRESS.c.user_id == bindparam("progress_user"),
        _PROGRESS.c.module_id == bindparam("progress_module"),
        _PROGRESS.c.completed_at.is_(None),
    )
    .values(completed_at=bindparam("completed"))
)
_ENROLMENTS = Enrollment.__table__
_COMPLETE_COURSE = (
    update(_ENROLMENTS)
    .where(
        _ENROLMENTS.c.user_id == bindparam("enrolled_user"),
        _ENROLMENTS.c.course_id == bindparam("enrolled_course"),
        _ENROLMENTS.c.completed_at.is_(None),
    )
    .values(completed_at=bindparam("completed"))
)


def _expire_loaded(model: type[db.Model], user_id: int, column: str, value: int) -> None:
    """Expire the completion time of any row of `model` this session has loaded for the
    learner, so that reading it again (in this transaction) sees the Core UPDATE."""
    for instance in list(db.session.identity_map.values()):
        state = instance.__dict__
        if (
            type(instance) is model
            and state.get("user_id") == user_id
            and state.get(column) == value
        ):
            db.session.expire(instance, ["completed_at"])


def complete_module(user_id: int, module_id: int, *, report: bool = True) -> bool:
    """Mark a module complete for a learner who has opened it; return False if never opened.

    With report=False (a passed quiz) the outcome is not needed and no check query runs.
    """
    result = db.session.execute(
        _COMPLETE_MODULE,
        {"progress_user": user_id, "progress_module": module_id, "completed": clock.now()},
    )
    if result.rowcount:
        _expire_loaded(ModuleProgress, user_id, "module_id", module_id)
    if result.rowcount or not report:
        return bool(result.rowcount)
    return (
        db.session.scalar(
            select(ModuleProgress.id).where(
                ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id
            )
        )
        is not None
    )


def mark_course_complete(user_id: int, course_id: int) -> None:
    """Stamp the enrolment's completion time once."""
    result = db.session.execute(
        _COMPLETE_COURSE,
        {"enrolled_user": user_id, "enrolled_course": course_id, "completed": clock.now()},
    )
    if result.rowcount:
        _expire_loaded(Enrollment, user_id, "course_id", course_id)
