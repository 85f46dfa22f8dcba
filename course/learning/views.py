"""Learning blueprint: catalog, course page, module page, dashboard."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from course import clock
from course.ce.outcomes import due_follow_ups
from course.ce.services import today
from course.ce.summary import ce_summary
from course.certificates.eligibility import load_eligibility
from course.certificates.journey import next_steps
from course.dbsetup import db_write
from course.extensions import db
from course.learning.learner import ProgressRow, learner_states
from course.learning.progress import CourseState, load_course_states
from course.learning.services import (
    complete_module,
    enroll,
    mark_course_complete,
    needs_view_update,
    record_view,
)
from course.models import Course, PublishStatus

bp = Blueprint("learning", __name__)


def _state_or_404(slug: str) -> CourseState:
    states = load_course_states(current_user.id, slug)
    if not states:
        abort(404)
    return states[0]


IDENTIFIER_RE = re.compile(r"\s*(?:doi:\s*\S+?|PMID:\s*\d+|PMCID:\s*PMC\d+)\.?(?=\s|$)", re.I)


@bp.app_template_filter("bare_citation")
def bare_citation(citation: str) -> str:
    """A citation without its DOI and PMID, which the reference list links to separately."""
    return IDENTIFIER_RE.sub("", citation or "").strip()


@bp.route("/")
def catalog() -> str:
    """List the published courses (anyone)."""
    courses = db.session.scalars(
        select(Course).where(Course.status == PublishStatus.PUBLISHED).order_by(Course.title)
    ).all()
    return render_template("learning/catalog.html", courses=courses)


@bp.route("/courses/<course_slug>")
def course_page(course_slug: str) -> str:
    """Show a course's modules, and for a signed-in learner their status and next step."""
    if current_user.is_authenticated:
        state = _state_or_404(course_slug)
        elig = load_eligibility(current_user.id, state.course, state) if state.enrollment else None
        return render_template(
            "learning/course.html",
            course=state.course,
            state=state,
            elig=elig,
            next_steps=next_steps(current_user.id, [state]),
            ce=ce_summary(state.course),
        )
    course = db.session.scalar(
        select(Course).where(Course.slug == course_slug, Course.status == PublishStatus.PUBLISHED)
    )
    if course is None:
        abort(404)
    return render_template(
        "learning/course.html", course=course, state=None, next_steps={}, ce=ce_summary(course)
    )


@bp.route("/courses/<course_slug>/enroll", methods=["POST"])
@login_required
def enroll_course(course_slug: str) -> Response:
    """Enrol the signed-in user and open the first module (signed-in users)."""
    state = _state_or_404(course_slug)
    enroll(current_user.id, state.course)
    db.session.commit()
    if not state.modules:
        return redirect(url_for("learning.course_page", course_slug=course_slug))
    first = state.modules[0].module
    return redirect(url_for("learning.module", course_slug=course_slug, module_slug=first.slug))


@bp.route("/courses/<course_slug>/modules/<module_slug>")
@login_required
def module(course_slug: str, module_slug: str) -> str | Response:
    """Show a lesson and record the visit (enrolled learners; staff preview without tracking)."""
    states = learner_states(current_user.id, course_slug)
    if not states:
        abort(404)
    state = states[0]
    index = next((i for i, m in enumerate(state.modules) if m.module.slug == module_slug), None)
    if index is None:
        abort(404)
    module_state = state.modules[index]
    tracking = state.enrollment is not None
    if not tracking and not current_user.is_staff:
        flash("Enrol in the course to start this module.", "info")
        return redirect(url_for("learning.course_page", course_slug=course_slug))
    if module_state.locked and not current_user.is_staff:
        previous = state.modules[index - 1].module
        flash(f"Complete module {previous.position}, “{previous.title}”, first.", "warning")
        return redirect(url_for("learning.course_page", course_slug=course_slug))
    if tracking and needs_view_update(module_state.progress, clock.now()):
        with db_write():
            now = record_view(current_user.id, module_state.module, clock.now())
        if module_state.progress is None:  # first visit: show it as started, without a re-query
            module_state.progress = ProgressRow(module_state.module.id, now, now)
    return render_template(
        "learning/module.html",
        course=state.course,
        state=state,
        module_state=module_state,
        module=module_state.module,
        previous=state.modules[index - 1].module if index > 0 else None,
        following=state.modules[index + 1].module if index + 1 < len(state.modules) else None,
        following_locked=(
            index + 1 < len(state.modules)
            and state.modules[index + 1].locked
            and not current_user.is_staff
        ),
        tracking=tracking,
    )


@bp.route("/courses/<course_slug>/modules/<module_slug>/complete", methods=["POST"])
@login_required
def complete(course_slug: str, module_slug: str) -> Response:
    """Mark a quiz-less module complete after reading it (enrolled learners)."""
    state = _state_or_404(course_slug)
    module_state = next((m for m in state.modules if m.module.slug == module_slug), None)
    if module_state is None or state.enrollment is None:
        abort(404)
    if module_state.quiz is not None:
        flash("This module is completed by passing its quiz.", "info")
        return redirect(url_for("quiz.overview", quiz_id=module_state.quiz.quiz.id))
    if module_state.locked:
        abort(403)
    if not complete_module(current_user.id, module_state.module.id):
        flash("Open the lesson before marking it complete.", "warning")
        return redirect(
            url_for("learning.module", course_slug=course_slug, module_slug=module_slug)
        )
    refreshed = load_course_states(current_user.id, course_slug)[0]
    if refreshed.course_complete:
        mark_course_complete(current_user.id, refreshed.course.id)
    db.session.commit()
    flash(f"Module {module_state.module.position} complete.", "success")
    return redirect(url_for("learning.dashboard"))


@bp.route("/dashboard")
@login_required
def dashboard() -> str:
    """Show "My learning": each enrolled course's progress, next step and resume link."""
    states = learner_states(current_user.id)
    return render_template(
        "learning/dashboard.html",
        states=states,
        next_steps=next_steps(current_user.id, states),
        follow_ups=due_follow_ups(current_user.id, today()),
    )
