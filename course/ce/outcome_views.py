"""Pre-test, follow-up survey and the staff outcomes report (part of the CE blueprint)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from course import clock
from course.auth.session_user import signed_in_user
from course.ce.charts import outcome_charts
from course.ce.outcomes import (
    MADE_CHANGE,
    SMALL_N,
    FollowUpError,
    due_follow_ups,
    outcomes_report,
    record_follow_up,
)
from course.ce.pretest import (
    PreTestError,
    pretest_of,
    pretest_size,
    start_pretest,
    submit_pretest,
    take_items,
)
from course.ce.services import is_enrolled, today
from course.ce.views import bp, published_course_or_404
from course.models import Course
from course.permissions import staff_required
from course.unit_of_work import commit_or_flash


class FollowUpForm(FlaskForm):
    """Did you make the change you committed to, and what got in the way?"""

    made_change = RadioField(
        "Did you make the change you committed to?",
        choices=[SelectChoice(k, v) for k, v in MADE_CHANGE.items()],
        validators=[InputRequired("Say whether you made the change.")],
    )
    barriers = TextAreaField("What got in the way? (optional)", [Length(max=4000)])


def _first_module(course: Course) -> Response:
    modules = [m for m in course.modules if m.is_published]
    if not modules:
        return redirect(url_for("learning.course_page", course_slug=course.slug))
    return redirect(
        url_for("learning.module", course_slug=course.slug, module_slug=modules[0].slug)
    )


def _pretest_course(course_slug: str) -> Course:
    course = published_course_or_404(course_slug)
    if not pretest_size(course):
        abort(404)
    return course


@bp.route("/courses/<course_slug>/pretest")
@login_required
def pretest(course_slug: str) -> str:
    """Show the pre-test: its start button, its questions, or its score (enrolled learners)."""
    course = _pretest_course(course_slug)
    found = pretest_of(current_user.id, course.id)
    items = take_items(found) if found and found.submitted_at is None else []
    context = {"course": course, "pretest": found, "items": items, "size": pretest_size(course)}
    return render_template("ce/pretest.html", form=FlaskForm(), **context)


@bp.route("/courses/<course_slug>/pretest/start", methods=["POST"])
@login_required
def pretest_start(course_slug: str) -> Response:
    """Draw the learner's pre-test from the final's blueprint (enrolled learners)."""
    course = _pretest_course(course_slug)
    if not is_enrolled(current_user.id, course.id):
        flash("Enrol in the course before taking its pre-test.", "info")
        return redirect(url_for("learning.course_page", course_slug=course.slug))
    with commit_or_flash(PreTestError, category="danger"):
        start_pretest(current_user.id, course, clock.now())
    return redirect(url_for("ce.pretest", course_slug=course.slug))


@bp.route("/courses/<course_slug>/pretest", methods=["POST"])
@login_required
def pretest_submit(course_slug: str) -> Response | tuple[str, int]:
    """Score and close the learner's pre-test, then open module 1 (learners)."""
    course = _pretest_course(course_slug)
    found = pretest_of(current_user.id, course.id)
    form = FlaskForm()
    if found is None or not form.validate_on_submit():
        flash("Start the pre-test first, from this page.", "warning")
        return redirect(url_for("ce.pretest", course_slug=course.slug))
    with commit_or_flash(PreTestError, category="info") as saved:
        score = submit_pretest(found, request.form.to_dict(flat=False), clock.now())
    if not saved:
        return redirect(url_for("ce.pretest", course_slug=course.slug))
    flash(f"Pre-test recorded: {round(score * 100)}%. It does not count towards your grade.")
    return _first_module(course)


@bp.route("/courses/<course_slug>/follow-up", methods=["GET", "POST"])
@login_required
def follow_up(course_slug: str) -> str | Response | tuple[str, int]:
    """Answer the follow-up survey once it is open (learners with a certificate)."""
    course = published_course_or_404(course_slug)
    if not any(d.course.id == course.id for d in due_follow_ups(current_user.id, today())):
        abort(404)
    form = FollowUpForm()
    if form.validate_on_submit():
        barriers = (form.barriers.data or "").replace("\x00", "").strip()
        with commit_or_flash(FollowUpError, flash_errors=False) as saved:
            record_follow_up(signed_in_user(), course, form.made_change.data, barriers, clock.now())
        if isinstance(saved.error, FollowUpError):
            form.made_change.errors = [str(saved.error)]
        if saved:
            flash("Thank you: your follow-up answers were recorded.", "success")
            return redirect(url_for("learning.dashboard"))
    page = render_template("ce/follow_up.html", course=course, form=form)
    return page, 400 if form.is_submitted() else 200


@bp.route("/ce/outcomes/<course_slug>")
@staff_required
def outcomes(course_slug: str) -> str:
    """Show a course's outcomes: knowledge gain, commitments, follow-up results (staff)."""
    course = published_course_or_404(course_slug)
    report = outcomes_report(course)
    charts = outcome_charts(report)
    return render_template(
        "ce/outcomes.html", course=course, report=report, charts=charts, small_n=SMALL_N
    )
