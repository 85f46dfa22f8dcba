"""Role-matrix rows for the question bank (course/instructor/bank.py)."""

from __future__ import annotations

from course.models import Attempt

STAFF_GET = ("GET", "login", 403, 200, 200)
STAFF_POST = ("POST", "login", 403, 302, 302)

ROWS = {
    "instructor.questions": STAFF_GET,
    "instructor.question_new": STAFF_GET,
    "instructor.question_edit": STAFF_GET,
    "instructor.question_history": STAFF_GET,
    "instructor.question_publish": STAFF_POST,
    "instructor.question_retire": STAFF_POST,
    "instructor.question_restore": STAFF_POST,
    "instructor.question_version_restore": STAFF_POST,
    "instructor.question_delete": STAFF_POST,
    "instructor.question_regrade": STAFF_GET,
    "instructor.question_regrade_apply": STAFF_POST,
    "instructor.quiz_settings": STAFF_GET,
    "instructor.bank_export": STAFF_GET,
    "instructor.bank_import": STAFF_GET,
}


def extend_world(world: dict, db, make_user) -> None:
    """Point question URLs at a question the world's learner has attempted (never deletable)."""
    attempt = db.session.get(Attempt, world["attempt_id"])
    world["question_id"] = attempt.items[0].version.question_id
    world["number"] = 1  # the version "Restore this version" names
