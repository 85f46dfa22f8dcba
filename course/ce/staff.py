"""The staff home: what needs attention across courses (certificates, dates, disclosures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from course.admin.services import QueueRow, certificate_queue
from course.ce.activity import (
    Activity,
    disclosure_expires,
    expiring_disclosures,
    load_activity,
    publish_blockers,
)
from course.ce.claims import claim_problems
from course.extensions import db
from course.models import Course


@dataclass
class CourseWatch:
    """One course's CE state on the staff home."""

    course: Course
    activity: Activity
    review_due: bool
    expiring_soon: bool
    expired: bool
    disclosures: list[tuple[str, date]] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        """Anything to show for this course."""
        return bool(
            self.review_due
            or self.expiring_soon
            or self.expired
            or self.disclosures
            or self.blockers
        )


@dataclass
class StaffHome:
    """Everything the staff home lists."""

    queue: list[tuple[QueueRow, list[str]]]
    courses: list[CourseWatch]


def course_watch(course: Course, activity: Activity, today: date) -> CourseWatch:
    """Review, expiry, disclosure and publish state of one course."""
    return CourseWatch(
        course=course,
        activity=activity,
        review_due=activity.review_due(today),
        expiring_soon=activity.expiring_soon(today),
        expired=activity.expired(today),
        disclosures=[
            (p.name, disclosure_expires(p)) for p in expiring_disclosures(activity, today)
        ],
        blockers=publish_blockers(activity, today),
    )


def staff_home(today: date) -> StaffHome:
    """Certificates awaiting approval (with claim problems) and courses needing attention."""
    queue = [(row, claim_problems(row.user, row.course)) for row in certificate_queue()]
    watches = []
    for course in db.session.scalars(select(Course).order_by(Course.title)):
        activity = load_activity(course)
        if activity is not None:
            watches.append(course_watch(course, activity, today))
    return StaffHome(queue=queue, courses=watches)
