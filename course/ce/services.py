"""Learner-side CE services: acknowledge the activity page, and what the dates forbid.

Services take explicit arguments, flush but never commit.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from course import clock
from course.ce.activity import Activity, load_activity, publish_blockers
from course.extensions import db
from course.models import ActivityAcknowledgement, Course, Enrollment


def today() -> date:
    """Today's date, from the one clock."""
    return clock.now().date()


def acknowledgement(user_id: int, course_id: int) -> ActivityAcknowledgement | None:
    """The learner's acknowledgement of a course's activity page, if any."""
    return db.session.scalar(
        select(ActivityAcknowledgement).where(
            ActivityAcknowledgement.user_id == user_id,
            ActivityAcknowledgement.course_id == course_id,
        )
    )


def needs_acknowledgement(user_id: int, course: Course) -> bool:
    """True while a gated course's activity page is unacknowledged by this learner."""
    activity = load_activity(course)
    if activity is None or not activity.gated:
        return False
    return acknowledgement(user_id, course.id) is None


def acknowledge(user_id: int, course: Course) -> ActivityAcknowledgement:
    """Record, once and with its time, that a learner acknowledged the activity page."""
    activity = load_activity(course)
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
        ActivityAcknowledgement
    )
    db.session.execute(
        insert.values(
            user_id=user_id,
            course_id=course.id,
            acknowledged_at=clock.now(),
            activity_digest=activity.digest if activity else "",
        ).on_conflict_do_nothing(index_elements=["user_id", "course_id"])
    )
    found = acknowledgement(user_id, course.id)
    assert found is not None  # noqa: S101 - inserted or already there
    return found


def is_enrolled(user_id: int, course_id: int) -> bool:
    """True when the learner is enrolled."""
    return (
        db.session.scalar(
            select(Enrollment.id).where(
                Enrollment.user_id == user_id, Enrollment.course_id == course_id
            )
        )
        is not None
    )


def expiry_notice(activity: Activity | None, on: date | None = None) -> str | None:
    """The notice shown once an activity has passed its expiry date, else None."""
    on = on or today()
    if activity is None or activity.info is None or not activity.expired(on):
        return None
    return (
        f"This activity expired on {activity.info.expiry_date.isoformat()}: it takes no new "
        "enrolments and issues no new certificates. Certificates already issued stay valid."
    )


def enrolment_problem(user_id: int, course: Course) -> str | None:
    """Why a learner may not enrol now (expired, and not already enrolled), or None."""
    notice = expiry_notice(load_activity(course))
    if notice is None or is_enrolled(user_id, course.id):
        return None
    return notice


def issue_problem(course: Course) -> str | None:
    """Why no certificate may be issued for this course now (expired), or None."""
    activity = load_activity(course)
    if activity is None or activity.info is None or not activity.expired(today()):
        return None
    return (
        f"the activity expired on {activity.info.expiry_date.isoformat()}, so no new "
        "certificates can be issued"
    )


def ce_publish_blockers(course: Course) -> list[str]:
    """What in the course's disclosures stops it being published today (empty: nothing)."""
    return publish_blockers(load_activity(course), today())


def course_has_credit(course: Course) -> bool:
    """True when the course designates credit beyond participation (claims are needed)."""
    activity = load_activity(course)
    return activity is not None and bool(activity.credit_designations)
