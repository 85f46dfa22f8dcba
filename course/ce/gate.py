"""One request hook guards content for CE: acknowledge the activity page first; no enrolment
once the activity has expired. Staff preview freely; anonymous users meet login_required."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from course.ce.services import enrolment_problem, needs_acknowledgement
from course.extensions import db
from course.learning.learner import learner_states
from course.learning.readmodel import CourseView
from course.models import Course, Quiz
from course.permissions import staff_preview

# Everything that shows or records course content (module pages, quizzes).
CONTENT_ENDPOINTS = frozenset(
    {"learning.module", "learning.complete", "quiz.overview", "quiz.start"}
)
ENROL_ENDPOINT = "learning.enroll_course"


def _course(view_args: dict[str, object]) -> Course | CourseView | None:
    """The course a content URL belongs to."""
    if request.endpoint == "learning.module":
        # The module page's learner query (shared with the view) carries the gate's rows.
        states = learner_states(current_user.id, str(view_args["course_slug"]))
        return states[0].course if states else None
    if "course_slug" in view_args:
        return db.session.scalar(select(Course).where(Course.slug == view_args["course_slug"]))
    if "quiz_id" in view_args:
        quiz = db.session.get(Quiz, view_args["quiz_id"])
        return quiz.course if quiz else None
    return None


def guard_content() -> Response | None:
    """Redirect a learner to the activity page (or away from an expired course's enrolment)."""
    endpoint = request.endpoint
    if endpoint not in CONTENT_ENDPOINTS and endpoint != ENROL_ENDPOINT:
        return None
    if not current_user.is_authenticated or staff_preview():
        return None
    course = _course(request.view_args or {})
    if course is None:
        return None
    if endpoint == ENROL_ENDPOINT:
        problem = enrolment_problem(current_user.id, course)
        if problem:
            flash(problem, "warning")
            return redirect(url_for("learning.course_page", course_slug=course.slug))
        return None
    gate_on = current_app.config.get("CE_ACKNOWLEDGEMENT_GATE", True)
    if endpoint == "learning.module":
        return _guard_module(course, gate_on)
    if gate_on and needs_acknowledgement(current_user.id, course):
        flash("Read and acknowledge the activity information before you start.", "info")
        return redirect(url_for("ce.activity", course_slug=course.slug))
    return None


def _guard_module(course: CourseView, gate_on: bool) -> Response | None:
    """The module page's gate, from the learner state the page itself uses (no query)."""
    state = learner_states(current_user.id, course.slug)[0]
    if gate_on and course.gated and not state.acknowledged:
        flash("Read and acknowledge the activity information before you start.", "info")
        return redirect(url_for("ce.activity", course_slug=course.slug))
    if course.pretest_questions and not state.pretest_submitted:
        flash("Take the short, ungraded pre-test before module 1.", "info")
        return redirect(url_for("ce.pretest", course_slug=course.slug))
    return None
