"""The short CE facts a course page (and the staff module list) shows, computed by the view."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from course.ce.activity import load_activity, publish_blockers
from course.ce.claims import claim_problems
from course.ce.registry import CREDIT_TYPES
from course.ce.services import expiry_notice, today
from course.models import Course
from course.permissions import staff_preview


def ce_summary(course: Course) -> dict[str, Any] | None:
    """The CE facts for `course` as the signed-in reader sees them (None without CE data)."""
    activity = load_activity(course)
    if activity is None:
        return None
    on = today()
    staff = staff_preview()
    learner = current_user.is_authenticated and not staff
    return {
        "claim_problems": claim_problems(current_user, course) if learner else [],
        "activity": activity,
        "notice": expiry_notice(activity, on),
        "review_due": staff and activity.review_due(on),
        "blockers": publish_blockers(activity, on) if staff else [],
        "types": CREDIT_TYPES,
    }
